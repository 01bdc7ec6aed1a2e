"""Flask extensions, created unbound; create_app() binds them."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from flask import current_app
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase, Session

T = TypeVar("T")

# Named constraints from the first migration, so Alembic can alter and drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)  # batch: SQLite alters tables by copy
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)


def public_form_limit() -> str:
    """The rate limit for forms anyone can post (sign-up, sign-in, status check)."""
    return current_app.config["RATELIMIT_PUBLIC_FORMS"]


# The option that makes SQLite begin a transaction DEFERRED instead of IMMEDIATE (see
# appeals._tune_sqlite): a reader under WAL then takes no write lock.
SQLITE_READER = "sqlite_reader"


def begin_reading() -> None:
    """Begin the session's next transaction as a reader: a long count then leaves writers
    free on SQLite (it must not write before the transaction ends). No effect elsewhere."""
    db.session.connection(execution_options={SQLITE_READER: True})


# The opposite option: BEGIN IMMEDIATE even inside a read-only request (GET, HEAD), for a
# transaction that reads what it will then write.
SQLITE_WRITER = "sqlite_writer"


def begin_writing() -> None:
    """Begin the session's next transaction as a writer: on SQLite it takes the write lock
    first, so reading what it will write cannot fail on upgrading the lock later (a GET
    that writes). Requests other than GET and HEAD begin so anyway, but a reads_first view's,
    which takes the lock at its first write. No effect elsewhere."""
    db.session.connection(execution_options={SQLITE_WRITER: True})


# Marks a view whose request begins as a reader though it posts (see reads_first).
READS_FIRST = "reads_first"


def reads_first(view: Callable) -> Callable:
    """For a view that checks its input and reads what it needs before it writes (a form's
    POST): on SQLite the request's transaction begins as a reader and takes the write lock
    at its first write (appeals._tune_sqlite), so the checks (the user, the form's choices,
    its validators) and the service's reads hold no write lock, and a refused form never
    waits for it. What it read before is kept: a write that depends on a value read must
    read it in its own statement (as the registration number's INSERT ... ON CONFLICT DO UPDATE
    ... RETURNING)."""
    setattr(view, READS_FIRST, True)
    return view


def database_is_locked(error: Exception) -> bool:
    """SQLite's "database is locked" (busy past the wait, or a stale read that tried to write)."""
    return "database is locked" in str(getattr(error, "orig", error))


def insert_on_conflict(model):
    """An INSERT for the session's database that can be told what to do on a conflict,
    `.on_conflict_do_nothing()` or `.on_conflict_do_update(...)` (PostgreSQL and SQLite spell
    them alike, but each dialect has its own construct)."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


_UNREAD = object()


class ReadOncePerTransaction(Generic[T]):
    """A value read from the database at most once per transaction, and again after a flush
    of the transaction's own that wrote one of `models`: for a table that other transactions
    change rarely (the holidays, the reference tables), which a request would otherwise ask
    for each time it needs it. Another transaction's change is seen from the next one."""

    def __init__(self, read: Callable[[], T], models: tuple[type, ...]):
        self.read, self.models = read, models
        event.listen(Session, "after_flush", self._forget_if_written)

    def __call__(self) -> T:
        transaction, value, own = self._kept()
        if transaction is not None and value is not _UNREAD:
            return value
        value = self.read()
        db.session.info[self] = (db.session().get_transaction(), value, own)  # begun by the read
        return value

    def memo_for(self, shared: dict) -> dict:
        """Where to keep what is made from `models` under the value read: `shared` (the
        process's), but a memo of the transaction's own once it has written them, for it may
        yet roll back and its value be read again after another change."""
        own = self._kept()[2]
        return shared if own is None else own

    def _kept(self) -> tuple[Any, Any, dict | None]:
        kept = db.session.info.get(self)
        if kept is None or kept[0] is not db.session().get_transaction():
            return None, _UNREAD, None
        return kept

    def _forget_if_written(self, session: Session, _context) -> None:
        if any(
            isinstance(row, self.models) for row in (*session.new, *session.dirty, *session.deleted)
        ):
            session.info[self] = (session.get_transaction(), _UNREAD, {})
