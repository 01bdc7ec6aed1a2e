"""The interface languages, the language of a new appeal, and the marker of a text for the
catalogue."""

from __future__ import annotations

from flask import current_app, g
from flask_babel import Domain, get_locale
from jinja2 import pass_eval_context
from markupsafe import Markup

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


class OneLookupDomain(Domain):
    """Flask-Babel's message domain, finding the catalogue of the language in force with one
    lookup. Flask-Babel resolves its context three times and formats the locale's name for
    every message (13 µs a message in a template, and a page shows 100-300); here the
    catalogue is kept beside the locale it is for, so a language forced for a notice
    (force_locale) or changed by the switch (refresh) is seen at once."""

    def get_translations(self):
        try:
            babel_context = g._flask_babel  # Flask-Babel's own per-context state
            locale, translations = babel_context.catalogue
            if locale is babel_context.babel_locale:
                return translations
        except (AttributeError, RuntimeError):  # not yet looked up; or no app context
            pass
        translations = super().get_translations()
        try:
            babel_context = g._flask_babel
            babel_context.catalogue = (babel_context.babel_locale, translations)
        except (AttributeError, RuntimeError):
            pass
        return translations


# The process's message domain (Flask-Babel keeps one per process too); create_app puts it in
# Flask-Babel's place.
DOMAIN = OneLookupDomain()


# The templates' `_`, `gettext` and `ngettext` (and so {% trans %}), as Jinja's i18n extension
# makes them in its newstyle (escaped where the template autoescapes, always a format string),
# in one call: the extension's go through three, and the messages are most of a page's calls.
# Positional-only, so that a message may have a variable named like a parameter.
@pass_eval_context
def template_gettext(eval_ctx, string: str, /, **variables) -> str:
    return _formatted(eval_ctx, DOMAIN.get_translations().ugettext(string), variables)


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(
        eval_ctx, DOMAIN.get_translations().ungettext(singular, plural, num), variables
    )


def _formatted(eval_ctx, text: str, variables: dict) -> str:
    if eval_ctx.autoescape:
        text = Markup(text)
    # A text without "%" is its own format (and most messages have none).
    return text % variables if "%" in text else text
