"""Signed, expiring, single-use links sent by e-mail: the staff invitation (sets the first
password), the password reset, the e-mail confirmation and the change of e-mail. A link names
the user and a stamp of what the link changes (the password hash, the e-mail and whether it is
confirmed), so using it spends it; the signature (SECRET_KEY, a salt per purpose) makes it
tamper-proof and the age check expires it."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app
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


ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what Flask's url_for leaves unquoted in an anchor


def site_link(endpoint: str, **values: Any) -> str:
    """An absolute link to a page for a notice or an e-mail, on SITE_URL, whether or not a
    request is being served: commands and jobs have none, and a request's own address may not
    be the public one. Built from the URL map bound to SITE_URL (a notice has several links,
    and a request context made for each cost a receipt's job a tenth of its time)."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "http"
    )
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    link = adapter.build(endpoint, values, force_external=True)
    return f"{link}#{quote(anchor, safe=ANCHOR_SAFE)}" if anchor else link
