"""Accounts: sign-up, sign-in with its lockout, passwords and the end of sessions. Functions
flush, the caller commits."""

from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update

from appeals.accounts.models import Role, User, parse_session_token
from appeals.accounts.rules import is_locked, lock_wait
from appeals.extensions import db
from appeals.language import LANGUAGES
from appeals.timeutil import now_utc


@cache
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (tests use a cheap one)."""
    return _hasher_for(*current_app.config["PASSWORD_HASH_COST"])


class EmailTaken(ValueError):
    """An account with this e-mail exists already."""


class AccountLocked(Exception):
    """Too many wrong passwords in a row: the account may not sign in before `until`."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


class WrongPassword(ValueError):
    """The current password given to confirm a change is not the user's."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


def register_citizen(email: str, password: str, full_name: str, iin: str | None = None) -> User:
    """Create a citizen's account; raises EmailTaken for an e-mail already in use."""
    return create_user(email, password, full_name, Role.CITIZEN, iin=iin)


def create_user(
    email: str,
    password: str,
    full_name: str,
    role: Role,
    *,
    iin: str | None = None,
    body_id: int | None = None,
) -> User:
    """Create an account of any role (the admin's and the seed's entry point)."""
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        iin=iin or None,
        role=role,
        body_id=body_id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str, now: datetime | None = None) -> User | None:
    """The active user with these credentials, or None. A wrong password counts toward the
    account's lockout; while it is locked even the right one raises AccountLocked (the caller
    commits either way, so the count is kept)."""
    now = now or now_utc()
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        _hasher().hash(password)  # spend the same time, so timing does not reveal accounts
        return None
    if is_locked(user.locked_until, now):
        raise AccountLocked(user.locked_until)
    if not password_matches(user, password):
        until = _count_wrong_password(user, now)
        if until is not None:
            raise AccountLocked(until)
        return None
    user.failed_logins = 0
    user.locked_until = None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_wrong_password(user: User, now: datetime) -> datetime | None:
    """One more wrong password (counted in the database, so parallel guesses all count);
    returns the end of the lock it starts, if any."""
    failures = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
    ).scalar_one()
    config = current_app.config
    wait = lock_wait(
        failures,
        after=config["LOGIN_LOCK_AFTER"],
        first_seconds=config["LOGIN_LOCK_FIRST_SECONDS"],
        max_seconds=config["LOGIN_LOCK_MAX_SECONDS"],
    )
    if not wait:
        return None
    user.locked_until = now + wait
    db.session.flush()
    return user.locked_until


def user_of_session(token: str) -> User | None:
    """The user a session's (or remember-me cookie's) user id names, while that session may
    still sign them in: the account is active and no sign-out, new password or deactivation
    has raised its session version since."""
    parsed = parse_session_token(token)
    if parsed is None:
        return None
    user_id, version = parsed
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of the user, on every device, remember-me cookies included."""
    user.session_version = User.session_version + 1
    db.session.flush()
    db.session.refresh(user, ["session_version"])


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one (WrongPassword); every other session
    of the user ends (the caller signs the current one in again)."""
    if not password_matches(user, current):
        raise WrongPassword()
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)


def choose_language(user: User, language: str | None) -> None:
    """Keep the user's interface language on their profile (None: their browser's, else the
    site's default); it becomes the session's at each sign-in."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"not an interface language: {language!r}")
    user.language = language
    db.session.flush()
