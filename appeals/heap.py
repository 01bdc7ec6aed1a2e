"""Python's garbage collector in a long-lived process (gunicorn's web workers, RQ's workers).

A page makes tens of thousands of short-lived objects (rows, forms, markup). At Python's
defaults the collector makes a young pass every 700 allocations, so many of a page's objects
are still in use at a pass and are promoted, and the full passes that follow walk every object
the process holds (the loaded app's 200,000, 327,000 once it has served the pages), 180-270 ms
each on this machine with the GIL held. Measured under the load test (bench/README.md, "Stop
29"): 0.65-0.76 ms of each request in the collector, pauses up to 274 ms; after `settle`,
timed the same way, 0.24-0.27 ms, no full pass, pauses up to 74 ms."""

from __future__ import annotations

import gc
import time

from sqlalchemy.orm import configure_mappers

# A young pass every 10,000 allocations: most of a page's objects die before one.
YOUNG_GENERATION = 10_000

_spent = [0.0, 0.0, 0.0]  # seconds in the collector so far, in this process, by generation
_pass_started = 0.0


def settle() -> None:
    """Once the app is loaded: finish what its first query would (the ORM's mappers, about a
    third of the objects), then freeze every object alive out of the collector's passes, make
    the young generation larger, and count the time the collector takes from now on."""
    configure_mappers()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    if _timed not in gc.callbacks:
        gc.callbacks.append(_timed)


def collector_seconds() -> tuple[float, ...]:
    """Seconds this process has spent in the collector since it was settled, by the
    generation of the pass (2: the full passes)."""
    return tuple(_spent)


def _timed(phase: str, info: dict) -> None:
    # Runs inside the collector, with the GIL held: no locks, no allocation worth a pass.
    global _pass_started
    if phase == "start":
        _pass_started = time.perf_counter()
    else:
        _spent[info["generation"]] += time.perf_counter() - _pass_started
