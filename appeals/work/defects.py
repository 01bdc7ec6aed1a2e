"""Defects of a statement or a complaint (APPK art. 64(6)-(7)): the body names the missing
requisites of art. 63 and a date to fix them by; the applicant fixes them on the appeal's
page; not fixed by then, the appeal is returned. And the anonymous rule by kind (art.
88(1)(2)): only the simplified procedure's kinds are terminated as anonymous.

Why an event and a field (Appeal.fix_by), not a status: fixing a defect does not stop the
clock, so the appeal stays in its running status with its reminders and overdue check, and
the other steps (assignment, extension, forwarding) stay open meanwhile; a status would have
to join RUNNING_STATUSES and every list, badge and score that reads the statuses. The return
is "left without consideration" with its own ground, a transition ALLOWED already has.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from appeals.accounts.models import User
from appeals.deadlines.rules import fix_by_error, latest_fix_by
from appeals.deadlines.schedule import at_local, deadline_job_ids
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.applicant import add_to_appeal
from appeals.intake.attachments import CheckedFile
from appeals.intake.event_text import LEFT_ON_GROUND
from appeals.intake.models import (
    RUNNING_STATUSES,
    Appeal,
    AppealStatus,
    Event,
    EventKind,
)
from appeals.intake.service import is_urgent_report
from appeals.intake.workflow import (
    TransitionRefused,
    latest_event,
    record_event,
    refuse,
    touch,
)
from appeals.notifications.service import notify_applicant
from appeals.queues import cancel_after_commit, enqueue_after_commit
from appeals.timeutil import now_utc
from appeals.work.defect_rules import (
    DEFECT_LABELS,
    RETURNED_GROUND,
    SIMPLIFIED_KINDS,
)
from appeals.work.standing import Standing, policy_terms, standing

S = AppealStatus

# The return of one appeal whose date has passed (appeals/work/defect_jobs.py), by name.
RETURN_UNFIXED = "appeals.work.defect_jobs.return_unfixed_job"
# While the body waits for the fix: the statuses in which the clock runs at a body.
ASKABLE = (S.REGISTERED, S.IN_PROGRESS, S.REOPENED)


def return_job_id(appeal_id: int, fix_by: date) -> str:
    return f"defects-return-{appeal_id}-{fix_by:%Y%m%d}"


def awaiting_fix(appeal: Appeal) -> bool:
    return appeal.fix_by is not None and appeal.status in RUNNING_STATUSES


def last_defects_request(appeal: Appeal) -> Event | None:
    """The body's latest request to fix defects (its defects, note and date), if any."""
    return latest_event(appeal, EventKind.DEFECTS_NOTED)


def shown_request(appeal: Appeal) -> Event | None:
    """The request the appeal's pages show: the latest while the body waits for the fix."""
    return last_defects_request(appeal) if awaiting_fix(appeal) else None


def defect_actions(appeal: Appeal, user: User) -> set[str]:
    """The defects step the official may take now (the page shows only this)."""
    who = standing(appeal, user)
    if who.role is None or appeal.policy_id is None:
        return set()
    return {"ask_fix"} if ask_fix_refusal(appeal, who) is None else set()


def ask_fix_refusal(appeal: Appeal, who: Standing) -> str | None:
    """Why this user may not ask for defects to be fixed now (the executor or the head may)."""
    if refusal := who.refusal("executor"):
        return refusal
    if appeal.status not in ASKABLE or appeal.policy_id is None:
        return _("Defects can be named only while the appeal is being considered at a body.")
    if appeal.fix_by is not None:
        return _(
            "The applicant has been asked to fix defects already, by %(date)s.",
            date=f"{appeal.fix_by:%d.%m.%Y}",
        )
    _policy, terms = policy_terms(appeal)
    if terms.defect_fix_max is None:
        return _("Defects are fixed only in a statement or a complaint.")
    return None


def latest_fix_date(appeal: Appeal, today: date) -> date | None:
    """The furthest date the body may set today (for the form's hint)."""
    if appeal.policy_id is None:
        return None
    _policy, terms = policy_terms(appeal)
    return latest_fix_by(today, terms, working_calendar())


def ask_to_fix(
    appeal: Appeal,
    defects: Sequence[str],
    fix_by: date,
    note: str | None,
    by: User,
    *,
    today: date,
) -> Event:
    """The executor or the head names the defects and the date to fix them by (within the
    policy's defect_fix_max and the term); the applicant is told; the return is scheduled
    for the day after that date. The term runs on."""
    refuse(ask_fix_refusal(appeal, standing(appeal, by)))
    defects = list(dict.fromkeys(defects))
    if not defects or any(code not in DEFECT_LABELS for code in defects):
        raise TransitionRefused(_("Name the missing requisites from the list."))
    _policy, terms = policy_terms(appeal)
    refuse(fix_by_error(today, fix_by, appeal.effective_due_on, terms, working_calendar()))
    note = (note or "").strip() or None
    appeal.fix_by = fix_by
    event = record_event(
        appeal,
        EventKind.DEFECTS_NOTED,
        by,
        note=note,
        data={"defects": defects, "fix_by": fix_by.isoformat()},
    )
    touch(appeal)
    db.session.flush()
    enqueue_after_commit(
        RETURN_UNFIXED,
        appeal.id,
        job_id=return_job_id(appeal.id, fix_by),
        at=max(at_local(fix_by + timedelta(days=1), 0, 10), now_utc()),
    )
    notify_applicant(
        appeal,
        "defects_to_fix",
        {
            "defect_codes": defects,
            "fix_by": fix_by.isoformat(),
            "note": note,
        },
        dedup_key=f"defects_to_fix-{event.id}",
    )
    return event


