"""The officials' and applicants' actions on an appeal, one function per transition.

Each checks who may act, changes the state through the workflow (which writes the event),
queues its notice and flushes; the caller commits. The inbox query lives here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from appeals.accounts.models import STAFF_ROLES, Role, User
from appeals.extensions import db
from appeals.intake.attachments import CheckedFile, store_file
from appeals.intake.labels import COMPLAINT_REASONS, LEAVE_GROUNDS, STATUS_LABELS
from appeals.intake.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Answer,
    Appeal,
    AppealKind,
    AppealStatus,
    Attachment,
    Decision,
    Event,
    EventKind,
    Satisfaction,
)
from appeals.intake.service import record_event
from appeals.intake.workflow import ALLOWED, TransitionRefused, change_status
from appeals.language import in_english
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body, Category, ancestor_chain
from appeals.timeutil import local_date, now_utc

S = AppealStatus

# Refusals are shown to the user who was refused: lazy, so each reads in the request's language.
CHANGED_MEANWHILE = _l("This appeal was changed meanwhile by someone else: reload and try again.")
OUTSIDE = _l("Only staff of the body that holds this appeal can do this.")
HEAD_ONLY = _l(
    "Only staff of the body that holds this appeal can do this, and this step is its head's."
)
EXECUTOR_ONLY = _l("Only the executor of this appeal or the head of the body can do this.")


# An executor can be put in charge of an appeal that is at a body and not yet decided.
ASSIGNABLE = (S.REGISTERED, S.IN_PROGRESS, S.REOPENED, S.SUSPENDED)
DUE_SOON_WORKING_DAYS = 3
SEARCH_MAX = 100


# A complaint may be filed within 3 months of the answer; a late one is still accepted.
COMPLAINT_WINDOW_MONTHS = 3


class ChangedMeanwhile(TransitionRefused):
    """The appeal is not in the version the user saw: acting on it could lose an update."""


def check_version(appeal: Appeal, seen_version: int | None) -> None:
    """Refuse to act on an appeal that changed since the user saw it (optimistic locking)."""
    if seen_version is None or int(seen_version) != appeal.version:
        raise ChangedMeanwhile(CHANGED_MEANWHILE)


def _touch(appeal: Appeal) -> None:
    """Make the flush UPDATE the appeal row even when only an event is written: its version
    moves on, so anyone acting on the version before this is refused."""
    flag_modified(appeal, "status")


def _refuse(message: str | None) -> None:
    if message:
        raise TransitionRefused(message)


def _transition_refusal(appeal: Appeal, to: AppealStatus) -> str | None:
    """The workflow's own message when `to` may not follow the appeal's status."""
    if to in ALLOWED[AppealStatus(appeal.status)]:
        return None
    return _(
        "An appeal that is %(status)s cannot become %(to)s.",
        status=STATUS_LABELS[AppealStatus(appeal.status)],
        to=STATUS_LABELS[to],
    )


# --- Who stands where: scope of bodies and the user's standing to an appeal ---------------


@dataclass(frozen=True)
class Standing:
    """How a user stands to an appeal: 'head' (of its body or a superior one), 'executor',
    'official' (of its body, not in charge), or None (outside)."""

    role: str | None

    def refusal(self, level: str) -> str | None:
        """Why this standing may not take a step of `level` (head | executor | staff)."""
        if self.role is None:
            return OUTSIDE
        if level == "head" and self.role != "head":
            return HEAD_ONLY
        if level == "executor" and self.role == "official":
            return EXECUTOR_ONLY
        return None


def standing(appeal: Appeal, user: User) -> Standing:
    """The user's standing to the appeal; a head of a superior body acts as its head."""
    active_staff = user.is_authenticated and user.is_active and user.role in STAFF_ROLES
    if not active_staff or user.body_id is None or appeal.current_body_id is None:
        return Standing(None)
    if user.role == Role.HEAD:
        above = ancestor_chain(Body, appeal.current_body_id)  # type: ignore[arg-type]
        return Standing("head" if user.body_id in above else None)
    if user.body_id != appeal.current_body_id:
        return Standing(None)
    return Standing("executor" if appeal.executor_id == user.id else "official")


def in_work_scope(appeal: Appeal, user: User) -> bool:
    """The work page shows what the inbox lists: a head's bodies; an official's own appeals and
    the unassigned ones of the body."""
    role = standing(appeal, user).role
    return role in ("head", "executor") or (role == "official" and appeal.executor_id is None)


# --- The inbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    status: str = "open"  # open | all | an AppealStatus
    kind: str | None = None
    category_id: int | None = None
    executor: str | None = None  # "none" (unassigned) or a user id
    overdue: bool = False
    due_this_week: bool = False
    search: str | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def inbox_query(user: User, filters: InboxFilters, today: date, scope_ids: Sequence[int]) -> Select:
    """The appeals a user works, filtered, earliest effective due date first (none last).

    `scope_ids` are the bodies a head sees (body_subtree_ids); an official sees the appeals
    of their own body that are theirs or nobody's."""
    scope: ColumnElement[bool]
    if user.role == Role.HEAD:
        scope = Appeal.current_body_id.in_(scope_ids)
    elif user.role == Role.OFFICIAL and user.body_id is not None:
        scope = and_(
            Appeal.current_body_id == user.body_id,
            or_(Appeal.executor_id == user.id, Appeal.executor_id.is_(None)),
        )
    else:
        scope = false()
    criteria: list[ColumnElement[bool]] = [scope]
    if filters.status == "open":
        criteria.append(Appeal.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        criteria.append(Appeal.status == filters.status)
    if filters.kind:
        criteria.append(Appeal.kind == filters.kind)
    if filters.category_id:
        tree = (
            select(Category.id)
            .where(Category.id == filters.category_id)
            .cte("category_tree", recursive=True)
        )
        tree = tree.union(select(Category.id).where(Category.parent_id == tree.c.id))
        criteria.append(Appeal.category_id.in_(select(tree.c.id)))
    if filters.executor == "none":
        criteria.append(Appeal.executor_id.is_(None))
    elif filters.executor:
        criteria.append(Appeal.executor_id == int(filters.executor))
    if filters.overdue:
        criteria += [Appeal.status.in_(OPEN_STATUSES), Appeal.effective_due_on < today]
    if filters.due_this_week:
        sunday = today + timedelta(days=6 - today.weekday())
        criteria += [
            Appeal.status.in_(OPEN_STATUSES),
            Appeal.effective_due_on.between(today, sunday),
        ]
    search = (filters.search or "").strip()[:SEARCH_MAX]
    if search:
        # ilike: ILIKE on PostgreSQL; lower() LIKE lower() on SQLite (which folds ASCII only).
        pattern = _like_pattern(search)
        criteria.append(
            or_(
                Appeal.number.ilike(pattern, escape="\\"),
                Appeal.subject.ilike(pattern, escape="\\"),
                Appeal.text.ilike(pattern, escape="\\"),
            )
        )
    return (
        select(Appeal)
        .where(*criteria)
        .options(
            selectinload(Appeal.executor),
            selectinload(Appeal.current_body),
            selectinload(Appeal.category),
        )
        .order_by(Appeal.effective_due_on.asc().nulls_last(), Appeal.id)
    )


def staff_of_bodies(body_ids: Sequence[int | None]) -> list[User]:
    """Active officials and heads of the bodies, by name (the executor filter's choices)."""
    return list(
        db.session.execute(
            select(User)
            .where(User.body_id.in_(body_ids), User.role.in_(STAFF_ROLES), User.is_active)
            .order_by(User.full_name, User.id)
        ).scalars()
    )


def due_soon_until(today: date) -> date:
    """Rows due up to this date (3 working days ahead) are marked as due soon."""
    from appeals.deadlines.service import working_calendar

    return working_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)


# --- What a user may do now (the page shows only these; the services check the same) --------


def pending_extension_request(appeal: Appeal) -> Event | None:
    """The executor's extension request still waiting for the head, if any (a decision or a
    forwarding to another body ends it)."""
    last = db.session.execute(
        select(Event)
        .where(
            Event.appeal_id == appeal.id,
            Event.kind.in_(
                [
                    EventKind.EXTENSION_REQUESTED,
                    EventKind.EXTENDED,
                    EventKind.EXTENSION_REFUSED,
                    EventKind.FORWARDED,
                ]
            ),
        )
        .order_by(Event.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return last if last is not None and last.kind == EventKind.EXTENSION_REQUESTED else None


def _extensions_so_far(appeal: Appeal) -> int:
    """Extensions of the term at the present body (a forwarding restarts the term)."""
    last_forward = (
        select(func.coalesce(func.max(Event.id), 0))
        .where(Event.appeal_id == appeal.id, Event.kind == EventKind.FORWARDED)
        .scalar_subquery()
    )
    return db.session.execute(
        select(func.count(Event.id)).where(
            Event.appeal_id == appeal.id,
            Event.kind == EventKind.EXTENDED,
            Event.id > last_forward,
        )
    ).scalar_one()


def _extension_refusal(appeal: Appeal, today: date, new_due: date | None) -> str | None:
    """Why the term cannot be extended (to `new_due`, or at all when it is None)."""
    from appeals.deadlines.rules import extension_error, latest_extension
    from appeals.deadlines.service import working_calendar

    if appeal.status not in RUNNING_STATUSES:
        return _("Only the term of an open, running appeal can be extended.")
    received = appeal.received_on or appeal.registered_on
    current_due = appeal.effective_due_on
    if appeal.policy_id is None or current_due is None or received is None:
        return _("This appeal has no term yet: route it to a body first.")
    _policy, terms = _policy_terms(appeal)
    calendar = working_calendar()
    if new_due is None:
        # Is there any lawful date? Try the furthest one the rules allow.
        new_due = latest_extension(received, current_due, terms, calendar)
        if new_due is None:
            return _("This kind of appeal cannot be extended.")
    return extension_error(
        received_on=received,
        current_due=current_due,
        new_due=new_due,
        decided_on=today,
        extensions_so_far=_extensions_so_far(appeal),
        terms=terms,
        calendar=calendar,
    )


def _assign_refusal(appeal: Appeal, who: Standing) -> str | None:
    if appeal.status not in ASSIGNABLE:
        return _(
            "An appeal that is %(status)s cannot be assigned.",
            status=STATUS_LABELS[S(appeal.status)],
        )
    return who.refusal("head")


def _answer_refusal(appeal: Appeal, who: Standing) -> str | None:
    return who.refusal("executor") or _transition_refusal(appeal, S.ANSWERED)


def _request_extension_refusal(
    appeal: Appeal, who: Standing, today: date, new_due: date | None = None
) -> str | None:
    if refusal := who.refusal("executor"):
        return refusal
    if pending_extension_request(appeal) is not None:
        return _("An extension request is already waiting for the head's decision.")
    return _extension_refusal(appeal, today, new_due)


def _decide_extension_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if not appeal.is_open or pending_extension_request(appeal) is None:
        return _("There is no extension request waiting for a decision.")
    return None


def _suspend_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    _policy, terms = _policy_terms(appeal)
    if not terms.suspension_allowed:
        return _("The rules in force for this appeal do not allow a suspension.")
    return _transition_refusal(appeal, S.SUSPENDED)


def _resume_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if appeal.status != S.SUSPENDED:
        return _("Only a suspended appeal can be resumed.")
    return None


def _forward_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if appeal.status not in (S.REGISTERED, S.IN_PROGRESS):
        return _("Only a registered appeal or one in progress can be forwarded.")
    return None


def _leave_refusal(appeal: Appeal, who: Standing) -> str | None:
    return who.refusal("head") or _transition_refusal(appeal, S.LEFT_WITHOUT_CONSIDERATION)


def available_actions(appeal: Appeal, user: User, today: date) -> set[str]:
    """The officials' steps the user may take on the appeal now."""
    who = standing(appeal, user)
    if who.role is None:
        return set()
    checks = {
        "assign": lambda: _assign_refusal(appeal, who),
        "answer": lambda: _answer_refusal(appeal, who),
        "request_extension": lambda: _request_extension_refusal(appeal, who, today),
        "decide_extension": lambda: _decide_extension_refusal(appeal, who),
        "suspend": lambda: _suspend_refusal(appeal, who) if appeal.policy_id else "no term",
        "resume": lambda: _resume_refusal(appeal, who),
        "forward": lambda: _forward_refusal(appeal, who),
        "leave": lambda: _leave_refusal(appeal, who),
    }
    return {name for name, check in checks.items() if check() is None}


def forward_would_be_late(appeal: Appeal, today: date) -> bool:
    """Whether forwarding today is past the legal window (allowed, but recorded as late)."""
    from appeals.deadlines.rules import forwarded_late
    from appeals.deadlines.service import working_calendar

    received = appeal.received_on or appeal.registered_on
    if appeal.policy_id is None or received is None:
        return False
    _policy, terms = _policy_terms(appeal)
    return forwarded_late(received, today, terms, working_calendar())


# --- The officials' actions -----------------------------------------------------------------


def assign_executor(appeal: Appeal, executor: User, by: User) -> None:
    """The head puts an official of the body in charge; the appeal is then in progress."""
    _refuse(_assign_refusal(appeal, standing(appeal, by)))
    staff = (Role.OFFICIAL, Role.HEAD)
    if (
        executor.body_id != appeal.current_body_id
        or executor.role not in staff
        or not executor.is_active
    ):
        raise TransitionRefused(_("The executor must be an official of the same body."))
    if executor.id == appeal.executor_id:
        raise TransitionRefused(_("%(name)s is the executor already.", name=executor.full_name))
    data = {"executor_id": executor.id, "previous_executor_id": appeal.executor_id}
    appeal.executor_id = executor.id
    note = f"Executor: {executor.full_name}"
    if appeal.status in (S.IN_PROGRESS, S.SUSPENDED):
        record_event(appeal, EventKind.ASSIGNED, by, note=note, data=data)
        _touch(appeal)
    else:
        change_status(appeal, S.IN_PROGRESS, EventKind.ASSIGNED, by, note=note, data=data)
    db.session.flush()
    _notify_applicant(appeal, "appeal_assigned", {"executor": executor.full_name})
    queue_notice(
        "executor_assigned",
        executor.email,
        {"by": by.full_name},
        user_id=executor.id,
        appeal_id=appeal.id,
        dedup_key=f"executor_assigned-{appeal.id}-{len(appeal.events)}",
    )


def answer_appeal(
    appeal: Appeal,
    text: str,
    decision: Decision,
    by: User,
    *,
    files: Sequence[CheckedFile] = (),
    at: datetime | None = None,
) -> Answer:
    """The executor or the head answers with a decision; the applicant is notified."""
    _refuse(_answer_refusal(appeal, standing(appeal, by)))
    if not (text or "").strip():
        raise TransitionRefused(_("An answer needs its text."))
    previous_due = appeal.effective_due_on
    answer = Answer(
        appeal=appeal,
        text=text.strip(),
        decision=decision,
        author_id=by.id,
        body_id=appeal.current_body_id,
    )
    db.session.add(answer)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    for checked in files:
        db.session.add(
            Attachment(
                appeal=appeal,
                answer=answer,
                filename=checked.filename,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                storage_key=store_file(upload_dir, checked),
            )
        )
    appeal.decision = decision
    appeal.answered_at = at or now_utc()
    change_status(appeal, S.ANSWERED, EventKind.ANSWERED, by, data={"decision": decision})
    db.session.flush()
    _cancel_deadline_jobs(appeal, previous_due)
    if appeal.applicant is not None:
        queue_notice(
            "appeal_answered",
            appeal.applicant.email,
            {"number": appeal.number, "decision": decision},
            user_id=appeal.applicant_id,
            appeal_id=appeal.id,
            dedup_key=f"answered:{appeal.id}:{answer.id}",
        )
    return answer


def leave_without_consideration(
    appeal: Appeal, ground: str, by: User, note: str | None = None
) -> None:
    """The head closes an appeal without consideration on a legal ground; the applicant is told
    the ground."""
    _refuse(_leave_refusal(appeal, standing(appeal, by)))
    if ground not in LEAVE_GROUNDS:
        raise TransitionRefused(_("Choose the legal ground from the list."))
    earlier = _decided_earlier_appeal(appeal) if ground == "repeated" else None
    previous_due = appeal.effective_due_on
    appeal.closed_at = now_utc()
    extra = (note or "").strip()
    template = "appeal_left_without_consideration"
    ground_text = in_english(LEAVE_GROUNDS[ground])
    payload: dict[str, object] = {"ground": ground_text, "note": extra or None}
    event_note = ground_text + (f". {extra}" if extra else "")
    data: dict[str, object] = {"ground": ground}
    if earlier is not None:
        # The reference to the earlier answer: on the timeline and in the applicant's notice.
        assert earlier.answered_at is not None  # checked by _decided_earlier_appeal
        answered_on = local_date(earlier.answered_at, current_app.config["TIMEZONE"])
        template = "appeal_closed_as_repeat"
        payload |= {
            "earlier_number": earlier.number,
            "earlier_answered_on": answered_on.strftime("%d.%m.%Y"),
        }
        event_note += f". See the answer to {earlier.number} of {payload['earlier_answered_on']}"
        data |= {"earlier_id": earlier.id, "earlier_number": earlier.number}
    change_status(
        appeal,
        S.LEFT_WITHOUT_CONSIDERATION,
        EventKind.LEFT_WITHOUT_CONSIDERATION,
        by,
        note=event_note,
        data=data,
    )
    db.session.flush()
    _cancel_deadline_jobs(appeal, previous_due)
    _notify_applicant(appeal, template, payload)


def _decided_earlier_appeal(appeal: Appeal) -> Appeal | None:
    """For the "repeated" ground: the earlier appeal this one is linked to, which must be
    answered (a matter already decided); None when the applicant linked none (the head's note
    then names the earlier appeal)."""
    earlier = appeal.parent
    if earlier is None:
        return None
    if earlier.answered_at is None or earlier.status not in (S.ANSWERED, S.CLOSED):
        raise TransitionRefused(
            _(
                "The earlier appeal %(number)s has not been answered yet: a repeat can be "
                "closed only with a reference to an answer already given.",
                number=earlier.number,
            )
        )
    return earlier


def request_extension(appeal: Appeal, until: date, reason: str, by: User, *, today: date) -> Event:
    """The executor asks the head to extend the term to a date, with a reason; nothing changes
    until the head decides, and the heads of the body are told."""
    _refuse(_request_extension_refusal(appeal, standing(appeal, by), today, until))
    if not (reason or "").strip():
        raise TransitionRefused(_("An extension request needs a reason."))
    current_due = appeal.effective_due_on
    assert current_due is not None  # a running term: checked by the refusal above
    event = record_event(
        appeal,
        EventKind.EXTENSION_REQUESTED,
        by,
        note=reason.strip(),
        data={"until": until.isoformat(), "from": current_due.isoformat()},
    )
    _touch(appeal)
    db.session.flush()
    heads = db.session.execute(
        select(User).where(
            User.body_id == appeal.current_body_id, User.role == Role.HEAD, User.is_active
        )
    ).scalars()
    for head in heads:
        queue_notice(
            "extension_requested",
            head.email,
            {"until": until.isoformat(), "reason": reason.strip(), "by": by.full_name},
            user_id=head.id,
            appeal_id=appeal.id,
            dedup_key=f"extension_requested-{event.id}-{head.id}",
        )
    return event


def approve_extension(appeal: Appeal, by: User, *, today: date) -> None:
    """The head grants the pending request: the term is extended to the requested date."""
    _refuse(_decide_extension_refusal(appeal, standing(appeal, by)))
    request = pending_extension_request(appeal)
    assert request is not None and request.data  # checked by the refusal above
    until = date.fromisoformat(request.data["until"])
    extend_term(appeal, until, request.note or "", by, today=today, request=request)


def refuse_extension(appeal: Appeal, reason: str, by: User) -> None:
    """The head refuses the pending request, with a reason; the term stays, the executor is
    told."""
    _refuse(_decide_extension_refusal(appeal, standing(appeal, by)))
    if not (reason or "").strip():
        raise TransitionRefused(_("Say why the extension is refused."))
    request = pending_extension_request(appeal)
    assert request is not None and request.data  # checked by the refusal above
    event = record_event(
        appeal,
        EventKind.EXTENSION_REFUSED,
        by,
        note=reason.strip(),
        data={"request_id": request.id, "until": request.data["until"]},
    )
    _touch(appeal)
    db.session.flush()
    requester = db.session.get(User, request.actor_id) if request.actor_id else None
    if requester is not None:
        queue_notice(
            "extension_refused",
            requester.email,
            {"until": request.data["until"], "reason": reason.strip(), "by": by.full_name},
            user_id=requester.id,
            appeal_id=appeal.id,
            dedup_key=f"extension_refused-{event.id}",
        )


# --- The applicant's actions ----------------------------------------------------------------


def rate_answer(appeal: Appeal, satisfaction: Satisfaction, comment: str | None, by: User) -> None:
    """The applicant rates the answer; the appeal is closed."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can rate the answer."))
    if refusal := _transition_refusal(appeal, S.CLOSED):
        raise TransitionRefused(
            refusal if appeal.status != S.CLOSED else _("The answer has been rated already.")
        )
    appeal.satisfaction = satisfaction
    appeal.satisfaction_comment = (comment or "").strip() or None
    appeal.closed_at = now_utc()
    change_status(
        appeal,
        S.CLOSED,
        EventKind.RATED,
        by,
        data={"satisfaction": satisfaction},
        note=appeal.satisfaction_comment,
    )
    db.session.flush()
    author = appeal.answers[-1].author if appeal.answers else None
    if author is not None:
        queue_notice(
            "answer_rated",
            author.email,
            {"satisfaction": satisfaction, "comment": appeal.satisfaction_comment},
            user_id=author.id,
            appeal_id=appeal.id,
            dedup_key=f"answer_rated-{appeal.id}",
        )


def withdraw_appeal(appeal: Appeal, by: User, reason: str | None = None) -> None:
    """The applicant withdraws an open appeal; the executor (if any) is told."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can withdraw the appeal."))
    previous_due = appeal.effective_due_on
    appeal.closed_at = now_utc()
    change_status(appeal, S.WITHDRAWN, EventKind.WITHDRAWN, by, note=(reason or "").strip() or None)
    db.session.flush()
    _cancel_deadline_jobs(appeal, previous_due)
    if appeal.executor is not None:
        queue_notice(
            "appeal_withdrawn",
            appeal.executor.email,
            {"reason": (reason or "").strip() or None},
            user_id=appeal.executor_id,
            appeal_id=appeal.id,
            dedup_key=f"appeal_withdrawn-{appeal.id}",
        )


def _complained_refusal(appeal: Appeal, by: User, today: date) -> str | None:
    if by.id != appeal.applicant_id:
        return _("Only the applicant can complain about this appeal.")
    answered = appeal.answered_at is not None and appeal.status in (S.ANSWERED, S.CLOSED)
    due = appeal.effective_due_on
    # APPK art. 91(2): no decision by the end of the term counts as a refusal.
    deemed_refusal = appeal.status in RUNNING_STATUSES and due is not None and today > due
    if not (answered or deemed_refusal):
        return _(
            "A complaint can be filed about an answer, or once the term has run out with no answer."
        )
    pending = db.session.execute(
        select(Appeal.number).where(
            Appeal.parent_id == appeal.id,
            Appeal.kind == AppealKind.COMPLAINT,
            Appeal.status.in_(OPEN_STATUSES),
        )
    ).scalar()
    if pending:
        return _(
            "Your complaint %(number)s about this appeal is being considered already.",
            number=pending,
        )
    return None


def applicant_actions(appeal: Appeal, user: User, today: date) -> set[str]:
    """The applicant's steps on their appeal now: rate, withdraw, complain."""
    if not user.is_authenticated or user.id != appeal.applicant_id:
        return set()
    actions = set()
    if appeal.status == S.ANSWERED:
        actions.add("rate")
    if appeal.is_open:
        actions.add("withdraw")
    if _complained_refusal(appeal, user, today) is None:
        actions.add("complain")
    return actions


