"""Table tests of the IIN check: 12 digits, YYMMDD birth date, century-and-sex digit, and the
check digit by the two weight passes.

Check digit: c = sum(d_i * w_i) mod 11 over the first 11 digits with weights 1..11; if c == 10,
again with weights 3,4,5,6,7,8,9,10,11,1,2; if that is 10 too, no 12th digit can make the
number valid. The 7th digit gives the century of birth and sex: 1/2 = 1800s, 3/4 = 1900s,
5/6 = 2000s (odd male, even female).
"""

import pytest

from appeals.accounts.iin import iin_check_digit, iin_error

VALID = [
    # 01.01.1990, man (3). 9*1 + 0*2 + 0*3 + 1*4 + 0*5 + 1*6 + 3*7 + 0*8 + 0*9 + 0*10 + 1*11
    # = 9 + 4 + 6 + 21 + 11 = 51; 51 mod 11 = 7
    "900101300017",
    # 22.07.2005, woman (6). 0*1 + 5*2 + 0*3 + 7*4 + 2*5 + 2*6 + 6*7 + 0 + 0 + 0 + 3*11
    # = 10 + 28 + 10 + 12 + 42 + 33 = 135; 135 mod 11 = 3
    "050722600033",
    # 15.03.1985, woman (4): the second pass. First: 8*1 + 5*2 + 0*3 + 3*4 + 1*5 + 5*6 + 4*7
    # + 0*8 + 0*9 + 6*10 + 0*11 = 8 + 10 + 12 + 5 + 30 + 28 + 60 = 153; 153 mod 11 = 10.
    # Second, weights 3..11,1,2: 8*3 + 5*4 + 0*5 + 3*6 + 1*7 + 5*8 + 4*9 + 0*10 + 0*11 + 6*1
    # + 0*2 = 24 + 20 + 18 + 7 + 40 + 36 + 6 = 151; 151 mod 11 = 8
    "850315400608",
    # 29.02.2000, man (5): 2000 is a leap year. 0 + 0 + 0 + 2*4 + 2*5 + 9*6 + 5*7 + 0 + 0 + 0
    # + 0 = 8 + 10 + 54 + 35 = 107; 107 mod 11 = 8
    "000229500008",
]


@pytest.mark.parametrize("iin", VALID)
def test_real_format_iin_is_accepted(iin):
    assert iin_error(iin) is None


def test_second_weight_pass_gives_the_check_digit_when_the_first_gives_10():
    # Worked out above for 850315400608: first pass 10, second pass 8.
    assert iin_check_digit("85031540060") == 8


@pytest.mark.parametrize("last", "0123456789")
def test_no_iin_is_valid_when_both_passes_give_10(last):
    # 85031540061x: first pass 153 + 1*11 = 164, 164 mod 11 = 10;
    # second pass 151 + 1*2 = 153, 153 mod 11 = 10: no check digit exists.
    assert iin_check_digit("85031540061") is None
    assert "check digit" in iin_error("85031540061" + last)


INVALID = [
    # (IIN, what the message must say, why)
    ("900101300018", "check digit", "check digit off by one (7 is right)"),
    ("850315400600", "check digit", "first pass 10 taken as 0 instead of a second pass"),
    ("050722600034", "check digit", "check digit of a valid number changed"),
    ("90010130001", "12 digits", "11 digits"),
    ("9001013000170", "12 digits", "13 digits"),
    ("", "12 digits", "empty"),
    ("90010130001A", "12 digits", "a letter for the check digit"),
    ("9OO1O13OOO17", "12 digits", "letter O typed for zero"),
    ("900101 30017", "12 digits", "a space inside"),
    ("\uff19\uff10\uff10\uff11\uff10\uff11\uff13\uff10\uff10\uff10\uff11\uff17", "12 digits",
     "full-width digits"),
    ("901301300017", "birth date", "month 13"),
    ("900001300017", "birth date", "month 00"),
    ("900100300017", "birth date", "day 00"),
    ("900132300017", "birth date", "day 32"),
    ("900230300017", "birth date", "30 February"),
    ("010229500007", "birth date", "29 February 2001"),
    # 29.02.1900 (century digit 3): 1900 was not a leap year. Check digit right:
    # 2*4 + 2*5 + 9*6 + 3*7 = 8 + 10 + 54 + 21 = 93; 93 mod 11 = 5
    ("000229300005", "birth date", "29 February 1900"),
]  # fmt: skip


@pytest.mark.parametrize(("iin", "message", "why"), INVALID, ids=[case[2] for case in INVALID])
def test_invalid_iin_is_refused_with_the_reason(iin, message, why):
    error = iin_error(iin)
    assert error is not None, why
    assert message in error
