"""The length of an SMS. A text in the GSM 03.38 alphabet (Latin) takes 160 characters in one
message and 153 in each part of a longer one; any other character (Cyrillic, Kazakh letters)
makes the whole text UCS-2: 70 in one message, 67 per part. A notice's SMS is its subject
line; a longer one is cut at a word, with an ellipsis, to fit the allowed parts (cut, not
split into several separate messages: the gateway joins the parts of one long message)."""

from __future__ import annotations

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

_GSM_SINGLE, _GSM_PART = 160, 153
_UCS2_SINGLE, _UCS2_PART = 70, 67


def _units(text: str) -> tuple[bool, int]:
    """(is GSM 03.38, length in that encoding's units: septets or UTF-16 code units)."""
    try:
        return True, len(text.encode("gsm03.38"))  # an escaped character counts two
    except UnicodeEncodeError:
        return False, len(text.encode("utf-16-le")) // 2


def sms_parts(text: str) -> int:
    """How many messages the text takes."""
    gsm, length = _units(text)
    single, part = (_GSM_SINGLE, _GSM_PART) if gsm else (_UCS2_SINGLE, _UCS2_PART)
    return 1 if length <= single else -(-length // part)


def fit_sms(text: str, max_parts: int) -> str:
    """The text on one line, cut at a word (with an ellipsis) to take at most `max_parts`."""
    text = " ".join(text.split())
    if sms_parts(text) <= max_parts:
        return text
    gsm, _ = _units(text)
    ellipsis = "..." if gsm else "…"  # "…" is not in the GSM alphabet
    end = len(text)
    while end > 0 and sms_parts(text[:end].rstrip() + ellipsis) > max_parts:
        end -= 1
    cut = text[:end]
    # Back to the last whole word, unless that throws away most of the text.
    space = cut.rfind(" ")
    if space > end // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + ellipsis
