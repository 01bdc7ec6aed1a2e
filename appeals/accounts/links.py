"""Signed, expiring, single-use links sent by e-mail: the staff invitation (it sets the first
password). A link names the user and a stamp of their password hash, so setting a password
spends it; the signature (SECRET_KEY) makes it tamper-proof."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from appeals.accounts.models import User
from appeals.extensions import db

INVITATION = "invitation"


class LinkRefused(ValueError):
    """An expired, used or tampered link; the message says which."""


EXPIRED = _l("This link has expired. Ask for a new one.")
INVALID = _l("This link is not valid: it was changed or cut short. Open it from the e-mail again.")
USED = _l("This link has been used already.")


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"appeals-{purpose}")


def _stamp(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_link_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "s": _stamp(user)})


def user_of_link(token: str, purpose: str, max_age_seconds: int) -> User:
    """The user a valid link names; LinkRefused for an expired, tampered or used one."""
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
    if data.get("s") != _stamp(user):
        raise LinkRefused(str(USED))
    return user
