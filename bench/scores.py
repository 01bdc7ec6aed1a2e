"""Benchmark: scores. The full ranking for a year (body_measures + score_bodies + rank) over
1,000,000 generated appeals of 500 bodies and 24 months on SQLite, against the naive
computation (load the needed columns, count in Python) in the same run; both must give the
same figures and the same scores. The same ranking summed from the score cells (and the time to
build them). Then the prosecutor's pages through the Flask test client (the national
prosecutor's dashboard for the year, a body's page): cold, repeated, a range that is not
whole months, and with the cells too old.

Run from the project root:
    python bench/scores.py              # 1,000,000 appeals, 500 bodies, 2025-2026
    python bench/scores.py --quick      # a tenth: 100,000 appeals, 50 bodies
    python bench/scores.py --db /tmp/scores.sqlite3 --reuse   # keep and reuse the data
    python bench/scores.py --db /tmp/scores.sqlite3 --reuse --pages-only
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as a script, the project root is not on sys.path: add it so `appeals` and `config` import.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role, User  # noqa: E402
from appeals.audit.models import Audit  # noqa: E402
from appeals.deadlines.models import DeadlinePolicy  # noqa: E402
from appeals.deadlines.rules import is_very_overdue  # noqa: E402
from appeals.deadlines.service import working_calendar  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.intake.models import (  # noqa: E402
    OPEN_STATUSES,
    RUNNING_STATUSES,  # noqa: E402
    Appeal,
    Event,
)
from appeals.localredis import LocalRedis  # noqa: E402
from appeals.reference.models import Body, Category, Region  # noqa: E402
from appeals.reference.seed import seed_holidays, seed_reference  # noqa: E402
from appeals.scores.cells import build_cells, cell_figures  # noqa: E402
from appeals.scores.formula import BodyMeasures, Rate, rank, score_bodies  # noqa: E402
from appeals.scores.measures import audit_rates, body_measures, unaudited_measures, with_audits  # noqa: E402
from appeals.scores.models import ScoreCellBuild, ScoreSnapshot  # noqa: E402
from appeals.scores.period import Period  # noqa: E402
from appeals.scores.snapshots import (  # noqa: E402
    previous_month,
    refresh_cached_figures,
    snapshot_month,
)
from appeals.timeutil import local_today  # noqa: E402

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens: no job may be sent
FIRST_DAY = date(2025, 1, 1)
TODAY = date(2026, 12, 31)  # the "now" of the figures: the last day of the data
YEAR = 2026
ZONE = "Asia/Almaty"
# Appeal texts of 200-800 characters (500 on average), so that the table is as wide as a real
# one: a scan of it reads the texts too, which is why the scores read a covering index.
TEXT = ("I ask you to look into the matter described below. " * 20)[:800]


def make_app(path: Path, redis_url: str = DEAD_REDIS):
    return create_app(
        "config.Config",
        SECRET_KEY="bench-only",  # no sessions are signed; the development key is refused
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        RQ_ENABLED=False,
        REDIS_URL=redis_url,
        TIMEZONE=ZONE,
    )


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- Set-based generation -----------------------------------------------------------------


# A deterministic hash of the row number and a salt, 0..65535: the same data on every run.
def h(salt: int) -> str:
    return f"((((i + {salt} * 1000003) * 2654435761) % 4294967296) / 65536)"


def generate(appeals: int, bodies: int, days: int) -> dict[str, float]:
    """Bodies, appeals, events and audits, each with one INSERT ... SELECT."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    seed_reference(today=TODAY)
    seed_holidays([2024, 2025, 2026, 2027])
    db.session.commit()
    regions = list(db.session.execute(select(Region.id)).scalars())
    category = db.session.execute(select(Category.id)).scalars().first()
    kinds = ["akimat", "department", "police", "committee", "ministry"]
    db.session.execute(
        Body.__table__.insert(),
        [
            {
                "code": f"bench-{n}",
                "name_ru": f"Орган {n}",
                "name_en": f"Body {n}",
                "kind": kinds[n % len(kinds)],
                "region_id": regions[n % len(regions)],
                "is_active": True,
            }
            for n in range(bodies)
        ],
    )
    prosecutor = User(
        email="bench@example.kz", password_hash="-", full_name="Bench", role=Role.PROSECUTOR
    )
    db.session.add(prosecutor)
    db.session.commit()
    first_body = db.session.execute(select(Body.id).where(Body.code == "bench-0")).scalar_one()
    policy = {
        kind: db.session.execute(
            select(DeadlinePolicy.id).where(
                DeadlinePolicy.profile == "appk", DeadlinePolicy.kind == kind
            )
        ).scalar_one()
        for kind in ("statement", "complaint")
    }
    timings["reference"] = time.perf_counter() - started

    started = time.perf_counter()
    # Per row: body, received day, answer lag (0-29 days) and hour, outcome, rating, parent.
    # 84% answered (or answered and rated), 7% in progress, 3% withdrawn, 2% suspended,
    # 4% of rows repeat or complain about an earlier appeal (half of them complaints) made up
    # to 60 days before, so that some follow an answer within 60 days and some do not.
    db.session.execute(
        text(
            f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :appeals),
        r AS (
          SELECT i,
            {first_body} + {h(1)} % :bodies AS body,
            date(:first, '+' || ({h(2)} % :days) || ' days') AS received,
            {h(3)} % 30 AS lag, {h(4)} % 24 AS hour, {h(5)} % 100 AS outcome,
            {h(6)} % 100 AS rated, {h(7)} % 100 AS extended, {h(8)} % 100 AS child,
            {h(9)} % (:appeals * 60 / :days + 1) AS back, {h(10)} % 4 AS decision
          FROM n
        ),
        s AS (
          SELECT r.*,
            date(received, '+21 days') AS due,
            CASE WHEN extended < 5 THEN date(received, '+35 days') END AS extended_until,
            CASE WHEN child < 4 AND i > back + 1 THEN i - back - 1 END AS parent,
            CASE WHEN child < 2 AND i > back + 1 THEN 'complaint' ELSE 'statement' END AS kind,
            datetime(received, '+' || lag || ' days', '+' || hour || ' hours') AS answered
          FROM r
        ),
        t AS (
          SELECT s.*,
            CASE
              WHEN outcome >= 84 AND outcome < 91 THEN 'in_progress'
              WHEN outcome >= 91 AND outcome < 94 THEN 'withdrawn'
              WHEN outcome >= 94 AND outcome < 96 THEN 'suspended'
              WHEN date(answered, '+5 hours') > :today THEN 'in_progress'
              WHEN rated < 40 THEN 'closed'
              ELSE 'answered'
            END AS status
          FROM s
        )
        INSERT INTO appeals (
          id, number, access_code_hash, kind, category_id, region_id, subject, text, language,
          is_anonymous, current_body_id, first_body_id, policy_id, status, is_overdue,
          submitted_at, registered_on, received_on, due_on, extended_until, answered_at,
          decision, satisfaction, parent_id, version
        )
        SELECT i, 'B-' || i, 'x', kind, :category, :region, 'subject',
          substr(:text, 1, 200 + {h(16)} % 601), 'ru',
          0, body, body, CASE kind WHEN 'complaint' THEN :complaint ELSE :statement END,
          status, 0, received || ' 05:00:00.000000', received, received, due, extended_until,
          CASE WHEN status IN ('answered', 'closed') THEN answered || '.000000' END,
          CASE WHEN status IN ('answered', 'closed') THEN
            CASE decision WHEN 0 THEN 'satisfied' WHEN 1 THEN 'partly_satisfied'
              WHEN 2 THEN 'refused' ELSE 'explained' END END,
          CASE WHEN status = 'closed' THEN
            CASE rated % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'partly'
              ELSE 'not_satisfied' END END,
          parent, 1
        FROM t
        """
        ),
        {
            "appeals": appeals,
            "bodies": bodies,
            "days": days,
            "first": FIRST_DAY.isoformat(),
            "today": TODAY.isoformat(),
            "category": category,
            "region": regions[0],
            "complaint": policy["complaint"],
            "statement": policy["statement"],
            "text": TEXT,
        },
    )
    db.session.commit()
    timings["appeals"] = time.perf_counter() - started

    started = time.perf_counter()
    # Every appeal's "submitted" event (so the events table has a realistic bulk), and a
    # forwarding for 3%: to the next body, 1-6 days after receipt, late after 3.
    db.session.execute(
        text(
            """
        INSERT INTO events (appeal_id, kind, created_at, status_after)
        SELECT id, 'submitted', submitted_at, 'submitted' FROM appeals
        """
        )
    )
    db.session.execute(
        text(
            f"""
        INSERT INTO events (appeal_id, kind, actor_id, created_at, status_after,
                            from_body_id, to_body_id, data)
        SELECT id, 'forwarded', :actor,
          datetime(received_on, '+' || (1 + {h(11).replace("i", "id")} % 6) || ' days',
                   '+6 hours') || '.000000',
          'registered', {first_body} + (current_body_id - {first_body} + 1) % :bodies,
          current_body_id,
          CASE WHEN 1 + {h(11).replace("i", "id")} % 6 > 3 THEN '{{"late": true}}'
               ELSE '{{"late": false}}' END
        FROM appeals WHERE {h(12).replace("i", "id")} % 100 < 3
        """
        ),
        # A staff step names its actor (the database refuses one without): the bench's user.
        {"bodies": bodies, "actor": prosecutor.id},
    )
    # An audit of 2% of the answers, 80% lawful; a second, later verdict on a tenth of them.
    db.session.execute(
        text(
            f"""
        INSERT INTO audits (appeal_id, body_id, prosecutor_id, lawful, violations, note, act,
                            created_at)
        SELECT id, current_body_id, :prosecutor, {h(13).replace("i", "id")} % 100 < 80,
          CASE WHEN {h(13).replace("i", "id")} % 100 < 80 THEN '[]' ELSE '["red_tape"]' END,
          '', 'none', answered_at
        FROM appeals WHERE answered_at IS NOT NULL AND {h(14).replace("i", "id")} % 100 < 2
        ORDER BY id
        """
        ),
        {"prosecutor": prosecutor.id},
    )
    db.session.execute(
        text(
            f"""
        INSERT INTO audits (appeal_id, body_id, prosecutor_id, lawful, violations, note, act,
                            created_at)
        SELECT appeal_id, body_id, prosecutor_id, NOT lawful,
          CASE WHEN lawful THEN '["formal_reply"]' ELSE '[]' END, '', 'none', created_at
        FROM audits WHERE {h(15).replace("i", "appeal_id")} % 10 = 0
        """
        )
    )
    db.session.commit()
    timings["events and audits"] = time.perf_counter() - started
    return timings


# --- The naive computation ----------------------------------------------------------------


def naive_measures(period: Period, today: date) -> list[BodyMeasures]:
    """The same figures by loading the columns and looping in Python (shares no SQL)."""
    cal = working_calendar()
    zone = ZoneInfo(ZONE)
    open_statuses = {s.value for s in OPEN_STATUSES}
    running = {s.value for s in RUNNING_STATUSES}
    policies = {
        p.id: (p.term, p.unit) for p in db.session.execute(select(DeadlinePolicy)).scalars()
    }
    rows = db.session.execute(
        select(
            Appeal.id,
            Appeal.current_body_id,
            Appeal.status,
            Appeal.received_on,
            Appeal.registered_on,
            Appeal.due_on,
            Appeal.extended_until,
            Appeal.answered_at,
            Appeal.satisfaction,
            Appeal.decision,
            Appeal.kind,
            Appeal.parent_id,
            Appeal.submitted_at,
            Appeal.policy_id,
        )
    ).all()

    def wd(a: date, b: date) -> int:  # W(b) - W(a), signed
        return cal.working_days_between(a, b) - cal.working_days_between(b, a)

    by_id = {}
    children: dict[int, list] = defaultdict(list)
    for row in rows:
        answer_day = row.answered_at.astimezone(zone).date() if row.answered_at else None
        by_id[row.id] = (row, answer_day)
        if row.parent_id is not None:
            children[row.parent_id].append(row)

    def in_period(row, answer_day) -> bool:
        due = row.extended_until or row.due_on
        return (due is not None and period.contains(due)) or (
            answer_day is not None and period.contains(answer_day)
        )

    f: dict[int, dict] = defaultdict(lambda: defaultdict(float))
    histograms: dict[int, list[int]] = defaultdict(list)
    listed: set[int] = set()
    for row, answer_day in by_id.values():
        body = row.current_body_id
        due = row.extended_until or row.due_on
        answered = row.answered_at is not None and row.status not in open_statuses
        late_open = row.status in running and due is not None and due < today
        if body is not None and late_open:
            f[body]["open_overdue"] += 1
            term, unit = policies.get(row.policy_id, (None, None))
            if term is not None and is_very_overdue(today, due, term, unit, cal):
                f[body]["very_overdue"] += 1
        if body is None or not in_period(row, answer_day):
            continue
        listed.add(body)
        g = f[body]
        g["appeals"] += 1
        g["extended"] += row.extended_until is not None
        if answered and due is not None:
            g["counted"] += 1
            if answer_day <= due:
                g["timely"] += 1
            else:
                g["late_n"] += 1
                g["late_days"] += wd(due, answer_day)
        elif late_open:
            g["counted"] += 1
            g["late_n"] += 1
            g["late_days"] += wd(due, today)
        if row.satisfaction is not None:
            g["rated"] += 1
            g["points"] += {"satisfied": 1.0, "partly": 0.5}.get(row.satisfaction, 0.0)
        if answered:
            g["answers"] += 1
            received = row.received_on or row.registered_on
            if received is not None:
                histograms[body].append(wd(received, answer_day))
            limit = row.answered_at + timedelta(days=60)
            if any(row.answered_at <= c.submitted_at <= limit for c in children[row.id]):
                g["followed"] += 1
    # Complaints about each body's answers, decided in the period.
    for row, answer_day in by_id.values():
        if (
            row.kind == "complaint"
            and row.parent_id is not None
            and row.answered_at is not None
            and row.status not in open_statuses
            and period.contains(answer_day)
        ):
            parent_body = by_id[row.parent_id][0].current_body_id
            if parent_body is None:
                continue
            listed.add(parent_body)
            f[parent_body]["decided"] += 1
            f[parent_body]["upheld"] += row.decision in ("satisfied", "partly_satisfied")
    # The latest audit of each appeal.
    latest: dict[int, tuple] = {}
    for audit_id, appeal_id, body, lawful in db.session.execute(
        select(Audit.id, Audit.appeal_id, Audit.body_id, Audit.lawful)
    ):
        if appeal_id not in latest or audit_id > latest[appeal_id][0]:
            latest[appeal_id] = (audit_id, body, lawful)
    for appeal_id, (_, body, lawful) in latest.items():
        if in_period(*by_id[appeal_id]):
            listed.add(body)
            f[body]["audited"] += 1
            f[body]["lawful"] += bool(lawful)
    # Forwardings out, dated in the period (local date).
    out: dict[int, set[int]] = defaultdict(set)
    for appeal_id, from_body, created_at, data in db.session.execute(
        select(Event.appeal_id, Event.from_body_id, Event.created_at, Event.data).where(
            Event.kind == "forwarded"
        )
    ):
        if from_body is None or not period.contains(created_at.astimezone(zone).date()):
            continue
        listed.add(from_body)
        out[from_body].add(appeal_id)
        f[from_body]["forwardings"] += 1
        f[from_body]["in_time"] += (data or {}).get("late") is False

    def median(values: list[int]) -> float | None:
        return statistics.median(values) if values else None

    result = []
    for body in sorted(listed):
        g = f[body]
        back = sum(
            1 for a in out[body] if by_id[a][0].current_body_id == body and in_period(*by_id[a])
        )
        appeals = int(g["appeals"])
        result.append(
            BodyMeasures(
                body_id=body,
                appeals=appeals,
                timely=Rate(int(g["timely"]), int(g["counted"])),
                satisfaction=Rate(g["points"], int(g["rated"])),
                audit_clean=Rate(int(g["lawful"]), int(g["audited"])),
                no_followup=Rate(int(g["answers"] - g["followed"]), int(g["answers"])),
                complaints_rejected=Rate(int(g["decided"] - g["upheld"]), int(g["decided"])),
                median_days_to_answer=median(histograms[body]),
                mean_days_late=g["late_days"] / g["late_n"] if g["late_n"] else None,
                open_overdue=int(g["open_overdue"]),
                very_overdue=int(g["very_overdue"]),
                extension_rate=Rate(int(g["extended"]), appeals),
                forwarded_out=Rate(len(out[body]), appeals + len(out[body]) - back),
                forward_compliance=Rate(int(g["in_time"]), int(g["forwardings"])),
            )
        )
    return result


def same_measures(fast: list[BodyMeasures], naive: list[BodyMeasures]) -> list[str]:
    problems = []
    if [m.body_id for m in fast] != [m.body_id for m in naive]:
        return [f"different bodies: {len(fast)} vs {len(naive)}"]
    for a, b in zip(fast, naive, strict=True):
        for name, value in a.__dict__.items():
            other = getattr(b, name)
            if isinstance(value, Rate):
                ok = value.n == other.n and math.isclose(value.successes, other.successes)
            elif isinstance(value, float) or isinstance(other, float):
                ok = (value is None and other is None) or (
                    value is not None
                    and other is not None
                    and math.isclose(value, other, rel_tol=1e-9)
                )
            else:
                ok = value == other
            if not ok:
                problems.append(f"body {a.body_id} {name}: {value} != {other}")
    return problems


# --- The prosecutor's pages ----------------------------------------------------------------

DASHBOARD = f"/prosecutor/?period=year&year={YEAR}"
WARM_RUNS = 5


def timed_get(client, url: str) -> tuple[float, float, str]:
    """One request: wall and CPU seconds, and the page (a 200, or the run stops)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        sys.exit(f"{url}: HTTP {response.status_code}")
    return wall, cpu, response.get_data(as_text=True)


def page_scores(html: str) -> list[str]:
    """The scores of the ranking table, in order (to compare two renderings)."""
    marker = "data-score>"
    return [part.split("<", 1)[0] for part in html.split(marker)[1:]]


def prepare_pages(path: Path) -> tuple[int, int]:
    """The bench prosecutor belongs to the General Prosecutor's Office (the whole country);
    the closed months get their snapshots (for the trend lines and the worst movers), as the
    monthly job would have taken them. Returns (prosecutor id, a body's id)."""
    app = make_app(path)
    with app.app_context():
        db.create_all()  # tables added since the data was generated (--reuse)
        office = db.session.execute(select(Body.id).where(Body.code == "prosecutor-00")).scalar()
        prosecutor = db.session.execute(
            select(User).where(User.email == "bench@example.kz")
        ).scalar_one()
        prosecutor.body_id = office
        db.session.commit()
        body = db.session.execute(select(Body.id).where(Body.code == "bench-7")).scalar_one()
        if db.session.execute(select(ScoreSnapshot.id).limit(1)).first() is None:
            started = time.perf_counter()
            year, month = previous_month(local_today())
            months = [
                (y, m)
                for y in range(FIRST_DAY.year, year + 1)
                for m in range(1, 13)
                if (FIRST_DAY.year, FIRST_DAY.month) <= (y, m) <= (year, month)
            ]
            for y, m in months:
                snapshot_month(y, m)
                db.session.commit()
            print(
                f"Snapshots of the {len(months)} closed months up to {year}-{month:02d} "
                f"in {time.perf_counter() - started:.1f} s [setup, not measured]"
            )
        return prosecutor.id, body


def measure_pages(path: Path) -> None:
    """The dashboard and a body page through the test client, on a real Redis: the cells
    built as the refresh job builds them, the first request of a new app (cold), repeated
    requests, a custom range that is not whole months (counted, then cached in Redis), and
    the cells too old (a stopped worker: counted live)."""
    from flask_login import FlaskLoginClient

    prosecutor_id, body_id = prepare_pages(path)
    body_page = f"/prosecutor/bodies/{body_id}?period=year&year={YEAR}"
    custom = f"/prosecutor/?period=custom&start={YEAR}-01-01&end={YEAR}-12-15"
    with LocalRedis() as server:
        app = make_app(path, server.url)
        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            cells = refresh_cached_figures()
            db.session.commit()
            job_wall, job_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"Refresh job (builds the score cells: one scan of every appeal), {cells:,} cells: "
            f"wall {job_wall:.2f} s; CPU {job_cpu:.2f} s"
        )
        app = make_app(path, server.url)  # a new app: nothing compiled, nothing cached
        app.test_client_class = FlaskLoginClient
        with app.app_context():
            client = app.test_client(user=db.session.get(User, prosecutor_id))
            db.session.commit()
        cache = Redis.from_url(server.url)
        print(
            f"The national prosecutor's pages (Flask test client, a real Redis, cells and "
            f'cache used for {app.config["SCORE_CACHE_SECONDS"]} s; "today" is the real date, '
            f"{date.today():%d.%m.%Y}):"
        )
        cold_wall, cold_cpu, cold_html = timed_get(client, DASHBOARD)
        print(
            f"  dashboard {DASHBOARD}, cold (first request of a new app, Redis empty, cells "
            f"fresh): wall {cold_wall:.3f} s; CPU {cold_cpu:.3f} s"
        )
        warm = [timed_get(client, DASHBOARD) for _ in range(WARM_RUNS)]
        warm_html = warm[-1][2]
        print(
            f"  dashboard, again, {WARM_RUNS} runs: wall "
            + ", ".join(f"{w:.3f}" for w, _, _ in warm)
            + f" s, median {statistics.median(w for w, _, _ in warm):.3f} s; CPU median "
            f"{statistics.median(c for _, c, _ in warm):.3f} s; page {len(warm_html):,} bytes"
        )
        body = [timed_get(client, body_page)[0] for _ in range(WARM_RUNS)]
        print(
            f"  body page {body_page}, {WARM_RUNS} runs: "
            + ", ".join(f"{w:.3f}" for w in body)
            + f" s, median {statistics.median(body):.3f} s"
        )
        cache.flushdb()
        miss_wall, miss_cpu, _ = timed_get(client, custom)
        hits = [timed_get(client, custom)[0] for _ in range(WARM_RUNS)]
        print(
            f"  dashboard for a range that is not whole months ({custom}): first request "
            f"(counted) wall {miss_wall:.3f} s (CPU {miss_cpu:.3f} s); then from Redis, "
            f"{WARM_RUNS} runs, median {statistics.median(hits):.3f} s"
        )
        with app.app_context():
            build = db.session.execute(select(ScoreCellBuild)).scalar_one()
            build.counted_at -= timedelta(seconds=app.config["SCORE_CACHE_SECONDS"] + 1)
            db.session.commit()
        live = []
        for _ in range(3):
            cache.flushdb()
            live.append(timed_get(client, DASHBOARD))
        print(
            "  dashboard with the cells too old (a stopped worker) and Redis emptied each "
            "time: counted live, 3 runs: wall " + ", ".join(f"{w:.3f}" for w, _, _ in live) + " s"
        )
    same = page_scores(warm_html) == page_scores(live[-1][2]) == page_scores(cold_html)
    if not same or not page_scores(warm_html):
        sys.exit("MISMATCH: the dashboard from the cells differs from the live one")
    print(
        f"  the dashboards from the cells and counted live show the same "
        f"{len(page_scores(warm_html))} ranked scores"
    )


