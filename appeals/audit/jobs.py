"""Act-of-response deadline jobs: reminders to the audited body's heads, the overdue flag
and the sweep, built like the appeals' ones in appeals/deadlines/jobs.py.

The database is the source of truth. Scheduled per-act jobs only make things prompt; each
re-checks the database when it runs, and the periodic sweep repairs whatever Redis lost.
Acts are not appeal events, so a sent reminder is known by its notices' dedup keys.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, select, update

from appeals.accounts.models import Role, User
from appeals.audit.models import Audit, ResponseAct
from appeals.audit.schedule import reminder_job_id
from appeals.deadlines.rules import reminder_days
from appeals.deadlines.service import working_calendar
from appeals.extensions import db, insert_on_conflict
from appeals.intake.models import Appeal
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import delivery_job, queue_notice
from appeals.queues import (
    PendingJob,
    app_job,
    queue_after_commit,
    send_pending_jobs,
)
from appeals.reference.models import Body
from appeals.timeutil import local_today, now_utc

BATCH = 500  # bounded IN lists


def _reminder_key(audit_id: int, name: str, due: date) -> str:
    """What every head's notice of one reminder shares (its dedup key adds the head's id)."""
    return f"act-reminder:{audit_id}:{name}:{due:%Y%m%d}"


def _act_facts(number: str, act: str, due: date, body_id: int, body_name: str) -> dict[str, Any]:
    """What the notices say about an act: the appeal, the act, its due date, the body (its id,
    for its name in the reader's language; its English name kept beside)."""
    return {
        "number": number,
        "act": str(act),
        "act_due_on": f"{due:%d.%m.%Y}",
        "body_id": body_id,
        "body": body_name,
    }


def _pending(audit: Audit, due: date) -> bool:
    return (
        audit.act != ResponseAct.NONE
        and audit.act_answered_at is None
        and audit.act_overdue_at is None
        and audit.act_due_on == due
    )


@app_job
def send_act_reminder(audit_id: int, name: str, due_iso: str) -> int:
    """Remind the audited body's heads that an act's deadline is coming. Skips an act already
    answered, flagged or due another day; never sends the same reminder twice."""
    audit = db.session.get(Audit, audit_id)
    due = date.fromisoformat(due_iso)
    if audit is None or not _pending(audit, due):
        return 0
    heads = db.session.execute(
        select(User.id, User.email).where(
            User.body_id == audit.body_id, User.role == Role.HEAD, User.is_active
        )
    ).all()
    payload = _act_facts(audit.appeal.number, audit.act, due, audit.body_id, audit.body.name_en) | {
        "reminder": name
    }
    sent = 0
    for head_id, email in heads:
        notice = queue_notice(
            "act_reminder",
            email,
            payload,
            user_id=head_id,
            appeal_id=audit.appeal_id,
            dedup_key=f"{_reminder_key(audit.id, name, due)}:{head_id}",
        )
        sent += notice is not None
    return sent


def _overdue_criteria(today: date, audit_id: int | None):
    criteria = [
        Audit.act != ResponseAct.NONE,
        Audit.act_answered_at.is_(None),
        Audit.act_overdue_at.is_(None),
        Audit.act_due_on < today,
    ]
    if audit_id is not None:
        criteria.append(Audit.id == audit_id)
    return and_(*criteria)


def mark_acts_overdue(today: date, audit_id: int | None = None) -> int:
    """Flag the unanswered acts whose deadline passed before `today`, with notices to the
    audited body's heads and to the prosecutor who recorded the audit. One UPDATE ... RETURNING
    picks them (so a job and the sweep running together cannot both notify); the notices are
    then inserted in bulk for exactly those. Returns how many were flagged."""
    stamp = now_utc()
    flagged = list(
        db.session.execute(
            update(Audit)
            .where(_overdue_criteria(today, audit_id))
            .values(act_overdue_at=stamp)
            .returning(Audit.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if not flagged:
        return 0
    notice_ids: list[int] = []
    for start in range(0, len(flagged), BATCH):
        notice_ids += _insert_overdue_notices(flagged[start : start + BATCH], stamp)
    for notice_id in notice_ids:
        queue_after_commit(delivery_job(notice_id))
    return len(flagged)


def _overdue_notice_rows(audit_ids: list[int], stamp: datetime) -> list[dict[str, Any]]:
    """One outbox row per (act, recipient): each head of the audited body, and the prosecutor.
    One query reads the acts with their appeal and body, one the recipients."""
    acts = db.session.execute(
        select(
            Audit.id,
            Audit.appeal_id,
            Audit.body_id,
            Audit.prosecutor_id,
            Audit.act,
            Audit.act_due_on,
            Appeal.number,
            Body.name_en,
        )
        .join(Appeal, Appeal.id == Audit.appeal_id)
        .join(Body, Body.id == Audit.body_id)
        .where(Audit.id.in_(audit_ids))
    ).all()
    body_ids = {act.body_id for act in acts}
    prosecutor_ids = {act.prosecutor_id for act in acts}
    people = db.session.execute(
        select(User.id, User.email, User.role, User.body_id).where(
            User.is_active,
            ((User.role == Role.HEAD) & User.body_id.in_(body_ids)) | User.id.in_(prosecutor_ids),
        )
    ).all()
    heads: dict[int, list[tuple[int, str]]] = {}
    emails: dict[int, str] = {}
    for user_id, email, role, body_id in people:
        emails[user_id] = email
        if role == Role.HEAD:
            heads.setdefault(body_id, []).append((user_id, email))
    rows = []
    for act in acts:
        facts = _act_facts(act.number, act.act, act.act_due_on, act.body_id, act.name_en)
        recipients = [(user_id, email, "head") for user_id, email in heads.get(act.body_id, [])]
        if act.prosecutor_id in emails:
            recipients.append((act.prosecutor_id, emails[act.prosecutor_id], "prosecutor"))
        rows += [
            {
                "appeal_id": act.appeal_id,
                "user_id": user_id,
                "address": email,
                "channel": "email",
                "template": "act_overdue",
                "payload": facts | {"to": to},
                "dedup_key": f"act-overdue:{act.id}:{user_id}",
                "status": NotificationStatus.PENDING,
                "attempts": 0,
                "created_at": stamp,
            }
            for user_id, email, to in recipients
        ]
    return rows


def _insert_overdue_notices(audit_ids: list[int], stamp: datetime) -> list[int]:
    rows = _overdue_notice_rows(audit_ids, stamp)
    if not rows:
        return []
    statement = insert_on_conflict(Notification)
    # A dedup key already used (a notice of an earlier, interrupted run) inserts nothing.
    return list(
        db.session.execute(
            statement.on_conflict_do_nothing().returning(Notification.id), rows
        ).scalars()
    )


@app_job
def mark_act_overdue_job(audit_id: int) -> int:
    """The scheduled overdue check of one act (the sweep does the same for all)."""
    return mark_acts_overdue(local_today(), audit_id)


def missing_act_reminders(now: datetime) -> list[PendingJob]:
    """Act reminders whose moment has come and which no notice shows as sent."""
    calendar = working_calendar()
    today = local_today(now)
    horizon = calendar.add_working_days(today, 3)
    past_hour = (
        now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).hour
        >= current_app.config["REMINDER_HOUR"]
    )
    rows = db.session.execute(
        select(Audit.id, Audit.appeal_id, Audit.act_due_on).where(
            Audit.act != ResponseAct.NONE,
            Audit.act_answered_at.is_(None),
            Audit.act_overdue_at.is_(None),
            Audit.act_due_on >= today,
            Audit.act_due_on <= horizon,
        )
    ).all()
    wanted: dict[str, PendingJob] = {}
    appeal_ids: set[int] = set()
    for audit_id, appeal_id, due in rows:
        come = [
            name
            for name, day in reminder_days(due, calendar)
            if day < today or (day == today and past_hour)
        ]
        if come:  # only the latest reminder: "3 days left" is wrong once 1 day is left
            wanted[_reminder_key(audit_id, come[-1], due)] = PendingJob(
                send_act_reminder,
                (audit_id, come[-1], due.isoformat()),
                job_id=reminder_job_id(audit_id, come[-1], due),
            )
            appeal_ids.add(appeal_id)
    if not wanted:
        return []
    ordered = sorted(appeal_ids)
    sent: set[str] = set()
    for start in range(0, len(ordered), BATCH):
        keys = db.session.execute(
            select(Notification.dedup_key).where(
                Notification.appeal_id.in_(ordered[start : start + BATCH]),
                Notification.template == "act_reminder",
            )
        ).scalars()
        sent.update(key.rsplit(":", 1)[0] for key in keys if key)
    return [job for key, job in wanted.items() if key not in sent]


@app_job
def sweep_audit_acts() -> dict[str, int]:
    """The acts' backbone: flag overdue acts set-based and re-queue reminders Redis lost."""
    now = now_utc()
    flagged = mark_acts_overdue(local_today(now))
    db.session.commit()
    reminders = send_pending_jobs(missing_act_reminders(now))
    return {"flagged": flagged, "reminders": reminders}
