"""A score cell as a row (scores/cells.py counts them): its columns, and how a build writes
the rows, only those that changed since the build before. Between two builds a few cells
change (the new appeals', the answered ones'; a day later the open ones past due), so the
lock a build holds, on SQLite the one every submission waits for, lasts while those are
written, not every cell (bench/README.md, "Stop 32")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from hashlib import blake2b
from itertools import islice
from typing import Any

from sqlalchemy import case, delete, insert, or_, select, update

from appeals.extensions import db
from appeals.scores.measures import SCAN_SUMS
from appeals.scores.models import ScoreCell, ScoreCellBuild

SUMMED = (*SCAN_SUMS, "followed", "complaints_decided", "complaints_upheld")
AUDIT_SUMS = ("audited", "audited_lawful")
FORWARDING_SUMS = ("forwardings", "forwarded_in_time", "forwarded_out", "forwarded_back")
INSERT_BATCH = 5_000  # cells per INSERT executemany
# A cell's key, and the counts a build compares (with the points and the histogram) to tell
# a cell that changed.
CELL_KEY = ("body_id", "due_month", "answer_month", "forward_month", "forward_until")
SUMS = (*SUMMED, *AUDIT_SUMS, *FORWARDING_SUMS)  # every sum a cell holds
CELL_COUNTS = tuple(name for name in SUMS if name != "points")


@dataclass
class StoredCells:
    counted_at: datetime | None  # the build that wrote them
    cells: dict[tuple, tuple[int, bytes]]  # key (CELL_KEY) -> (id, fingerprint)
    read: int  # rows read: more than the cells when a key was stored twice


@dataclass
class CellChanges:
    inserted: list[dict[str, Any]]
    updated: list[dict[str, Any]]  # with the stored cell's id
    deleted: list[int]
    cells: int  # in the new build, changed or not


def fingerprint(cell: Any) -> bytes:
    """A cell's sums and histogram, alike whether read back or counted (PostgreSQL's sums
    come as Decimal, its histogram's keys in any order)."""
    histogram = sorted((int(days), int(n)) for days, n in (cell["days_to_answer"] or {}).items())
    canonical = (tuple(int(cell[name]) for name in CELL_COUNTS), float(cell["points"]), histogram)
    return blake2b(repr(canonical).encode(), digest_size=16).digest()


def stored_cells(scope: dict[int, date] | None = None) -> StoredCells:
    """The cells stored now of `scope` (each body's from its first month, cell_scope.py; None:
    all) and the build that wrote them, read in one transaction. A key stored twice (never
    written so) reads as no cells: the next build writes them all."""
    counted_at = build_counted_at()
    if scope == {}:
        return StoredCells(counted_at, {}, 0)
    query = select(
        ScoreCell.id,
        *(getattr(ScoreCell, name) for name in CELL_KEY),
        *(getattr(ScoreCell, name) for name in (*CELL_COUNTS, "points", "days_to_answer")),
    )
    if scope is not None:  # each body's cells from its first month, and its forwarding rows
        first = case(scope, value=ScoreCell.body_id)
        query = query.where(
            ScoreCell.body_id.in_(sorted(scope)),
            or_(
                ScoreCell.forward_month.is_not(None),
                ScoreCell.due_month >= first,
                ScoreCell.answer_month >= first,
            ),
        )
    # In batches: never every row at once.
    rows = db.session.execute(query.execution_options(yield_per=INSERT_BATCH)).mappings()
    cells, read = {}, 0
    for row in rows:
        cells[tuple(row[name] for name in CELL_KEY)] = (row["id"], fingerprint(row))
        read += 1
    return StoredCells(counted_at, cells if len(cells) == read else {}, read)


def build_counted_at(lock: bool = False) -> datetime | None:
    """When the stored cells were counted (None: never); `lock` locks the build's row."""
    query = select(ScoreCellBuild.counted_at).limit(1)
    return db.session.execute(query.with_for_update() if lock else query).scalar()


def changes_to(stored: StoredCells, rows: Iterable[dict[str, Any]]) -> CellChanges:
    """The cells to insert, to update and to delete to turn the stored cells into `rows`
    (the stored cells are used up)."""
    left = stored.cells
    changes = CellChanges([], [], [], 0)
    for row in rows:
        changes.cells += 1
        found = left.pop(tuple(row[name] for name in CELL_KEY), None)
        if found is None:
            changes.inserted.append(row)
        elif found[1] != fingerprint(row):
            changes.updated.append({"id": found[0], **row})
    changes.deleted = [cell_id for cell_id, _ in left.values()]
    return changes


def write_changes(changes: CellChanges) -> int:
    """Write the changed cells only; returns the cells of the new build."""
    for start in range(0, len(changes.deleted), INSERT_BATCH):
        ids = changes.deleted[start : start + INSERT_BATCH]
        db.session.execute(delete(ScoreCell).where(ScoreCell.id.in_(ids)))
    if changes.updated:  # by primary key: one executemany
        db.session.execute(update(ScoreCell), changes.updated)
    _insert_cells(iter(changes.inserted))
    return changes.cells


def write_all(rows: Iterator[dict[str, Any]]) -> int:
    """Replace every stored cell with `rows`; returns how many."""
    db.session.execute(delete(ScoreCell))
    return _insert_cells(rows)


def _insert_cells(rows: Iterator[dict[str, Any]]) -> int:
    written = 0
    while batch := list(islice(rows, INSERT_BATCH)):
        # Every row has every column, NULLs rendered, so that a batch is one executemany (the
        # ORM would leave out the None months and start a new batch wherever the set left out
        # changes); batches of rows, not all at once, so the rows are not all held twice.
        db.session.execute(insert(ScoreCell).execution_options(render_nulls=True), batch)
        written += len(batch)
    return written


def histogram_json(histogram: dict[int, int]) -> dict[str, int]:
    return {str(d): n for d, n in sorted(histogram.items())}


def cell_row(key: tuple, sums: dict[str, Any], **columns: Any) -> dict[str, Any]:
    """A cell to insert: every sum (zero unless given), so that the rows insert together. A
    key without the forwarding's months (the appeals' cells) has them None."""
    padded = [*key, None, None][: len(CELL_KEY)]
    return {
        **dict(zip(CELL_KEY, padded, strict=True)),
        **{name: sums.get(name, 0) for name in SUMS},
        "days_to_answer": {},
        **columns,
    }
