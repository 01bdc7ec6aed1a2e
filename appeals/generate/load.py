"""Writes a generated plan to the database in bulk: COPY on PostgreSQL, executemany of plain
tuples on SQLite (no ORM objects: a million appeals in about a minute or two)."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text

from appeals.accounts.models import Role, User
from appeals.accounts.service import hash_password
from appeals.audit.act_terms import act_due_date
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.generate.plan import (
    BODY_KINDS,
    ZONE_OFFSET,
    AppealPlan,
    at,
    hashed_code,
    local_day,
    plan_appeals,
    plan_bodies,
)
from appeals.intake.models import Appeal, RegistrationCounter
from appeals.reference.models import Body, Category, Region
from appeals.reference.seed import seed_holidays
from appeals.timeutil import now_utc

PASSWORD = "gen-pass-2026"  # every generated account's, for the load test
CHUNK = 20_000

APPEAL_COLUMNS = (
    "id",
    "number",
    "access_code_hash",
    "kind",
    "category_id",
    "region_id",
    "subject",
    "text",
    "language",
    "applicant_id",
    "is_anonymous",
    "current_body_id",
    "first_body_id",
    "executor_id",
    "policy_id",
    "status",
    "is_overdue",
    "submitted_at",
    "registered_on",
    "received_on",
    "due_on",
    "extended_until",
    "answered_at",
    "closed_at",
    "decision",
    "satisfaction",
    "parent_id",
    "parent_reason",
    "version",
)
EVENT_COLUMNS = (
    "appeal_id",
    "kind",
    "actor_id",
    "created_at",
    "status_after",
    "from_body_id",
    "to_body_id",
    "note",
    "data",
)
ANSWER_COLUMNS = ("appeal_id", "text", "decision", "author_id", "body_id", "created_at")
AUDIT_COLUMNS = (
    "appeal_id",
    "body_id",
    "prosecutor_id",
    "lawful",
    "violations",
    "note",
    "act",
    "created_at",
    "act_due_on",
    "act_answered_at",
    "act_overdue_at",
)
SUBJECTS = [
    "No answer about the queue for housing",
    "Road repair in the district",
    "Late payment of the allowance",
    "Heating in the apartment building",
    "A place in the kindergarten",
    "Water supply interruptions",
    "Refusal to register the land plot",
    "Rudeness of a clerk at the service centre",
]
TEXT = (
    "I ask you to look into the matter described below and to answer in the term set by the law. "
) * 4


@dataclass
class Report:
    appeals: int
    events: int
    bodies: int
    users: int
    seconds: dict[str, float]


def generate(
    appeals: int,
    bodies: int,
    months: int,
    seed: int,
    now: datetime | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> Report:
    """Generate and write everything up to `now` (default: this moment); commits in chunks
    (this is a bulk load, not a step)."""
    now = now or now_utc()
    today = local_day(now)  # the plan's day, in the same zone
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    first_year = (today.replace(day=1) - timedelta(days=31 * months)).year
    seed_holidays(list(range(first_year, today.year + 2)))
    db.session.flush()
    calendar = working_calendar()
    regions = list(db.session.execute(select(Region.id).order_by(Region.id)).scalars())
    categories = list(db.session.execute(select(Category.id).order_by(Category.id)).scalars())
    if not regions or not categories:
        raise RuntimeError("no reference data: run `flask --app appeals seed` first")
    terms, policies = _terms()
    body_plans = plan_bodies(rng, bodies, appeals)
    citizens = max(10, appeals // 4)
    plans = plan_appeals(
        rng,
        appeals=appeals,
        bodies=body_plans,
        citizens=citizens,
        categories=len(categories),
        months=months,
        now=now,
        terms=terms,
        calendar=calendar,
    )
    timings["plan"] = time.perf_counter() - started
    log(f"planned {len(plans):,} appeals in {timings['plan']:.1f} s")

    started = time.perf_counter()
    body_ids, body_regions = _write_bodies(rng, body_plans, regions, seed)
    staff, heads, prosecutor, citizen_ids, users = _write_users(
        body_plans, body_ids, citizens, seed
    )
    db.session.commit()
    timings["bodies and users"] = time.perf_counter() - started

    started = time.perf_counter()
    first_id = (db.session.execute(select(func.max(Appeal.id))).scalar() or 0) + 1
    numbers = _numbers(plans)
    ts, day, flag = _formats(db.session.get_bind().dialect.name)
    no, yes = flag(False), flag(True)
    rows, events, answers, audits = [], [], [], []
    for offset, p in enumerate(plans):
        appeal_id = first_id + offset
        body_id = body_ids[p.body]
        executor = (
            staff[p.body][offset % len(staff[p.body])]
            if p.status not in ("registered", "withdrawn", "left_without_consideration")
            else None
        )
        rows.append(
            (
                appeal_id, numbers[offset], hashed_code(appeal_id), p.kind,
                categories[p.category], body_regions[p.body],
                SUBJECTS[offset % len(SUBJECTS)], TEXT, "ru", citizen_ids[p.citizen], no,
                body_id, body_ids[p.first_body] if p.first_body is not None else body_id,
                executor, policies[p.kind], p.status, yes if p.is_overdue else no,
                ts(p.submitted_at), day(p.registered_on), day(p.forwarded_on or p.registered_on),
                day(p.due_on), day(p.extended_until), ts(p.answered_at), ts(p.rated_at),
                p.decision, p.satisfaction,
                first_id + p.parent if p.parent is not None else None, p.parent_reason, 1,
            )
        )  # fmt: skip
        _events(events, appeal_id, p, body_id, body_ids, executor, heads, ts)
        if p.answered_at:
            answered_at = ts(p.answered_at)
            answers.append((appeal_id, "The matter was considered; the answer is attached.",
                            p.decision, executor, body_id, answered_at))  # fmt: skip
            if p.audited_at:
                audits.append(_audit(appeal_id, body_id, prosecutor, p.audited_at, len(audits),
                                     now, calendar, ts, day, flag))  # fmt: skip
    timings["rows"] = time.perf_counter() - started

    started = time.perf_counter()
    # The secondary indexes of the big tables are built once after the load, not kept up
    # row by row during it (keys and unique constraints stay: they check the rows).
    dropped = _drop_secondary_indexes(("appeals", "events", "answers"))
    # On PostgreSQL the foreign keys too: checked row by row they cost more than the COPY
    # itself; added back after it, each is validated in one pass over the table.
    unchecked = _drop_foreign_keys(("appeals", "events", "answers", "audits"))
    _copy("appeals", APPEAL_COLUMNS, rows)
    _copy("events", EVENT_COLUMNS, events)
    _copy("answers", ANSWER_COLUMNS, answers)
    _copy("audits", AUDIT_COLUMNS, audits)
    for ddl in dropped + unchecked:
        db.session.execute(text(ddl))
    _counters(numbers)
    _advance_id_sequence("appeals")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The planner's statistics and the visibility map now, not when autovacuum next
        # looks: until then the freshly loaded tables are planned as if empty, and an index
        # alone (the inbox's keys) still visits the table for every row. VACUUM runs outside
        # a transaction.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
            for table in ("appeals", "events", "answers", "audits", "users"):
                vacuum.execute(text(f"VACUUM ANALYZE {table}"))
    timings["write"] = time.perf_counter() - started
    log(
        f"wrote {len(rows):,} appeals, {len(events):,} events, {len(answers):,} answers, "
        f"{len(audits):,} audits in {timings['write']:.1f} s"
    )
    return Report(len(rows), len(events), len(body_ids), users, timings)


def _audit(appeal_id, body_id, prosecutor, audited_at, nth, now, calendar, ts, day, flag):
    """The nth audit. One in five finds a violation and demands a representation; of those
    past their term by `now`, two in three were answered (three days before it), the others
    are flagged overdue the day after, as the sweep would."""
    if nth % 5:
        return (appeal_id, body_id, prosecutor, flag(True), "[]", "", "none", ts(audited_at),
                None, None, None)  # fmt: skip
    due = act_due_date(local_day(audited_at), calendar)
    answered = overdue = None
    due_at = at(due, 12) - ZONE_OFFSET  # noon in the zone
    if due_at + timedelta(days=1) <= now:
        if nth // 5 % 3 != 2:
            answered = ts(due_at - timedelta(days=3))
        else:
            overdue = ts(due_at + timedelta(days=1))
    return (appeal_id, body_id, prosecutor, flag(False), '["red_tape"]', "", "representation",
            ts(audited_at), day(due), answered, overdue)  # fmt: skip


def _formats(dialect: str):
    """How values are written: SQLite takes text as SQLAlchemy stores it (naive UTC
    timestamps with microseconds, ISO dates) and 0/1; PostgreSQL's COPY takes the objects."""
    if dialect == "sqlite":

        def ts(value):
            return None if value is None else value.isoformat(" ", "microseconds")[:26]

        def day(value):
            return None if value is None else value.isoformat()

        return ts, day, int
    return (lambda value: value), (lambda value: value), bool


