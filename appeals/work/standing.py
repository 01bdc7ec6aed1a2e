"""How a user stands to an appeal and which officials' steps they may take now: the page shows only
these, and every step checks the same refusal before it acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from appeals.accounts.models import STAFF_ROLES, Role, User
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.rules import (
    extension_error,
    forwarded_late,
    latest_extension,
)
from appeals.deadlines.service import terms_of, working_calendar
from appeals.extensions import db
from appeals.intake.labels import STATUS_LABELS
from appeals.intake.models import (
    RUNNING_STATUSES,
    Appeal,
    AppealStatus,
    Event,
    EventKind,
)
from appeals.intake.workflow import (
    TransitionRefused,
    transition_refusal,
)
from appeals.reference.models import Body, ancestor_chain

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


class ChangedMeanwhile(TransitionRefused):
    """The appeal is not in the version the user saw: acting on it could lose an update."""


def check_version(appeal: Appeal, seen_version: int | None) -> None:
    """Refuse to act on an appeal that changed since the user saw it (optimistic locking)."""
    if seen_version is None or int(seen_version) != appeal.version:
        raise ChangedMeanwhile(CHANGED_MEANWHILE)


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
        above = ancestor_chain(Body, appeal.current_body_id)
        return Standing("head" if user.body_id in above else None)
    if user.body_id != appeal.current_body_id:
        return Standing(None)
    return Standing("executor" if appeal.executor_id == user.id else "official")


def in_work_scope(appeal: Appeal, user: User) -> bool:
    """The work page shows what the inbox lists: a head's bodies; an official's own appeals and
    the unassigned ones of the body."""
    role = standing(appeal, user).role
    return role in ("head", "executor") or (role == "official" and appeal.executor_id is None)


# The events after which an extension request no longer waits (or a new one does).
_EXTENSION_STEPS = (
    EventKind.EXTENSION_REQUESTED,
    EventKind.EXTENDED,
    EventKind.EXTENSION_REFUSED,
    EventKind.FORWARDED,
)


def pending_extension_request(appeal: Appeal) -> Event | None:
    """The executor's extension request still waiting for the head, if any (a decision or a
    forwarding to another body ends it). Read from the appeal's events, which its page shows
    anyway: the page's checks then cost no query of their own."""
    last = next((e for e in reversed(appeal.events) if e.kind in _EXTENSION_STEPS), None)
    return last if last is not None and last.kind == EventKind.EXTENSION_REQUESTED else None


def extensions_so_far(appeal: Appeal) -> int:
    """Extensions of the term at the present body (a forwarding restarts the term)."""
    count = 0
    for event in reversed(appeal.events):
        if event.kind == EventKind.FORWARDED:
            break
        count += event.kind == EventKind.EXTENDED
    return count


def policy_terms(appeal: Appeal):
    """The appeal's policy and its figures. The session's identity map holds rows weakly, and
    callers keep only the figures: the policy is kept alive for the session (a request, a job)
    so that the page's many checks read it once, not once each."""
    policy = db.session.get(DeadlinePolicy, appeal.policy_id) if appeal.policy_id else None
    if policy is None:
        raise TransitionRefused(_("This appeal has no term yet: route it to a body first."))
    db.session.info.setdefault("policies_read", {})[policy.id] = policy
    return policy, terms_of(policy)


def extension_refusal(appeal: Appeal, today: date, new_due: date | None) -> str | None:
    """Why the term cannot be extended (to `new_due`, or at all when it is None)."""

    if appeal.status not in RUNNING_STATUSES:
        return _("Only the term of an open, running appeal can be extended.")
    received = appeal.received_on or appeal.registered_on
    current_due = appeal.effective_due_on
    if appeal.policy_id is None or current_due is None or received is None:
        return _("This appeal has no term yet: route it to a body first.")
    _policy, terms = policy_terms(appeal)
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
        extensions_so_far=extensions_so_far(appeal),
        terms=terms,
        calendar=calendar,
    )


def assign_refusal(appeal: Appeal, who: Standing) -> str | None:
    if appeal.status not in ASSIGNABLE:
        return _(
            "An appeal that is %(status)s cannot be assigned.",
            status=STATUS_LABELS[S(appeal.status)],
        )
    return who.refusal("head")


def answer_refusal(appeal: Appeal, who: Standing) -> str | None:
    return who.refusal("executor") or transition_refusal(appeal, S.ANSWERED)


def request_extension_refusal(
    appeal: Appeal, who: Standing, today: date, new_due: date | None = None
) -> str | None:
    if refusal := who.refusal("executor"):
        return refusal
    if pending_extension_request(appeal) is not None:
        return _("An extension request is already waiting for the head's decision.")
    return extension_refusal(appeal, today, new_due)


def decide_extension_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if not appeal.is_open or pending_extension_request(appeal) is None:
        return _("There is no extension request waiting for a decision.")
    return None


def suspend_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    _policy, terms = policy_terms(appeal)
    if not terms.suspension_allowed:
        return _("The rules in force for this appeal do not allow a suspension.")
    return transition_refusal(appeal, S.SUSPENDED)


def resume_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if appeal.status != S.SUSPENDED:
        return _("Only a suspended appeal can be resumed.")
    return None


def forward_refusal(appeal: Appeal, who: Standing) -> str | None:
    if refusal := who.refusal("head"):
        return refusal
    if appeal.status not in (S.REGISTERED, S.IN_PROGRESS):
        return _("Only a registered appeal or one in progress can be forwarded.")
    return None


def leave_refusal(appeal: Appeal, who: Standing) -> str | None:
    return who.refusal("head") or transition_refusal(appeal, S.LEFT_WITHOUT_CONSIDERATION)


def available_actions(appeal: Appeal, user: User, today: date) -> set[str]:
    """The officials' steps the user may take on the appeal now."""
    who = standing(appeal, user)
    if who.role is None:
        return set()
    checks = {
        "assign": lambda: assign_refusal(appeal, who),
        "answer": lambda: answer_refusal(appeal, who),
        "request_extension": lambda: request_extension_refusal(appeal, who, today),
        "decide_extension": lambda: decide_extension_refusal(appeal, who),
        "suspend": lambda: suspend_refusal(appeal, who) if appeal.policy_id else "no term",
        "resume": lambda: resume_refusal(appeal, who),
        "forward": lambda: forward_refusal(appeal, who),
        "leave": lambda: leave_refusal(appeal, who),
    }
    return {name for name, check in checks.items() if check() is None}


def forward_would_be_late(appeal: Appeal, today: date) -> bool:
    """Whether forwarding today is past the legal window (allowed, but recorded as late)."""

    received = appeal.received_on or appeal.registered_on
    if appeal.policy_id is None or received is None:
        return False
    _policy, terms = policy_terms(appeal)
    return forwarded_late(received, today, terms, working_calendar())


def executor_or_heads(appeal: Appeal) -> list[User]:
    """Who answers for the appeal at its body now: its executor, else the body's active heads."""
    if appeal.executor is not None:
        return [appeal.executor]
    return list(
        db.session.execute(
            select(User).where(
                User.body_id == appeal.current_body_id, User.role == Role.HEAD, User.is_active
            )
        ).scalars()
    )
