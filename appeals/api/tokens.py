"""Personal access tokens: make one (shown once), find the token a request carries, revoke.

Functions flush, never commit; the caller commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.api.models import ApiToken, TokenScope
from appeals.extensions import db
from appeals.timeutil import now_utc

TOKEN_PREFIX = "eap_"
# How long a token may live, in days: the form offers these.
LIFETIMES_DAYS = (7, 30, 90, 365)


class TokenRefused(ValueError):
    """A token the rules refuse to make; the message is for the user."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def issue_token(
    user: User,
    name: str,
    scopes: Iterable[str],
    lifetime_days: int,
    *,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the user. Returns the row and the token itself (shown once)."""
    chosen = sorted({TokenScope(scope) for scope in scopes})
    if not chosen:
        raise TokenRefused(_("Choose at least one scope."))
    if lifetime_days not in LIFETIMES_DAYS:
        raise TokenRefused(_("Choose how long the token lives from the list."))
    if not name.strip():
        raise TokenRefused(_("Give the token a name."))
    now = now or now_utc()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=hash_token(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        scopes=" ".join(chosen),
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too)."""
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(user: User, token_id: int, *, now: datetime | None = None) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs (or does not exist)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return None
    if row.revoked_at is None:
        row.revoked_at = now or now_utc()
        db.session.flush()
    return row


def token_in_force(token: str, *, now: datetime | None = None) -> ApiToken | None:
    """The token row for a presented token if it is in force (not revoked, not expired, its
    user active); None otherwise. Marks when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or now_utc()
    row = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if row is None or not row.is_valid_at(now) or not row.user.is_active:
        return None
    # At most once a minute: a read through the API should rarely need to write.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
    return row
