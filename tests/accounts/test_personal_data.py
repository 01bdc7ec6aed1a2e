"""A citizen's own data: the ZIP (a JSON file and the attachments), and closing the account
(personal data erased, appeals kept, the applicant shown as a closed account)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import g
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.attachments import check_file
from appeals.intake.models import Appeal
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.notifications.models import Notification
from tests.conftest import PASSWORD, CommittingClient
from tests.factories import category_id, region_id
from tests.pages import field_error, page_text

NOTE = b"Queue number 17, doctor Seitkali.\n"


class FreshClient(CommittingClient):
    def open(self, *args, **kwargs):
        g.pop("_login_user", None)  # each request reads its user afresh, as in production
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


@pytest.fixture
def citizen(make_user):
    return make_user(full_name="Aigerim Sadykova", email="aigerim@example.kz", iin="900101300017")


@pytest.fixture
def appeal(app, citizen) -> Appeal:
    appeal, _code = submit_appeal(
        citizen,
        NewAppeal(
            kind="statement",
            category_id=category_id("healthcare"),
            region_id=region_id("710000000"),
            subject="No appointment with a doctor",
            text="I have waited two months for an appointment.",
            files=[check_file("note.txt", NOTE, app.config["MAX_ATTACHMENT_BYTES"])],
        ),
    )
    db.session.commit()
    return appeal


def test_the_zip_holds_the_account_the_appeals_and_the_attachments(client, citizen, appeal, login):
    login(citizen)

    response = client.get("/account/data.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "aigerim@example.kz"
    assert data["account"]["iin"] == "900101300017"
    [held] = data["appeals"]
    assert (held["number"], held["subject"]) == (appeal.number, "No appointment with a doctor")
    [attachment] = held["attachments"]
    assert archive.read(attachment["file"]) == NOTE
    assert attachment["filename"] == "note.txt"
    assert held["events"]


def test_the_zip_holds_only_my_own_appeals(client, citizen, appeal, make_user, login):
    other = make_user()
    login(other)

    data = json.loads(
        zipfile.ZipFile(io.BytesIO(client.get("/account/data.zip").data)).read("data.json")
    )

    assert data["appeals"] == []
    assert data["account"]["email"] == other.email


def test_the_data_pages_need_a_signed_in_user(client):
    assert client.get("/account/data.zip").status_code == 302
    assert client.post("/account/close").status_code == 302


def test_closing_erases_personal_data_and_keeps_the_appeals(client, citizen, appeal, login):
    login(citizen)

    response = client.post("/account/close", data={"current": PASSWORD, "understood": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, citizen.id)
    assert (user.full_name, user.iin, user.phone, user.is_active) == (
        "closed account",
        None,
        None,
        False,
    )
    assert "aigerim" not in user.email
    kept = db.session.get(Appeal, appeal.id)
    assert (kept.applicant_id, kept.text) == (
        citizen.id,
        "I have waited two months for an appointment.",
    )
    assert len(kept.attachments) == 1
    addresses = db.session.execute(
        select(Notification.address).where(Notification.user_id == citizen.id)
    ).scalars()
    assert all(address == "" for address in addresses)
    assert client.get("/appeals/").status_code == 302  # signed out
    assert (
        client.post(
            "/login", data={"email": "aigerim@example.kz", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_a_closed_account_shows_as_closed_to_the_official(
    client, citizen, appeal, make_user, login
):
    login(citizen)
    client.post("/account/close", data={"current": PASSWORD, "understood": "y"})
    official = make_user(Role.OFFICIAL, body_code="health-71")
    login(official)

    page = page_text(client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True))

    assert "closed account" in page and "Aigerim" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"current": "wrong-password-9", "understood": "y"},
            "current",
            "not your current password",
        ),
        ({"current": PASSWORD}, "understood", "required"),
    ],
)
def test_a_refused_closing_erases_nothing(client, citizen, login, data, field, message):
    login(citizen)

    response = client.post("/account/close", data=data)

    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    db.session.expire_all()
    assert db.session.get(User, citizen.id).full_name == "Aigerim Sadykova"


def test_staff_cannot_close_their_account_here(client, make_user, login):
    official = make_user(Role.OFFICIAL, body_code="health-71")
    login(official)

    assert (
        client.post("/account/close", data={"current": PASSWORD, "understood": "y"}).status_code
        == 403
    )
