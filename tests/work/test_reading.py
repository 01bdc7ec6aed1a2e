"""What an official may read: the appeals they work (assigned to them, or to nobody yet) and
the appeal a complaint or a repeat they work is about; a colleague's appeal is not theirs."""

from __future__ import annotations

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.applicant import file_complaint
from appeals.intake.models import Decision
from appeals.work.service import answer_appeal, assign_executor

ANSWER = "Partly satisfied: " + "an appointment is offered next month at polyclinic No. 4. " * 3


def test_an_official_reads_what_they_work_and_no_colleagues_appeal(client, login, people, appeal):
    login(people.colleague)
    assert client.get(f"/appeals/{appeal.id}").status_code == 200  # nobody's yet: open to take
    assign_executor(appeal, people.official, people.head)
    db.session.commit()

    for path in (f"/appeals/{appeal.id}", f"/appeals/{appeal.id}/receipt"):
        assert client.get(path).status_code == 404
    login(people.official)
    assert client.get(f"/appeals/{appeal.id}").status_code == 200


def test_the_executor_of_a_complaint_reads_the_appeal_it_is_about(
    client, login, people, assigned, make_user
):
    answer_appeal(assigned, ANSWER, Decision.PARTLY_SATISFIED, people.official)
    complaint, _code = file_complaint(
        assigned, "disagrees", "The answer is too late.", people.citizen
    )
    db.session.commit()
    assert complaint.current_body.code == "akimat-71"  # the superior body
    executor = make_user(Role.OFFICIAL, body_code="akimat-71")
    colleague = make_user(Role.OFFICIAL, body_code="akimat-71")
    assign_executor(complaint, executor, people.superior_head)
    db.session.commit()

    login(executor)
    page = client.get(f"/work/appeals/{complaint.id}").get_data(as_text=True)
    assert f"/appeals/{assigned.id}" in page  # the link to the appeal complained about
    assert client.get(f"/appeals/{assigned.id}").status_code == 200
    login(colleague)
    assert client.get(f"/appeals/{assigned.id}").status_code == 404
    assert client.get(f"/appeals/{complaint.id}").status_code == 404
