"""`flask backup create` and `flask backup restore`: a round trip into an empty instance (a new
database and a new upload folder) gives every table's row count and every file's hash back,
on SQLite and on PostgreSQL; a non-empty instance is refused without --force; a damaged
archive is refused before anything is touched."""

from __future__ import annotations

import hashlib
import io
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.attachments import CheckedFile
from appeals.intake.models import Attachment, Decision, Event
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.ops.backup import instance_counts
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import ASTANA, category_id, region_id


def _hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _invoke(some_app, *args: str):
    """Run a `flask` command in that app (the CLI runner would keep the test's app context)."""
    with some_app.app_context():
        return some_app.test_cli_runner().invoke(args=list(args))


def _counts(some_app) -> dict[str, int]:
    with some_app.app_context():
        return instance_counts()


@pytest.fixture
def empty_database(app, tmp_path):
    """The URL of a database with nothing in it, on the session's kind of server."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"appeals_restore_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def data(make_user):
    """Users of every kind, appeals with attachments, answered ones with their events."""
    citizen = make_user(full_name="Aigerim Sadykova")
    official = make_user(Role.OFFICIAL, body_code="health-71")
    head = make_user(Role.HEAD, body_code="health-71")
    for n in range(3):
        files = [
            CheckedFile(
                f"note-{n}.txt", "text/plain", f"Attachment {n}: the clinic's reply.".encode()
            ),
            CheckedFile(f"scan-{n}.pdf", "application/pdf", b"%PDF-1.4\n" + bytes([n]) * 2048),
        ]
        appeal, _code = submit_appeal(
            citizen,
            NewAppeal(
                kind="statement",
                category_id=category_id("healthcare"),
                region_id=region_id(ASTANA),
                subject=f"Appeal {n}: Ұлы дала, «кавычки»",
                text="Текст обращения. " * 20,
                files=files,
            ),
        )
        if n:
            assign_executor(appeal, official, head)
            answer_appeal(appeal, f"Answer {n}", Decision.SATISFIED, official)
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(Attachment)).scalar() == 6
    assert db.session.execute(select(func.count()).select_from(Event)).scalar() >= 7
    db.session.commit()  # hold no transaction while the commands run


def test_a_backup_restores_into_an_empty_instance_with_every_row_and_file(
    app, second_app, data, empty_database, tmp_path
):
    archive = tmp_path / "backups" / "appeals.tar"
    result = _invoke(app, "backup", "create", str(archive))
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("uploads/") for n in names)

    uploads = tmp_path / "restored-uploads"
    other = second_app(SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_DIR=uploads)
    result = _invoke(other, "backup", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "verified" in result.output

    # Every table, row for row in number, and every file, byte for byte (by its hash).
    source = _counts(app)
    assert source["appeals"] == 3 and source["attachments"] == 6 and source["users"] >= 3
    assert _counts(other) == source
    assert _hashes(uploads) == _hashes(Path(app.config["UPLOAD_DIR"]))
    assert len(_hashes(uploads)) >= 6

    # The restored instance works: the triggers came along too.
    with other.app_context():
        with pytest.raises(sa.exc.IntegrityError, match="append-only"):
            db.session.execute(sa.delete(Event))
        db.session.rollback()

    # It holds data now: a second restore is refused unless forced.
    result = _invoke(other, "backup", "restore", str(archive))
    assert result.exit_code != 0 and "not empty" in result.output and "--force" in result.output
    result = _invoke(other, "backup", "restore", str(archive), "--force")
    assert result.exit_code == 0, result.output
    assert _counts(other) == source


def test_a_damaged_archive_is_refused_before_anything_is_touched(
    app, second_app, data, empty_database, tmp_path
):
    archive = tmp_path / "appeals.tar"
    assert _invoke(app, "backup", "create", str(archive)).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        first_upload = next(n for n in source.getnames() if n.startswith("uploads/"))
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == first_upload:
                content = content[:-1] + bytes([content[-1] ^ 1])  # one bit of one file
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))

    uploads = tmp_path / "restored-uploads"
    other = second_app(SQLALCHEMY_DATABASE_URI=empty_database, UPLOAD_DIR=uploads)
    result = _invoke(other, "backup", "restore", str(damaged))

    assert result.exit_code != 0 and "damaged" in result.output
    assert _counts(other) == {} and _hashes(uploads) == {}
