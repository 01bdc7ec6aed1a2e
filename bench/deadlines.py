"""Benchmark: deadlines. Due dates for 1,000,000 (registration date, kind) pairs, then the
overdue sweep over 1,000,000 open appeals (100,000 of them overdue) on SQLite, set-based
against the naive ORM row loop, in the same run.

Run from the project root:
    python bench/deadlines.py                 # 1,000,000 appeals, 100,000 overdue
    python bench/deadlines.py --quick         # a tenth of every size: a smoke run
    python bench/deadlines.py --appeals 200000 --overdue 20000 --db /tmp/x.sqlite3 --explain
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import sqlite3
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as a script, the project root is not on sys.path: add it so `appeals` and `config` import.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import deadlines_calendar  # noqa: E402  (bench/ is sys.path[0] when run as a script)
from sqlalchemy import event, insert, select  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role, User  # noqa: E402
from appeals.deadlines.jobs import clear_stale_overdue_flags, mark_overdue, missing_reminders
from appeals.extensions import db  # noqa: E402
from appeals.intake.models import RUNNING_STATUSES, Appeal, EventKind  # noqa: E402
from appeals.intake.workflow import record_event
from appeals.notifications.models import Notification  # noqa: E402
from appeals.reference.models import Body, Category, Region  # noqa: E402
from appeals.reference.seed import seed_reference  # noqa: E402
from appeals.timeutil import local_date, now_utc  # noqa: E402
from config import Config  # noqa: E402

CHUNK = 50_000  # rows per executemany when building the fixture
TEXT_CHARS = 500  # the appeal's text: the naive loop loads it, the table scans read past it
# Nothing listens here: if a job were sent to Redis it would fail and log a warning.
DEAD_REDIS = "redis://127.0.0.1:1/0"
KINDS = ("statement", "report", "proposal", "feedback", "request", "complaint")


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(path: Path):
    return create_app(
        "config.Config",
        SECRET_KEY="bench-only",  # no sessions are signed; the development key is refused
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        RQ_ENABLED=False,
        REDIS_URL=DEAD_REDIS,
    )


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- The fixture --------------------------------------------------------------------------


def add_staff() -> dict[str, int]:
    """~50 users: heads on 20 bodies, two officials on 10 of them, 10 regional prosecutors,
    and one inactive head (no notice may reach them)."""
    bodies = db.session.execute(select(Body.id, Body.kind, Body.region_id).order_by(Body.id)).all()
    working = [b for b in bodies if b.kind != "prosecutor"]
    offices = [b for b in bodies if b.kind == "prosecutor" and b.region_id is not None]
    head_bodies = [working[i * len(working) // 20].id for i in range(20)]
    rows = []
    for n, body_id in enumerate(head_bodies):
        rows.append({"role": Role.HEAD, "body_id": body_id, "name": f"head{n}"})
        if n < 10:
            for k in (1, 2):
                rows.append({"role": Role.OFFICIAL, "body_id": body_id, "name": f"off{n}-{k}"})
    for n, office in enumerate(offices[::2][:10]):
        rows.append({"role": Role.PROSECUTOR, "body_id": office.id, "name": f"pros{n}"})
    rows.append({"role": Role.HEAD, "body_id": head_bodies[-1], "name": "gone", "active": False})
    db.session.execute(
        insert(User.__table__),
        [
            {
                "email": f"{r['name']}@bench.example.kz",
                "password_hash": "-",  # nobody signs in; argon2 would only slow the setup
                "full_name": r["name"],
                "role": r["role"].value,
                "body_id": r["body_id"],
                "is_active": r.get("active", True),
            }
            for r in rows
        ],
    )
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["role"].value if r.get("active", True) else "inactive"] += 1
    return dict(counts)


def appeal_rows(
    start: int, stop: int, total: int, overdue: int, today: date, places, categories, text_
):
    """Appeals start..stop-1. Appeal x is overdue when floor(x*overdue/total) steps: exactly
    `overdue` of them, evenly spread. Of the others, one in twenty is past its due_on but
    extended beyond today (not overdue); the rest fall due today..today+29."""
    for x in range(start, stop):
        is_late = (x * overdue) // total != ((x + 1) * overdue) // total
        extended = None
        if is_late:
            due = today - timedelta(days=1 + x % 30)
        elif x % 20 == 7:
            due = today - timedelta(days=1 + x % 10)
            extended = today + timedelta(days=x % 10)
        else:
            due = today + timedelta(days=x % 30)
        body_id, region_id, executors = places[x % len(places)]
        in_progress = x % 2 == 1
        registered = due - timedelta(days=28)
        yield {
            "number": f"BENCH-{x:08d}",
            "access_code_hash": "0" * 64,
            "kind": KINDS[x % len(KINDS)],
            "category_id": categories[(x // len(places)) % len(categories)],
            "region_id": region_id,
            "subject": f"Bench appeal {x}",
            "text": text_,
            "language": "ru",
            "is_anonymous": False,
            "contact_name": f"Citizen {x}",
            "current_body_id": body_id,
            "first_body_id": body_id,
            "executor_id": executors[(x // 2) % len(executors)]
            if in_progress and executors
            else None,
            "status": "in_progress" if in_progress else "registered",
            "is_overdue": False,
            "submitted_at": datetime.combine(registered, clock(4), UTC),
            "registered_on": registered,
            "received_on": registered,
            "due_on": due,
            "extended_until": extended,
            "version": 1,
        }


def build(path: Path, appeals: int, overdue: int, today: date, text_chars: int) -> dict:
    """A fresh database with the app's schema, the reference data, staff and the appeals."""
    remove_db(path)
    app = make_app(path)
    with app.app_context():
        t0 = time.perf_counter()
        db.create_all()
        seed_reference(today)
        staff = add_staff()
        db.session.commit()
        t1 = time.perf_counter()
        bodies = db.session.execute(
            select(Body.id, Body.region_id).where(Body.kind != "prosecutor").order_by(Body.id)
        ).all()
        tops = list(
            db.session.execute(
                select(Region.id).where(Region.level.in_(["region", "city"])).order_by(Region.id)
            ).scalars()
        )
        officials = defaultdict(list)
        for user_id, body_id in db.session.execute(
            select(User.id, User.body_id).where(User.role == Role.OFFICIAL).order_by(User.id)
        ):
            officials[body_id].append(user_id)
        # National bodies have no region: their appeals come from every region in turn.
        places = [
            (
                b.id,
                b.region_id if b.region_id is not None else tops[n % len(tops)],
                officials.get(b.id, []),
            )
            for n, b in enumerate(bodies)
        ]
        categories = list(db.session.execute(select(Category.id).order_by(Category.id)).scalars())
        text_ = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20)[:text_chars]
        # Plain dicts through Core executemany, in chunks: the ORM is not what is measured here.
        table = Appeal.__table__
        for start in range(0, appeals, CHUNK):
            rows = list(
                appeal_rows(
                    start,
                    min(start + CHUNK, appeals),
                    appeals,
                    overdue,
                    today,
                    places,
                    categories,
                    text_,
                )
            )
            db.session.execute(insert(table), rows)
        db.session.commit()
        t2 = time.perf_counter()
        timings = {
            "schema+seed+staff": t1 - t0,
            "appeals": t2 - t1,
            "staff": staff,
            "bodies": len(bodies),
            "categories": len(categories),
        }
    with app.app_context():
        db.engine.dispose()
    return timings


