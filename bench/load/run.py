"""The load test: a generated database served by gunicorn (gunicorn.conf.py), the RQ workers
running, locust headless on loopback with mixed traffic, then the hello-world under the same
gunicorn as the ceiling (under sync workers, which close each connection, also with two
threads a process and kept connections: the higher is the ceiling), then the checks in the
database.

    python bench/load/run.py --appeals 100000 --users 50 --seconds 60       # SQLite
    python bench/load/run.py --database-url postgresql+psycopg://... --appeals 100000

Bounded: locust stops after --seconds; every process it starts is stopped at the end. Traffic
goes to 127.0.0.1 only. Prints a Markdown table for bench/README.md."""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from redis import Redis  # noqa: E402
from rq import Queue  # noqa: E402
from rq.registry import StartedJobRegistry  # noqa: E402
from sqlalchemy import exists, func, select  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role, User  # noqa: E402
from appeals.accounts.second_factor import enable_second_factor, new_secret  # noqa: E402
from appeals.deadlines.schedule import schedule_deadline_jobs  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.generate.plan import access_code, hashed_code  # noqa: E402
from appeals.intake.models import Answer, Appeal, AppealStatus, RegistrationCounter  # noqa: E402
from appeals.localredis import LocalRedis, free_port  # noqa: E402
from appeals.notifications.models import Notification  # noqa: E402
from appeals.notifications.service import NOTICE_OUTBOX  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent


