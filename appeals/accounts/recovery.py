"""Verified and recoverable accounts: sign-up that does not tell whether an e-mail is taken,
the e-mail confirmation link, the password reset link and the change of e-mail. Functions
flush, the caller commits."""

from __future__ import annotations

from appeals.accounts.links import (
    EMAIL_CHANGE,
    RESET,
    VERIFY,
    make_link_token,
    site_link,
    user_of_link,
)
from appeals.accounts.models import User
from appeals.accounts.service import (
    WrongPassword,
    end_sessions,
    find_user_by_email,
    hash_password,
    normalize_email,
    password_matches,
    register_citizen,
)
from appeals.language import chosen_language
from appeals.notifications.service import queue_notice, recipient_language
from appeals.timeutil import now_utc

VERIFY_HOURS = 72
RESET_HOURS = 2


def _language_of(user: User) -> str:
    """An account mail's language: the user's own, else the interface language of the request
    that caused it (sign-up, a forgotten password: often before any sign-in)."""
    return recipient_language(user, chosen_language())


def send_verification(user: User) -> None:
    """E-mail the link that confirms the user's address."""
    token = make_link_token(user, VERIFY)
    queue_notice(
        "verify_email",
        user.email,
        {
            "name": user.full_name,
            "link": site_link("accounts.verify", token=token),
            "hours": VERIFY_HOURS,
        },
        user_id=user.id,
        language=_language_of(user),
    )


def sign_up(email: str, password: str, full_name: str, iin: str | None) -> User | None:
    """A new citizen's account and its confirmation e-mail; for an address in use, no account
    but a note to its owner (the page says the same either way). The new user, or None."""
    owner = find_user_by_email(email)
    if owner is not None:
        queue_notice(
            "registration_attempt",
            owner.email,
            {"name": owner.full_name, "link": site_link("accounts.forgot_password")},
            user_id=owner.id,
            language=_language_of(owner),
        )
        return None
    user = register_citizen(email, password, full_name, iin)
    send_verification(user)
    return user


def confirm_email(token: str) -> User:
    """Follow an e-mail confirmation link (LinkRefused when it cannot be used)."""
    user, _data = user_of_link(token, VERIFY, VERIFY_HOURS * 3600)
    user.email_verified_at = now_utc()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link to an active account with this address; nothing otherwise (the
    page says the same either way)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_link_token(user, RESET)
    queue_notice(
        "password_reset",
        user.email,
        {
            "name": user.full_name,
            "link": site_link("accounts.reset", token=token),
            "hours": RESET_HOURS,
        },
        user_id=user.id,
        language=_language_of(user),
    )


def user_to_reset(token: str) -> User:
    return user_of_link(token, RESET, RESET_HOURS * 3600)[0]


def reset_password(user: User, password: str) -> None:
    """The new password from a reset link (which it spends): every session ends, the lockout
    is lifted, and the address is proved."""
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.email_verified_at = user.email_verified_at or now_utc()
    end_sessions(user)


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    """Send a confirmation link to the new address after checking the current password
    (WrongPassword); the address changes when the link is followed. An address in use gets
    no link (the page says the same)."""
    if not password_matches(user, current_password):
        raise WrongPassword()
    new_email = normalize_email(new_email)
    if find_user_by_email(new_email) is not None:
        return
    token = make_link_token(user, EMAIL_CHANGE, e=new_email)
    queue_notice(
        "email_change",
        new_email,
        {
            "name": user.full_name,
            "link": site_link("accounts.confirm_new_email", token=token),
            "hours": VERIFY_HOURS,
        },
        user_id=user.id,
        language=_language_of(user),
    )


class EmailInUse(ValueError):
    """The new address was taken after the link was sent."""


def change_email(token: str) -> User:
    """Follow a change-of-e-mail link: the new address, confirmed (LinkRefused, EmailInUse)."""
    user, data = user_of_link(token, EMAIL_CHANGE, VERIFY_HOURS * 3600)
    new_email = data.get("e")
    if not isinstance(new_email, str) or find_user_by_email(new_email) is not None:
        raise EmailInUse(new_email)
    user.email = new_email
    user.email_verified_at = now_utc()
    end_sessions(user)
    return user
