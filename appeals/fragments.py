"""Rendered fragments of heavy pages kept in Redis, shared by every web process. A fragment's
key names the version of the figures it shows (e.g. the score cells' build), so the job that
refreshes them makes the old fragment unreachable: nothing has to find and delete it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from redis.exceptions import RedisError

from appeals.queues import redis_connection

log = logging.getLogger(__name__)


def cached_fragment(key: str, seconds: int, render: Callable[[], str]) -> Markup:
    """The fragment under `key`, rendered now and kept `seconds` when missing. Redis
    unreachable: rendered every time, never an error. `render` must return safe HTML (a
    template's output)."""
    try:
        kept = redis_connection().get(key)
    except RedisError as error:
        log.warning("Redis unavailable, %s rendered uncached: %s", key, error)
        return Markup(render())  # noqa: S704  (a template's own escaped output)
    if kept is not None:
        return Markup(kept.decode())  # noqa: S704
    html = render()
    try:
        redis_connection().set(key, html, ex=seconds)
    except RedisError as error:
        log.warning("Redis unavailable, %s not kept: %s", key, error)
    return Markup(html)  # noqa: S704


def kept_json(key: str, seconds: int, compute: Callable[[], Any]) -> Any:
    """A computed value (JSON-serialisable) under `key`, computed now and kept `seconds` when
    missing; like a fragment, its key names what it was computed from. Redis unreachable:
    computed every time."""
    try:
        kept = redis_connection().get(key)
    except RedisError as error:
        log.warning("Redis unavailable, %s computed uncached: %s", key, error)
        return compute()
    if kept is not None:
        return json.loads(kept)
    value = compute()
    try:
        redis_connection().set(key, json.dumps(value), ex=seconds)
    except RedisError as error:
        log.warning("Redis unavailable, %s not kept: %s", key, error)
    return value
