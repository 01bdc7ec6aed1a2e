"""Changes to the reference data through the admin's screens are logged, who and what, before
and after; the install's own writes (seed, fixtures) are not an admin's and are not logged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from appeals.adminlog.models import LogEntry
from appeals.extensions import db
from appeals.reference.models import Body, Region
from tests.conftest import tables_restored
from tests.pages import page_text


@pytest.fixture(autouse=True)
def restore_reference(app_ctx):
    with tables_restored(("regions", "categories", "bodies", "routing_rules")):
        yield


def entries() -> list[LogEntry]:
    db.session.expire_all()
    return list(db.session.execute(select(LogEntry).order_by(LogEntry.id)).scalars())


def body(code: str) -> Body:
    return db.session.execute(select(Body).where(Body.code == code)).scalar_one()


def test_deactivating_a_body_is_logged_and_shown_on_its_page(admin_client, admin):
    akimat = body("akimat-71")

    response = admin_client.post(f"/admin/routing/bodies/{akimat.id}/deactivate")

    assert response.status_code == 302
    [entry] = [e for e in entries() if e.subject_kind == "body"]
    assert (entry.action, entry.actor_label, entry.subject_label) == (
        "body.changed",
        admin.email,
        "akimat-71",
    )
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)
    assert entry.body_id == akimat.id
    page = page_text(admin_client.get(f"/admin/bodies/{akimat.id}").get_data(as_text=True))
    assert "body.changed" in page
    log = page_text(admin_client.get("/admin/log?kind=body").get_data(as_text=True))
    assert "akimat-71" in log


def test_a_calendar_day_added_by_the_admin_is_logged(admin_client, admin):
    response = admin_client.post(
        "/admin/calendar/2027",
        data={"day": "2027-03-05", "kind": "day_off", "name": "Extra day (test)"},
    )

    assert response.status_code in (200, 302)
    holiday_entries = [e for e in entries() if e.subject_kind == "holiday"]
    assert [e.action for e in holiday_entries] == ["holiday.created"]
    assert holiday_entries[0].after["day"] == date(2027, 3, 5).isoformat()
    assert holiday_entries[0].before is None


def test_writes_outside_an_admin_request_are_not_logged():
    region = db.session.execute(select(Region).where(Region.code == "710000000")).scalar_one()
    region.name_en = "Astana (renamed by a fixture)"
    db.session.commit()

    assert entries() == []
