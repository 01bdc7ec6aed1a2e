"""The placeholders of an answer template and how a template is filled: pure functions."""

from __future__ import annotations

import string

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# {name} in a template's text is replaced by the appeal's value when an official uses it.
PLACEHOLDERS = {
    "applicant": _l("the applicant's name"),
    "number": _l("the registration number"),
    "submitted_on": _l("the date of submission"),
    "registered_on": _l("the date of registration"),
    "due_on": _l("the due date"),
    "body": _l("the body's name"),
    "executor": _l("the executor's name"),
    "today": _l("today's date"),
}


def placeholders_in(text: str) -> list[str] | None:
    """The placeholder names a template uses, in order; None when its braces are broken."""
    try:
        return [
            name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None
        ]
    except ValueError:
        return None


def placeholder_error(text: str) -> str | None:
    """Why a template's text cannot be filled, or None."""
    names = placeholders_in(text)
    if names is None:
        return _("A brace is not closed: write a placeholder as {number}, and a brace as {{ or }}.")
    unknown = [name for name in names if name not in PLACEHOLDERS]
    if unknown:
        return _(
            "Unknown placeholder {%(name)s}: use one of %(known)s.",
            name=unknown[0],
            known=", ".join(f"{{{known}}}" for known in PLACEHOLDERS),
        )
    return None


def fill(text: str, values: dict[str, str]) -> str:
    """The template's text with each placeholder replaced (the text was checked on saving)."""
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})
