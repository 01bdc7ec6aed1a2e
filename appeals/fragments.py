"""Rendered fragments of heavy pages, and values costly to compute, kept in Redis and shared
by every web process, or kept in the process itself (kept_in_process). A key names what its
value was made from (e.g. the score cells' build), so whatever changes that makes the old
value unreachable: nothing has to find and delete it."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from markupsafe import Markup
from redis.exceptions import RedisError

from appeals.queues import redis_connection

log = logging.getLogger(__name__)


def _read(key: str) -> str | None:
    """The text under `key`; None when missing or when Redis is unreachable (logged)."""
    try:
        kept = redis_connection().get(key)
    except RedisError as error:
        log.warning("Redis unavailable, %s not read: %s", key, error)
        return None
    return None if kept is None else kept.decode()


def _write(key: str, text: str, seconds: int) -> None:
    try:
        redis_connection().set(key, text, ex=seconds)
    except RedisError as error:
        log.warning("Redis unavailable, %s not kept: %s", key, error)


def _kept(key: str, seconds: int, make: Callable[[], str]) -> str:
    """The text under `key`, made now and kept `seconds` when missing. Redis unreachable:
    made every time, never an error."""
    kept = _read(key)
    if kept is not None:
        return kept
    text = make()
    _write(key, text, seconds)
    return text


@functools.cache
def templates_digest() -> str:
    """A digest of every template's source, read once per process: a deploy that changes a
    template (or a macro it imports) makes the fragments rendered by the old ones unreachable."""
    env = current_app.jinja_env
    digest = hashlib.sha256()
    for name in sorted(env.list_templates()):
        digest.update(f"{name}\x1f{env.loader.get_source(env, name)[0]}\x1e".encode())
    return digest.hexdigest()[:16]


def fragment_key(name: str, *parts: Any) -> str:
    """The key of a fragment `name` made from `parts` and the templates that render it (their
    text, digested: a part may be long or hold a database's address)."""
    made_from = "\x1f".join(str(part) for part in (templates_digest(), *parts))
    return f"fragment:{name}:{hashlib.sha256(made_from.encode()).hexdigest()[:32]}"


def cached_fragment(key: str, seconds: int, render: Callable[[], str]) -> Markup:
    """A rendered fragment kept under `key` (see _kept). `render` must return safe HTML (a
    template's output)."""
    return Markup(_kept(key, seconds, render))  # noqa: S704  (a template's own escaped output)


def kept_value(key: str) -> Any:
    """The JSON value kept under `key`, or None (never kept, expired, or Redis unreachable)."""
    kept = _read(key)
    return None if kept is None else json.loads(kept)


def keep_value(key: str, value: Any, seconds: int) -> None:
    """Keep a JSON-serialisable value under `key` for `seconds` (Redis unreachable: not kept)."""
    _write(key, json.dumps(value), seconds)


def kept_in_process(
    memo: dict, key: tuple, build: Callable[[], Any], *, limit: int, keep=None
) -> Any:
    """memo[key]; built when missing and kept (when `keep` accepts it), the oldest entries
    dropped past `limit`. What is kept here is kept per process, under a key naming what it
    was made from."""
    value = memo.get(key)
    if value is None:
        value = build()
        if keep is None or keep(value):
            memo[key] = value
            while len(memo) > limit:
                memo.pop(next(iter(memo)), None)
    return value
