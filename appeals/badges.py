"""An appeal's status badge, rendered once per status, overdue, deemed rejected and language in
each web process. A list shows one badge a row (the inbox 50, a citizen's list 20), and the
macro cost each some 60 µs of lookups and lazy translations for HTML that only those four
things decide: some 130 badges in all, kept without a bound."""

from __future__ import annotations

from flask import get_template_attribute
from flask_babel import get_locale
from jinja2 import pass_context
from markupsafe import Markup

from appeals.intake.models import Appeal
from appeals.timeutil import local_today

_kept: dict[tuple, Markup] = {}


@pass_context
def status_badge(context, appeal: Appeal) -> Markup:
    """The badge of `appeal` on the page's day (the templates' `today`)."""
    today = context.get("today") or local_today()
    key = (
        appeal.status,
        appeal.is_overdue_on(today),
        appeal.is_deemed_rejected_on(today),
        str(get_locale()),
    )
    html = _kept.get(key)
    if html is None:
        html = Markup(get_template_attribute("macros.html", "status_badge_html")(*key[:3]))
        _kept[key] = html
    return html
