"""Collective appeals: the applicant names co-signatories; each is told of every step by
e-mail (a real SMTP server, delivered by a real worker), a co-signatory with an account reads
the appeal, the appeal keeps one number and counts once; bad additions are refused."""

from __future__ import annotations

from sqlalchemy import func, select

from appeals.extensions import db
from appeals.intake.models import Appeal, CoSignatory
from appeals.work.service import answer_appeal
from tests.notifications.conftest import smtp_server  # noqa: F401  (the SMTP fixture)
from tests.pages import by_testid, field_error, field_value, page_text
from tests.work.test_applicant_steps import applicant_post

ANSWER = (
    "The yard of house 12 on Abay street is cleaned and the contractor fined; collection runs "
    "twice a week from 3 December under the municipal contract, item 4.2."
)


def cosign(client, appeal_id: int, name: str, email: str):
    return applicant_post(client, appeal_id, "cosign", "cosign", name=name, email=email)


def cosignatory_count(appeal_id: int) -> int:
    value = db.session.execute(
        select(func.count()).where(CoSignatory.appeal_id == appeal_id)
    ).scalar_one()
    db.session.commit()
    return value


def test_co_signatories_are_told_of_each_step_and_a_registered_one_reads_the_appeal(
    client,
    login,
    people,
    assigned,
    smtp_server,  # noqa: F811
    run_jobs,
):
    login(people.citizen)
    page = page_text(
        client.get(
            cosign(client, assigned.id, "Bolat Nurlanov", people.other_citizen.email).headers[
                "Location"
            ]
        ).get_data(as_text=True)
    )
    assert "Bolat Nurlanov co-signs the appeal" in page
    cosign(client, assigned.id, "Dana Esova", "dana@example.kz")  # no account: a contact
    run_jobs()
    told = {m["To"]: m for m in smtp_server.messages}
    assert f"You co-sign appeal {assigned.number}" in told["dana@example.kz"]["Subject"]
    assert people.other_citizen.email in told

    answer_appeal(assigned, ANSWER, "satisfied", people.official)
    db.session.commit()
    run_jobs()

    answered = [m["To"] for m in smtp_server.messages if "answered" in m["Subject"]]
    assert sorted(answered) == sorted(
        [people.citizen.email, people.other_citizen.email, "dana@example.kz"]
    )
    # The co-signatory with an account reads the appeal and finds it among theirs.
    login(people.other_citizen)
    assert client.get(f"/appeals/{assigned.id}").status_code == 200
    assert assigned.number in client.get("/appeals/").get_data(as_text=True)
    # One appeal, one number, counted once.
    assert db.session.execute(select(func.count(Appeal.id))).scalar_one() == 1


def test_bad_co_signatories_are_refused_and_keep_what_was_typed(client, login, people, assigned):
    login(people.citizen)
    cosign(client, assigned.id, "Dana Esova", "dana@example.kz")

    twice = page_text(
        client.get(
            cosign(client, assigned.id, "Dana again", "DANA@example.kz").headers["Location"]
        ).get_data(as_text=True)
    )
    assert "dana@example.kz co-signs this appeal already" in twice
    own = cosign(client, assigned.id, "Me", people.citizen.email)
    assert "You are the applicant already" in page_text(
        client.get(own.headers["Location"]).get_data(as_text=True)
    )
    bad = cosign(client, assigned.id, "Someone", "not-an-address")
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert field_error(html, "cosign-email") is not None
    assert field_value(html, "cosign-name") == "Someone"
    assert cosignatory_count(assigned.id) == 1


def test_only_the_applicant_adds_co_signatories_and_only_while_open(
    client, login, people, assigned
):
    login(people.other_citizen)
    assert cosign(client, assigned.id, "X", "x@example.kz").status_code == 404
    answer_appeal(assigned, ANSWER, "satisfied", people.official)
    db.session.commit()
    login(people.citizen)

    response = cosign(client, assigned.id, "Late", "late@example.kz")

    assert "only while the appeal is open" in page_text(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert (
        by_testid(client.get(f"/appeals/{assigned.id}").get_data(as_text=True), "cosign-form")
        is None
    )
    assert cosignatory_count(assigned.id) == 0