def copy_db(source: Path, target: Path) -> float:
    """A byte-identical starting point for the other contender (the backup API reads the WAL)."""
    remove_db(target)
    t0 = time.perf_counter()
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return time.perf_counter() - t0


# --- Measuring the set-based sweep --------------------------------------------------------


class StatementLog:
    """Times every statement the engine runs (execute only: a SELECT's fetch comes after)."""

    def __init__(self, engine):
        self.entries: list[tuple[str, object, float, float]] = []
        self._start = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._start = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.entries.append((statement, parameters, self._start, time.perf_counter()))

    def take(self):
        entries, self.entries = self.entries, []
        return entries


def label(statement: str) -> str:
    s = " ".join(statement.split())
    if s.startswith("INSERT INTO events"):
        return "INSERT events ... SELECT"
    if s.startswith("INSERT INTO notifications"):
        return "INSERT notifications ... SELECT"
    if s.startswith("UPDATE appeals SET is_overdue=?") and "IS 1" in s:
        return "UPDATE clear stale flags"
    if s.startswith("UPDATE appeals"):
        return "UPDATE appeals SET is_overdue"
    if s.startswith("SELECT notifications.id"):
        return "SELECT new notice ids"
    return s[:60]


class RedisWarnings(logging.Handler):
    """Counts the warnings appeals.queues logs when it fails to reach Redis."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def set_based_sweep(today: date, statements: StatementLog) -> dict:
    """clear_stale_overdue_flags + mark_overdue, then commit: what sweep_deadlines does."""
    statements.take()
    t0 = time.perf_counter()
    cleared = clear_stale_overdue_flags(today)
    t1 = time.perf_counter()
    flagged = mark_overdue(today)
    t2 = time.perf_counter()
    pending = len(db.session.info.get("pending_jobs", []))
    db.session.commit()
    t3 = time.perf_counter()
    entries = statements.take()
    per_statement = [(label(s), end - start) for s, _, start, end in entries]
    # _deliver_after_commit: from its SELECT until mark_overdue returned (the fetch and the
    # PendingJob per notice are Python work the statement log cannot see).
    deliver = next(
        (t2 - start for s, _, start, _ in entries if label(s) == "SELECT new notice ids"), None
    )
    left = db.session.info.get("pending_jobs")
    return {
        "total": t3 - t0,
        "clear": t1 - t0,
        "mark": t2 - t1,
        "commit": t3 - t2,
        "deliver": deliver,
        "cleared": cleared,
        "flagged": flagged,
        "pending_jobs": pending,
        "pending_left_after_commit": len(left) if left else 0,
        "statements": per_statement,
        "raw": [(s, p) for s, p, _, _ in entries],
    }


def explain(raw) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of each write/select the sweep ran, with its real parameters."""
    plans = []
    seen = set()
    connection = db.session.connection()
    for statement, params in raw:
        name = label(statement)
        if name in seen or statement.lstrip().upper().startswith(("BEGIN", "COMMIT")):
            continue
        seen.add(name)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        plans.append((name, [f"{'  ' * depth(rows, r)}{r[3]}" for r in rows]))
    db.session.rollback()
    return plans


def depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    d, parent = 0, row[1]
    while parent:
        d, parent = d + 1, parents.get(parent, 0)
    return d


# --- The naive ORM loop -------------------------------------------------------------------


def naive_sweep(today: date) -> dict:
    """The straightforward way: load every open appeal, decide in Python, set the flag, add
    the event (record_event, the project's own service) and one Notification per recipient,
    flush, queue the deliveries, commit. Staff are looked up once, not per appeal."""
    from appeals.notifications.service import delivery_job
    from appeals.queues import queue_after_commit

    t0 = time.perf_counter()
    staff = db.session.execute(select(User).where(User.is_active)).scalars().all()
    users = {u.id: u for u in staff}
    heads = defaultdict(list)
    prosecutors = defaultdict(list)
    for user in staff:
        if user.role == Role.HEAD:
            heads[user.body_id].append(user)
        elif user.role == Role.PROSECUTOR and user.body and user.body.kind == "prosecutor":
            prosecutors[user.body.region_id].append(user)
    flagged = 0
    notices = []
    loaded = 0
    open_appeals = db.session.execute(
        select(Appeal).where(Appeal.status.in_(list(RUNNING_STATUSES)))
    ).scalars()
    for appeal in open_appeals:
        loaded += 1
        if appeal.is_overdue or not appeal.is_overdue_on(today):
            continue
        appeal.is_overdue = True
        record_event(appeal, EventKind.OVERDUE, None, data={"by_sweep": True})
        recipients = {}
        if appeal.executor_id in users:
            recipients[appeal.executor_id] = users[appeal.executor_id]
        for user in heads[appeal.current_body_id]:
            recipients[user.id] = user
        for region_id in (appeal.region_id, appeal.region.parent_id):
            for user in prosecutors.get(region_id, ()):
                recipients[user.id] = user
        for user in recipients.values():
            notice = Notification(
                template="appeal_overdue",
                address=user.email,
                payload={},
                user_id=user.id,
                appeal_id=appeal.id,
                dedup_key=f"overdue-{appeal.id}-{user.id}-{today.isoformat()}",
            )
            db.session.add(notice)
            notices.append(notice)
        flagged += 1
    t1 = time.perf_counter()
    db.session.flush()  # the ids the delivery jobs need
    for notice in notices:
        queue_after_commit(delivery_job(notice.id))
    t2 = time.perf_counter()
    db.session.commit()
    t3 = time.perf_counter()
    return {
        "total": t3 - t0,
        "load+decide": t1 - t0,
        "flush+queue": t2 - t1,
        "commit": t3 - t2,
        "loaded": loaded,
        "flagged": flagged,
        "notices": len(notices),
    }


