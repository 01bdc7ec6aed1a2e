"""The words of the access matrix (tests/access/matrix.py): the standings grouped, the
outcomes a cell may expect, the builders of a row's cells, and the row itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.access.world import STANDINGS

LOGIN = "302 /login"
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")
ALLOW = "allow"

Cells = dict[str, int | str]

CITIZENS = ("applicant", "other_citizen")
STAFF_A = ("executor", "official", "head")
STAFF = (*STAFF_A, "other_official")
PROSECUTORS = ("prosecutor", "prosecutor_out", "national")


def everyone(outcome: int | str) -> Cells:
    return dict.fromkeys(STANDINGS, outcome)


def only(allowed: Iterable[str], ok: int | str = 200) -> Cells:
    """An area for some standings: anonymous visitors sign in first, the rest are refused."""
    return everyone(403) | {"anonymous": LOGIN} | dict.fromkeys(allowed, ok)


def api(cells: Cells) -> Cells:
    """The same rule on the token API: no token is 401 rather than the sign-in page."""
    return {s: 401 if outcome == LOGIN else outcome for s, outcome in cells.items()}


def allowing(cells: Cells, *standings: str) -> Cells:
    """A POST row: these standings may take the step (not sent)."""
    return cells | dict.fromkeys(standings, ALLOW)


def applicant_step(cells: Cells, owner: str, back: str) -> Cells:
    """The applicant's step on an appeal: its owner may; another reader is refused by the
    step (back to the appeal's page, nothing saved); anyone else gets 404."""
    refused = {s: back for s, outcome in cells.items() if outcome == 200}
    return cells | refused | {owner: ALLOW}


def staff_step(cells: Cells, back: str, *, allowed: Iterable[str], refused: Iterable[str]):
    """An officials' step: `allowed` may; `refused` see the appeal but the step is not theirs
    (back to its page, nothing saved)."""
    return cells | dict.fromkeys(refused, back) | dict.fromkeys(allowed, ALLOW)


def api_step(cells: Cells, *, allowed: Iterable[str], refused: Iterable[str]) -> Cells:
    """A step on the API: refused by the step's rule is 409 (the appeal is readable)."""
    return api(cells) | dict.fromkeys(refused, 409) | dict.fromkeys(allowed, ALLOW)


def applicant_api_step(cells: Cells, owner: str) -> Cells:
    """The applicant's step on the API: its owner may; another reader gets 409 from the step's
    rule; anyone else 404."""
    readers = [s for s, outcome in cells.items() if outcome == 200 and s != owner]
    return api_step(cells, allowed=[owner], refused=readers)


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # with {names} of the world's objects
    cells: Cells
    # How the standing is presented: "session" (a signed-in browser), "bearer" (the API's
    # Authorization header), "api_key" (Open311's form field).
    auth: str = "session"
    data: dict = field(default_factory=dict)  # the form (site) or the JSON body (API)
    if_match: str | None = None  # the appeal whose ETag goes in If-Match (API steps)


def G(endpoint: str, path: str, cells: Cells, **kw) -> Row:
    return Row(endpoint, "GET", path, cells, **kw)


def P(endpoint: str, path: str, cells: Cells, **kw) -> Row:
    return Row(endpoint, "POST", path, cells, **kw)


def B(endpoint: str, method: str, path: str, cells: Cells, **kw) -> Row:
    """A row of the token API."""
    return Row(endpoint, method, path, cells, auth="bearer", **kw)
