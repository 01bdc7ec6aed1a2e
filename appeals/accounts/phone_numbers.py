"""Mobile numbers for SMS: a Kazakhstan number read as people write it (8 701 ..., +7 (701)
..., 701...) and kept in E.164 (+77011234567). Read by Google's libphonenumber rules
(`phonenumbers`), which know Kazakhstan's mobile ranges apart from Russia's under the same +7."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l

# SMS reaches mobile numbers only; the library cannot tell some ranges apart.
_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


class PhoneNumberRefused(ValueError):
    """Not a Kazakhstan mobile number; the message is for the user."""


def kazakh_mobile(raw: str) -> str:
    """The number in E.164, or PhoneNumberRefused saying what is wrong with it."""
    try:
        number = phonenumbers.parse(raw.strip(), "KZ")
    except phonenumbers.NumberParseException:
        raise PhoneNumberRefused(_l("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberRefused(_l("This is not a phone number."))
    if phonenumbers.region_code_for_number(number) != "KZ":
        raise PhoneNumberRefused(_l("SMS are sent to Kazakhstan numbers (+7 7XX) only."))
    if phonenumbers.number_type(number) not in _MOBILE:
        raise PhoneNumberRefused(_l("This is a landline number: SMS need a mobile one."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
