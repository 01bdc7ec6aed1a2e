"""Users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.extensions import db
from appeals.reference.models import Body
from appeals.timeutil import UTCDateTime, now_utc


class Role(StrEnum):
    CITIZEN = "citizen"
    OFFICIAL = "official"  # executor in a body
    HEAD = "head"  # head (or deputy) of a body
    PROSECUTOR = "prosecutor"
    ADMIN = "admin"


STAFF_ROLES = {Role.OFFICIAL, Role.HEAD}
# The roles an admin invites (a citizen signs up alone).
INVITED_ROLES = (Role.OFFICIAL, Role.HEAD, Role.PROSECUTOR, Role.ADMIN)


def session_token(user_id: int, version: int) -> str:
    return f"{user_id}:{version}"


def parse_session_token(token: str) -> tuple[int, int] | None:
    """(user id, session version) of a session's user id, or None for anything else (an
    older cookie without the version included)."""
    user_id, _, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    return int(user_id), int(version)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(String(20), default=Role.CITIZEN)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Part of every session's and remember-me cookie's user id: raising it (sign-out, a new
    # password, deactivation) ends every session of the user, on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Wrong passwords in a row, and the time before which the account may not sign in.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owner of the e-mail proved it (a staff invitation's link sets it).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP, RFC 6238): its shared secret once confirmed, when it was turned
    # on, the SHA-256 hashes of the unused recovery codes, and the last time step accepted (a
    # code is not taken twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_code_hashes: Mapped[list[str] | None] = mapped_column(JSON)
    totp_last_step: Mapped[int | None]
    # The interface language the user chose (appeals.language.LANGUAGES), put in the session
    # when they sign in; None: their browser's language, else the site's default.
    language: Mapped[str | None] = mapped_column(String(5))
    # The mobile number for SMS (E.164, +7XXXXXXXXXX) and when its owner proved it with a code
    # sent to it; only a verified number receives notices. The code pending for it: its keyed
    # hash, when it runs out and how many wrong tries it has had.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone_code_hash: Mapped[str | None] = mapped_column(String(64))
    phone_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone_code_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # The applicant's choice of notices (notifications/preferences.py): the channels (None:
    # e-mail only) and the optional notices turned off (None: none).
    notice_channels: Mapped[list[str] | None] = mapped_column(JSON)
    notices_off: Mapped[list[str] | None] = mapped_column(JSON)

    body: Mapped[Body | None] = relationship()

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember-me cookie."""
        return session_token(self.id, self.session_version)

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN
