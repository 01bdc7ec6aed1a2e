"""HTML rendered once per state and language in each web process, for the parts of a page that
only a few things decide and every request shows (the navbar's links, an appeal's status
badge, a list's page links). Each is rendered on its first request in that state and kept.
What is kept must depend on its key alone: never on the reader's name, a token, or what they
typed (those are rendered every time). The badges and the navbars are a few hundred; the page
links grow with the lists' lengths, some hundreds of bytes each, and are bounded (KEPT)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import get_template_attribute, request
from flask_babel import get_locale
from flask_sqlalchemy.pagination import Pagination
from jinja2 import pass_context
from markupsafe import Markup

from appeals.fragments import kept_in_process
from appeals.intake.models import Appeal
from appeals.timeutil import local_today

KEPT = 20_000  # a few MB a process at most
_kept: dict[tuple, Markup] = {}


def _kept_as(key: tuple, render: Callable[[], str]) -> Markup:
    key = (*key, str(get_locale()))
    return kept_in_process(_kept, key, lambda: Markup(render()), limit=KEPT)


def kept_block(name: str, *state: Hashable, caller: Callable[[], str]) -> Markup:
    """A template's `{% call kept_block("name", state...) %}...{% endcall %}`: the block's
    HTML, rendered only when this name, state and language have none kept."""
    return _kept_as(("block", name, *state), caller)


@pass_context
def status_badge(context, appeal: Appeal) -> Markup:
    """The badge of `appeal` on the page's day (the templates' `today`): a list shows one a
    row (the inbox 25, a citizen's list 20), and the macro cost each some 60 µs of lookups
    and lazy translations for HTML that its status, overdue mark and deemed rejection
    decide."""
    today = context.get("today") or local_today()
    state = (appeal.status, appeal.is_overdue_on(today), appeal.is_deemed_rejected_on(today))
    return _kept_as(
        ("badge", *state),
        lambda: get_template_attribute("macros.html", "status_badge_html")(*state),
    )


def kept_pagination(page: Pagination) -> Markup:
    """Bootstrap-Flask's page links of a list, kept per address and page while the address
    holds no query but the page: a filtered or searched list's are rendered every time (what
    a person typed is never kept). Each link is a url_for, some 0.4 ms a list."""

    def links() -> str:
        render = get_template_attribute("bootstrap5/pagination.html", "render_pagination")
        address = {**request.view_args, **request.args.to_dict()}
        return render(page, endpoint=request.endpoint, args=address)

    if request.args.keys() - {"page"}:
        return Markup(links())
    key = ("pages", request.endpoint, tuple(sorted(request.view_args.items())))
    return _kept_as((*key, page.page, page.pages), links)
