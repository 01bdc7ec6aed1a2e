"""HTML rendered once per state and language in each web process, for the parts of a page that
only a few things decide and every request shows (the navbar's links, an appeal's status
badge). Each is rendered on its first request in that state and kept: the whole set is a few
hundred entries, so none is bounded. What is kept must depend on its key alone: never on the
reader's name, a token, or what they typed (those are rendered every time)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import get_template_attribute
from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup

from appeals.intake.models import Appeal
from appeals.timeutil import local_today

_kept: dict[tuple, Markup] = {}


def _kept_as(key: tuple, render: Callable[[], str]) -> Markup:
    key = (*key, str(get_locale()))
    html = _kept.get(key)
    if html is None:
        html = _kept[key] = Markup(render())
    return html


def kept_block(name: str, *state: Hashable, caller: Callable[[], str]) -> Markup:
    """A template's `{% call kept_block("name", state...) %}...{% endcall %}`: the block's
    HTML, rendered only when this name, state and language have none kept."""
    return _kept_as(("block", name, *state), caller)


@pass_context
def status_badge(context, appeal: Appeal) -> Markup:
    """The badge of `appeal` on the page's day (the templates' `today`): a list shows one a
    row (the inbox 50, a citizen's list 20), and the macro cost each some 60 µs of lookups
    and lazy translations for HTML that its status, overdue mark and deemed rejection
    decide."""
    today = context.get("today") or local_today()
    state = (appeal.status, appeal.is_overdue_on(today), appeal.is_deemed_rejected_on(today))
    return _kept_as(
        ("badge", *state),
        lambda: get_template_attribute("macros.html", "status_badge_html")(*state),
    )
