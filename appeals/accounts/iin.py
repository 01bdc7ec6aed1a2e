"""The IIN (individual identification number): 12 digits, a birth date and a check digit."""

from datetime import date

_FIRST_WEIGHTS = range(1, 12)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


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
    try:
        date(2000 + yy, mm, dd)  # the year only matters for 29 February; 2000 is a leap year
    except ValueError:
        return "The first six digits of an IIN are a birth date (YYMMDD)."
    if iin_check_digit(value[:11]) != int(value[11]):
        return "The IIN's check digit does not match: please check the number."
    return None
