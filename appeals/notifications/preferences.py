"""The applicant's choice of notices: the channels (e-mail; SMS once the number is verified)
and the optional notices they may turn off. The notices the law requires (APPK: registration,
forwarding, extension, the answer, leaving without consideration, the term run out, the
decision on a complaint) always go out, whatever was turned off."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from appeals.accounts.models import User

# Provisional: one definition with notifications.service's REQUIRED_APPLICANT_NOTICES to come.
REQUIRED_APPLICANT_NOTICES = frozenset(
    {
        "appeal_registered",
        "appeal_forwarded",
        "term_extended",
        "appeal_answered",
        "appeal_left_without_consideration",
        "appeal_closed_as_repeat",  # leaving without consideration on the "repeated" ground
        "term_expired_unanswered",
        "complaint_decided",
    }
)
# What the applicant sees of each notice on the preferences page, in this order.
REQUIRED_NOTICE_LABELS = {
    "appeal_registered": _l("My appeal is registered"),
    "appeal_forwarded": _l("My appeal is forwarded to another body"),
    "term_extended": _l("The term of my appeal is extended"),
    "appeal_answered": _l("My appeal is answered"),
    "appeal_left_without_consideration": _l("My appeal is left without consideration"),
    "term_expired_unanswered": _l("The term has run out with no answer"),
    "complaint_decided": _l("My complaint is decided"),
}
OPTIONAL_APPLICANT_NOTICES = {
    "appeal_assigned": _l("An executor takes up my appeal"),
    "appeal_suspended": _l("My appeal is suspended"),
    "appeal_resumed": _l("My appeal is resumed"),
    "complaint_received": _l("My complaint is received"),
}
CHANNELS = {"email": _l("E-mail"), "sms": _l("SMS")}
DEFAULT_CHANNELS = ("email",)


class NoticeChoiceRefused(ValueError):
    """A choice that cannot be kept; the message is for the user."""


def phone_verified(user: User) -> bool:
    return user.phone is not None and user.phone_verified_at is not None


def chosen_channels(user: User) -> list[str]:
    return list(user.notice_channels or DEFAULT_CHANNELS)


def notice_wanted(user: User, template: str) -> bool:
    """A required notice always; an optional one unless the user turned it off."""
    return template in REQUIRED_APPLICANT_NOTICES or template not in (user.notices_off or ())


def applicant_addresses(user: User, template: str) -> list[tuple[str, str]]:
    """The (channel, address) pairs a notice to the applicant goes to: one per chosen channel
    that can carry it (SMS only to a verified number). A wanted notice that none of them can
    carry (SMS chosen alone, and the number since changed) goes by e-mail."""
    if not notice_wanted(user, template):
        return []
    addresses = []
    for channel in chosen_channels(user):
        if channel == "email":
            addresses.append(("email", user.email))
        elif channel == "sms" and phone_verified(user):
            addresses.append(("sms", user.phone))
    return addresses or [("email", user.email)]


def choose_notices(user: User, channels: Iterable[str], wanted_optional: Iterable[str]) -> None:
    """Keep the user's channels and which optional notices they want (the rest are off)."""
    channels = [channel for channel in CHANNELS if channel in set(channels)]
    if not channels:
        raise NoticeChoiceRefused(_l("Choose at least one way to receive notices."))
    if "sms" in channels and not phone_verified(user):
        raise NoticeChoiceRefused(_l("Verify your phone number before choosing SMS."))
    wanted = set(wanted_optional)
    user.notice_channels = channels
    user.notices_off = [name for name in OPTIONAL_APPLICANT_NOTICES if name not in wanted]
