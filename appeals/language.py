"""The interface languages and the two helpers every area needs to mark or store a text."""

from __future__ import annotations

from flask_babel import force_locale

# The interface languages, as the switch offers them (each named in its own language): the
# state language first. The deployment's default is the DEFAULT_LANGUAGE setting.
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def N_(message: str) -> str:
    """Mark a message for the catalogue (Babel extracts N_) and leave it untranslated here."""
    return message


def in_english(label) -> str:
    """A translatable label as stored text: event notes and notice payloads stay English
    whatever the language of the request that writes them."""
    with force_locale("en"):
        return str(label)
