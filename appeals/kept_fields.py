"""Form fields rendered once per state and language in each web process. Bootstrap-Flask's
render_field with WTForms' widgets costs some 40 µs for a text box and up to a millisecond for
a select of a hundred choices (the category and region trees), on every page that shows the
form. A field's HTML depends only on what its key holds (its class and widget, name, value,
choices, errors, label, description, flags and attributes, the macro's options and the
language), so a field in the same state is the same HTML for every reader: it is rendered
once and kept. Hidden fields, the CSRF token among them, are never kept: the templates render
them apart (form.hidden_tag()). Nor is a field holding what a person typed (a password, an
appeal's text, a search): rendered every time, it is never held in the process beyond its
request; a choice is kept whatever was sent."""

from __future__ import annotations

from typing import Any

from flask import get_template_attribute
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import Field

from appeals.fragments import kept_in_process

# Some 4,000 fields of a few KB at most: under 20 MB a process.
KEPT_FIELDS = 4000
_kept: dict[tuple, Markup] = {}


def _choices(choices: Any) -> tuple:
    """Choices as a key: a list of pairs (or triples), or a dict of groups of them."""
    if isinstance(choices, dict):
        return tuple((str(group), _choices(items)) for group, items in choices.items())
    return tuple(
        tuple(str(part) for part in choice) if isinstance(choice, (tuple, list)) else str(choice)
        for choice in choices or ()
    )


def field_state(field: Field) -> tuple:
    """Everything a field's rendering reads."""
    return (
        type(field),
        type(field.widget),
        field.name,
        field.id,
        repr(field.data),
        repr(field.raw_data),
        tuple(str(error) for error in field.errors),
        str(field.label.text),
        str(field.description),
        repr(field.flags),
        repr(sorted((field.render_kw or {}).items())),
        repr(getattr(field, "format", None)),
        _choices(getattr(field, "choices", None)),
    )


BOOTSTRAP_FIELD = ("bootstrap5/form.html", "render_field")


def kept_field(
    field: Field, *, layout: tuple[str, str] = BOOTSTRAP_FIELD, **options: Any
) -> Markup:
    """A field rendered by a layout's macro (template, macro name: Bootstrap-Flask's
    render_field unless told) with `options`, kept for the field's state (see field_state),
    the layout, the options and the language."""
    if field.raw_data and getattr(field, "choices", None) is None:  # typed by a person
        return Markup(get_template_attribute(*layout)(field, **options))
    key = (field_state(field), layout, repr(sorted(options.items())), str(get_locale()))
    return kept_in_process(
        _kept,
        key,
        lambda: Markup(get_template_attribute(*layout)(field, **options)),
        limit=KEPT_FIELDS,
    )