def file_complaint(
    appeal: Appeal, reason: str, text: str, by: User, *, now: datetime | None = None
) -> tuple[Appeal, str]:
    """The applicant complains about an answer (or about none in time): a new appeal of kind
    complaint, linked to this one, registered at the superior body of the body that answered
    with the complaint term. Returns the complaint and its access code (shown once)."""
    from appeals.deadlines.rules import add_months
    from appeals.intake.service import (
        notify_registered,
        numbered_appeal,
        register_at_body,
        route_new_appeal,
    )

    now = now or now_utc()
    today = local_date(now, current_app.config["TIMEZONE"])
    _refuse(_complained_refusal(appeal, by, today))
    if reason not in COMPLAINT_REASONS:
        raise TransitionRefused(_("Choose why you complain from the list."))
    if not (text or "").strip():
        raise TransitionRefused(_("Say what you complain about."))
    answered_at = appeal.answered_at
    answer_body_id = appeal.answers[-1].body_id if appeal.answers else appeal.current_body_id
    answer_body = db.session.get(Body, answer_body_id) if answer_body_id else None
    what = "the answer to" if answered_at else "no answer in time to"
    complaint, access_code = numbered_appeal(
        AppealKind.COMPLAINT,
        by,
        now,
        category_id=appeal.category_id,
        region_id=appeal.region_id,
        subject=f"Complaint about {what} appeal {appeal.number}",
        text=text.strip(),
        language=appeal.language,
        parent_id=appeal.id,
        parent_reason=reason,
    )
    registered_on = complaint.registered_on
    record_event(
        complaint,
        EventKind.SUBMITTED,
        by,
        note=in_english(COMPLAINT_REASONS[reason]),
        data={"parent_id": appeal.id, "parent_number": appeal.number, "reason": reason},
    )
    superior = answer_body.parent if answer_body is not None else None
    if answer_body is not None and superior is not None and superior.is_active:
        register_at_body(
            complaint,
            superior.id,
            registered_on,
            note="A complaint about a body's answer goes to its superior body.",
            from_body_id=answer_body.id,
            data={"superior_of": answer_body.id},
        )
    else:
        route_new_appeal(complaint, registered_on)  # no superior body: the usual rules decide
    db.session.flush()
    zone = current_app.config["TIMEZONE"]
    since = local_date(answered_at, zone) if answered_at else appeal.effective_due_on
    late = since is not None and today > add_months(since, COMPLAINT_WINDOW_MONTHS)
    record_event(
        appeal,
        EventKind.COMPLAINED,
        by,
        note=in_english(COMPLAINT_REASONS[reason]),
        to_body_id=complaint.current_body_id,
        data={
            "complaint_id": complaint.id,
            "complaint_number": complaint.number,
            "reason": reason,
            "late": late,
        },
    )
    _touch(appeal)
    db.session.flush()
    notify_registered(complaint, by, access_code)
    return complaint, access_code


# --- The term: extension, suspension, forwarding ------------------------------------------


def _policy_terms(appeal: Appeal):
    from appeals.deadlines.models import DeadlinePolicy
    from appeals.deadlines.service import terms_of

    policy = db.session.get(DeadlinePolicy, appeal.policy_id) if appeal.policy_id else None
    if policy is None:
        raise TransitionRefused(_("This appeal has no term yet: route it to a body first."))
    return policy, terms_of(policy)


def extend_term(
    appeal: Appeal,
    new_due: date,
    reason: str,
    by: User,
    *,
    today: date,
    request: Event | None = None,
) -> None:
    """The head extends the term by a reasoned decision, within the policy's limits; the
    applicant is notified at once (the law allows 3 working days)."""
    from appeals.deadlines.rules import extension_notice_due
    from appeals.deadlines.schedule import schedule_deadline_jobs
    from appeals.deadlines.service import working_calendar

    _refuse(standing(appeal, by).refusal("head"))
    if not appeal.is_open or appeal.status == S.SUSPENDED:
        raise TransitionRefused(_("Only the term of an open, running appeal can be extended."))
    if not (reason or "").strip():
        raise TransitionRefused(_("An extension needs a reason."))
    _refuse(_extension_refusal(appeal, today, new_due))
    current_due = appeal.effective_due_on
    assert current_due is not None  # a running term: checked by the refusal above
    appeal.extended_until = new_due
    # The notice's delivery job and the deadline sweep flag it late against this day.
    appeal.extension_notice_due_on = extension_notice_due(today, working_calendar())
    data: dict[str, object] = {"from": current_due.isoformat(), "to": new_due.isoformat()}
    if request is not None:
        data["request_id"] = request.id
    record_event(appeal, EventKind.EXTENDED, by, note=reason.strip(), data=data)
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=current_due)
    _notify_applicant(appeal, "term_extended", {"until": new_due.isoformat(), "reason": reason})


