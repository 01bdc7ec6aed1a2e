"""Rules the database keeps itself, below the ORM: tables that are append-only (their rows
are never updated or deleted), inserts refused on a condition, and counts of the changes
to a table (for caches that must know when it changed), as triggers. One
definition of the trigger SQL per dialect, used by the migration that adds them and by
create_all (the tests' schema), so the two cannot drift apart.

A trigger refusal is an IntegrityError on both databases (SQLSTATE 23000 on PostgreSQL,
RAISE(ABORT) on SQLite).

The one way past an append-only trigger is a permit: a row in `append_only_permits`,
inserted and removed inside the transaction that needs it (`append_only_lifted`), so no
other transaction ever sees it. The tests use it to empty their tables; nothing in the
application does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import DDL, Column, String, Table, delete, event, insert

from appeals.extensions import db

PERMITS = "append_only_permits"
append_only_permits = Table(PERMITS, db.metadata, Column("reason", String(200), primary_key=True))

# PostgreSQL: one function for every append-only table, and one that refuses an insert.
_PG_APPEND_ONLY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION append_only() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {PERMITS}) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
            MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql"""
_PG_REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = TG_ARGV[0];
END $$ LANGUAGE plpgsql"""
# No percent sign in any statement: DDL() would read it as a format.


def append_only_sql(table: str, dialect: str) -> tuple[list[str], list[str]]:
    """The statements that make `table` append-only, and those that undo it."""
    names = [(f"{table}_no_update", "UPDATE"), (f"{table}_no_delete", "DELETE")]
    if dialect == "postgresql":
        create = [_PG_APPEND_ONLY_FUNCTION] + [
            f"CREATE TRIGGER {name} BEFORE {op} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION append_only()"
            for name, op in names
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, _ in names]
    create = [
        f"CREATE TRIGGER {name} BEFORE {op} ON {table} "
        f"WHEN NOT EXISTS (SELECT 1 FROM {PERMITS}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for name, op in names
    ]
    return create, [f"DROP TRIGGER IF EXISTS {name}" for name, _ in names]


def refuse_insert_sql(
    table: str, name: str, condition: str, message: str, dialect: str
) -> tuple[list[str], list[str]]:
    """The statements of a trigger that refuses an insert into `table` when `condition` (SQL
    over NEW, the same in both dialects) holds, with `message`; and those that undo it."""
    if dialect == "postgresql":
        create = [
            _PG_REFUSE_FUNCTION,
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN ({condition}) EXECUTE FUNCTION refuse_insert('{message}')",
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name} ON {table}"]
    create = [
        f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    ]
    return create, [f"DROP TRIGGER IF EXISTS {name}"]


def change_count_function(counter: str) -> str:
    """PostgreSQL's function behind the triggers counting into `counter`."""
    return f"count_{counter}"


def change_count_sql(table: str, counter: str, dialect: str) -> tuple[list[str], list[str]]:
    """The statements of triggers adding one to the `version` of `counter`'s single row on
    every insert, update or delete in `table` (a change made any way: a form, a command, a
    migration, a console); and those that undo them."""
    bump = f"UPDATE {counter} SET version = version + 1"
    if dialect == "postgresql":
        function = change_count_function(counter)
        create = [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
            f"BEGIN {bump}; RETURN NULL; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_counted AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
        return create, [f"DROP TRIGGER IF EXISTS {table}_counted ON {table}"]
    ops = ("INSERT", "UPDATE", "DELETE")
    create = [
        f"CREATE TRIGGER {table}_counted_{op.lower()} AFTER {op} ON {table} BEGIN {bump}; END"
        for op in ops
    ]
    return create, [f"DROP TRIGGER IF EXISTS {table}_counted_{op.lower()}" for op in ops]


def _attach(table: Table, statements: dict[str, list[str]]) -> None:
    """Run each dialect's statements when create_all makes the table."""
    for dialect, sqls in statements.items():
        for sql in sqls:
            event.listen(table, "after_create", DDL(sql).execute_if(dialect=dialect))


def make_append_only(table: Table) -> None:
    """Triggers refusing UPDATE and DELETE on the table, made with it by create_all."""
    _attach(table, {d: append_only_sql(table.name, d)[0] for d in ("postgresql", "sqlite")})


def refuse_insert_when(table: Table, name: str, condition: str, message: str) -> None:
    """A trigger refusing an insert when `condition` holds, made with the table by create_all."""
    _attach(
        table,
        {
            d: refuse_insert_sql(table.name, name, condition, message, d)[0]
            for d in ("postgresql", "sqlite")
        },
    )


def count_changes(table: Table, counter: Table) -> None:
    """Triggers counting every change of the table in `counter` (a table of one row with a
    `version`), made with the table by create_all."""
    _attach(
        table,
        {d: change_count_sql(table.name, counter.name, d)[0] for d in ("postgresql", "sqlite")},
    )


@contextmanager
def append_only_lifted(reason: str) -> Iterator[None]:
    """Let the session's current transaction update or delete rows of the append-only tables:
    the permit is inserted, and removed again before the caller commits; on an error the
    transaction is rolled back, the permit with it. Never commit inside the block."""
    db.session.execute(insert(append_only_permits).values(reason=reason[:200]))
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.execute(delete(append_only_permits))
