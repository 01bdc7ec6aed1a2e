"""Bulk invitation from a CSV file: a report per row; a file with errors invites nobody unless
the admin confirms the valid rows; an unreadable file is refused with a reason."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role, User
from appeals.adminlog.models import LogEntry
from appeals.extensions import db
from appeals.notifications.models import Notification
from tests.pages import page_text

GOOD = (
    "name,e-mail,role,body code\n"
    "Arman Tulegenov,arman@gov.kz,official,health-71\n"
    "Saule Bekova,saule@gov.kz,head,health-71\n"
    "Nurlan Zhaksybekov,nurlan@gov.kz,prosecutor,prosecutor-71\n"
    "Second Admin,admin2@gov.kz,admin,\n"
)
BAD = (
    "Arman Tulegenov,arman@gov.kz,official,health-71\n"
    "Twin Arman,ARMAN@gov.kz,official,health-71\n"
    "Nobody Body,nb@gov.kz,official,no-such-body\n"
    "Bad Role,br@gov.kz,overlord,health-71\n"
    "Taken,taken@gov.kz,head,health-71\n"
    "Short Row,short@gov.kz\n"
    "Saule Bekova,saule@gov.kz;head,health-71\n"
)


def upload(client, text: str | bytes, confirm: bool = False):
    data = text.encode() if isinstance(text, str) else text
    fields = {"file": (io.BytesIO(data), "staff.csv")}
    if confirm:
        fields["confirm_valid"] = "y"
    return client.post("/admin/users/import", data=fields, content_type="multipart/form-data")


def count(model) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count(model.id))).scalar_one()


def test_a_clean_file_invites_everyone(admin_client):
    before = count(User)

    response = upload(admin_client, GOOD)

    assert response.status_code == 302
    assert count(User) == before + 4
    assert count(Notification) == 4
    assert count(LogEntry) == 4
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["nurlan@gov.kz"] == Role.PROSECUTOR and roles["admin2@gov.kz"] == Role.ADMIN


def test_a_file_with_errors_saves_nothing_and_reports_each_row(admin_client, make_user):
    make_user(email="taken@gov.kz")
    before = count(User)

    response = upload(admin_client, BAD)

    assert response.status_code == 400
    page = page_text(response.get_data(as_text=True))
    assert "1 valid rows, 6 rows with errors. Nothing was saved." in page
    assert "The same e-mail as on line 1." in page
    assert "No body has the code no-such-body." in page
    assert "Choose one of the roles" in page
    assert "An account with this e-mail exists already." in page
    assert "2 columns; expected 4" in page
    assert count(User) == before and count(Notification) == 0 and count(LogEntry) == 0


def test_confirming_invites_only_the_valid_rows(admin_client, make_user):
    make_user(email="taken@gov.kz")
    before = count(User)

    response = upload(admin_client, BAD, confirm=True)

    assert response.status_code == 302
    assert count(User) == before + 1
    invited = db.session.execute(select(User).where(User.email == "arman@gov.kz")).scalar_one()
    assert invited.body.code == "health-71"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no rows"),
        ("name,e-mail,role,body code\n", "no rows"),
        ("Arman,arman@gov.kz,official,health-71\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_an_unreadable_file_is_refused(admin_client, content, message):
    response = upload(admin_client, content)

    assert response.status_code == 400
    assert message in page_text(response.get_data(as_text=True))
    assert count(LogEntry) == 0


def test_the_import_page_is_for_admins_only(client, make_user, login):
    login(make_user(Role.HEAD, body_code="health-71"))

    assert client.get("/admin/users/import").status_code == 403
    assert upload(client, GOOD).status_code == 403
