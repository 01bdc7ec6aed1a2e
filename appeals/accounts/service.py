"""Accounts: sign-up and password checks. Functions flush, the caller commits."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from appeals.accounts.models import Role, User
from appeals.extensions import db


@cache
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (tests use a cheap one)."""
    return _hasher_for(*current_app.config["PASSWORD_HASH_COST"])


class EmailTaken(ValueError):
    """An account with this e-mail exists already."""


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


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        _hasher().hash(password)  # spend the same time, so timing does not reveal accounts
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
