"""Cost growth on PostgreSQL: the sweep, the score-cell build, the inbox, the dashboard and the
worker's peak memory at 100,000, 1,000,000 and 3,000,000 generated appeals (issue #14).

    python bench/growth.py --database-url postgresql+psycopg://... [--sizes 100000,1000000]

Each size starts from an empty schema (migrations, reference data, then `flask generate`);
the jobs run in a child process as a worker runs them (its peak RSS is the worker's memory),
the build of every body once more in another (the hourly one: only the changed cells written),
the pages through the test client in a third, with a real Redis. The figures are printed as
a Markdown table for bench/README.md. The database is emptied: give it a throwaway one
(scripts/pg-start).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-only-" + "x" * 40
PAGE_RUNS = 5
SUBMITTED = 400  # before the refresh that counts only the changed bodies


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "appeals", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def fresh_database(env: dict, appeals: int) -> float:
    """Empty schema, migrations, reference data, then the generator; returns its seconds."""
    subprocess.run(
        [sys.executable, "-c", RESET],
        env=env,
        cwd=ROOT,
        check=True,
    )
    flask(env, "db", "upgrade")
    flask(env, "seed")
    started = time.perf_counter()
    flask(env, "generate", "--appeals", str(appeals), "--bodies", "2000", "--months", "36",
          "--seed", "1")  # fmt: skip
    return time.perf_counter() - started


RESET = """
from sqlalchemy import text
from appeals import create_app
from appeals.extensions import db
app = create_app()
with app.app_context():
    db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.session.commit()
"""


def child(mode: str, env: dict) -> dict:
    """Run this script's `mode` in a child process; its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_jobs() -> dict:
    """The worker's periodic jobs, as it runs them: the sweep twice (the first repairs what an
    empty Redis lost: every open appeal's reminders; the second is the steady state) and the
    score cells' build."""
    from appeals.deadlines.jobs import sweep_deadlines
    from appeals.scores.snapshots import refresh_score_cache

    jobs = (
        ("sweep_first", sweep_deadlines),
        ("sweep_again", sweep_deadlines),
        ("cells", refresh_score_cache),
    )
    return timed_jobs(jobs, "peak_mb")


def run_build_again() -> dict:
    """The cells' build of every body once more, in a process of its own as the slow
    worker's work horse runs it: the hourly one, which reads the stored cells and writes the
    changed ones (the builds between count only the bodies with new events)."""
    from appeals.extensions import db
    from appeals.scores.cells import build_cells

    def every_body():
        build_cells(whole=True)
        db.session.commit()

    def after_submissions():
        """The refresh after SUBMITTED appeals to one body: it counts the bodies they name."""
        submit_to_one_body(SUBMITTED)
        started = time.perf_counter()
        build_cells()
        db.session.commit()
        return time.perf_counter() - started

    # A first burst loads next year's holidays (a due date falls there): a change of the
    # calendar, after which a refresh counts every body; the hourly count comes after it.
    in_app(lambda: submit_to_one_body(SUBMITTED))
    result = timed_jobs((("cells_again", every_body),), "cells_again_peak_mb")
    result["cells_changed"] = in_app(after_submissions)
    return result


def submit_to_one_body(n: int) -> None:
    """n statements by generated citizens, each through the intake service, committed."""
    from sqlalchemy import select

    from appeals.accounts.models import Role, User
    from appeals.extensions import db
    from appeals.intake.models import Appeal, AppealKind
    from appeals.intake.service import NewAppeal, submit_appeal

    citizens = db.session.scalars(select(User).where(User.role == Role.CITIZEN).limit(50)).all()
    category, region = db.session.execute(select(Appeal.category_id, Appeal.region_id)).first()
    for i in range(n):
        new = NewAppeal(AppealKind.STATEMENT, category, region, "Growth", "A statement.")
        submit_appeal(citizens[i % len(citizens)], new)
        db.session.commit()


def in_app(work):
    from appeals import create_app

    with create_app().app_context():
        return work()


