"""The second factor: a time-based one-time code (TOTP, RFC 6238, what authenticator apps
generate) and single-use recovery codes. Required for the roles in TOTP_REQUIRED_ROLES
(prosecutors and admins by default), offered to everyone."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _

from appeals.accounts.models import User
from appeals.timeutil import now_utc

RECOVERY_CODES = 10
# A code typed a little late (or on a phone whose clock is a little off) is still taken.
VALID_WINDOW = 1


class SecondFactorRefused(ValueError):
    """The code does not confirm the second factor; the message is for the user."""


def second_factor_required(user: User) -> bool:
    return user.role in current_app.config["TOTP_REQUIRED_ROLES"]


def needs_enrolment(user: User) -> bool:
    """A signed-in user whose role requires a second factor and who has none yet."""
    return second_factor_required(user) and user.totp_enabled_at is None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads (from the QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TOTP_ISSUER"]
    )


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code (made here: no third party sees the secret)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2)


def _hash(code: str) -> str:
    return hashlib.sha256(_normalized(code).encode()).hexdigest()


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The time step whose code this is (within the window), or None."""
    totp = pyotp.TOTP(secret)
    digits = _normalized(code)
    step = int(at) // totp.interval
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        candidate = step + offset
        if hmac.compare_digest(totp.generate_otp(candidate), digits):
            return candidate
    return None


def enable_second_factor(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on once a code from the app proves it holds the secret; returns
    the recovery codes (shown once: only their hashes are kept)."""
    step = _matching_step(secret, code, time.time())
    if step is None:
        raise SecondFactorRefused(
            _("The code does not match: check the phone's clock and type the current code.")
        )
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret = secret
    user.totp_enabled_at = now_utc()
    user.totp_last_step = step
    user.recovery_code_hashes = [_hash(code) for code in codes]
    return codes


def second_factor_matches(user: User, code: str) -> bool:
    """A current code from the app (each used once), or an unused recovery code (spent)."""
    if user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, code, time.time())
    if step is not None and step > (user.totp_last_step or -1):
        user.totp_last_step = step
        return True
    hashed = _hash(code)
    unused = list(user.recovery_code_hashes or [])
    for stored in unused:
        if hmac.compare_digest(stored, hashed):
            unused.remove(stored)
            user.recovery_code_hashes = unused
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return len(user.recovery_code_hashes or [])