# --- Checking both ended in the same state -------------------------------------------------


def outcome(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "flagged": one("SELECT count(*) FROM appeals WHERE is_overdue"),
            "overdue events": one("SELECT count(*) FROM events WHERE kind = 'overdue'"),
            "overdue notices": one(
                "SELECT count(*) FROM notifications WHERE template = 'appeal_overdue'"
            ),
        }


def differences(a: Path, b: Path) -> dict[str, int]:
    """Rows in one database and not the other, both ways (0 everywhere: the same result)."""
    con = sqlite3.connect(a)
    con.execute("ATTACH DATABASE ? AS other", (str(b),))
    queries = {
        "flagged ids": "SELECT id FROM {x}appeals WHERE is_overdue",
        "event appeal ids": "SELECT appeal_id FROM {x}events WHERE kind = 'overdue'",
        "notices": "SELECT appeal_id, user_id, address, dedup_key, status FROM {x}notifications"
        " WHERE template = 'appeal_overdue'",
    }
    result = {}
    for name, sql in queries.items():
        mine, theirs = sql.format(x="main."), sql.format(x="other.")
        result[name] = con.execute(
            f"SELECT (SELECT count(*) FROM ({mine} EXCEPT {theirs}))"
            f" + (SELECT count(*) FROM ({theirs} EXCEPT {mine}))"
        ).fetchone()[0]
    con.close()
    return result


# --- The run --------------------------------------------------------------------------------


def run_calendar(pairs: int, sample: int) -> None:
    print("== Deadlines: due-date calculation (bench/deadlines_calendar.py) ==")
    saved = sys.argv
    sys.argv = [saved[0], "--pairs", str(pairs), "--sample", str(sample)]
    try:
        deadlines_calendar.main()
    finally:
        sys.argv = saved


