"""The IIN (individual identification number): 12 digits, a birth date and a check digit."""

from datetime import date

_FIRST_WEIGHTS = range(1, 12)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The 7th digit: century of birth and sex (odd men, even women).
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def iin_check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits, or None when the number cannot be valid."""
    digits = [int(c) for c in first11]
    control = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if control == 10:  # the law's second pass with shifted weights
        control = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
    return None if control == 10 else control


def iin_error(value: str) -> str | None:
    """Why `value` is not a valid IIN, or None when it is."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return "An IIN is exactly 12 digits."
    yy, mm, dd = int(value[0:2]), int(value[2:4]), int(value[4:6])
    # The year only matters for 29 February (1900 was not a leap year, 2000 was); for a 7th
    # digit outside 1-6 the century is unknown, and 2000 gives the date the benefit of the doubt.
    try:
        date(_CENTURY.get(value[6], 2000) + yy, mm, dd)
    except ValueError:
        return "The first six digits of an IIN are a birth date (YYMMDD)."
    if iin_check_digit(value[:11]) != int(value[11]):
        return "The IIN's check digit does not match: please check the number."
    return None
