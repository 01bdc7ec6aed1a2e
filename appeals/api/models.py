"""Personal access tokens of the JSON API: only a hash of each token is kept."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.timeutil import UTCDateTime, now_utc


class TokenScope(StrEnum):
    """What a token may do: read (every GET) and write (every step that changes something)."""

    READ = "read"
    WRITE = "write"


class ApiToken(db.Model):
    """A personal access token of a user: shown once when made, stored as its SHA-256 (the token
    is 32 random bytes, so a fast hash is enough), with scopes, an expiry and revocation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, so its owner can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(100))  # space-separated TokenScope values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_valid_at(self, moment: datetime) -> bool:
        """Neither revoked nor expired at that moment."""
        return self.revoked_at is None and moment < self.expires_at
