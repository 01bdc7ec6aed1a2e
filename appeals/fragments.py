"""Rendered fragments of heavy pages, and values costly to compute, kept in Redis and shared
by every web process. A key names what its value was made from (e.g. the score cells' build),
so whatever changes that makes the old value unreachable: nothing has to find and delete it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from redis.exceptions import RedisError

from appeals.queues import redis_connection

log = logging.getLogger(__name__)


def _kept(key: str, seconds: int, make: Callable[[], str]) -> str:
    """The text under `key`, made now and kept `seconds` when missing. Redis unreachable:
    made every time, never an error."""
    try:
        kept = redis_connection().get(key)
    except RedisError as error:
        log.warning("Redis unavailable, %s made afresh: %s", key, error)
        return make()
    if kept is not None:
        return kept.decode()
    text = make()
    try:
        redis_connection().set(key, text, ex=seconds)
    except RedisError as error:
        log.warning("Redis unavailable, %s not kept: %s", key, error)
    return text


def cached_fragment(key: str, seconds: int, render: Callable[[], str]) -> Markup:
    """A rendered fragment kept under `key` (see _kept). `render` must return safe HTML (a
    template's output)."""
    return Markup(_kept(key, seconds, render))  # noqa: S704  (a template's own escaped output)


def kept_json(key: str, seconds: int, compute: Callable[[], Any]) -> Any:
    """A computed value (JSON-serialisable) kept under `key` (see _kept)."""
    return json.loads(_kept(key, seconds, lambda: json.dumps(compute())))
