"""The glossary of the APPK's terms (docs/glossary.md) and the Kazakh catalogue agree: every
message that uses a key term renders it with the glossary's Kazakh word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
KK_PO = ROOT / "appeals" / "translations" / "kk" / "LC_MESSAGES" / "messages.po"

# (the English words in a message, the glossary's English entry, the Kazakh stem every
# translation of such a message carries: Kazakh adds its endings to the stem).
TERMS = [
    (r"\bcomplain", "complaint", "шағым"),
    (r"\bstatement\b", "application (statement)", "арыз"),
    (r"\bwithout consideration\b", "leave without consideration", "қараусыз"),
    (r"\bextension\b|\bextend", "extension of the term", "ұзарт"),
    (r"\banonymous", "anonymous appeal", "жасырын"),
    (r"\bforward", "forwarding to the competent body", "жібер"),
    (r"\bregistration number\b", "registration number", "тіркеу нөмір"),
    (r"\bcalendar days?\b", "calendar day", "күнтізбелік"),
]


def glossary() -> dict[str, dict[str, str]]:
    """English entry -> {"kk": ..., "ru": ...}, from the glossary's table."""
    rows = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("Kazakh", "---"):
            kk, ru, en = cells
            rows[en] = {"kk": kk, "ru": ru}
    return rows


def _text(value) -> str:
    return " ".join(value) if isinstance(value, list | tuple) else value


@pytest.fixture(scope="module")
def kazakh():
    with KK_PO.open("rb") as po:
        return [(_text(m.id), _text(m.string)) for m in read_po(po, locale="kk") if m.id]


def test_the_glossary_lists_the_appks_kinds_of_appeal_in_three_languages():
    terms = glossary()

    assert len(terms) > 50
    assert terms["appeal"] == {"kk": "өтініш", "ru": "обращение"}
    assert terms["complaint"] == {"kk": "шағым", "ru": "жалоба"}
    assert terms["application (statement)"] == {"kk": "арыз", "ru": "заявление"}
    assert terms["request (for information)"]["kk"] == "сұрау салу"


@pytest.mark.parametrize(("pattern", "entry", "stem"), TERMS, ids=[t[1] for t in TERMS])
def test_the_kazakh_catalogue_uses_the_glossarys_word(kazakh, pattern, entry, stem):
    assert stem in glossary()[entry]["kk"]  # the stem is the glossary's own word
    using = [(msgid, kk) for msgid, kk in kazakh if re.search(pattern, msgid, re.IGNORECASE)]

    assert using, f"no message uses {entry!r}"
    assert [msgid for msgid, kk in using if stem not in kk.lower()] == []


def test_the_complaint_labels_say_shagym_on_a_kazakh_page():
    from flask_babel import force_locale

    from appeals.intake.labels import KIND_LABELS
    from appeals.intake.models import AppealKind

    with force_locale("kk"):
        complaint = str(KIND_LABELS[AppealKind.COMPLAINT])
        statement = str(KIND_LABELS[AppealKind.STATEMENT])
    assert "шағым" in complaint.lower() and "арыз" in statement.lower()