def fix_refusal(appeal: Appeal, by: User, today: date) -> str | None:
    """Why the applicant may not fix the defects now."""
    if not by.is_authenticated or by.id != appeal.applicant_id:
        return _("Only the applicant can fix the defects of the appeal.")
    if not awaiting_fix(appeal):
        return _("The body has not asked you to fix anything in this appeal.")
    assert appeal.fix_by is not None
    if today > appeal.fix_by:
        return _(
            "The date to fix the defects by, %(date)s, has passed.",
            date=f"{appeal.fix_by:%d.%m.%Y}",
        )
    return None


def fix_defects(
    appeal: Appeal, text: str | None, files: Sequence[CheckedFile], by: User, *, today: date
) -> Event:
    """The applicant fixes the defects by the date: a clarification and/or documents, added as
    any supplement (the executor or the heads told), then the fix recorded; the return is
    cancelled and the term runs on unchanged."""
    refuse(fix_refusal(appeal, by, today))
    fix_by = appeal.fix_by
    assert fix_by is not None
    supplement = add_to_appeal(appeal, text, files, by)
    appeal.fix_by = None
    event = record_event(
        appeal,
        EventKind.DEFECTS_FIXED,
        by,
        data={"supplement_id": supplement.id, "fix_by": fix_by.isoformat()},
    )
    db.session.flush()
    cancel_after_commit([return_job_id(appeal.id, fix_by)])
    return event


def return_unfixed(today: date, appeal_id: int | None = None) -> int:
    """Return the appeals whose date to fix defects is over (the day after it has come) and
    which are still at a body, each with the ground and a notice to the applicant (art.
    64(7)). One UPDATE ... RETURNING claims them, so a job and the sweep running together
    cannot both return one; a second run finds nothing. Returns how many."""
    criteria = [Appeal.fix_by < today, Appeal.status.in_(RUNNING_STATUSES)]
    if appeal_id is not None:
        criteria.append(Appeal.id == appeal_id)
    stamp = now_utc()
    claimed = db.session.execute(
        update(Appeal)
        .where(*criteria)
        .values(
            status=S.LEFT_WITHOUT_CONSIDERATION,
            closed_at=stamp,
            fix_by=None,
            version=Appeal.version + 1,
        )
        .returning(Appeal.id, Appeal.fix_by, Appeal.due_on, Appeal.extended_until)
        .execution_options(synchronize_session=False)
    ).all()
    for returned_id, _fix_by, due_on, extended_until in claimed:
        appeal = db.session.get(Appeal, returned_id)
        assert appeal is not None
        db.session.refresh(appeal)
        record_event(
            appeal,
            EventKind.LEFT_WITHOUT_CONSIDERATION,
            None,
            data={"code": LEFT_ON_GROUND, "ground": RETURNED_GROUND, "by_sweep": appeal_id is None},
        )
        cancel_after_commit(deadline_job_ids(appeal.id, extended_until or due_on))
        notify_applicant(
            appeal,
            "appeal_returned_defects",
            {"ground": RETURNED_GROUND},
            dedup_key=f"appeal_returned_defects-{appeal.id}",
        )
    db.session.flush()
    return len(claimed)


def leave_ground_refusal(appeal: Appeal, ground: str) -> str | None:
    """Why this ground cannot close this appeal, or None: the anonymous rule by kind."""
    return anonymous_ground_refusal(appeal) if ground == "anonymous" else None


def anonymous_ground_refusal(appeal: Appeal) -> str | None:
    """The "anonymous" ground applies by kind (APPK art. 88(1)(2)): never to an appeal whose
    applicant is known and signed in, nor to a statement or a complaint (its missing
    requisites are defects to be fixed, art. 64(6)), nor to a report of a crime or of a threat
    to security (considered all the same)."""
    if appeal.applicant_id is not None:
        return _(
            "The applicant of this appeal is known: it cannot be left without consideration "
            "as anonymous."
        )
    if appeal.kind not in SIMPLIFIED_KINDS:
        return _(
            "A statement or a complaint is not terminated as anonymous: ask the applicant to "
            "fix the missing requisites instead."
        )
    if is_urgent_report(appeal.category_id):
        return _(
            "A report of a crime or of a threat to security is considered even when anonymous."
        )
    return None
