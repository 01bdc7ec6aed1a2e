"""Signed, expiring, single-use links sent by e-mail: the staff invitation (sets the first
password), the password reset, the e-mail confirmation and the change of e-mail. A link names
the user and a stamp of what the link changes (the password hash, the e-mail and whether it is
confirmed), so using it spends it; the signature (SECRET_KEY, a salt per purpose) makes it
tamper-proof and the age check expires it."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from appeals.accounts.models import User
from appeals.extensions import db

INVITATION = "invitation"
RESET = "reset"
VERIFY = "verify"
EMAIL_CHANGE = "email-change"


class LinkRefused(ValueError):
    """An expired, used or tampered link; the message says which."""


EXPIRED = _l("This link has expired. Ask for a new one.")
INVALID = _l("This link is not valid: it was changed or cut short. Open it from the e-mail again.")
USED = _l("This link has been used already.")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"appeals-{purpose}")


def _stamp(user: User, purpose: str) -> str:
    """What the link's use changes: once it has changed, the link is spent."""
    if purpose in (INVITATION, RESET):
        spent_by = user.password_hash
    elif purpose == VERIFY:
        spent_by = f"{user.email}|{user.email_verified_at is not None}"
    else:  # EMAIL_CHANGE
        spent_by = user.email
    return hashlib.sha256(f"{purpose}|{spent_by}".encode()).hexdigest()[:24]


def make_link_token(user: User, purpose: str, **extra: Any) -> str:
    return _serializer(purpose).dumps({"u": user.id, "s": _stamp(user, purpose), **extra})


def user_of_link(token: str, purpose: str, max_age_seconds: int) -> tuple[User, dict[str, Any]]:
    """The user a valid link names, and the link's data; LinkRefused for an expired, tampered
    or used one."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkRefused(str(EXPIRED)) from None
    except BadSignature:
        raise LinkRefused(str(INVALID)) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise LinkRefused(str(INVALID))
    user = db.session.get(User, data["u"])
    if user is None or not user.is_active:
        raise LinkRefused(str(INVALID))
    if data.get("s") != _stamp(user, purpose):
        raise LinkRefused(str(USED))
    return user, data


def site_link(endpoint: str, **values: Any) -> str:
    """An absolute link to a page for a notice or an e-mail, on SITE_URL: commands and jobs
    have no request to build it from, so one is made for the URL map."""
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        return url_for(endpoint, **values, _external=True)
