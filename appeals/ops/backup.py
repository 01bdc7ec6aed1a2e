"""Backup and restore of an instance: the database and the uploaded files in one tar archive
with a manifest (the row count of every table, the sha256 of every file), checked on restore.

- SQLite: a consistent copy through SQLite's online backup API (sqlite3.Connection.backup),
  while the site keeps serving; the counts are taken from the copy.
- PostgreSQL: pg_dump in its custom format inside a REPEATABLE READ transaction whose
  snapshot it shares (--snapshot), so the counts and the dump see the same rows; restored with
  pg_restore. The client tools must be those of the server's major version.

A restore reads and verifies the whole archive before it touches anything, refuses an
instance that holds data unless forced, and checks the counts and hashes again afterwards."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from appeals.extensions import SQLITE_READER, db

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, Path]:
    """Every regular file under root, by its path relative to root (POSIX)."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _tables(connection: Connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


def row_counts(connection: Connection) -> dict[str, int]:
    """The number of rows of every table of the database."""
    return {
        name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
        for name in _tables(connection)
    }


def instance_counts() -> dict[str, int]:
    """This instance's row counts, read without taking SQLite's write lock."""
    with db.engine.connect() as connection:
        return row_counts(connection.execution_options(**{SQLITE_READER: True}))


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _dialect(url: URL) -> str:
    name = url.get_backend_name()
    if name not in DATABASE:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: PG_BIN_DIR's when set (to match the server), else PATH's."""
    bin_dir = current_app.config.get("PG_BIN_DIR")
    found = str(Path(bin_dir) / name) if bin_dir else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise BackupError(f"{name} not found: install PostgreSQL's client tools or set PG_BIN_DIR")
    return found


def _pg_command(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq's connection options for the URL, the password in the environment (not argv)."""
    args = ["--host", url.host or "localhost", "--username", url.username or "postgres"]
    if url.port:
        args += ["--port", str(url.port)]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args + ["--dbname", url.database or ""], env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# --- Create -------------------------------------------------------------------------------------


def _dump_sqlite(url: URL, target: Path) -> dict[str, int]:
    source = sqlite3.connect(_sqlite_path(url))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    engine_url = URL.create("sqlite", database=str(target))
    from_copy = create_engine(engine_url)  # the counts of the copy, not of the live file
    try:
        with from_copy.connect() as connection:
            return row_counts(connection)
    finally:
        from_copy.dispose()


def _dump_postgresql(url: URL, target: Path) -> dict[str, int]:
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = row_counts(connection)
            args, env = _pg_command(url)
            command = [_pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}"]
            _run(command + ["--file", str(target), *args], env)
    return counts


def create_backup(path: Path) -> Summary:
    """Write the archive at `path` (through a temporary file, renamed when complete)."""
    url = _url()
    dialect = _dialect(url)
    uploads = _files(Path(current_app.config["UPLOAD_DIR"]))
    with tempfile.TemporaryDirectory(prefix="appeals-backup-") as work:
        database = Path(work) / DATABASE[dialect]
        dump = _dump_sqlite if dialect == "sqlite" else _dump_postgresql
        counts = dump(url, database)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "dialect": dialect,
            "database": {"file": database.name, "sha256": sha256_of(database)},
            "tables": counts,
            "files": {name: sha256_of(file) for name, file in uploads.items()},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            encoded = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
            archive.add(database, database.name)
            for name, file in uploads.items():
                archive.add(file, f"{UPLOADS}/{name}")
        partial.replace(path)
    return Summary(len(counts), sum(counts.values()), len(uploads))


# --- Restore ------------------------------------------------------------------------------------


@contextmanager
def _unpacked(path: Path) -> Iterator[tuple[dict, Path]]:
    """The archive unpacked into a temporary folder and verified against its manifest."""
    if not path.is_file():
        raise BackupError(f"no archive at {path}")
    with tempfile.TemporaryDirectory(prefix="appeals-restore-") as work:
        root = Path(work)
        try:
            with tarfile.open(path) as archive:
                archive.extractall(root, filter="data")  # no absolute paths, links or devices
            manifest = json.loads((root / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"not a readable backup archive: {error}") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        database = root / manifest["database"]["file"]
        if not database.is_file() or sha256_of(database) != manifest["database"]["sha256"]:
            raise BackupError("the database file is missing or damaged")
        found = _files(root / UPLOADS)
        if set(found) != set(manifest["files"]):
            raise BackupError("the archive's files differ from its manifest")
        for name, file in found.items():
            if sha256_of(file) != manifest["files"][name]:
                raise BackupError(f"the file {name} is damaged (sha256 differs)")
        yield manifest, root


def holds_data() -> list[str]:
    """What makes this instance not empty: tables with rows (Alembic's version aside) and
    uploaded files."""
    counts = instance_counts()
    reasons = [f"{name}: {n} rows" for name, n in counts.items() if n and name != "alembic_version"]
    files = _files(Path(current_app.config["UPLOAD_DIR"]))
    if files:
        reasons.append(f"{len(files)} uploaded files")
    return reasons


def _load_sqlite(url: URL, database: Path) -> None:
    db.engine.dispose()  # no pooled connection keeps the old pages
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)  # replaces every page of the target
    finally:
        source.close()
        destination.close()


def _load_postgresql(url: URL, database: Path) -> None:
    db.engine.dispose()
    args, env = _pg_command(url)
    # --clean drops what the dump holds first (tables of an empty migrated schema, or of a
    # forced overwrite); one transaction: a failed restore leaves the database as it was.
    command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl"]
    command += ["--single-transaction", "--exit-on-error", *args, str(database)]
    _run(command, env)


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Restore the archive into this instance's database and upload folder."""
    url = _url()
    dialect = _dialect(url)
    with _unpacked(path) as (manifest, root):
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"the archive is of a {manifest['dialect']} database; this instance uses {dialect}"
            )
        if not force and (reasons := holds_data()):
            raise BackupError(
                "this instance is not empty (" + "; ".join(reasons) + "): restore with --force "
                "to overwrite it"
            )
        load = _load_sqlite if dialect == "sqlite" else _load_postgresql
        load(url, root / manifest["database"]["file"])
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        for name in manifest["files"]:
            target = upload_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / UPLOADS / name, target)
    return verify_restored(manifest)


def verify_restored(manifest: dict) -> Summary:
    """The instance against the manifest: every table's count, every file's hash."""
    counts = instance_counts()
    wrong = {
        name: (expected, counts.get(name))
        for name, expected in manifest["tables"].items()
        if counts.get(name) != expected
    }
    if wrong:
        raise BackupError(f"restored row counts differ (expected, found): {wrong}")
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    for name, digest in manifest["files"].items():
        file = upload_dir / name
        if not file.is_file() or sha256_of(file) != digest:
            raise BackupError(f"the restored file {name} differs from the archive")
    tables = manifest["tables"]
    return Summary(len(tables), sum(tables.values()), len(manifest["files"]))
