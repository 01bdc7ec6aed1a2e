"""The admin's deadline policies: the list, new versions, and edits of unused versions."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from appeals.deadlines import policy_versions
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.policies import APPK_FROM
from appeals.deadlines.service import policy_in_force
from appeals.extensions import db
from tests.factories import submit

FUTURE = date(2090, 1, 2)  # always after today, inside the calendar's window


def _seeded(profile: str, kind: str) -> DeadlinePolicy:
    return db.session.execute(
        select(DeadlinePolicy).where(
            DeadlinePolicy.profile == profile,
            DeadlinePolicy.kind == kind,
            DeadlinePolicy.effective_from == APPK_FROM,
        )
    ).scalar_one()


def _count() -> int:
    return db.session.execute(select(func.count(DeadlinePolicy.id))).scalar_one()


def _figures(**changes) -> dict:
    data = {
        "term": "10",
        "unit": "working",
        "extensions_allowed": "1",
        "extension_max": "0",
        "extension_unit": "working",
        "total_cap_months": "2",
        "forward_within": "3",
        "suspension_allowed": "",
        "effective_from": FUTURE.isoformat(),
        "source": "A future amendment of APPK art. 76 (test)",
    }
    data.update(changes)
    if not data["suspension_allowed"]:
        del data["suspension_allowed"]  # an unticked checkbox is not sent at all
    return data


def _section(page: str, profile: str) -> str:
    match = re.search(rf'<table[^>]*data-profile="{profile}".*?</table>', page, re.S)
    assert match, f"no table for {profile}"
    return match.group(0)


def test_list_shows_the_seeded_appk_rows_grouped_by_profile(admin_client):
    page = admin_client.get("/admin/policies").get_data(as_text=True)
    appk = _section(page, "appk")
    kinds = ("statement", "report", "proposal", "feedback", "request", "complaint", "information")
    for kind in kinds:
        assert f"<td>{kind} " in appk or f"<td>{kind}<" in appk
        if kind != "information":  # in effect from 2016, not from the APPK's day
            assert f'data-policy="{_seeded("appk", kind).id}"' in appk
    assert appk.count("APPK (Code of 29 June 2020 No. 350-VI), art. 76") == 5
    assert "01.07.2021" in appk
    assert "No. 401-V), art. 11" in appk
    assert appk.count("in force") == 7
    fz59 = _section(page, "59fz")
    assert fz59.count("data-policy=") == 7
    assert "59-FZ" in fz59
    assert page.index('data-profile="appk"') < page.index('data-profile="59fz"')  # default first


def test_new_version_is_added_beside_the_old_one(admin_client):
    base = _seeded("appk", "statement")
    before = _count()
    form = admin_client.get(f"/admin/policies/{base.id}/new-version").get_data(as_text=True)
    assert 'value="15"' in form  # prefilled from the version it follows
    response = admin_client.post(
        f"/admin/policies/{base.id}/new-version", data=_figures(suspension_allowed="y")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _count() == before + 1
    new = policy_in_force("statement", FUTURE)
    assert (new.profile, new.term, new.effective_from, new.suspension_allowed) == (
        "appk",
        10,
        FUTURE,
        True,
    )
    db.session.refresh(base)
    assert base.term == 15  # the old version is untouched
    assert policy_in_force("statement", date(2089, 12, 31)).id == base.id
    listed = admin_client.get("/admin/policies").get_data(as_text=True)
    assert "future" in _section(listed, "appk") and "02.01.2090" in listed


def test_a_duplicate_date_of_effect_is_a_form_error_and_saves_nothing(admin_client):
    base = _seeded("appk", "statement")
    url = f"/admin/policies/{base.id}/new-version"
    assert admin_client.post(url, data=_figures()).status_code == 302
    before = _count()
    response = admin_client.post(url, data=_figures(term="12"))
    assert response.status_code == 200
    assert "taking effect on 02.01.2090 exists already" in response.get_data(as_text=True)
    assert _count() == before
    assert policy_in_force("statement", FUTURE).term == 10


def test_the_unique_constraint_is_a_form_error_too(admin_client, monkeypatch):
    """Two admins at once: the check passes for both, the database refuses the second."""
    base = _seeded("appk", "report")
    url = f"/admin/policies/{base.id}/new-version"
    assert admin_client.post(url, data=_figures()).status_code == 302
    before = _count()
    monkeypatch.setattr(policy_versions, "_check_date", lambda *args, **kwargs: None)
    response = admin_client.post(url, data=_figures(term="12"))
    assert response.status_code == 200
    assert "exists already" in response.get_data(as_text=True)
    assert _count() == before


def test_invalid_figures_and_dates_are_form_errors(admin_client):
    base = _seeded("appk", "statement")
    url = f"/admin/policies/{base.id}/new-version"
    before = _count()
    cases = [
        (_figures(term="0"), "Number must be between 1 and 365"),
        (_figures(term="366"), "Number must be between 1 and 365"),
        (_figures(unit="weeks"), "Not a valid choice"),
        (_figures(effective_from=APPK_FROM.isoformat()), "exists already"),
        (_figures(effective_from="2021-06-30"), "cannot be before 01.07.2021"),
        (_figures(effective_from="2022-01-01"), "takes effect today"),
        (_figures(source=""), "This field is required"),
    ]
    for data, message in cases:
        response = admin_client.post(url, data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    assert _count() == before


def test_a_version_appeals_keep_cannot_be_edited(admin_client, make_user):
    appeal, _code = submit(make_user())
    policy = db.session.get(DeadlinePolicy, appeal.policy_id)
    page = admin_client.get(f"/admin/policies/{policy.id}/edit").get_data(as_text=True)
    assert "1 appeal keeps this version" in page
    assert "create a new version" in page
    assert 'id="policy-form"' not in page
    response = admin_client.post(f"/admin/policies/{policy.id}/edit", data=_figures())
    assert response.status_code == 409
    db.session.refresh(policy)
    assert (policy.term, policy.effective_from) == (15, APPK_FROM)
    listed = admin_client.get("/admin/policies").get_data(as_text=True)
    assert f"/admin/policies/{policy.id}/edit" not in listed


def test_an_unused_version_can_be_edited_in_place(admin_client):
    base = _seeded("appk", "proposal")
    assert (
        admin_client.post(f"/admin/policies/{base.id}/new-version", data=_figures()).status_code
        == 302
    )
    new = policy_in_force("proposal", FUTURE)
    response = admin_client.post(
        f"/admin/policies/{new.id}/edit",
        data=_figures(term="12", effective_from="2091-03-01", total_cap_months=""),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(new)
    assert (new.term, new.effective_from, new.total_cap_months) == (12, date(2091, 3, 1), None)
    # Moved onto another version's date: refused.
    response = admin_client.post(
        f"/admin/policies/{new.id}/edit", data=_figures(effective_from=APPK_FROM.isoformat())
    )
    assert "exists already" in response.get_data(as_text=True)
    db.session.refresh(new)
    assert new.effective_from == date(2091, 3, 1)
