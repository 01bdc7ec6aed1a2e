"""Pure rules of accounts: what makes a password acceptable, and how long an account waits
after wrong passwords."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _
from zxcvbn import zxcvbn

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
# zxcvbn's score (0-4) from its lists of common passwords, words, names and patterns; below 3
# a password falls to an online or slow offline guess (fewer than about 10^10 guesses).
PASSWORD_MIN_SCORE = 3
# The strength check reads this many characters at most (its matching grows with length; a
# password this long is not weak for what follows).
_CHECKED_LENGTH = 64
# Parts of an e-mail or a name shorter than this are not looked for inside the password.
_PERSONAL_MIN = 3


def personal_words(email: str, full_name: str) -> list[str]:
    """The words of an e-mail and a name that a password must not contain: the whole e-mail,
    its local part, and the parts of both (lower case, at least three letters)."""
    email = (email or "").strip().lower()
    local = email.split("@", 1)[0]
    words = {email, local}
    words.update(re.split(r"[\W_]+", local))
    words.update(re.split(r"[\W_]+", (full_name or "").lower()))
    return sorted(word for word in words if len(word) >= _PERSONAL_MIN)


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why this password is refused for the person with this e-mail and name, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Use at least %(n)s characters.", n=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _("Use at most %(n)s characters.", n=PASSWORD_MAX_LENGTH)
    lowered = password.lower()
    personal = personal_words(email, full_name)
    if any(word in lowered for word in personal):
        return _("The password must not contain your e-mail or name.")
    checked = password[:_CHECKED_LENGTH]
    if zxcvbn(checked, user_inputs=personal)["score"] < PASSWORD_MIN_SCORE:
        return _(
            "This password is too common or too easy to guess. Try a few unrelated words "
            "with digits or signs between them."
        )
    return None


def lock_wait(failures: int, *, after: int, first_seconds: int, max_seconds: int) -> timedelta:
    """How long an account waits after `failures` wrong passwords in a row: nothing before
    `after`, then `first_seconds`, doubled with every further one, at most `max_seconds`."""
    if failures < after:
        return timedelta(0)
    doublings = min(failures - after, 32)  # 2**32 s is past any maximum already
    return timedelta(seconds=min(first_seconds * 2**doublings, max_seconds))


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """An account may not sign in before `locked_until`."""
    return locked_until is not None and now < locked_until
