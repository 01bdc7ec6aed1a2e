"""`flask users create-admin | invite | deactivate`: a first admin on a fresh install, staff
invited from the command line, access taken away; each logged as the command line's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.adminlog.models import LogEntry
from appeals.extensions import db
from tests.conftest import PASSWORD

ADMIN_PASSWORD = "granite-meadow-51-echo"


@pytest.fixture
def flask_cli(app):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        db.session.commit()
        result = runner.invoke(args=list(args), input=input)
        db.session.expire_all()
        return result

    return run


def user_by(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def actions() -> list[tuple[str, str]]:
    rows = db.session.execute(select(LogEntry.action, LogEntry.actor_label).order_by(LogEntry.id))
    return [tuple(row) for row in rows]


def test_create_admin_makes_an_admin_who_can_sign_in(client, flask_cli):
    result = flask_cli(
        "users",
        "create-admin",
        "--email",
        "root@gov.kz",
        "--name",
        "First Admin",
        input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Admin root@gov.kz created" in result.output
    assert user_by("root@gov.kz").role == Role.ADMIN
    signed_in = client.post("/login", data={"email": "root@gov.kz", "password": ADMIN_PASSWORD})
    assert signed_in.status_code == 302
    assert actions() == [("user.created", "command line")]


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 10"), ("1234567890", "too common"), ("first-admin-2026", "name")],
)
def test_create_admin_refuses_a_weak_password(flask_cli, password, message):
    result = flask_cli(
        "users",
        "create-admin",
        "--email",
        "root@gov.kz",
        "--name",
        "First Admin",
        "--password",
        password,
    )

    assert result.exit_code != 0
    assert message in result.output
    assert user_by("root@gov.kz") is None


def test_create_admin_refuses_an_address_in_use(flask_cli, make_user):
    make_user(email="root@gov.kz")

    result = flask_cli(
        "users",
        "create-admin",
        "--email",
        "root@gov.kz",
        "--name",
        "First Admin",
        "--password",
        ADMIN_PASSWORD,
    )

    assert result.exit_code != 0
    assert "exists already" in result.output


def test_invite_from_the_command_line(flask_cli):
    result = flask_cli(
        "users",
        "invite",
        "--email",
        "head@gov.kz",
        "--name",
        "Saule Bekova",
        "--role",
        "head",
        "--body",
        "health-71",
    )

    assert result.exit_code == 0, result.output
    user = user_by("head@gov.kz")
    assert (user.role, user.body.code) == (Role.HEAD, "health-71")
    assert actions() == [("user.invited", "command line")]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "head", "--body", "no-such-body"], "no body has the code"),
        (["--role", "head"], "state body"),
        (["--role", "overlord", "--body", "health-71"], "overlord"),
    ],
)
def test_invite_refusals_save_nothing(flask_cli, extra, message):
    result = flask_cli("users", "invite", "--email", "x@gov.kz", "--name", "X Y", *extra)

    assert result.exit_code != 0
    assert message in result.output
    assert user_by("x@gov.kz") is None
    assert actions() == []


def test_deactivate_from_the_command_line(client, flask_cli, make_user):
    user = make_user(Role.OFFICIAL, body_code="health-71")

    result = flask_cli("users", "deactivate", user.email)

    assert result.exit_code == 0, result.output
    assert not user_by(user.email).is_active
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    )


def test_deactivating_the_last_admin_from_the_command_line_is_refused(flask_cli, make_user):
    admin = make_user(Role.ADMIN)

    result = flask_cli("users", "deactivate", admin.email)

    assert result.exit_code != 0
    assert "last active admin" in result.output
    assert user_by(admin.email).is_active


def test_deactivate_an_unknown_address(flask_cli):
    result = flask_cli("users", "deactivate", "nobody@gov.kz")

    assert result.exit_code != 0
    assert "no account has the e-mail" in result.output
