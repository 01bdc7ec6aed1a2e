"""Benchmark: routing. (1) The category suggestion's latency: p50/p95/mean over 1,000 appeal
texts with a model trained as on a fresh install (2,000 generated examples), for the model
alone and for the whole POST /appeals/suggest-category request. (2) Routing resolution for
100,000 appeals: `resolve_body` per appeal (its queries against SQLite) against the rule
table built once in memory and `choose_rule` per appeal, checked to agree on a sample.

Run from the project root:
    python bench/routing.py                  # 1,000 texts, 100,000 appeals (DB path sampled)
    python bench/routing.py --quick          # 200 texts, 10,000 appeals: a smoke run
    python bench/routing.py --texts 1000 --appeals 100000 --sample 100000   # DB path in full
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

# Run as a script, the project root is not on sys.path: add it so `appeals` and `config` import.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sklearn  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role  # noqa: E402
from appeals.accounts.service import create_user  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.reference.models import Body, Category, Region, RoutingRule  # noqa: E402
from appeals.reference.seed import seed_reference  # noqa: E402
from appeals.routing.rules import RoutingDecision, RuleRow, choose_rule, resolve_body  # noqa: E402
from appeals.suggest.corpus import generate  # noqa: E402
from appeals.suggest.model import MAX_TEXT_CHARS, ModelFile, save, train  # noqa: E402

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing is enqueued here; nothing must reach Redis
PASSWORD = "bench-password-2026"


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return (
        f"{name:<34} n={len(ms):>6}  p50 {percentile(ms, 0.50):7.2f} ms  "
        f"p95 {percentile(ms, 0.95):7.2f} ms  mean {statistics.fmean(ms):7.2f} ms  "
        f"max {ms[-1]:7.2f} ms"
    )


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def make_app(directory: Path, **overrides):
    app = create_app(
        "config.Config",
        SECRET_KEY="bench-only",  # no sessions are signed; the development key is refused
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{directory / 'bench.sqlite3'}",
        RQ_ENABLED=False,
        REDIS_URL=DEAD_REDIS,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        PASSWORD_HASH_COST=(1, 1024),
        SUGGEST_MODEL_DIR=directory / "models",
        SUGGEST_TRAIN_ON_DEMAND=False,
        **overrides,
    )
    with app.app_context():
        db.create_all()
        seed_reference()
        db.session.commit()
    return app


# --- (1) the suggestion ----------------------------------------------------------------------


def suggestion_texts(count: int, seed: int) -> list[str]:
    """Appeal texts like the generator's (50-500 characters), one in ten a long letter of
    several appeals run together (over MAX_TEXT_CHARS, so the truncation is exercised)."""
    rng = random.Random(seed)
    pool = [text for text, _ in generate(count * 4, seed=seed)]
    texts = []
    for n in range(count):
        if n % 10 == 9:
            letter = ""
            while len(letter) < MAX_TEXT_CHARS + 500:
                letter += rng.choice(pool) + "\n"
            texts.append(letter)
        else:
            texts.append(pool[n])
    return texts


def bench_suggestion(work: Path, count: int) -> None:
    print(f"== Suggestion latency ({count:,} texts)")
    work.mkdir(parents=True, exist_ok=True)
    corpus = generate(2000, seed=2026)
    started = time.perf_counter()
    suggester = train([t for t, _ in corpus], [c for _, c in corpus])
    print(f"training on {len(corpus):,} generated examples: {time.perf_counter() - started:.2f} s")
    models = work / "models"
    path = save(suggester, models)
    started = time.perf_counter()
    loaded = ModelFile(models).current()
    print(
        f"model file {path.stat().st_size / 1024:.0f} KiB, "
        f"loaded in {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    assert loaded is not None
    texts = suggestion_texts(count, seed=7)
    for text in texts[:20]:  # warm-up: first calls pay for lazy imports and caches
        loaded.suggest(text)
    model_times = [timed(lambda t=text: loaded.suggest(t)) for text in texts]
    short = [s for s, t in zip(model_times, texts, strict=True) if len(t) <= MAX_TEXT_CHARS]
    long = [s for s, t in zip(model_times, texts, strict=True) if len(t) > MAX_TEXT_CHARS]
    print(summary("Suggester.suggest, all", model_times))
    print(summary("  appeals up to 3,000 chars", short))
    print(summary("  long letters (cut to 3,000)", long))
    suggested = sum(loaded.suggest(t) is not None for t in texts)
    print(f"suggested for {suggested / len(texts):.1%} of the texts (threshold 0.5)")

    app = make_app(work)
    with app.app_context():
        user = create_user("bench@example.kz", PASSWORD, "Bench Citizen", Role.CITIZEN)
        db.session.commit()
        email = user.email
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    for text in texts[:20]:
        client.post("/appeals/suggest-category", json={"text": text})

    def request(text: str) -> None:
        response = client.post("/appeals/suggest-category", json={"text": text})
        assert response.status_code == 200, response.get_data(as_text=True)

    request_times = [timed(lambda t=text: request(t)) for text in texts]
    print(summary("POST /appeals/suggest-category", request_times))
    p95 = percentile(sorted(model_times), 0.95) * 1000
    verdict = "met" if p95 < 20 else "NOT met"
    print(f"target p95 < 20 ms for the suggestion: {verdict} ({p95:.2f} ms)")
    with app.app_context():
        db.engine.dispose()


# --- (2) routing resolution ------------------------------------------------------------------


class RuleTable:
    """The routing rules, region tree and category tree read once (three queries), so
    resolving an appeal is dictionary walks and `choose_rule`: the same rule the per-appeal
    path picks, since it feeds `choose_rule` the same candidate rows (active rules of
    active bodies, for the category's chain)."""

    def __init__(self) -> None:
        rows = db.session.execute(
            select(
                RoutingRule.id,
                RoutingRule.category_id,
                RoutingRule.region_id,
                RoutingRule.body_id,
                RoutingRule.priority,
            )
            .join(Body, Body.id == RoutingRule.body_id)
            .where(RoutingRule.is_active, Body.is_active)
        ).all()
        self.rules_by_category: dict[int, list[RuleRow]] = defaultdict(list)
        for row in rows:
            self.rules_by_category[row.category_id].append(RuleRow(*row))
        self.region_parent = dict(db.session.execute(select(Region.id, Region.parent_id)).all())
        self.category_parent = dict(
            db.session.execute(select(Category.id, Category.parent_id)).all()
        )

    @staticmethod
    def _chain(parent: dict[int, int | None], start: int) -> list[int]:
        chain: list[int] = []
        current: int | None = start
        while current is not None and current not in chain:
            chain.append(current)
            current = parent.get(current)
        return chain

    def resolve(self, category_id: int, region_id: int) -> RoutingDecision | None:
        category_chain = self._chain(self.category_parent, category_id)
        region_chain = self._chain(self.region_parent, region_id)
        candidates = [
            rule for cid in category_chain for rule in self.rules_by_category.get(cid, ())
        ]
        return choose_rule(candidates, category_chain, region_chain)


def bench_resolution(work: Path, appeals: int, sample: int) -> None:
    print(f"== Routing resolution ({appeals:,} appeals)")
    app = make_app(work)
    with app.app_context():
        categories = db.session.execute(select(Category.id).where(Category.is_active)).scalars()
        regions = db.session.execute(
            select(Region.id).where(Region.is_active, Region.parent_id.is_not(None))
        ).scalars()
        category_ids, region_ids = list(categories), list(regions)
        rng = random.Random(20260415)
        pairs = [(rng.choice(category_ids), rng.choice(region_ids)) for _ in range(appeals)]
        print(
            f"{len(category_ids)} categories x {len(region_ids)} regions, "
            f"{len(db.session.execute(select(RoutingRule.id)).all())} rules"
        )

        queries = 0

        def count(*_args) -> None:
            nonlocal queries
            queries += 1

        event.listen(db.engine, "before_cursor_execute", count)
        db_sample = pairs[: min(sample, appeals)]
        started = time.perf_counter()
        per_appeal = [resolve_body(c, r) for c, r in db_sample]
        db_seconds = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        db_scaled = db_seconds / len(db_sample) * appeals
        print(
            f"resolve_body per appeal (SQLite): {len(db_sample):,} in {db_seconds:.2f} s, "
            f"{db_seconds / len(db_sample) * 1e6:.0f} us each, "
            f"{queries / len(db_sample):.1f} queries each; "
            f"for {appeals:,}: {db_scaled:.1f} s" + (" (scaled)" if sample < appeals else "")
        )

        started = time.perf_counter()
        table = RuleTable()
        build = time.perf_counter() - started
        started = time.perf_counter()
        in_memory = [table.resolve(c, r) for c, r in pairs]
        memory_seconds = time.perf_counter() - started
        print(
            f"rule table built once: {build * 1000:.1f} ms; choose_rule per appeal: "
            f"{appeals:,} in {memory_seconds:.2f} s, {memory_seconds / appeals * 1e6:.1f} us each"
        )

        cache: dict[tuple[int, int], RoutingDecision | None] = {}
        started = time.perf_counter()
        for pair in pairs:
            if pair not in cache:
                cache[pair] = table.resolve(*pair)
        memo_seconds = time.perf_counter() - started
        print(
            f"memoised per (category, region): {appeals:,} in {memo_seconds * 1000:.0f} ms "
            f"({len(cache):,} distinct pairs)"
        )

        assert in_memory[: len(db_sample)] == per_appeal, "the two paths disagree"
        manual = sum(decision is None for decision in in_memory)
        print(
            f"agreement on the {len(db_sample):,}-appeal sample: 100%; "
            f"{manual / appeals:.1%} of appeals go to the manual routing queue (no rule)"
        )
        total_memory = build + memory_seconds
        print(
            f"ratio, per-appeal DB path / in-memory (incl. building the table): "
            f"{db_scaled / total_memory:.0f}x"
        )
        db.session.rollback()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=10_000, help="appeals on the DB path")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.texts, args.appeals, args.sample = 200, 10_000, 2_000
    logging.disable(logging.INFO)
    print(
        f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as tmp:
        bench_suggestion(Path(tmp) / "suggestion", args.texts)
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as tmp:
        bench_resolution(Path(tmp), args.appeals, args.sample)


if __name__ == "__main__":
    main()
