"""Look-alikes and appeals answered together: an official sees the open appeals of the same
body that read like this one (last 60 days); the head groups them under this one, and its
answer then goes to each of them, in each applicant's own case.

The comparison is worked out by the worker and kept in Redis, never on the page: it needs the
category suggester's vectorisers, and scikit-learn cost each web process about 100 MB and a
second to import (every one held it after its first official's page; bench/README.md, "Stop
36"), and a first comparison among a big body's candidates some 10 ms of the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.fragments import keep_value, kept_value
from appeals.intake.models import RUNNING_STATUSES, Appeal, EventKind
from appeals.intake.workflow import TransitionRefused, record_event, touch
from appeals.lazy import lazy_import
from appeals.queues import enqueue_once
from appeals.timeutil import now_utc
from appeals.work.standing import standing

similarity = lazy_import("appeals.suggest.alike")

LOOKALIKE_DAYS = 60  # the window: appeals submitted in the last 60 days
LOOKALIKE_MIN_SIMILARITY = 0.3  # below this, two appeals are about different things
LOOKALIKE_CANDIDATES = 300  # the newest open appeals of the body compared, at most
LOOKALIKES_SHOWN = 10
# Kept per appeal, with the candidates they were computed from; a week covers an appeal's
# working life at the body, after which the first view works them out again.
LOOKALIKES_KEPT_SECONDS = 7 * 24 * 3600
KEEP_LOOK_ALIKES = "appeals.work.lookalike_jobs.keep_look_alikes_job"


@dataclass(frozen=True)
class LookAlike:
    appeal: Appeal
    similarity: float


@dataclass(frozen=True)
class LookAlikes:
    shown: list[LookAlike]
    # Never worked out for this appeal (or expired, or lost by Redis): the worker has been
    # asked and they show on a later view.
    pending: bool = False


def _candidate_ids(appeal: Appeal) -> list[int]:
    """The body's appeals that could be answered with this one, newest first: running (not
    answered, not suspended), submitted in the window, in no group, and not a group's lead
    themselves. Empty for an appeal at no body, or in a group itself."""
    if appeal.current_body_id is None or appeal.group_lead_id is not None:
        return []
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
    scores = similarity.similarities(
        f"{appeal.subject}\n{appeal.text}", [f"{row.subject}\n{row.text}" for row in texts]
    )
    alike = [
        (row.id, float(score))
        for row, score in zip(texts, scores, strict=True)
        if score >= LOOKALIKE_MIN_SIMILARITY
    ]
    alike.sort(key=lambda item: (-item[1], -item[0]))
    return alike[:LOOKALIKES_SHOWN]


def _kept_key(appeal_id: int) -> str:
    return f"lookalikes:{appeal_id}"


def _keep_scores(appeal: Appeal, candidate_ids: list[int]) -> list[tuple[int, float]]:
    """Work the scores out and keep them with the candidates they were computed from (at most
    LOOKALIKE_CANDIDATES ids, some 2 KB)."""
    scored = _scored(appeal, candidate_ids)
    kept = {"compared": sorted(candidate_ids), "scored": scored}
    keep_value(_kept_key(appeal.id), kept, LOOKALIKES_KEPT_SECONDS)
    return scored


def _compared_with_all(kept: dict, candidate_ids: list[int]) -> bool:
    """Whether the kept scores were worked out with every current candidate. Candidates that
    left since (answered, grouped, forwarded) are only dropped from what is shown: the others'
    scores stand, all but the idf's slight shift, so only a new candidate asks the worker
    again (under steady answering nearly every view had asked: bench/README.md, "Stop 41")."""
    return set(candidate_ids) <= set(kept.get("compared", ()))


def look_alikes(appeal: Appeal) -> LookAlikes:
    """The open appeals of the same body from the last 60 days that read most like this one,
    as the worker last worked them out. The page shows the kept scores of the candidates still
    open; when a candidate has come since, the worker works them out again (a new look-alike
    shows a moment later); when none are kept, the worker is asked and the page says so."""
    candidate_ids = _candidate_ids(appeal)
    if not candidate_ids:
        return LookAlikes([])
    kept = kept_value(_kept_key(appeal.id))
    if kept is None or not _compared_with_all(kept, candidate_ids):
        asked = enqueue_once(KEEP_LOOK_ALIKES, appeal.id, job_id=f"lookalikes-{appeal.id}")
        if kept is None:  # never worked out, expired, or Redis down (then nothing is asked)
            return LookAlikes([], pending=asked)
    still_open = set(candidate_ids)
    scored = [(i, score) for i, score in kept["scored"] if i in still_open]
    found = {
        row.id: row
        for row in db.session.scalars(select(Appeal).where(Appeal.id.in_([i for i, _ in scored])))
    }
    return LookAlikes([LookAlike(found[i], score) for i, score in scored if i in found])


def keep_look_alikes(appeal_id: int) -> int:
    """Work out and keep an appeal's look-alikes among its body's current candidates (the
    worker's part of look_alikes; none found is kept too). Returns how many were found."""
    appeal = db.session.get(Appeal, appeal_id)
    candidate_ids = _candidate_ids(appeal) if appeal is not None else []
    return len(_keep_scores(appeal, candidate_ids)) if candidate_ids else 0


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