def print_sweep(name: str, result: dict) -> None:
    print(
        f"{name}: {result['total']:.3f} s  (clear_stale {result['clear']:.3f} s, "
        f"mark_overdue {result['mark']:.3f} s, commit {result['commit']:.3f} s); "
        f"flagged {result['flagged']:,}, cleared {result['cleared']:,}"
    )
    for statement, seconds in result["statements"]:
        if not statement.startswith(("BEGIN", "COMMIT")):
            print(f"    {seconds:8.3f} s  {statement}")
    if result["deliver"] is not None:
        print(
            f"    {result['deliver']:8.3f} s  _deliver_after_commit: SELECT + "
            f"{result['pending_jobs']:,} PendingJob(s) in session.info"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=1_000_000, help="open appeals")
    parser.add_argument("--overdue", type=int, default=100_000, help="of which past due")
    parser.add_argument("--quick", action="store_true", help="a tenth of every size")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_deadlines.sqlite3"))
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--text-chars", type=int, default=TEXT_CHARS)
    parser.add_argument("--pairs", type=int, default=1_000_000, help="due-date pairs")
    parser.add_argument("--sample", type=int, default=50_000, help="naive due-date sample")
    parser.add_argument("--no-calendar", action="store_true", help="skip the due-date part")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive ORM loop")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN QUERY PLAN")
    parser.add_argument("--keep", action="store_true", help="keep the database files")
    parser.add_argument(
        "--sql",
        action="append",
        default=[],
        metavar="STATEMENT",
        help="run on the generated database before anything is measured (both contenders "
        "get it), e.g. to try an index; repeatable",
    )
    args = parser.parse_args()
    if args.quick:
        args.appeals //= 10
        args.overdue //= 10
        args.pairs //= 10
        args.sample //= 10
    if not 0 <= args.overdue <= args.appeals:
        parser.error("--overdue must be between 0 and --appeals")
    today = args.today or local_date(now_utc(), Config.TIMEZONE)

    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, SQLite {sqlite3.sqlite_version}"
    )
    if not args.no_calendar:
        run_calendar(args.pairs, args.sample)
        print()

    print(
        f"== Deadlines: the overdue sweep ({args.appeals:,} open appeals, "
        f"{args.overdue:,} overdue, today {today}) =="
    )
    naive_path = args.db.with_name(args.db.stem + ".naive" + args.db.suffix)
    built = build(args.db, args.appeals, args.overdue, today, args.text_chars)
    print(
        f"fixture: schema + reference data + staff {built['schema+seed+staff']:.2f} s; "
        f"{args.appeals:,} appeals (executemany, chunks of {CHUNK:,}) {built['appeals']:.2f} s "
        f"[not the measured figure]"
    )
    print(
        f"         staff {built['staff']}; appeals over {built['bodies']} bodies and "
        f"{built['categories']} categories; file {args.db.stat().st_size / 2**20:.0f} MB"
    )
    for statement in args.sql:
        with sqlite3.connect(args.db) as con:
            t0 = time.perf_counter()
            con.execute(statement)
        print(f"--sql {statement}: {time.perf_counter() - t0:.2f} s")
    if not args.no_naive:
        print(f"copy for the naive loop (sqlite3 backup API): {copy_db(args.db, naive_path):.2f} s")
    # Let the kernel write the fresh files back now, not while the contenders are timed.
    t0 = time.perf_counter()
    os.sync()
    print(f"os.sync(): {time.perf_counter() - t0:.2f} s")

    redis_warnings = RedisWarnings()
    logging.getLogger("appeals.queues").addHandler(redis_warnings)

    app = make_app(args.db)
    with app.app_context():
        statements = StatementLog(db.engine)
        first = set_based_sweep(today, statements)
        print_sweep("set-based sweep", first)
        print(
            f"    after commit: {first['pending_left_after_commit']} job(s) left in session.info, "
            f"{redis_warnings.count} Redis warning(s) (RQ_ENABLED=False sends nothing)"
        )
        raw_first = first["raw"]
        second = set_based_sweep(today, statements)
        print_sweep("second sweep (steady state)", second)
        now = datetime.combine(today, clock(10), ZoneInfo(Config.TIMEZONE))
        t0 = time.perf_counter()
        due_reminders = missing_reminders(now)
        t1 = time.perf_counter()
        db.session.rollback()
        print(
            f"    (not in the figure) missing_reminders, the rest of sweep_deadlines: "
            f"{t1 - t0:.3f} s, {len(due_reminders):,} reminder job(s) wanted"
        )
        if args.explain:
            print("EXPLAIN QUERY PLAN (first sweep's statements, real parameters):")
            for name, lines in explain(raw_first):
                print(f"  {name}")
                for line in lines:
                    print(f"      {line}")
        db.engine.dispose()
    print(f"peak RSS so far: {rss_mb():,.0f} MB")

    set_based = outcome(args.db)
    print(f"set-based result: {set_based}")
    if args.no_naive:
        assert set_based["flagged"] == args.overdue, set_based
    else:
        naive_app = make_app(naive_path)
        with naive_app.app_context():
            naive = naive_sweep(today)
            rss_naive = rss_mb()
            naive_second = naive_sweep(today)
            db.engine.dispose()
        print(
            f"naive ORM loop: {naive['total']:.3f} s  (load {naive['loaded']:,} appeals and "
            f"decide {naive['load+decide']:.3f} s, flush + queue {naive['flush+queue']:.3f} s, "
            f"commit {naive['commit']:.3f} s); flagged {naive['flagged']:,}, "
            f"{naive['notices']:,} notices; peak RSS {rss_naive:,.0f} MB"
        )
        print(
            f"naive second run (steady state): {naive_second['total']:.3f} s, "
            f"flagged {naive_second['flagged']}"
        )
        naive_result = outcome(naive_path)
        print(f"naive result:     {naive_result}")
        diff = differences(args.db, naive_path)
        print(f"rows in one database and not the other: {diff}")
        assert set_based == naive_result and not any(diff.values()), "results differ"
        assert set_based["flagged"] == args.overdue == naive["flagged"], set_based
        print(
            f"ratio: set-based sweep {naive['total'] / first['total']:.1f}x faster than the "
            f"naive loop; steady state {naive_second['total'] / second['total']:.1f}x"
        )
    assert second["flagged"] == 0 and second["cleared"] == 0, second
    print(f"peak RSS: {rss_mb():,.0f} MB")
    if not args.keep:
        remove_db(args.db)
        remove_db(naive_path)


if __name__ == "__main__":
    main()
