"""What /readyz checks: the database answers, its schema is at the migrations' head, and
Redis answers. Each check returns None when fine, else a short reason (never a traceback)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from appeals.extensions import begin_reading, db
from appeals.queues import redis_connection

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def migration_heads() -> set[str]:
    """The head revisions of the migrations shipped with this code."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def database_problem() -> str | None:
    """None when the database answers and its schema is at the head revision."""
    try:
        begin_reading()
        db.session.execute(text("SELECT 1"))
        try:
            rows = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
            applied = set(rows)
        except SQLAlchemyError:
            applied = set()
        db.session.rollback()
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"database unreachable: {type(exc).__name__}"
    heads = migration_heads()
    if applied != heads:
        return (
            f"migrations not at head: database at {sorted(applied) or 'none'}, "
            f"code at {sorted(heads)} (run: flask --app appeals db upgrade)"
        )
    return None


def redis_problem() -> str | None:
    """None when the app's Redis answers a PING."""
    if not current_app.config["RQ_ENABLED"]:
        return None
    try:
        redis_connection().ping()
    except RedisError as exc:
        return f"redis unreachable: {type(exc).__name__}"
    return None


def readiness() -> dict[str, str]:
    """Each check's result: "ok" or the reason it failed."""
    return {
        "database": database_problem() or "ok",
        "redis": redis_problem() or "ok",
    }
