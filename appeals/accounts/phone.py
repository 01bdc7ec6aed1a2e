"""The mobile number for SMS notices: entered, proved by a code sent to it through the outbox
(an SMS notice like any other), and kept. Only the code's keyed hash is stored; a code runs
out after PHONE_CODE_MINUTES and after PHONE_CODE_ATTEMPTS wrong tries. A new number is
unverified until its own code comes back."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from appeals.accounts.models import User
from appeals.accounts.phone_numbers import kazakh_mobile
from appeals.notifications.service import queue_notice
from appeals.timeutil import now_utc

CODE_TEMPLATE = "phone_code"


class PhoneCodeRefused(ValueError):
    """The code does not verify the number; the message is for the user."""


def set_phone(user: User, raw: str, now: datetime | None = None) -> bool:
    """Take the number (PhoneNumberRefused when it is not a Kazakhstan mobile one) and send
    a code to it; a changed number is unverified until then. False, and no code, when it is
    the verified number already."""
    number = kazakh_mobile(raw)
    if number == user.phone and user.phone_verified_at is not None:
        return False
    if number != user.phone:
        user.phone, user.phone_verified_at = number, None
    _send_code(user, now or now_utc())
    return True


def _send_code(user: User, now: datetime) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    minutes = current_app.config["PHONE_CODE_MINUTES"]
    user.phone_code_hash = _code_hash(user, code)
    user.phone_code_expires_at = now + timedelta(minutes=minutes)
    user.phone_code_attempts = 0
    # Worded now, in the language of the request that asked for it.
    text = _("E-appealing code: %(code)s. Valid for %(minutes)s min.", code=code, minutes=minutes)
    queue_notice(CODE_TEMPLATE, user.phone, {"text": text}, user_id=user.id, channel="sms")


def _code_hash(user: User, code: str) -> str:
    # Keyed and bound to the account and the number: a code sent to one number cannot verify
    # another, and a leaked hash of six digits cannot be reversed without the key.
    message = f"{user.id}:{user.phone}:{code}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()


def confirm_phone(user: User, code: str, now: datetime | None = None) -> None:
    """Verify the number with the code sent to it, or PhoneCodeRefused. A wrong try is counted
    on the user: the caller commits after a refusal too."""
    now = now or now_utc()
    if user.phone is None or user.phone_code_hash is None:
        raise PhoneCodeRefused(_("Ask for a code first."))
    if user.phone_code_expires_at is None or now >= user.phone_code_expires_at:
        _forget_code(user)
        raise PhoneCodeRefused(_("The code has expired: ask for a new one."))
    typed = "".join(code.split())
    if not hmac.compare_digest(_code_hash(user, typed), user.phone_code_hash):
        user.phone_code_attempts += 1
        left = current_app.config["PHONE_CODE_ATTEMPTS"] - user.phone_code_attempts
        if left <= 0:
            _forget_code(user)
            raise PhoneCodeRefused(_("Too many wrong codes: ask for a new one."))
        raise PhoneCodeRefused(
            _("The code does not match. Tries left: %(left)s.", left=left),
        )
    user.phone_verified_at = now
    _forget_code(user)


def remove_phone(user: User) -> None:
    """Forget the number; SMS is no longer among the user's channels."""
    user.phone = user.phone_verified_at = None
    _forget_code(user)
    if user.notice_channels and "sms" in user.notice_channels:
        user.notice_channels = [c for c in user.notice_channels if c != "sms"] or None


def _forget_code(user: User) -> None:
    user.phone_code_hash = user.phone_code_expires_at = None
    user.phone_code_attempts = 0
