"""One rule for every text a person types, on the site's forms and in the API: Unicode NFC,
surrounding whitespace trimmed, line breaks as "\\n"; control characters (C0, DEL, C1: NUL
among them), lone surrogates and the bidirectional overrides and isolates refused with a
message that names them. Multi-line text (a text area, an appeal's text in the API) keeps
its line breaks and tabs.

Refused rather than removed: a removed override or control character would silently change
what the person sent (a subject written backwards is a different subject), and an appeal is
a legal record of what was sent. Only the surrounding whitespace and the line-break style
are changed without asking, as the browser itself does.

CleanForm applies the rule to every StringField (and its kinds) and TextAreaField of a form;
CleanString is the same rule as a marshmallow field for the API's input schemas."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel.support import NullTranslations, Translations
from flask import abort, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from marshmallow import ValidationError, fields
from wtforms import FileField, MultipleFileField, PasswordField, StringField, TextAreaField
from wtforms.i18n import messages_path

from appeals.oversize import files_refusal

# Embedding and override (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder the text
# shown after them, so "txt.exe" can read "exe.txt" and a subject can read backwards.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_KEEPS = frozenset("\n\t")


class UnsafeText(ValueError):
    """Text with characters that are refused; the message is for the person (translated)."""


def _refused(char: str, multiline: bool) -> bool:
    if char in BIDI_CONTROLS:
        return True
    if multiline and char in MULTILINE_KEEPS:
        return False
    # Cc: C0, DEL and C1 controls (NUL among them); Cs: a lone surrogate (no character at all).
    return unicodedata.category(char) in ("Cc", "Cs")


def refused_characters(text: str, multiline: bool = False) -> list[str]:
    """The refused characters of a text, each once, in the order they first appear."""
    return list(dict.fromkeys(char for char in text if _refused(char, multiline)))


def clean_text(value: str, multiline: bool = False) -> str:
    """The text as it is kept: NFC, trimmed, "\\n" line breaks. Raises UnsafeText naming the
    characters it refuses (as U+XXXX: most of them cannot be seen)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if multiline else value
    text = unicodedata.normalize("NFC", text).strip() if _encodable(text) else text
    refused = refused_characters(text, multiline)
    if refused:
        codes = ", ".join(f"U+{ord(char):04X}" for char in refused)
        raise UnsafeText(
            _(
                "Remove the invisible control or text-direction characters (%(codes)s): they "
                "can hide or reverse what the text says.",
                codes=codes,
            )
        )
    return text


def _encodable(text: str) -> bool:
    """Normalising a lone surrogate fails: such text is refused by the check after."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_nul_in_the_address() -> None:
    """Before every request: a NUL in the path or the query string is a 400. No address of
    the site has one, and PostgreSQL refuses it in any text it is asked to compare (an id or
    code looked up from the address would fail as a 500). Typed text in a form's body gets
    the field's own message from clean_text instead."""
    pairs = request.args.items(multi=True)
    if "\x00" in request.path or any("\x00" in key + value for key, value in pairs):
        abort(400)


def _form_filter(multiline: bool):
    def clean(value):
        # A ValueError from a filter is shown as the field's error (WTForms' process_errors).
        return clean_text(value, multiline) if isinstance(value, str) else value

    return clean


@cache  # one entry per interface language
def _wtforms_catalogue(locale: str) -> Translations:
    """WTForms' catalogue of its own messages for one language, as its package ships it."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages (a required field, a number out of range) in the language in
    force when each is asked for, as Flask-WTF gives them, from a catalogue read once per
    language and process: Flask-WTF reads it from disk again in every request that builds a
    form (0.16-0.23 ms). Outside a request, as written."""

    def gettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)

    @staticmethod
    def _catalogue() -> NullTranslations:
        """The catalogue of the language in force; none (the messages as written) outside a
        request."""
        if not has_request_context():
            return NullTranslations()
        return _wtforms_catalogue(str(get_locale()))


WTFORMS_MESSAGES = WTFormsMessages()


class CleanForm(FlaskForm):
    """The base of every form: each text field passes through clean_text first (a text area
    as multi-line text), before the field's own filters and validators. Passwords are left as
    typed: they are never shown or kept as text, and changing one would lock its owner out."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                multiline = issubclass(field_class, TextAreaField)
                filters = [_form_filter(multiline), *unbound_field.kwargs.get("filters", ())]
                options = {**options, "filters": filters}
            return unbound_field.bind(form=form, **options)

        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_MESSAGES

    def validate(self, extra_validators=None) -> bool:
        """Also refused when the request was too large: its files were dropped unread
        (appeals/oversize.py), so the form is shown again with the message by its files."""
        valid = super().validate(extra_validators)
        refusal = files_refusal()
        if refusal is None:
            return valid
        for field in self:
            if isinstance(field, FileField | MultipleFileField):
                field.errors = [*field.errors, refusal]
        return False


class CleanString(fields.String):
    """A string of the API's input under clean_text (multiline=True for a text that may run
    over several lines); the refusal is a 422 naming the field."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clean_text(text, self.multiline)
        except UnsafeText as refused:
            raise ValidationError(str(refused)) from refused
