"""The score-cell refresh succeeds while citizens keep submitting: it reads apart, then
writes in a short transaction of its own (on SQLite a reader may not turn writer once
another connection has committed since it began: "database is locked")."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.scores import cells
from appeals.scores.models import ScoreCellBuild
from appeals.scores.snapshots import refresh_score_cache
from tests.factories import submit


def test_the_refresh_succeeds_under_steady_submissions(app, make_user, monkeypatch):
    citizen = make_user()
    citizen_id = citizen.id
    submit(citizen)  # something to count

    stop = threading.Event()
    submitted_during_build = threading.Event()
    counting = threading.Event()
    failures: list[BaseException] = []
    count = {"n": 0}

    def submitter():
        """A citizen submitting again and again, each appeal its own transaction."""
        with app.app_context():
            try:
                while not stop.is_set():
                    submit(db.session.get(User, citizen_id))
                    count["n"] += 1
                    if counting.is_set():
                        submitted_during_build.set()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                failures.append(error)
            finally:
                db.session.remove()

    original = cells.overdue_now

    def overdue_now_while_submitting(*args, **kwargs):
        """The last read of the count: hold it until a submission has committed meanwhile."""
        counting.set()
        assert submitted_during_build.wait(20), "no submission during the build"
        return original(*args, **kwargs)

    monkeypatch.setattr(cells, "overdue_now", overdue_now_while_submitting)
    thread = threading.Thread(target=submitter, daemon=True)
    thread.start()
    try:
        built = refresh_score_cache()
        db.session.commit()
    finally:
        stop.set()
        thread.join(30)
    assert not failures, failures
    assert built >= 1
    assert db.session.execute(select(func.count()).select_from(ScoreCellBuild)).scalar_one() == 1
    assert count["n"] >= 1
    total = db.session.execute(select(func.count()).select_from(Appeal)).scalar_one()
    db.session.commit()
    assert total == 1 + count["n"]
