"""The audit of an answer: a prosecutor of the appeal's region records a verdict; the appeal's
status stays, its timeline shows the audit, the body's head is told; every refusal leaves
nothing behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import func, select, update

from appeals.accounts.models import Role
from appeals.audit.act_terms import act_due_date
from appeals.audit.models import Audit, ResponseAct
from appeals.audit.service import AuditRefused, record_audit
from appeals.deadlines.rules import add_term
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal, AppealStatus, Event, EventKind
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from appeals.reference.models import Body
from appeals.timeutil import local_today, now_utc
from tests.factories import submit
from tests.pages import by_testid, field_error, page_text

UNLAWFUL = {
    "verdict": "violations",
    "violations": ["formal_reply", "red_tape"],
    "note": "The answer does not address the waiting time at all.",
    "act": "representation",
}


def _count(model, *where) -> int:
    value = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
    db.session.commit()
    return value


def _audited_events(appeal_id: int) -> int:
    return _count(Event, Event.appeal_id == appeal_id, Event.kind == EventKind.AUDITED)


def _nothing_saved(appeal_id: int) -> None:
    assert _count(Audit, Audit.appeal_id == appeal_id) == 0
    assert _audited_events(appeal_id) == 0
    assert _count(Notification, Notification.template == "appeal_audited") == 0


def test_prosecutor_records_violations_with_an_act(
    client, login, astana_prosecutor, answered_appeal, health_head
):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL)

    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.appeal_id == appeal.id)).scalar_one()
    assert not audit.lawful
    assert audit.violations == ["formal_reply", "red_tape"]
    assert audit.act == ResponseAct.REPRESENTATION
    assert audit.body_id == appeal.current_body_id
    assert audit.prosecutor_id == astana_prosecutor.id
    # 30 calendar days from today by default, counted by the deadline engine: the local
    # date (after 19:00 UTC it is already tomorrow in Astana).
    assert audit.act_due_on == act_due_date(local_today(audit.created_at), working_calendar())
    db.session.refresh(appeal)
    assert appeal.status == AppealStatus.ANSWERED  # an audit changes no status
    event = db.session.execute(
        select(Event).where(Event.appeal_id == appeal.id, Event.kind == EventKind.AUDITED)
    ).scalar_one()
    assert event.actor_id == astana_prosecutor.id
    assert event.data["violations"] == ["formal_reply", "red_tape"]
    assert event.note is None and event.data["code"] == "audit_verdict"
    assert "formal reply without substance" in event_text(event)
    notice = db.session.execute(
        select(Notification).where(Notification.template == "appeal_audited")
    ).scalar_one()
    assert notice.user_id == health_head.id and notice.address == health_head.email
    subject, body = render_notice(notice)
    assert appeal.number in subject and "violations found" in subject
    assert "Formal reply without substance" in body and "Representation" in body

    page = client.get(f"/prosecutor/appeals/{appeal.id}").get_data(as_text=True)
    audit_card = by_testid(page, "audit")
    assert audit_card is not None and audit_card.attrs["data-lawful"] == "false"
    assert "Formal reply without substance, Red tape" in audit_card.text()
    assert f"{audit.act_due_on:%d.%m.%Y}" in by_testid(page, "act").text()


def test_a_lawful_verdict_needs_no_violation_nor_act(
    client, login, astana_prosecutor, answered_appeal
):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{appeal.id}/audit", data={"verdict": "lawful", "act": "none"}
    )

    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.appeal_id == appeal.id)).scalar_one()
    assert audit.lawful and audit.violations == [] and audit.act_due_on is None
    assert _audited_events(appeal.id) == 1


def test_act_term_can_be_working_days(app, astana_prosecutor, answered_appeal):
    appeal = answered_appeal()
    app.config.update(AUDIT_ACT_TERM=10, AUDIT_ACT_TERM_UNIT="working")
    try:
        audit = record_audit(
            appeal,
            False,
            ["formal_reply"],  # answered in time: "missed deadline" would be refused (#13)
            "No substance.",
            "warning",
            astana_prosecutor,
            today=date(2026, 3, 20),
        )
    finally:
        app.config.update(AUDIT_ACT_TERM=30, AUDIT_ACT_TERM_UNIT="calendar")
    # 21-25 March 2026 are Nauryz days off: the working days are counted around them.
    assert audit.act_due_on == add_term(date(2026, 3, 20), 10, "working", working_calendar())
    assert audit.act_due_on > date(2026, 4, 1)


def test_the_general_prosecutor_audits_anywhere(client, login, general_prosecutor, answered_appeal):
    appeal = answered_appeal()
    login(general_prosecutor)
    assert client.get(f"/prosecutor/appeals/{appeal.id}").status_code == 200
    response = client.post(
        f"/prosecutor/appeals/{appeal.id}/audit", data={"verdict": "lawful", "act": "none"}
    )
    assert response.status_code == 302
    assert _count(Audit, Audit.appeal_id == appeal.id) == 1


# --- Refusals: a clear message, nothing saved -----------------------------------------------


MISSED = {
    "verdict": "violations",
    "violations": ["missed_deadline"],
    "note": "No answer in the term.",
    "act": "warning",
}


def test_an_open_appeal_can_be_audited_but_a_missed_deadline_needs_a_missed_term(
    client, login, astana_prosecutor, citizen
):
    """#13: any appeal at a body can be audited, open ones too; "missed deadline" is refused
    on an appeal still within its term, with a reason, and nothing is saved."""
    appeal, _code = submit(citizen)
    login(astana_prosecutor)
    page = client.get(f"/prosecutor/appeals/{appeal.id}").get_data(as_text=True)
    assert by_testid(page, "not-auditable") is None

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=MISSED)
    assert response.status_code == 400
    assert "A missed deadline needs an appeal answered after its due date" in page_text(
        response.get_data(as_text=True)
    )
    _nothing_saved(appeal.id)

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL)
    assert response.status_code == 302
    assert _count(Audit, Audit.appeal_id == appeal.id) == 1


def test_an_overdue_unanswered_appeal_is_audited_for_its_missed_deadline(
    client, login, astana_prosecutor, citizen
):
    appeal, _code = submit(citizen, now=now_utc() - timedelta(days=40))
    login(astana_prosecutor)
    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=MISSED)
    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.appeal_id == appeal.id)).scalar_one()
    assert audit.violations == ["missed_deadline"] and audit.act == "warning"


def test_an_appeal_answered_late_may_be_found_to_have_missed_its_deadline(
    client, login, astana_prosecutor, answered_appeal
):
    appeal = answered_appeal(now=now_utc() - timedelta(days=40))  # answered now: late
    login(astana_prosecutor)
    assert client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=MISSED).status_code == 302


def test_an_appeal_not_yet_at_a_body_cannot_be_audited(client, login, astana_prosecutor, citizen):
    appeal, _code = submit(citizen)
    # As if no routing rule had matched: queued for manual routing, at no body yet.
    db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id)
        .values(status="manual_routing", current_body_id=None)
    )
    db.session.commit()
    login(astana_prosecutor)
    page = client.get(f"/prosecutor/appeals/{appeal.id}").get_data(as_text=True)
    assert "Only an appeal at a body can be audited" in by_testid(page, "not-auditable").text()
    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL)
    assert response.status_code == 400
    assert "Only an appeal at a body can be audited; this one is manual routing." in page_text(
        response.get_data(as_text=True)
    )
    _nothing_saved(appeal.id)


def test_unlawful_without_a_violation_is_refused(client, login, astana_prosecutor, answered_appeal):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{appeal.id}/audit",
        data={"verdict": "violations", "note": "Something is wrong.", "act": "warning"},
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "violations") == (
        "Choose at least one violation, or record the answer as lawful."
    )
    assert "Something is wrong." in html  # the note typed is kept
    _nothing_saved(appeal.id)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"verdict": "violations", "violations": ["red_tape"], "act": "none"},
            "note",
            "Say in the note what was wrong with the answer.",
        ),
        (
            {"verdict": "lawful", "violations": ["red_tape"], "act": "none"},
            "violations",
            "A lawful answer has no violations: untick them, or record the violations.",
        ),
        (
            {"verdict": "lawful", "act": "warning"},
            "act",
            "A lawful answer calls for no act of response.",
        ),
        ({"act": "none"}, "verdict", "Choose a verdict."),
        (
            {"verdict": "violations", "violations": ["bribery"], "note": "x", "act": "none"},
            "violations",
            "'bribery' is not a valid choice for this field.",
        ),
    ],
)
def test_inconsistent_verdicts_are_refused_beside_the_field(
    client, login, astana_prosecutor, answered_appeal, data, field, message
):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=data)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == message
    _nothing_saved(appeal.id)


def test_an_appeal_of_another_region_is_not_found(
    client, login, almaty_prosecutor, answered_appeal
):
    appeal = answered_appeal()  # Astana
    login(almaty_prosecutor)

    assert client.get(f"/prosecutor/appeals/{appeal.id}").status_code == 404
    assert client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL).status_code == 404
    _nothing_saved(appeal.id)


def test_the_service_refuses_out_of_scope_and_non_prosecutors(
    almaty_prosecutor, health_head, make_user, answered_appeal
):
    appeal = answered_appeal()
    admin = make_user(Role.ADMIN)
    with pytest.raises(AuditRefused, match="outside your region"):
        record_audit(appeal, True, [], "", "none", almaty_prosecutor)
    for actor in (health_head, admin):
        with pytest.raises(AuditRefused, match="Only a prosecutor can audit"):
            record_audit(appeal, True, [], "", "none", actor)
    db.session.rollback()
    _nothing_saved(appeal.id)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD, Role.ADMIN])
def test_other_roles_cannot_use_the_desk(client, login, make_user, answered_appeal, role):
    appeal = answered_appeal()
    user = make_user(role, body_code="health-71" if role in (Role.OFFICIAL, Role.HEAD) else None)
    login(user)

    assert client.get(f"/prosecutor/appeals/{appeal.id}").status_code == 403
    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL)
    assert response.status_code == 403
    assert "Prosecutors only" in page_text(response.get_data(as_text=True))
    _nothing_saved(appeal.id)


def test_signed_out_visitors_are_sent_to_sign_in(client, answered_appeal):
    appeal = answered_appeal()
    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=UNLAWFUL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    _nothing_saved(appeal.id)


# --- The act of response: its own deadline, overdue when unanswered -------------------------


def test_an_unanswered_act_past_its_deadline_shows_overdue_until_answered(
    client, login, astana_prosecutor, answered_appeal
):
    appeal = answered_appeal()
    audit = record_audit(
        appeal,
        False,
        ["red_tape"],
        "Sent in circles.",
        "warning",
        astana_prosecutor,
        today=date(2025, 1, 10),
    )
    db.session.commit()
    login(astana_prosecutor)

    page = client.get(f"/prosecutor/appeals/{appeal.id}").get_data(as_text=True)
    assert by_testid(page, "act-overdue") is not None

    response = client.post(f"/prosecutor/audits/{audit.id}/reply")
    assert response.status_code == 302
    page = client.get(f"/prosecutor/appeals/{appeal.id}").get_data(as_text=True)
    assert by_testid(page, "act-overdue") is None
    assert "answered" in by_testid(page, "act").text()
    db.session.refresh(audit)
    assert audit.act_answered_at is not None


def test_the_desk_lists_an_act_past_its_deadline_in_the_readers_language_until_answered(
    client, login, astana_prosecutor, answered_appeal
):
    """The dashboard's list names the appeal (a link to it), its body in the reader's
    language and the act's due date; an act still in time, or answered, is not listed."""
    late = answered_appeal()
    in_time = answered_appeal()
    overdue = record_audit(
        late, False, ["red_tape"], "x", "warning", astana_prosecutor, today=date(2025, 1, 10)
    )
    record_audit(in_time, False, ["red_tape"], "x", "warning", astana_prosecutor)
    db.session.commit()
    body = db.session.get(Body, late.current_body_id)
    login(astana_prosecutor)
    assert client.post("/language", data={"language": "kk", "next": "/"}).status_code == 302
    refresh()  # the test's requests share one app context, where Flask-Babel keeps the locale

    acts = by_testid(client.get("/prosecutor/").get_data(as_text=True), "overdue-acts")

    assert acts is not None
    items = [e for e in acts.iter() if e.tag == "li"]
    assert len(items) == 1
    link = next(e for e in items[0].iter() if e.tag == "a")
    assert link.attrs["href"] == f"/prosecutor/appeals/{late.id}"
    assert link.text() == late.number
    assert body.name_kk and body.name_kk in items[0].text()
    assert f"{overdue.act_due_on:%d.%m.%Y}" in items[0].text()

    assert client.post(f"/prosecutor/audits/{overdue.id}/reply").status_code == 302
    assert by_testid(client.get("/prosecutor/").get_data(as_text=True), "overdue-acts") is None


def test_a_reply_to_an_act_of_another_region_is_not_found(
    client, login, astana_prosecutor, almaty_prosecutor, answered_appeal
):
    appeal = answered_appeal()
    audit = record_audit(appeal, False, ["red_tape"], "x", "warning", astana_prosecutor)
    db.session.commit()
    login(almaty_prosecutor)
    assert client.post(f"/prosecutor/audits/{audit.id}/reply").status_code == 404
    db.session.refresh(audit)
    assert audit.act_answered_at is None
    db.session.commit()
