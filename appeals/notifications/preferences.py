"""The applicant's notices: which the law requires (they always go out, whatever was turned
off), which are optional, and the applicant's choice of channels (e-mail; SMS once the number
is verified) and of the optional notices. The one definition of these sets."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from appeals.accounts.models import User

# The applicant's notices the law requires (the applicant cannot switch them off): the
# registration and its number (APPK art. 64), a forwarding to the competent body (art. 65),
# an extension (art. 76), the answer with how to complain (art. 76, 91), an appeal left without
# consideration or closed as a repeat with its ground (art. 70(3), 88), the term run out with no
# answer, a deemed refusal (art. 91(2), 100(5)), and the complaint's receipt and decision
# (art. 91-100). A suspension, its resumption and a reopening move the term, so they are told
# too; a co-signatory is told they are named on the appeal.
REQUIRED_APPLICANT_NOTICES = frozenset(
    {
        "appeal_registered",
        "appeal_routed",
        "appeal_forwarded",
        "term_extended",
        "appeal_suspended",
        "appeal_resumed",
        "appeal_answered",
        "appeal_left_without_consideration",
        "appeal_closed_as_repeat",
        "anonymous_appeal_left",
        "term_expired_unanswered",
        "appeal_reopened",
        "appeal_cosigned",
        "complaint_received",
        "complaint_decided",
        "defects_to_fix",  # art. 64(6): what to fix, by when
        "appeal_returned_defects",  # art. 64(7): returned, with the ground
    }
)
# What the applicant sees of the required notices on the preferences page, in this order.
REQUIRED_NOTICE_LABELS = {
    "appeal_registered": _l("My appeal is registered"),
    "appeal_forwarded": _l("My appeal is forwarded to another body"),
    "term_extended": _l("The term of my appeal is extended"),
    "appeal_suspended": _l("My appeal is suspended"),
    "appeal_resumed": _l("My appeal is resumed"),
    "appeal_answered": _l("My appeal is answered"),
    "appeal_left_without_consideration": _l("My appeal is left without consideration"),
    "term_expired_unanswered": _l("The term has run out with no answer"),
    "appeal_reopened": _l("My appeal is reopened"),
    "complaint_received": _l("My complaint is received"),
    "complaint_decided": _l("My complaint is decided"),
}
# The notices the applicant may turn off: told as a courtesy, not by the law.
OPTIONAL_APPLICANT_NOTICES = {
    "appeal_assigned": _l("An executor takes up my appeal"),
}
APPLICANT_NOTICES = REQUIRED_APPLICANT_NOTICES | frozenset(OPTIONAL_APPLICANT_NOTICES)
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
