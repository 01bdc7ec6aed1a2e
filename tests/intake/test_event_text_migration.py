"""The migration that turns the English sentences stored in old timeline rows into codes with
parameters: run on a real SQLite database migrated to the revision before it, with old-style
rows; each known sentence becomes its code (a person's text after it stays in the note), an
unknown text is left alone, the result reads in Russian and English, and the downgrade gives
the sentences back."""

from __future__ import annotations

import json
import sqlite3

import flask_migrate
import pytest
from flask_babel import force_locale

from appeals import create_app
from appeals.extensions import db, limiter
from appeals.intake.event_text import event_text
from appeals.intake.models import Event

BEFORE = "d3a9c61f7e28"

OLD_ROWS = [
    # (kind, note, data)
    (
        "submitted",
        "Repeat of З-2026-00000001: I disagree with the decision",
        {"files": 0, "parent_id": 1, "parent_number": "З-2026-00000001", "reason": "disagrees"},
    ),
    ("routed", "No routing rule: queued for manual routing at the prosecutor's reception.", None),
    (
        "left_without_consideration",
        "The matter has been decided by a court decision in force. Decision of 01.10.2026",
        {"ground": "court"},
    ),
    (
        "left_without_consideration",
        "Repeated appeal with no new arguments on a matter already decided. See the answer to "
        "З-2026-00000001 of 02.10.2026",
        {"ground": "repeated", "earlier_id": 1, "earlier_number": "З-2026-00000001"},
    ),
    (
        "submitted",
        "Another defect: the answer is not reasoned or not on my matter",
        {"parent_id": 1, "parent_number": "З-2026-00000001", "reason": "other_defect"},
    ),
    ("routed", "A complaint about a body's answer goes to its superior body.", {"superior_of": 3}),
    (
        "audited",
        "Audit: violations found: missed deadline, red tape; warning, to be answered by "
        "04.01.2027.",
        {
            "lawful": False,
            "violations": ["missed_deadline", "red_tape"],
            "act": "warning",
            "act_due_on": "2027-01-04",
        },
    ),
    ("assigned", "Executor: Daniyar Omarov", {"executor_id": 4, "previous_executor_id": None}),
    (
        "due_date_changed",
        "Working calendar changed: 07.12.2026 added as extra day off (by decree) (Decree 12).",
        {"from": "2026-12-10", "to": "2026-12-11", "due_on": "2026-12-11", "day": "2026-12-07"},
    ),
    (
        "due_date_changed",
        "Working calendar changed: 3 day(s) of 2027 loaded from the holidays package.",
        {"from": "2027-01-05", "to": "2027-01-08", "due_on": "2027-01-08", "day": "2027-01-01"},
    ),
    ("extended", "Expert opinion awaited", {"from": "2026-11-26", "to": "2026-12-24"}),
    ("assigned", "Something a person wrote", {"executor_id": 4}),
]

EXPECTED = [
    # (code, the note left, English text, a Russian word)
    ("repeat_of", None, "Repeat of З-2026-00000001: I disagree with the decision", "Повторное"),
    (
        "no_routing_rule",
        None,
        "No routing rule: queued for manual routing at the prosecutor's reception.",
        "маршрутизации",
    ),
    (
        "left_on_ground",
        "Decision of 01.10.2026",
        "The matter has been decided by a court decision in force\nDecision of 01.10.2026",
        "решение суда",
    ),
    (
        "left_on_ground",
        None,
        "Repeated appeal with no new arguments on a matter already decided. See the answer to "
        "З-2026-00000001 of 02.10.2026",
        "См. ответ на З-2026-00000001 от 02.10.2026",
    ),
    (
        "complaint_reason",
        None,
        "Another defect: the answer is not reasoned or not on my matter",
        "",
    ),
    (
        "to_superior_body",
        None,
        "A complaint about a body's answer goes to its superior body.",
        "вышестоящий",
    ),
    (
        "audit_verdict",
        None,
        "Audit: violations found: missed deadline, red tape. Warning, to be answered by "
        "04.01.2027.",
        "нарушения",
    ),
    ("executor", None, "Executor: Daniyar Omarov", "Исполнитель: Daniyar Omarov"),
    (
        "calendar_day_added",
        None,
        "Working calendar changed: 07.12.2026 added as extra day off (by decree) (Decree 12).",
        "календарь",
    ),
    (
        "calendar_year_loaded",
        None,
        "Working calendar changed: 3 day(s) of 2027 loaded from the holidays package.",
        "2027",
    ),
    (None, "Expert opinion awaited", "Expert opinion awaited", "Expert opinion awaited"),
    (None, "Something a person wrote", "Something a person wrote", "Something a person wrote"),
]


@pytest.fixture
def old_database(app, tmp_path, redis_server):
    """A SQLite database migrated up to the revision before the conversion, and an app on it
    (the limiter shared by the apps is put back afterwards, as tests/conftest.second_app
    does)."""
    saved = dict(vars(limiter))
    path = tmp_path / "old.sqlite3"
    other = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        REDIS_URL=redis_server.url,
        UPLOAD_DIR=tmp_path / "uploads",
    )
    try:
        with other.app_context():
            flask_migrate.upgrade(revision=BEFORE)
            db.engine.dispose()
        yield other, path
    finally:
        with other.app_context():
            db.engine.dispose()
        vars(limiter).clear()
        vars(limiter).update(saved)


def rows(path) -> list[tuple[str | None, dict | None]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute("SELECT note, data FROM events ORDER BY id").fetchall()
    return [(note, json.loads(data) if data else None) for note, data in found]


def test_the_old_sentences_become_codes_and_read_in_both_languages(old_database):
    other, path = old_database
    # Old rows, written as the services wrote them (no appeal rows: SQLite checks no foreign
    # key on this plain connection, and the migration changes only note and data).
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO events (appeal_id, kind, created_at, note, data) "
            "VALUES (1, ?, '2026-11-05 05:00:00.000000', ?, ?)",
            [(kind, note, json.dumps(data) if data else None) for kind, note, data in OLD_ROWS],
        )
    with other.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()

    migrated = rows(path)
    for (kind, _old_note, _old), (note, data), (code, kept, english, russian) in zip(
        OLD_ROWS, migrated, EXPECTED, strict=True
    ):
        assert (data or {}).get("code") == code, (kind, data)
        assert note == kept, (kind, note)
        event = Event(kind=kind, note=note, data=data)
        with force_locale("en"):
            assert event_text(event) == english
        with force_locale("ru"):
            text = event_text(event)
            assert russian in text, text
            if code is not None and code != "complaint_reason":
                assert text != english
    # The parameters the old rows' data lacked are parsed from the sentence.
    assert migrated[3][1]["earlier_answered_on"] == "2026-10-02"
    assert migrated[7][1]["executor_name"] == "Daniyar Omarov"
    assert migrated[8][1]["day_kind"] == "day_off" and migrated[8][1]["day_name"] == "Decree 12"
    assert migrated[9][1]["days_added"] == 3

    with other.app_context():
        flask_migrate.downgrade(revision=BEFORE)
        db.engine.dispose()
    restored = rows(path)
    for (_kind, old_note, _data), (note, data) in zip(OLD_ROWS, restored, strict=True):
        assert "code" not in (data or {})
        if not old_note.startswith("Audit: "):  # the verdict's sentence comes back shorter
            assert note == old_note
