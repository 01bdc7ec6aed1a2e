"""The interface languages, the language of a new appeal, and the marker of a text for the
catalogue."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale

# The interface languages, as the switch offers them (each named in its own language): the
# state language first. The deployment's default is the DEFAULT_LANGUAGE setting.
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def chosen_language(chosen: str | None = None) -> str:
    """The language of a new appeal: the one chosen when it is an interface language, else the
    interface language in use (the request's, or the deployment's default)."""
    if chosen in LANGUAGES:
        return chosen
    current = str(get_locale() or "")
    if current in LANGUAGES:
        return current
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(message: str) -> str:
    """Mark a message for the catalogue (Babel extracts N_) and leave it untranslated here."""
    return message