def sh(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def start(args, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def targets(app, path: Path, users: int) -> dict:
    with app.app_context():

        def emails(role, like, n, *where):
            return list(db.session.execute(
                select(User.email).where(User.role == role, User.email.like(like), *where).limit(n)
            ).scalars())  # fmt: skip

        def prosecutors(n):
            """Prosecutors must sign in with a second factor, and a per-page run signs in as
            many as it has users: the generated prosecutor's account is copied n times, each
            copy enrolled here (again before every run) with its recovery codes."""
            generated = User.email.like("gen%-prosecutor@gen.kz")
            national = db.session.scalars(
                select(User).where(User.role == Role.PROSECUTOR, generated)
            ).first()
            codes = {}
            for i in range(n):
                email = f"load-prosecutor-{i}@gen.kz"
                user = db.session.scalars(select(User).where(User.email == email)).first()
                if user is None:
                    user = User(
                        email=email,
                        full_name=f"Load prosecutor {i}",
                        role=Role.PROSECUTOR,
                        body_id=national.body_id,
                        password_hash=national.password_hash,
                    )
                    db.session.add(user)
                secret = new_secret()
                codes[email] = enable_second_factor(user, secret, pyotp.TOTP(secret).now())
            db.session.commit()
            return codes

        # The latest generated appeals, whose access codes the generator derived from their
        # ids: those an earlier run submitted have random codes, and checking them would
        # measure the "no such appeal" answer.
        latest = db.session.execute(
            select(Appeal.id, Appeal.number, Appeal.access_code_hash)
            .order_by(Appeal.id.desc()).limit(200_000)
        )  # fmt: skip
        rows = [(i, number) for i, number, kept in latest if kept == hashed_code(i)][:2000]
        busiest = db.session.execute(
            select(Appeal.current_body_id).group_by(Appeal.current_body_id)
            .order_by(func.count().desc()).limit(20)
        ).scalars().all()  # fmt: skip
        sample = db.session.execute(select(Appeal.category_id, Appeal.region_id).limit(1)).one()
        answerable = officials_work(50)
        data = {
            "password": "gen-pass-2026",
            # Citizens spread over all the generated ones that have an appeal to open (the first
            # are the frequent writers).
            "citizens": random.Random(11).sample(
                emails(
                    Role.CITIZEN,
                    "gen%-citizen-%",
                    None,
                    exists().where(Appeal.applicant_id == User.id),
                ),
                500,
            ),
            "officials": emails(Role.OFFICIAL, "gen%-official-%", 200),
            # The officials with the most appeals in progress, and those appeals (Answering
            # answers each once).
            "answering": list(answerable),
            "answerable": answerable,
            "recovery_codes": prosecutors(users),
            "statuses": [(number, access_code(appeal_id)) for appeal_id, number in rows],
            "bodies": [b for b in busiest if b],
            "category_id": sample.category_id,
            "region_id": sample.region_id,
        }
    path.write_text(json.dumps(data))
    return data


def schedule_answerable_terms(app, answerable: dict[str, list[int]]) -> int:
    """Schedule the deadline jobs of the appeals the officials will answer: production's Redis
    holds them for every open appeal, and an answer cancels them (the generator writes only
    the database, and each run starts on an empty Redis). Returns how many appeals."""
    ids = [appeal_id for appeal_ids in answerable.values() for appeal_id in appeal_ids]
    with app.app_context():
        for start in range(0, len(ids), 500):
            for appeal in db.session.scalars(
                select(Appeal).where(Appeal.id.in_(ids[start : start + 500]))
            ):
                schedule_deadline_jobs(appeal)
        db.session.commit()  # the jobs go to Redis in pipelines
    return len(ids)


def officials_work(n: int) -> dict[str, list[int]]:
    """The appeals in progress of the n generated officials with the most, by the official's
    e-mail: what each may answer (the executor answers)."""
    in_progress = (Appeal.status == AppealStatus.IN_PROGRESS, User.role == Role.OFFICIAL,
                   User.email.like("gen%-official-%"))  # fmt: skip
    busiest = (
        select(User.id)
        .join(Appeal, Appeal.executor_id == User.id)
        .where(*in_progress)
        .group_by(User.id)
        .order_by(func.count().desc())
        .limit(n)
    )
    rows = db.session.execute(
        select(User.email, Appeal.id)
        .join(User, User.id == Appeal.executor_id)
        .where(*in_progress, User.id.in_(busiest))
        .order_by(Appeal.id)
    )
    work: dict[str, list[int]] = defaultdict(list)
    for email, appeal_id in rows:
        work[email].append(appeal_id)
    return work


# The per-page runs (--pages): each task alone at the same concurrency.
PAGES = ["Public.home", "Public.ratings", "Public.status", "Citizen.my_appeals",
         "Citizen.one_appeal", "Citizen.submit", "Official.inbox", "Official.inbox_overdue",
         "Official.open_appeal", "Answering.answer", "Prosecutor.dashboard",
         "Prosecutor.body_page"]  # fmt: skip


# Seconds the users may take to start and sign in before the measured run (50 sign-ins take
# 8-15 s on 2 cores); a run whose users never all sign in ends this much after --seconds.
SIGN_IN_BOUND = 120


def spawn_rate(users: int) -> int:
    """Users started a second: all of them in about 5 s."""
    return max(1, users // 5)


def ready_file(prefix: Path) -> Path:
    """Where locust writes the moment every user of the run named `prefix` has signed in."""
    return Path(f"{prefix}.ready")


def locust(env, host: str, classes: list[str], users: int, seconds: int, prefix: Path) -> None:
    """Run locust headless (it exits 1 when a request failed: the table says which): `seconds`
    from the moment every user has signed in (locustfile.ready), which it writes to
    ready_file(prefix) (the CpuWindow reading it removes an earlier one); -t only bounds a
    run whose users never all sign in."""
    env = {**env, "LOAD_READY": str(ready_file(prefix)), "LOAD_SECONDS": str(seconds)}
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
        "-u", str(users), "-r", str(spawn_rate(users)), "-t", f"{seconds + SIGN_IN_BOUND}s",
        "--host", host, "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        *classes],
       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


# Where the machine's CPU goes during the mixed run, by the command line of each process.
ROLES = (
    ("web (gunicorn)", ("gunicorn",)),
    ("RQ workers (the score cells' rebuild included)", ("worker.py",)),
    ("RQ cron scheduler", ("scheduler.py",)),
    ("Redis", ("redis-server",)),
    ("PostgreSQL", ("postgres:",)),
    ("locust (the load itself)", ("locust",)),
)


def processes() -> Iterator[tuple[Path, str]]:
    """Each process's /proc folder and command line (Linux; one that ends meanwhile is left
    out)."""
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        yield folder, command


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the run's processes, by role (Linux /proc: user and system
    time, with that of their children already ended)."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = defaultdict(float)
    for folder, command in processes():
        role = next((name for name, marks in ROLES if any(m in command for m in marks)), None)
        if role is None:
            continue
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        used[role] += sum(int(value) for value in fields[11:15]) / tick
    return used


class CpuWindow(threading.Thread):
    """Samples cpu_seconds() while locust runs: when every user has signed in (the moment
    locust writes to `ready`, and resets its figures) and a second before locust stops, so
    that the window holds the steady state that the request rates describe. With the web's
    /metrics, also the web processes' seconds in the garbage collector and their requests."""

    def __init__(self, ready: Path, seconds: float, metrics_url: str = ""):
        super().__init__(daemon=True)
        # Before the thread and locust start: a file an earlier run left in the same folder
        # would start the window at once, with the sign-ins.
        ready.unlink(missing_ok=True)
        self.ready, self.seconds, self.metrics_url = ready, seconds, metrics_url
        self.samples, self.collector = [], []

    def run(self) -> None:
        bound = time.monotonic() + self.seconds + SIGN_IN_BOUND
        while not self.ready.exists() and time.monotonic() < bound:
            time.sleep(0.05)
        self._sample()
        time.sleep(max(1.0, self.seconds - 1))
        self._sample()

    def _sample(self) -> None:
        self.samples.append((time.monotonic(), cpu_seconds()))
        if self.metrics_url:
            self.collector.append(collector_and_requests(self.metrics_url))

    def spent(self) -> tuple[dict[str, float], float]:
        """CPU seconds of each role over the window, and the window's seconds."""
        (t0, before), (t1, after) = self.samples
        return {role: after.get(role, 0) - before.get(role, 0) for role, _marks in ROLES}, t1 - t0

    def busy(self) -> tuple[float, float, int]:
        """Cores busy over the window: the web's, all the run's processes', and the machine's."""
        spent, window = self.spent()
        web = spent["web (gunicorn)"] / window
        return web, sum(spent.values()) / window, os.cpu_count() or 1

    def lines(self, requests_per_second: float) -> list[str]:
        """The CPU of each role over the window, against the machine's cores."""
        spent, window = self.spent()
        web, total, cores = self.busy()
        lines = [f"| {role} | {seconds / window:.2f} | {seconds / window / cores:.0%} |"
                 for role, seconds in spent.items() if seconds >= 0.05]  # fmt: skip
        lines.append(f"| all of these | {total:.2f} | {total / cores:.0%} |")
        per_request = web / requests_per_second * 1000
        lines.append(f"\nweb CPU per request: {per_request:.1f} ms ({requests_per_second:.1f} "
                     f"req/s; a {window:.0f} s window, {cores} cores)")  # fmt: skip
        if len(self.collector) == 2:
            (gc0, served0), (gc1, served1) = self.collector
            if served1 > served0:
                lines.append(f"of which in the garbage collector: "
                             f"{(gc1 - gc0) / (served1 - served0) * 1000:.2f} ms")  # fmt: skip
        return lines


def web_memory() -> list[tuple[int, float, bool]]:
    """Each gunicorn process's resident memory (MB) and whether it has scikit-learn loaded
    (its compiled modules mapped: a web process should never need it)."""
    found = []
    for folder, command in processes():
        if "gunicorn" not in command:
            continue
        try:
            status = (folder / "status").read_text()
            maps = (folder / "maps").read_text()
        except OSError:
            continue  # ended meanwhile
        rss_kb = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
        )
        found.append((int(folder.name), rss_kb / 1024, "/sklearn/" in maps))
    return sorted(found)


def collector_and_requests(metrics_url: str) -> tuple[float, float]:
    """The web processes' seconds in the garbage collector and the requests they answered,
    summed over their processes, as /metrics reports them."""
    text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()
    collector = served = 0.0
    for family in text_string_to_metric_families(text):
        if family.name == "appeals_gc_seconds":  # each generation's
            collector += sum(s.value for s in family.samples if s.name.endswith("_total"))
        elif family.name == "appeals_http_request_duration_seconds":
            served += sum(s.value for s in family.samples if s.name.endswith("_count"))
    return collector, served


def stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def check_database(app, accepted: list[int], answered: list[int]) -> dict:
    """Every accepted submission present; numbers unique and gap-free per prefix and year;
    every answer the officials sent saved, once, its appeal answered."""
    with app.app_context():
        saved = db.session.execute(
            select(Answer.appeal_id, Appeal.status)
            .join(Appeal, Appeal.id == Answer.appeal_id)
            .where(Answer.appeal_id.in_(answered))
        ).all() if answered else []  # fmt: skip
        present = db.session.scalar(
            select(func.count()).select_from(Appeal).where(Appeal.id.in_(accepted))
        ) if accepted else 0  # fmt: skip
        numbers = db.session.execute(select(Appeal.number)).scalars().all()
        series: dict[tuple[str, str], list[int]] = {}
        for number in numbers:
            prefix, year, value = number.rsplit("-", 2)
            series.setdefault((prefix, year), []).append(int(value))
        gaps = [key for key, values in series.items()
                if sorted(values) != list(range(1, len(values) + 1))]  # fmt: skip
        counters = {(c.prefix, str(c.year)): c.last_value
                    for c in db.session.execute(select(RegistrationCounter)).scalars()}  # fmt: skip
        behind = [key for key, values in series.items() if counters.get(key) != len(values)]
    return {"accepted": len(accepted), "present": present, "unique": len(numbers) == len(set(
        numbers)), "series_with_gaps": gaps, "counters_off": behind, "answered": len(answered),
        "answers_saved": len({a for a, status in saved if status == AppealStatus.ANSWERED}),
        "answered_twice": len(saved) - len(set(a for a, _s in saved))}  # fmt: skip


def receipts_delivered(app, accepted: list[int], marks: dict[str, datetime]) -> dict:
    """Delivery against intake, from the database: of the receipts of the run's accepted
    submissions, how many were sent by the end of the run and by each later mark. (The
    notifications queue's length says little: the scheduler's first sweep on the run's empty
    Redis re-queues the reminders of every open appeal.)"""
    keys = [f"registered:{appeal_id}" for appeal_id in accepted]
    with app.app_context():
        sent = [row for (row,) in db.session.execute(
            select(Notification.sent_at).where(Notification.dedup_key.in_(keys))
        )] if keys else []  # fmt: skip
    return {"receipts": len(sent)} | {
        f"sent by {mark}": sum(1 for at in sent if at is not None and at <= moment)
        for mark, moment in marks.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=1000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workdir", default="")
    parser.add_argument("--only", default="", help="the pages of --pages, e.g. Public.home")
    parser.add_argument("--pages", type=int, default=0,
                        help="also run each page alone for this many seconds")  # fmt: skip
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="appeals-load-"))
    work.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{work / 'load.sqlite3'}"
    redis = LocalRedis(port=free_port(), data_dir=str(work / "redis"))
    redis.start()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis.url,
           "SECRET_KEY": "load-test", "APPEALS_INSTANCE_DIR": str(work),
           "RATELIMIT_PUBLIC_FORMS": "1000000 per minute", "PYTHONPATH": str(ROOT),
           "LOAD_TARGETS": str(work / "targets.json"), "LOAD_ACCEPTED": str(work / "accepted"),
           "LOAD_ANSWERED": str(work / "answered"),
           "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"), "TZ": "Asia/Almaty"}  # fmt: skip
    os.environ.update(env)
    processes: list[subprocess.Popen] = []
    try:
        flask = [str(BIN / "flask"), "--app", "appeals"]
        sh([*flask, "db", "upgrade"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sh([*flask, "seed"], env, stdout=subprocess.DEVNULL)
        # config.py read the environment when imported, before this run's settings existed.
        app = create_app(SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis.url, SECRET_KEY="load-test")
        with app.app_context():
            have = db.session.scalar(select(func.count()).select_from(Appeal))
        if have < args.appeals:
            started = time.perf_counter()
            sh([*flask, "generate", "--appeals", str(args.appeals - have), "--bodies",
                str(args.bodies), "--months", "24", "--seed", "11"], env)  # fmt: skip
            print(f"generated in {time.perf_counter() - started:.0f} s")
        # As the nightly job keeps them (`flask generate` counts them too): a database generated
        # before stop 37 had none, and SQLite planned one body's cells badly without them.
        sh([*flask, "analyze"], env, stdout=subprocess.DEVNULL)
        sh([*flask, "scores", "cells"], env, stdout=subprocess.DEVNULL)
        planned = targets(app, work / "targets.json", args.users)
        scheduled = schedule_answerable_terms(app, planned["answerable"])
        print(f"deadline jobs scheduled for the {scheduled} appeals to be answered")
        (work / "accepted").write_text("")
        (work / "answered").write_text("")
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        web_env = {**env, "BIND": f"127.0.0.1:{port}", "WEB_ACCESS_LOG": ""}
        processes.append(start([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], web_env,
                               work / "web.log"))  # fmt: skip
        processes.append(start([PY, "worker.py", "--processes", "2"], env, work / "worker.log"))
        processes.append(start([PY, "worker.py", "--queues", "slow"], env, work / "slow.log"))
        # The RQ cron scheduler, as in production (Procfile): it rebuilds the score cells
        # every few minutes, without which the desk would count live once they are stale.
        processes.append(start([PY, "scheduler.py"], env, work / "scheduler.log"))
        wait_http(f"{host}/readyz")
        caught_up = catch_up(redis.url, [*app.config["RQ_QUEUES"], app.config["RQ_SLOW_QUEUE"]])
        print(f"catch-up before the run: {caught_up}")
        cpu = CpuWindow(ready_file(work / "mixed"), args.seconds, f"{host}/metrics")
        cpu.start()
        locust(env, host, ["Citizen", "Official", "Answering", "Prosecutor", "Public"], args.users,
               args.seconds, work / "mixed")  # fmt: skip
        cpu.join()
        marks = {"the end": datetime.now(UTC)}
        connection = Redis.from_url(redis.url)
        backlog_end = notices_waiting(connection)
        time.sleep(5)
        marks["5 s after"] = datetime.now(UTC)
        delivered = receipts_delivered(app, read_ids(work / "accepted"), marks)
        alone = []
        for name in (args.only.split(",") if args.only else PAGES) if args.pages else []:
            prefix = work / f"page-{name}"
            planned = targets(app, work / "targets.json", args.users)  # fresh recovery codes
            if name == "Answering.answer":
                schedule_answerable_terms(app, planned["answerable"])
            page_cpu = CpuWindow(ready_file(prefix), seconds=args.pages)
            page_cpu.start()
            locust({**env, "LOAD_ONLY": name}, host, ["OnePage"], args.users, args.pages, prefix)
            page_cpu.join()
            alone += [{**row, "Page": name, "cpu": page_cpu} for row in stats(prefix)]
        memory = web_memory()
        stop(processes.pop(0))
        # The ceiling: a hello-world under the same gunicorn settings.
        hello_seconds = max(20, args.seconds // 3)
        ceilings = {"the same settings": hello_world(env, web_env, work / "hello", args.users,
                                                     hello_seconds)}  # fmt: skip
        time.sleep(5)
        backlog_after = notices_waiting(connection)
        checks = check_database(app, read_ids(work / "accepted"), read_ids(work / "answered"))
        # Sync workers close each connection, which lowers the hello-world's rate: it is also
        # measured with two threads a process and kept connections, and the higher is used.
        if web_env.get("WEB_THREADS", "1") == "1":
            ceilings["two threads a process, connections kept"] = hello_world(
                env, {**web_env, "WEB_THREADS": "2"}, work / "hello-threads", args.users,
                hello_seconds)  # fmt: skip
        mixed = stats(work / "mixed")
        report(mixed, ceilings, checks, delivered, backlog_end, backlog_after, args, url)
        print(
            "web processes at the end (by process id): "
            + ", ".join(f"{mb:.0f} MB" for _pid, mb, _ml in memory)
            + f"; scikit-learn loaded in {sum(ml for *_, ml in memory)} of {len(memory)}"
        )
        rate = next(float(r["Requests/s"]) for r in mixed if r["Name"] == "Aggregated")
        print("\nCPU during the mixed run, once every user had signed in\n")
        print("| process | cores busy | of the machine |\n|---|---|---|")
        print("\n".join(cpu.lines(rate)))
        if alone:
            report_alone(alone, max(ceilings.values()), args)
    finally:
        for process in processes:
            stop(process)
        redis.stop()


def catch_up(redis_url: str, queues: list[str], limit: float = 600) -> str:
    """Wait (at most `limit` s) for the workers to run what the scheduler's first sweep found
    missing on the run's empty Redis (every due reminder of the generated open appeals) and
    what a new database starts with (the suggestion's first training: minutes of a core), so
    that the run measures the steady state, as in production where Redis keeps its jobs."""
    connection = Redis.from_url(redis_url)
    started = time.monotonic()
    time.sleep(5)  # the scheduler's first sweep
    peak = 0
    while time.monotonic() - started < limit:
        waiting = sum(
            queue.count + StartedJobRegistry(queue=queue).count
            for queue in (Queue(name, connection=connection) for name in queues)
        )
        peak = max(peak, waiting)
        if waiting == 0:
            return f"queues idle after {time.monotonic() - started:.0f} s (at most {peak} jobs)"
        time.sleep(1)
    return f"still {waiting} jobs waiting after {limit:.0f} s: the run starts anyway"


def notices_waiting(connection: Redis) -> int:
    """Notices not yet taken by a worker: new ones in the notices' outbox, retries and the
    sweep's re-queues as jobs of their own."""
    return Queue("notifications", connection=connection).count + connection.llen(
        NOTICE_OUTBOX.items
    )


def read_ids(path: Path) -> list[int]:
    return [int(x) for x in path.read_text().split()]


def hello_world(env, web_env, prefix: Path, users: int, seconds: int) -> float:
    """The hello-world's req/s under gunicorn.conf.py with `web_env`'s settings."""
    port = free_port()
    hello = start([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "bench.load.hello:app"],
                  {**web_env, "BIND": f"127.0.0.1:{port}"}, prefix.with_suffix(".log"))  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        locust(env, f"http://127.0.0.1:{port}", ["Hello"], users, seconds, prefix)
    finally:
        stop(hello)
    return next(float(r["Requests/s"]) for r in stats(prefix) if r["Name"] == "Aggregated")


def report(mixed, ceilings, checks, delivered, backlog_end, backlog_after, args, url) -> None:
    ceiling = max(ceilings.values())
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    measured = ", ".join(f"{rate:.0f} req/s with {name}" for name, rate in ceilings.items())
    print(f"\n{database}, {args.appeals:,} appeals, {args.users} users, {args.seconds} s; "
          f"hello-world {measured}; the ceiling is the higher\n")  # fmt: skip
    print("| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms | of ceiling |")
    print("|---|---|---|---|---|---|---|---|")
    for r in mixed:
        rate = float(r["Requests/s"])
        print(f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {rate:.1f} | "
              f"{r['50%']} | {r['95%']} | {r['99%']} | {rate / ceiling:.1%} |")  # fmt: skip
    print(f"\nnotices queued at the end of the run: {backlog_end}; 5 s after: {backlog_after}")
    print(f"receipts of the run's submissions delivered: {json.dumps(delivered)}")
    print(f"database checks: {json.dumps(checks)}")


def report_alone(rows, ceiling: float, args) -> None:
    print(f"\nEach page alone, {args.users} users, {args.pages} s each (sign-ins not counted)\n")
    print("| run | request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | of ceiling |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["Name"] == "Aggregated" or r["Name"].startswith("/login"):
            continue
        rate = float(r["Requests/s"])
        print(f"| {r['Page']} | {r['Name']} | {r['Request Count']} | {r['Failure Count']} | "
              f"{rate:.1f} | {r['50%']} | {r['95%']} | {r['99%']} | "
              f"{rate / ceiling:.1%} |")  # fmt: skip
    # Whether a page alone is held back by the cores or by waiting (locks, the GIL, naps).
    print("\nCPU during each page's run (every request of the run counted)\n")
    print("| run | req/s | web cores | all cores | of the machine | web ms per request |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        if r["Name"] != "Aggregated":
            continue
        web, everything, cores = r["cpu"].busy()
        rate = float(r["Requests/s"])
        print(f"| {r['Page']} | {rate:.1f} | {web:.2f} | {everything:.2f} | "
              f"{everything / cores:.0%} | {web / rate * 1000 if rate else 0:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
