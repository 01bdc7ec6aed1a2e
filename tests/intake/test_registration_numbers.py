"""Registration numbers: a letter for the kind, the year, a sequence without gaps or duplicates,
also when many appeals arrive at once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind, RegistrationCounter
from appeals.intake.service import NewAppeal, submit_appeal
from tests.factories import ASTANA, category_id, region_id, submit

# Monday 2 March 2026, 11:00 in Almaty: a working day, registered the same day.
MONDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_each_kind_has_its_own_letter_and_sequence(make_user):
    citizen = make_user()

    numbers = [
        submit(citizen, kind=kind, now=MONDAY)[0].number
        for kind in (AppealKind.STATEMENT, AppealKind.COMPLAINT, AppealKind.STATEMENT)
    ]

    assert numbers == ["З-2026-00000001", "Ж-2026-00000001", "З-2026-00000002"]


def test_sequence_starts_again_each_year(make_user):
    citizen = make_user()
    submit(citizen, now=MONDAY)

    # Monday 4 January 2027 is a day off (New Year's 2 January fell on a Saturday):
    # registered on Tuesday the 5th, the first number of 2027.
    early_2027 = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
    # Friday 31 December 2027, a working day, 22:30 in Almaty (17:30 UTC): still 2027 there.
    late_2027 = datetime(2027, 12, 31, 17, 30, tzinfo=UTC)

    assert submit(citizen, now=early_2027)[0].number == "З-2027-00000001"
    assert submit(citizen, now=late_2027)[0].number == "З-2027-00000002"
    assert submit(citizen, now=MONDAY)[0].number == "З-2026-00000002"


def test_the_number_is_taken_as_the_appeal_is_written(make_user):
    # Concurrent submissions queue on the counter row from its write to the commit: the
    # routing's reads of rules, policy and calendar come before it, not inside that window.
    citizen = make_user()
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        sent.append(" ".join(statement.split()[:3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        appeal, _ = submit(citizen, now=MONDAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert appeal.number == "З-2026-00000001" and appeal.due_on is not None
    # One statement makes or adds to the year's counter and returns the number.
    assert [s for s in sent if "registration_counters" in s] == [
        "INSERT INTO registration_counters"
    ]
    counter = sent.index("INSERT INTO registration_counters")
    assert sent[counter + 1] == "INSERT INTO appeals"
    read_after = {s.split()[1].split(".")[0] for s in sent[counter:] if s.startswith("SELECT")}
    assert read_after <= {"cosignatories", "notifications"}  # the receipt's addressees only


THREADS = 8
PER_THREAD = 25  # 200 appeals in all


def test_parallel_submissions_get_distinct_gap_free_numbers(app, make_user):
    citizen_ids = [make_user().id for _ in range(THREADS)]
    new = dict(
        kind=AppealKind.STATEMENT,
        category_id=category_id("healthcare"),
        region_id=region_id(ASTANA),
        subject="Queue at the polyclinic",
        text="There is a queue of three hours at the polyclinic every morning.",
    )
    db.session.commit()  # the test's own session holds no lock while the threads write
    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def citizen_submits(user_id: int) -> None:
        try:
            with app.app_context():  # its own session and connection, like a web process
                from appeals.accounts.models import User

                start.wait()
                for _ in range(PER_THREAD):
                    applicant = db.session.get(User, user_id)
                    appeal, _ = submit_appeal(applicant, NewAppeal(**new), now=MONDAY)
                    db.session.commit()
                    with lock:
                        numbers.append(appeal.number)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=citizen_submits, args=(uid,)) for uid in citizen_ids]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began

    assert not errors, errors
    total = THREADS * PER_THREAD
    expected = [f"З-2026-{n:08d}" for n in range(1, total + 1)]
    assert sorted(numbers) == expected, f"{len(numbers)} numbers in {elapsed:.1f} s"
    stored = db.session.execute(select(Appeal.number).order_by(Appeal.number)).scalars().all()
    assert stored == expected
    counter = db.session.get(RegistrationCounter, ("З", 2026))
    assert counter.last_value == total


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("З-2026-00000001", "З-2026-00000001"),
        ("3-2026-00000001", "З-2026-00000001"),  # digit three for the letter Ze
        ("c-2026-00000007", "С-2026-00000007"),  # Latin c for Cyrillic Es
        ("0-2026-00000002", "О-2026-00000002"),  # zero for the letter O
        (" зи-2026-00000010 ", "ЗИ-2026-00000010"),
    ],
)
def test_typed_numbers_are_read_as_stored(typed, stored):
    from appeals.intake.service import normalize_number

    assert normalize_number(typed) == stored