def _terms() -> tuple[dict[str, tuple[int, str]], dict[str, int]]:
    """The term and policy row of each kind under the profile in force (the latest rows)."""
    profile = current_app.config["DEADLINE_PROFILE"]
    rows = db.session.execute(
        select(DeadlinePolicy)
        .where(DeadlinePolicy.profile == profile)
        .order_by(DeadlinePolicy.effective_from)
    ).scalars()
    terms, ids = {}, {}
    for row in rows:
        terms[row.kind] = (row.term, row.unit)
        ids[row.kind] = row.id
    return terms, ids


def _write_bodies(rng, body_plans, regions, seed) -> tuple[list[int], list[int]]:
    region_of = [regions[rng.randrange(len(regions))] for _ in body_plans]
    rows = [
        {
            "code": f"gen{seed}-{b.index}",
            "name_ru": f"Орган {b.index}",
            "name_en": f"Body {b.index}",
            "kind": BODY_KINDS[b.index % len(BODY_KINDS)],
            "region_id": region_of[b.index],
            "is_active": True,
        }
        for b in body_plans
    ]
    db.session.execute(Body.__table__.insert(), rows)
    ids = dict(
        db.session.execute(select(Body.code, Body.id).where(Body.code.like(f"gen{seed}-%"))).all()
    )
    return [ids[f"gen{seed}-{b.index}"] for b in body_plans], region_of


