"""The load test's pages one request at a time, in one process, each user on their own data:
milliseconds a request, statements a request and the relationship loads among them.

A page profiled as one user hides what 50 users meet: the same rows every time, so a lazy
load per body shows up once. Stop 25 found the citizen's list reading each row's body on its
own (7.8 statements a page with the generated citizens) and the inbox reading its executors,
bodies and categories in three more, neither of which a single user's profile showed.

Runs on the database that bench/load/run.py generated (its --workdir), with a Redis of its own:

    python bench/load/pages.py --workdir /work/load1m                    # every page, 50 users
    python bench/load/pages.py --workdir /work/load1m --only inbox --profile
    python bench/load/pages.py --workdir /work/load1m --only inbox --profile tottime \
        --profile-file /tmp/p            # then: python -m pstats /tmp/p.inbox

Only reads, but for the submission page, which adds appeals as the load run does (each user
takes the form's token once). The score cells are built first when the load run's build is
not fresh (the desk pages would count live otherwise)."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from appeal_form import appeal_form, csrf  # noqa: E402  (this folder: the script's own)
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import User  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.localredis import LocalRedis, free_port  # noqa: E402
from appeals.scores.cells import fresh_build  # noqa: E402
from appeals.scores.snapshots import refresh_cached_figures  # noqa: E402
from appeals.timeutil import local_today  # noqa: E402

OWN = re.compile(r'href="/appeals/(\d+)"')
WORKED = re.compile(r'href="/work/appeals/(\d+)"')
SUBMIT = "the appeal form's post"
STATUS = "the status form's post"
READ = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)  # the statements slowest() sends again

# name: (the users' pool in targets.json, the address, or how a user finds it on a page)
PAGES = {
    "home": (None, "/"),
    "ratings": (None, "/ratings/"),
    "status form": (None, "/status"),
    "status check": (None, STATUS),
    "my appeals": ("citizens", "/appeals/"),
    "citizen's appeal": ("citizens", ("/appeals/", OWN, "/appeals/{}")),
    "new appeal form": ("citizens", "/appeals/new"),
    "submission": ("citizens", SUBMIT),
    "inbox": ("officials", "/work/"),
    "inbox overdue": ("officials", "/work/?overdue=y"),
    "official's appeal": ("officials", ("/work/", WORKED, "/work/appeals/{}")),
    "dashboard": ("prosecutors", "/prosecutor/"),
    "body page": ("prosecutors", "bodies"),
}


class Counts:
    """Statements and relationship loads (lazy or select-in) sent meanwhile, by class; with
    `keep`, the statements themselves, for slowest()."""

    def __init__(self, engine, keep: bool = False):
        self.engine, self.keep = engine, keep
        self.statements = 0
        self.loads: Counter[str] = Counter()
        self.sent: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(Session, "do_orm_execute", self._orm)

    def _statement(self, _connection, _cursor, statement, parameters, *_rest):
        self.statements += 1
        if self.keep:
            self.sent.append((statement, parameters))

    def _orm(self, state):
        if state.is_relationship_load:
            self.loads[state.bind_mapper.class_.__name__] += 1

    def reset(self):
        self.statements = 0
        self.loads.clear()
        self.sent.clear()

    def slowest(self, requests: int, shown: int = 12) -> str:
        """The statements that took the database the most time, in ms a request, with their
        rows: each read sent again on a connection of the driver's own and its rows all
        fetched. Timing the driver's execute alone leaves out SQLite's work on all rows but
        the first, done in the fetch: stop 40 found the look-alikes' candidates read from the
        table, timed at 0.12 ms a page that way and 1.08 ms in truth."""
        seconds: Counter[str] = Counter()
        rows: Counter[str] = Counter()
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in self.sent:
                if not READ.match(statement):
                    continue
                started = time.perf_counter()
                cursor.execute(statement, parameters)
                fetched = len(cursor.fetchall())
                text = " ".join(statement.split())
                seconds[text] += time.perf_counter() - started
                rows[text] += fetched
            connection.rollback()
        finally:
            connection.close()
        lines = [f"  {sum(seconds.values()) / requests * 1000:6.2f} ms  in all"]
        lines += [
            f"  {spent / requests * 1000:6.2f} ms {rows[text] / requests:7.1f} rows  {text[:130]}"
            for text, spent in seconds.most_common(shown)
        ]
        return "\n".join(lines)


class Reader:
    """One signed-in user (or the public) with their own test client."""

    def __init__(self, app, token: str | None, address, targets: dict, rng: random.Random):
        self.client = app.test_client()
        if token:
            with self.client.session_transaction() as session:
                session["_user_id"] = token
        self.address, self.targets, self.rng, self.found = address, targets, rng, None
        self.token: str | None = None

    def url(self) -> str:
        if self.address == "bodies":
            return f"/prosecutor/bodies/{self.rng.choice(self.targets['bodies'])}"
        if isinstance(self.address, str):
            return self.address
        listing, pattern, shape = self.address
        if self.found is None:
            self.found = pattern.findall(self.client.get(listing).get_data(as_text=True))
        return shape.format(self.rng.choice(self.found)) if self.found else listing

    def get(self):
        if self.address == SUBMIT:
            return self.submit()
        if self.address == STATUS:
            return self.check_status()
        url = self.url()
        response = self.client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return response

    def check_status(self):
        if self.token is None:
            self.token = csrf(self.client.get("/status").get_data(as_text=True))
        number, code = self.rng.choice(self.targets["statuses"])
        data = {"number": number, "access_code": code, "csrf_token": self.token}
        response = self.client.post("/status", data=data)
        if 'data-testid="status-result"' not in response.get_data(as_text=True):
            raise SystemExit(f"no status shown: {response.status_code}")
        return response

    def submit(self):
        if self.token is None:
            form = self.client.get("/appeals/new").get_data(as_text=True)
            self.token = csrf(form)
        response = self.client.post("/appeals/new", data=appeal_form(self.targets, self.token))
        if response.status_code != 302:
            raise SystemExit(f"a submission was refused: {response.status_code}")
        return response


def readers(app, name: str, users: int, targets: dict) -> list[Reader]:
    pool, address = PAGES[name]
    rng = random.Random(25)
    if pool is None:
        return [Reader(app, None, address, targets, rng)]
    emails = list(targets["recovery_codes"]) if pool == "prosecutors" else targets[pool]
    with app.app_context():
        found = db.session.scalars(select(User).where(User.email.in_(emails[:users]))).all()
        tokens = [user.get_id() for user in found]
    return [Reader(app, token, address, targets, rng) for token in tokens]


def measure(
    app, counts: Counts, name: str, users: int, requests: int, targets, profile, dump_to, sql
):
    group = readers(app, name, users, targets)
    for reader in group:  # warm: each user's first page, the process's caches
        reader.get()
    counts.reset()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(requests):
        group[i % len(group)].get()
    if profiler:
        profiler.disable()
    per_request = (time.perf_counter() - started) / requests * 1000
    loads = ", ".join(f"{kind} {n / requests:.1f}" for kind, n in counts.loads.most_common())
    print(
        f"| {name} | {len(group)} | {per_request:.2f} | {counts.statements / requests:.1f} "
        f"| {sum(counts.loads.values()) / requests:.1f} | {loads or '-'} |"
    )
    if sql:
        print(counts.slowest(requests))
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(profile).print_stats(40)
        print(out.getvalue())
        if dump_to:  # for pstats' callers and callees: python -m pstats FILE
            stats.dump_stats(f"{dump_to}.{name.replace(' ', '_')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", required=True, help="bench/load/run.py's --workdir")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500, help="per page")
    parser.add_argument("--only", default="", help="pages, comma-separated: " + ", ".join(PAGES))
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cumulative",
        default="",
        help="cProfile each page (slower); sorted by cumulative (default) or tottime",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="each page's slowest statements: each read sent again, its rows all fetched",
    )
    parser.add_argument("--profile-file", default="", help="dump each page's profile to FILE.page")
    args = parser.parse_args()
    work = Path(args.workdir)
    targets = json.loads((work / "targets.json").read_text())
    names = [n.strip() for n in args.only.split(",")] if args.only else list(PAGES)
    if unknown := set(names) - set(PAGES):
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))}")
    os.environ.setdefault("TZ", "Asia/Almaty")
    time.tzset()
    redis = LocalRedis(port=free_port(), data_dir=tempfile.mkdtemp(prefix="appeals-pages-"))
    redis.start()
    try:
        app = create_app(
            SQLALCHEMY_DATABASE_URI=args.database_url or f"sqlite:///{work / 'load.sqlite3'}",
            REDIS_URL=redis.url,
            SECRET_KEY="load-test",
            RATELIMIT_PUBLIC_FORMS="1000000 per minute",  # as the load run: one address posts all
        )
        with app.app_context():
            if fresh_build(local_today()) is None:
                started = time.perf_counter()
                refresh_cached_figures()
                db.session.commit()  # the job's wrapper commits; called here, so must this
                print(f"built the score cells in {time.perf_counter() - started:.0f} s")
            counts = Counts(db.engine, keep=args.statements)
        print("| page | users | ms a request | statements | relationship loads | by class |")
        print("|---|---:|---:|---:|---:|---|")
        for name in names:
            measure(
                app,
                counts,
                name,
                args.users,
                args.requests,
                targets,
                args.profile,
                args.profile_file,
                args.statements,
            )
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