def timed_jobs(jobs, peak: str) -> dict:
    """Each (name, job) in turn in the app, as a worker runs it: its seconds by name, and the
    process's peak RSS in MB under `peak`."""
    from appeals import create_app

    app = create_app()
    result = {}
    with app.app_context():
        for name, job in jobs:
            started = time.perf_counter()
            job()
            result[name] = time.perf_counter() - started
    result[peak] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_pages() -> dict:
    """The inbox of the busiest body's head and the national prosecutor's dashboard: the first
    request in a new process (nothing kept in it yet) and the median of PAGE_RUNS after it."""
    from flask_login import FlaskLoginClient
    from sqlalchemy import func, select

    from appeals import create_app
    from appeals.accounts.models import Role, User
    from appeals.extensions import db
    from appeals.intake.models import Appeal
    from appeals.reference.models import Body

    app = create_app()
    app.test_client_class = FlaskLoginClient
    with app.app_context():
        busiest = db.session.execute(
            select(Appeal.current_body_id, func.count())
            .group_by(Appeal.current_body_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        head = db.session.execute(
            select(User).where(User.body_id == busiest, User.role == Role.HEAD).limit(1)
        ).scalar_one()
        national = db.session.execute(select(Body.id).where(Body.code == "prosecutor-00")).scalar()
        prosecutor = db.session.execute(
            select(User).where(User.role == Role.PROSECUTOR, User.body_id == national).limit(1)
        ).scalar()
        if prosecutor is None:
            prosecutor = User(
                email="growth-prosecutor@example.kz",
                full_name="Growth Bench",
                role=Role.PROSECUTOR,
                body_id=national,
                password_hash="!",
            )
            db.session.add(prosecutor)
            db.session.commit()
        ids = {"inbox": head.id, "dashboard": prosecutor.id}
        db.session.commit()
    result = {}
    for name, url in (("inbox", "/work/"), ("dashboard", "/prosecutor/?period=year&year=2026")):
        with app.app_context():
            client = app.test_client(user=db.session.get(User, ids[name]))
            db.session.commit()
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            result[f"{name}_first"] = time.perf_counter() - started
            times = []
            for _ in range(PAGE_RUNS):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, url
        result[name] = statistics.median(times)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--sizes", default="100000,1000000,3000000")
    parser.add_argument("--child", choices=("jobs", "again", "pages"))
    args = parser.parse_args()
    if args.child == "jobs":
        print(json.dumps(run_jobs()))
        return
    if args.child == "again":
        print(json.dumps(run_build_again()))
        return
    if args.child == "pages":
        print(json.dumps(run_pages()))
        return
    if not (args.database_url or "").startswith("postgresql"):
        parser.error("give a throwaway PostgreSQL: --database-url postgresql+psycopg://...")
    from appeals.localredis import LocalRedis

    rows = []
    with LocalRedis() as redis:
        env = os.environ | {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": SECRET,
            "REDIS_URL": redis.url,
            "TOTP_REQUIRED_ROLES": "",  # the bench signs in without a phone
        }
        for size in (int(part) for part in args.sizes.split(",")):
            generated = fresh_database(env, size)
            jobs = child("jobs", env)
            # No margin: the refresh after the submissions counts the bodies of their events
            # only, not also those of the last 10 minutes' (the sweeps' just before).
            again = child("again", env | {"SCORE_CELLS_EVENT_MARGIN_SECONDS": "0"})
            pages = child("pages", env)
            row = {"appeals": size, "generate": generated, **jobs, **again, **pages}
            print(json.dumps(row), flush=True)
            rows.append(row)
    print()
    print("| appeals | generate | sweep (Redis empty) | sweep (steady) | cell build | "
          "worker peak | cell build again (its peak) | refresh after 400 submissions | "
          "inbox (first / then) | dashboard (first / then) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['appeals']:,} | {r['generate']:.0f} s | {r['sweep_first']:.2f} s | "
            f"{r['sweep_again']:.2f} s | {r['cells']:.1f} s | {r['peak_mb']:.0f} MB | "
            f"{r['cells_again']:.1f} s ({r['cells_again_peak_mb']:.0f} MB) | "
            f"{r['cells_changed']:.2f} s | "
            f"{r['inbox_first'] * 1000:.0f} / {r['inbox'] * 1000:.0f} ms | "
            f"{r['dashboard_first'] * 1000:.0f} / {r['dashboard'] * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