def _write_users(body_plans, body_ids, citizens, seed):
    """A head and officials per body, citizens, and a prosecutor of the national office."""
    password = hash_password(PASSWORD)
    now = datetime.now(UTC)
    rows = []
    for b in body_plans:
        rows.append(
            _user(f"gen{seed}-head-{b.index}@gen.kz", Role.HEAD, body_ids[b.index], password, now)
        )
        for k in range(b.staff):
            rows.append(
                _user(
                    f"gen{seed}-official-{b.index}-{k}@gen.kz",
                    Role.OFFICIAL,
                    body_ids[b.index],
                    password,
                    now,
                )
            )
    national = (
        db.session.execute(
            select(Body.id)
            .join(Region, Region.id == Body.region_id)
            .where(Body.kind == "prosecutor", Region.parent_id.is_(None))
            .order_by(Body.id)
        )
        .scalars()
        .first()
    )
    rows.append(_user(f"gen{seed}-prosecutor@gen.kz", Role.PROSECUTOR, national, password, now))
    rows.extend(
        _user(f"gen{seed}-citizen-{n}@gen.kz", Role.CITIZEN, None, password, now)
        for n in range(citizens)
    )
    for start in range(0, len(rows), CHUNK):
        db.session.execute(User.__table__.insert(), rows[start : start + CHUNK])
    ids = dict(
        db.session.execute(
            select(User.email, User.id).where(User.email.like(f"gen{seed}-%@gen.kz"))
        ).all()
    )
    staff = [
        [ids[f"gen{seed}-official-{b.index}-{k}@gen.kz"] for k in range(b.staff)]
        for b in body_plans
    ]
    heads = [ids[f"gen{seed}-head-{b.index}@gen.kz"] for b in body_plans]
    citizen_ids = [ids[f"gen{seed}-citizen-{n}@gen.kz"] for n in range(citizens)]
    return staff, heads, ids[f"gen{seed}-prosecutor@gen.kz"], citizen_ids, len(rows)


def _user(email, role, body_id, password, now) -> dict:
    return {
        "email": email,
        "password_hash": password,
        "full_name": email.split("@")[0],
        "role": role.value,
        "body_id": body_id,
        "is_active": True,
        "created_at": now,
    }