def suspend_appeal(appeal: Appeal, reason: str, by: User, *, today: date) -> None:
    """Stop the clock, keeping the working days that were left (only where the policy allows)."""
    from appeals.deadlines.rules import remaining_working_days
    from appeals.deadlines.schedule import schedule_deadline_jobs
    from appeals.deadlines.service import working_calendar

    who = standing(appeal, by)
    _refuse(who.refusal("head"))
    _policy, terms = _policy_terms(appeal)
    if not terms.suspension_allowed:
        raise TransitionRefused(_("The rules in force for this appeal do not allow a suspension."))
    if not (reason or "").strip():
        raise TransitionRefused(_("A suspension needs a reason."))
    due = appeal.effective_due_on
    if due is None:
        raise TransitionRefused(_("This appeal has no term yet: route it to a body first."))
    remaining = remaining_working_days(today, due, working_calendar())
    change_status(
        appeal,
        S.SUSPENDED,
        EventKind.SUSPENDED,
        by,
        note=reason.strip(),
        data={"remaining_working_days": remaining, "due_on": due.isoformat()},
    )
    appeal.suspended_remaining = remaining
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=due)  # cancels; a suspended term has no jobs
    _notify_applicant(appeal, "appeal_suspended", {"reason": reason.strip()})


def resume_appeal(appeal: Appeal, by: User, *, today: date) -> None:
    """Restart the clock with the days that were left: a new due date from today."""
    from appeals.deadlines.rules import resumed_due_date
    from appeals.deadlines.schedule import schedule_deadline_jobs
    from appeals.deadlines.service import working_calendar

    _refuse(_resume_refusal(appeal, standing(appeal, by)))
    new_due = resumed_due_date(today, appeal.suspended_remaining or 0, working_calendar())
    if appeal.extended_until is not None:
        appeal.extended_until = new_due
    else:
        appeal.due_on = new_due
    appeal.suspended_remaining = None
    change_status(
        appeal,
        S.IN_PROGRESS,
        EventKind.RESUMED,
        by,
        data={"due_on": new_due.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal)
    _notify_applicant(appeal, "appeal_resumed", {"due_on": new_due.isoformat()})


def forward_appeal(appeal: Appeal, to_body: Body, reason: str, by: User, *, today: date) -> bool:
    """Send a misdirected appeal to the competent body: the term restarts there and the
    applicant is told. Returns True when it went after the legal window (recorded as late)."""
    from appeals.deadlines.rules import forwarded_late
    from appeals.deadlines.schedule import schedule_deadline_jobs
    from appeals.deadlines.service import due_date, working_calendar

    _refuse(standing(appeal, by).refusal("head"))
    if to_body.id == appeal.current_body_id:
        raise TransitionRefused(_("The appeal is already at this body."))
    if not to_body.is_active:
        raise TransitionRefused(_("That body is no longer active."))
    if not (reason or "").strip():
        raise TransitionRefused(_("Say why the appeal goes to another body."))
    _refuse(_forward_refusal(appeal, standing(appeal, by)))
    policy, terms = _policy_terms(appeal)
    calendar = working_calendar()
    received_before = appeal.received_on or appeal.registered_on
    assert received_before is not None  # every appeal with a policy has been received
    late = forwarded_late(received_before, today, terms, calendar)
    previous_due, from_body_id = appeal.effective_due_on, appeal.current_body_id
    received = calendar.next_working_day(today)
    appeal.current_body_id = to_body.id
    appeal.executor_id = None
    appeal.received_on = received
    appeal.due_on = due_date(received, policy, calendar)
    appeal.extended_until = None
    appeal.is_overdue = False
    change_status(
        appeal,
        S.REGISTERED,
        EventKind.FORWARDED,
        by,
        note=reason.strip(),
        from_body_id=from_body_id,
        to_body_id=to_body.id,
        data={"late": late, "due_on": appeal.due_on.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    _notify_applicant(appeal, "appeal_forwarded", {"body": to_body.name_en, "late": late})
    return late


def _cancel_deadline_jobs(appeal: Appeal, previous_due: date | None) -> None:
    """A decided or closed appeal needs no more reminders (the jobs would skip it anyway)."""
    from appeals.deadlines.schedule import schedule_deadline_jobs

    if previous_due is not None:
        schedule_deadline_jobs(appeal, previous_due=previous_due)


def _notify_applicant(appeal: Appeal, template: str, payload: dict) -> None:
    if appeal.applicant is None:
        return
    queue_notice(
        template,
        appeal.applicant.email,
        payload,
        user_id=appeal.applicant_id,
        appeal_id=appeal.id,
        dedup_key=f"{template}-{appeal.id}-{len(appeal.events)}",
    )
