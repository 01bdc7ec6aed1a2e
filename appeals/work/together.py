"""Look-alikes and appeals answered together: an official sees the open appeals of the same
body that read like this one (last 60 days); the head groups them under this one, and its
answer then goes to each of them, in each applicant's own case."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.fragments import kept_json
from appeals.intake.models import RUNNING_STATUSES, Appeal, EventKind
from appeals.intake.workflow import TransitionRefused, record_event, touch
from appeals.lazy import lazy_import
from appeals.timeutil import now_utc
from appeals.work.standing import standing

ml = lazy_import("appeals.suggest.model")

LOOKALIKE_DAYS = 60  # the window: appeals submitted in the last 60 days
LOOKALIKE_MIN_SIMILARITY = 0.3  # below this, two appeals are about different things
LOOKALIKE_CANDIDATES = 300  # the newest open appeals of the body compared, at most
LOOKALIKES_SHOWN = 10
LOOKALIKES_KEPT_SECONDS = 3600  # the key changes with the candidates; this only frees memory


@dataclass(frozen=True)
class LookAlike:
    appeal: Appeal
    similarity: float


def _candidate_ids(appeal: Appeal) -> list[int]:
    """The body's appeals that could be answered with this one, newest first: running (not
    answered, not suspended), submitted in the window, in no group, and not a group's lead
    themselves."""
    leads = select(Appeal.group_lead_id).where(Appeal.group_lead_id.is_not(None))
    return list(
        db.session.scalars(
            select(Appeal.id)
            .where(
                Appeal.current_body_id == appeal.current_body_id,
                Appeal.id != appeal.id,
                Appeal.status.in_(list(RUNNING_STATUSES)),
                Appeal.submitted_at >= now_utc() - timedelta(days=LOOKALIKE_DAYS),
                Appeal.group_lead_id.is_(None),
                Appeal.id.not_in(leads),
            )
            .order_by(Appeal.submitted_at.desc())
            .limit(LOOKALIKE_CANDIDATES)
        )
    )


def _scored(appeal: Appeal, candidate_ids: list[int]) -> list[tuple[int, float]]:
    """(id, similarity) of the candidates that read like `appeal`, most alike first."""
    texts = db.session.execute(
        select(Appeal.id, Appeal.subject, Appeal.text).where(Appeal.id.in_(candidate_ids))
    ).all()
    scores = ml.similarities(
        f"{appeal.subject}\n{appeal.text}", [f"{row.subject}\n{row.text}" for row in texts]
    )
    alike = [
        (row.id, float(score))
        for row, score in zip(texts, scores, strict=True)
        if score >= LOOKALIKE_MIN_SIMILARITY
    ]
    alike.sort(key=lambda item: (-item[1], -item[0]))
    return alike[:LOOKALIKES_SHOWN]


def look_alikes(appeal: Appeal) -> list[LookAlike]:
    """The open appeals of the same body from the last 60 days that read most like this one.
    Fitting the comparison costs a page view tens of milliseconds, so the scores are kept in
    Redis under the candidates they were computed from: a new, answered or grouped candidate
    changes the key."""
    if appeal.current_body_id is None or appeal.group_lead_id is not None:
        return []
    candidate_ids = _candidate_ids(appeal)
    if not candidate_ids:
        return []  # and scikit-learn is not even loaded
    fingerprint = hashlib.sha256(",".join(map(str, candidate_ids)).encode()).hexdigest()[:20]
    scored = kept_json(
        f"lookalikes:{appeal.id}:{fingerprint}",
        LOOKALIKES_KEPT_SECONDS,
        lambda: _scored(appeal, candidate_ids),
    )
    found = {
        row.id: row
        for row in db.session.scalars(
            select(Appeal).where(Appeal.id.in_([i for i, _score in scored]))
        )
    }
    return [LookAlike(found[i], score) for i, score in scored if i in found]


def members_of(lead: Appeal) -> list[Appeal]:
    """The appeals to be answered together with `lead`."""
    return list(
        db.session.scalars(
            select(Appeal).where(Appeal.group_lead_id == lead.id).order_by(Appeal.id)
        )
    )


def group_refusal(lead: Appeal, members: Sequence[Appeal], by: User) -> str | None:
    """Why these appeals cannot be grouped under `lead` by this user, or None."""
    if refusal := standing(lead, by).refusal("head"):
        return refusal
    if lead.status not in RUNNING_STATUSES or lead.group_lead_id is not None:
        return _("Only an open appeal that is not in a group itself can lead a group.")
    if not members:
        return _("Choose the appeals to answer together with this one.")
    for member in members:
        if member.id == lead.id:
            return _("An appeal cannot be grouped with itself.")
        if member.current_body_id != lead.current_body_id:
            return _(
                "Appeal %(number)s is at another body: only appeals of one body are answered "
                "together.",
                number=member.number,
            )
        if member.status not in RUNNING_STATUSES:
            return _("Appeal %(number)s is not open any more.", number=member.number)
        if member.group_lead_id is not None or members_of(member):
            return _("Appeal %(number)s is in a group already.", number=member.number)
    return None


def group_appeals(lead: Appeal, members: Sequence[Appeal], by: User) -> None:
    """The head groups look-alikes under `lead`: each is then answered with the lead's answer,
    by the lead's executor; each keeps its own number, term and applicant."""
    if refusal := group_refusal(lead, members, by):
        raise TransitionRefused(refusal)
    for member in members:
        member.group_lead_id = lead.id
        if lead.executor_id is not None and member.executor_id != lead.executor_id:
            member.executor_id = lead.executor_id
        record_event(
            member,
            EventKind.GROUPED,
            by,
            data={"lead_id": lead.id, "lead_number": lead.number, "executor_id": lead.executor_id},
        )
        touch(member)
    record_event(
        lead,
        EventKind.GROUPED,
        by,
        data={"member_numbers": [member.number for member in members]},
    )
    touch(lead)
    db.session.flush()


def may_group(lead: Appeal, by: User) -> bool:
    """Whether the page offers the head to group look-alikes under this appeal."""
    return (
        standing(lead, by).refusal("head") is None
        and lead.status in RUNNING_STATUSES
        and lead.group_lead_id is None
    )