def _numbers(plans: Sequence[AppealPlan]) -> list[str]:
    """Gap-free numbers per prefix and year in order of submission, after the existing ones."""
    config = current_app.config
    prefixes, digits = config["REGISTRATION_PREFIXES"], config["REGISTRATION_DIGITS"]
    last = {
        (c.prefix, c.year): c.last_value
        for c in db.session.execute(select(RegistrationCounter)).scalars()
    }
    numbers = []
    for p in plans:
        key = (prefixes[p.kind], local_day(p.submitted_at).year)
        last[key] = last.get(key, 0) + 1
        numbers.append(f"{key[0]}-{key[1]}-{last[key]:0{digits}d}")
    return numbers


def _counters(numbers: list[str]) -> None:
    top: dict[tuple[str, int], int] = defaultdict(int)
    for number in numbers:
        prefix, year, value = number.split("-")
        top[(prefix, int(year))] = max(top[(prefix, int(year))], int(value))
    for (prefix, year), value in top.items():
        row = db.session.get(RegistrationCounter, (prefix, year))
        if row is None:
            db.session.add(RegistrationCounter(prefix=prefix, year=year, last_value=value))
        else:
            row.last_value = max(row.last_value, value)
    db.session.flush()


def _events(out: list, appeal_id: int, p: AppealPlan, body_id: int, body_ids, executor, heads, ts):
    """The timeline's main steps (submitted, forwarded, assigned, extended, answered, rated,
    overdue, withdrawn or left), JSON data as text. The heads take the staff steps (the
    database refuses a staff step without its actor)."""
    head = heads[p.body]
    out.append((appeal_id, "submitted", None, ts(p.submitted_at), "submitted", None, None,
                None, None))  # fmt: skip
    if p.first_body is not None:
        late = "true" if (p.forwarded_on - p.registered_on).days > 5 else "false"
        out.append((appeal_id, "forwarded", heads[p.first_body], ts(p.forwarded_at),
                    "registered",
                    body_ids[p.first_body], body_id, None, f'{{"late": {late}}}'))  # fmt: skip
    if executor is not None:
        out.append((appeal_id, "assigned", head, ts(p.assigned_at), "in_progress", None, None,
                    None, f'{{"executor_id": {executor}}}'))  # fmt: skip
    if p.extended_until:
        out.append((appeal_id, "extended", head, ts(p.extended_at), None, None, None, None,
                    f'{{"until": "{p.extended_until.isoformat()}"}}'))  # fmt: skip
    if p.answered_at:
        out.append((appeal_id, "answered", executor, ts(p.answered_at), "answered", None, None,
                    None, f'{{"decision": "{p.decision}"}}'))  # fmt: skip
    if p.satisfaction:
        out.append((appeal_id, "rated", None, ts(p.rated_at), "closed",
                    None, None, None, f'{{"satisfaction": "{p.satisfaction}"}}'))  # fmt: skip
    if p.is_overdue:
        out.append((appeal_id, "overdue", None, ts(p.overdue_at), None, None, None,
                    None, None))  # fmt: skip
    if p.status in ("withdrawn", "left_without_consideration"):
        actor = head if p.status == "left_without_consideration" else None
        out.append((appeal_id, p.status, actor, ts(p.ended_at), p.status,
                    None, None, None, None))  # fmt: skip


def _drop_secondary_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; return the DDL that rebuilds them."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname)"
            ),
            {"tables": list(tables)},
        ).all()
    else:
        rows = db.session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(repr(t) for t in tables)})"
            )
        ).all()
    for name, _ddl in rows:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    return [ddl for _name, ddl in rows]


def _drop_foreign_keys(tables: Sequence[str]) -> list[str]:
    """PostgreSQL: drop the tables' foreign keys; return the DDL that adds them back (and so
    checks every row once). SQLite does not enforce them here: nothing to do."""
    if db.session.get_bind().dialect.name != "postgresql":
        return []
    rows = db.session.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' "
            "AND c.conrelid::regclass::text = ANY(:tables)"
        ),
        {"tables": list(tables)},
    ).all()
    for table, name, _definition in rows:
        db.session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in rows
    ]


def _advance_id_sequence(table: str) -> None:
    """The ids were given explicitly: on PostgreSQL move the table's id sequence past them, or
    the next appeal submitted would take an id already used."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def _copy(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Bulk insert of values already in the database's form: COPY on PostgreSQL,
    executemany on SQLite."""
    if not rows:
        return
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(columns)
    if db.session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    cursor = raw.cursor()
    for start in range(0, len(rows), CHUNK):
        cursor.executemany(sql, rows[start : start + CHUNK])
    cursor.close()
