"""Bulk invitation from a CSV file (name, e-mail, role, body code): every row checked first,
with its errors; nothing is invited from a file with errors unless the admin confirms the
valid rows. Functions flush, the caller commits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from appeals.accounts.models import User
from appeals.accounts.service import find_user_by_email, normalize_email
from appeals.accounts.staff import find_body, invite_staff, placement_refusal
from appeals.reference.models import Body

MAX_ROWS = 500
HEADER = ("name", "e-mail", "role", "body code")


@dataclass
class CsvRow:
    line: int
    full_name: str
    email: str
    role: str
    body_code: str
    body: Body | None = None
    errors: list[str] = field(default_factory=list)


class CsvUnreadable(ValueError):
    """Not a CSV file this page can read; the message says why."""


def _cells(text: str) -> list[tuple[int, list[str]]]:
    # Commas, or semicolons as a spreadsheet saves CSV where the comma is the decimal sign.
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = []
    for line, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((line, [cell.strip() for cell in cells]))
    return rows


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[1].lower().replace("-", "") in ("email", "e-mail", "почта")


def read_invitations(data: bytes) -> list[CsvRow]:
    """Every row of the file with its errors (an empty list: the row is valid)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvUnreadable(_("The file is not UTF-8 text: save it as CSV (UTF-8).")) from None
    cells = _cells(text)
    if cells and _is_header(cells[0][1]):
        cells = cells[1:]
    if not cells:
        raise CsvUnreadable(_("The file has no rows."))
    if len(cells) > MAX_ROWS:
        raise CsvUnreadable(_("At most %(n)s rows in one file.", n=MAX_ROWS))
    rows = []
    seen: dict[str, int] = {}
    for line, values in cells:
        if len(values) != 4:
            row = CsvRow(line, "", "", "", "")
            row.errors.append(
                _("%(n)s columns; expected 4: name, e-mail, role, body code.", n=len(values))
            )
            rows.append(row)
            continue
        row = CsvRow(line, values[0], values[1], values[2].lower(), values[3])
        _check(row, seen)
        rows.append(row)
    return rows


def _check(row: CsvRow, seen: dict[str, int]) -> None:
    if not row.full_name:
        row.errors.append(_("The name is empty."))
    try:
        validate_email(row.email, check_deliverability=False)
    except EmailNotValidError:
        row.errors.append(_("%(email)s is not an e-mail address.", email=row.email or "—"))
    else:
        email = normalize_email(row.email)
        if email in seen:
            row.errors.append(_("The same e-mail as on line %(line)s.", line=seen[email]))
        else:
            seen[email] = row.line
        if find_user_by_email(email) is not None:
            row.errors.append(_("An account with this e-mail exists already."))
    if row.body_code:
        row.body = find_body(row.body_code)
        if row.body is None:
            row.errors.append(_("No body has the code %(code)s.", code=row.body_code))
            return
    if refusal := placement_refusal(row.role, row.body):
        row.errors.append(refusal)


def invite_rows(rows: list[CsvRow], *, actor: User | None) -> list[User]:
    """Invite the valid rows (the caller decided that rows with errors are left out)."""
    return [
        invite_staff(row.email, row.full_name, row.role, row.body, actor=actor)
        for row in rows
        if not row.errors
    ]
