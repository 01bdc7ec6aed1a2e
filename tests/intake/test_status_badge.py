"""The status badge of a citizen's list: each row's own status, overdue mark and deemed
rejection, in the reader's language, though each process keeps every badge it has rendered
(appeals/kept_html.py)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import refresh
from sqlalchemy import update

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind
from appeals.timeutil import local_today
from tests.factories import submit
from tests.pages import parse


def badges(client) -> dict[str, str]:
    """Each listed appeal's badge text, by its registration number."""
    page = parse(client.get("/appeals/").get_data(as_text=True))
    rows = [e for e in page.iter() if e.tag == "tr" and e.parent.tag == "tbody"]
    cells = [[c for c in r.children if not isinstance(c, str)] for r in rows]
    return {cell[0].text(): cell[2].text() for cell in cells}


def switch_to(client, language: str) -> None:
    client.post("/language", data={"language": language, "next": "/appeals/"})
    refresh()  # the test's requests share one app context, where Flask-Babel keeps the locale


def test_each_row_shows_its_own_badge_in_the_readers_language(client, make_user, login):
    citizen = make_user()
    on_time, _ = submit(citizen, subject="On time")
    late, _ = submit(citizen, subject="Late")
    complaint, _ = submit(citizen, subject="Late complaint", kind=AppealKind.COMPLAINT)
    yesterday = local_today() - timedelta(days=1)
    db.session.execute(
        update(Appeal).where(Appeal.id.in_([late.id, complaint.id])).values(due_on=yesterday)
    )
    db.session.commit()
    login(citizen)

    shown = badges(client)
    assert shown[on_time.number] == "registered"
    assert shown[late.number] == "registered overdue"
    assert shown[complaint.number] == "registered overdue deemed rejected"

    switch_to(client, "kk")
    shown = badges(client)
    assert shown[on_time.number] == "тіркелді"
    assert shown[late.number] == "тіркелді мерзімі өткен"
    assert shown[complaint.number] == "тіркелді мерзімі өткен қабылданбаған деп есептеледі"

    switch_to(client, "ru")
    assert badges(client)[late.number] == "зарегистрировано просрочено"

    # Answered, the same appeal shows its new status, and an answered appeal is not overdue.
    db.session.execute(update(Appeal).where(Appeal.id == late.id).values(status="answered"))
    db.session.commit()
    assert badges(client)[late.number] == "дан ответ"