# --- The run ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-scores.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing --db")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the ranking")
    parser.add_argument("--pages-only", action="store_true", help="only the pages (with --reuse)")
    args = parser.parse_args()
    if args.quick:
        args.appeals //= 10
        args.bodies //= 10
    days = (date(2026, 12, 31) - FIRST_DAY).days + 1  # 24 months
    logging.disable(logging.WARNING)

    print(
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"
    )
    if not (args.reuse and args.db.exists()):
        remove_db(args.db)
        app = make_app(args.db)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            timings = generate(args.appeals, args.bodies, days)
            total = time.perf_counter() - started
        print(
            f"Generated {args.appeals:,} appeals over {args.bodies} bodies and 24 months "
            f"in {total:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
            + ") [not the measured figure]"
        )
    else:
        print(f"Reusing {args.db}")
    if args.pages_only:
        measure_pages(args.db)
        return
    app = make_app(args.db)
    period = Period.year(YEAR)
    with app.app_context():
        counts = db.session.execute(
            text(
                "SELECT (SELECT count(*) FROM appeals), (SELECT count(*) FROM events),"
                " (SELECT count(*) FROM audits), (SELECT count(*) FROM bodies)"
            )
        ).one()
        print(
            f"Rows: {counts[0]:,} appeals, {counts[1]:,} events, {counts[2]:,} audits, "
            f"{counts[3]} bodies"
        )
        db.session.commit()

        # Wall time, and this process's CPU time (SQLite runs in-process): on a machine
        # shared with other work the CPU time is the steadier of the two.
        fast_times, fast_cpu = [], []
        for _ in range(args.runs):
            db.session.expire_all()
            started, cpu = time.perf_counter(), time.process_time()
            measures = body_measures(period, today=TODAY)
            scores = score_bodies(measures)
            ranking = rank(scores)
            fast_times.append(time.perf_counter() - started)
            fast_cpu.append(time.process_time() - cpu)
            db.session.commit()
        print(
            f"Ranking of {YEAR} (body_measures + score_bodies + rank), {len(measures)} "
            f"bodies, {len(ranking)} ranked: wall "
            + ", ".join(f"{t:.3f} s" for t in fast_times)
            + "; CPU "
            + ", ".join(f"{t:.3f} s" for t in fast_cpu)
        )

        started, cpu = time.perf_counter(), time.process_time()
        naive = naive_measures(period, TODAY)
        naive_scores = score_bodies(naive)
        naive_time = time.perf_counter() - started
        naive_cpu = time.process_time() - cpu
        db.session.commit()
        print(
            f"Naive Python loop (load the columns, count in Python): wall {naive_time:.2f} s; "
            f"CPU {naive_cpu:.2f} s"
        )
        print(
            f"Ratio naive / set-based (best run): wall {naive_time / min(fast_times):.1f}x, "
            f"CPU {naive_cpu / min(fast_cpu):.1f}x"
        )

        # The same ranking summed from the score cells (built for the same "today").
        started, cpu = time.perf_counter(), time.process_time()
        cells = build_cells(TODAY)
        db.session.commit()
        build_wall, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        cell_times = []
        for _ in range(args.runs):
            db.session.expire_all()
            started = time.perf_counter()
            # As the pages rank: no medians (a ranking does not show them).
            figures, _counted_at = cell_figures(period, TODAY, medians_for=())
            rank(score_bodies(with_audits(figures, audit_rates(period))))
            cell_times.append(time.perf_counter() - started)
            db.session.commit()
        started = time.perf_counter()
        figures, _counted_at = cell_figures(period, TODAY)  # every median too
        all_medians = time.perf_counter() - started
        if figures.measures != unaudited_measures(period, today=TODAY).measures:
            sys.exit("MISMATCH: the cells' figures differ from the count over the appeals")
        db.session.commit()
        print(
            f"Score cells: built in wall {build_wall:.2f} s, CPU {build_cpu:.2f} s ({cells:,} "
            f"cells); ranking of {YEAR} summed from them: "
            + ", ".join(f"{t:.3f} s" for t in cell_times)
            + f" (with every body's median: {all_medians:.3f} s); same figures as the count. "
            f"Ratio count / cells (best runs): {min(fast_times) / min(cell_times):.0f}x; "
            f"naive / cells: {naive_time / min(cell_times):.0f}x"
        )

        month = Period.month(YEAR, 6)
        started, cpu = time.perf_counter(), time.process_time()
        month_scores = score_bodies(body_measures(month, today=TODAY))
        print(
            f"Ranking of {month.label} (one month, as the snapshot job computes it), "
            f"{len(month_scores)} bodies: wall {time.perf_counter() - started:.3f} s; "
            f"CPU {time.process_time() - cpu:.3f} s"
        )
        db.session.commit()

        problems = same_measures(measures, naive)
        for a, b in zip(scores, naive_scores, strict=True):
            if a.score is None or b.score is None:
                if a.score != b.score:
                    problems.append(f"body {a.body_id} score {a.score} != {b.score}")
            elif not math.isclose(a.score, b.score, rel_tol=1e-9) or a.grade != b.grade:
                problems.append(f"body {a.body_id} score {a.score} != {b.score}")
        if problems:
            print("MISMATCH:\n  " + "\n  ".join(problems[:20]))
            sys.exit(1)
        print(f"Same figures and scores for all {len(measures)} bodies.")
        grades = defaultdict(int)
        for s in scores:
            grades[s.grade] += 1
        print("Grades: " + json.dumps(dict(sorted(grades.items(), key=str))))
    measure_pages(args.db)


if __name__ == "__main__":
    main()
