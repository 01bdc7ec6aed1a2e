"""Who may read an appeal: one place, used by every view that loads one."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from appeals.accounts.models import Role, User
from appeals.accounts.scope import prosecutor_scope
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.reference.models import Body, ancestor_chain
from appeals.work.standing import in_work_scope


def _body_and_superiors(body_id: int | None) -> list[int]:
    return ancestor_chain(Body, body_id) if body_id else []


def can_read(user: User, appeal: Appeal) -> bool:
    """The applicant; a head of the current body or a superior body; an official of the current
    body for the appeals they work (assigned to them, or to nobody yet) and the appeals those
    complain about or repeat; a prosecutor whose region contains the appeal's; the admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.CITIZEN:  # the applicant, or a co-signatory with an account
        return appeal.applicant_id == user.id or any(
            cosignatory.user_id == user.id for cosignatory in appeal.cosignatories
        )
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.OFFICIAL:
        # What their inbox lists, no more: a colleague's appeal is not theirs to read. The
        # executor of a complaint or a repeat reads the appeal it is about.
        follow_ups = select(Appeal).where(Appeal.parent_id == appeal.id)
        return in_work_scope(appeal, user) or any(
            in_work_scope(follow_up, user) for follow_up in db.session.scalars(follow_ups)
        )
    if user.role == Role.HEAD:
        return user.body_id is not None and user.body_id in _body_and_superiors(
            appeal.current_body_id
        )
    if user.role == Role.PROSECUTOR:
        scope = prosecutor_scope(user)
        return scope is not None and scope.contains_region(appeal.region_id)
    return False


# What an appeal's pages show of its category, region and body: read with the appeal, in
# one statement, rather than one lazy load each as the template reaches them.
SHOWN_WITH_APPEAL = (
    joinedload(Appeal.category),
    joinedload(Appeal.region),
    joinedload(Appeal.current_body),
)


def readable_appeal_or_404(appeal_id: int, user: User) -> Appeal:
    """The appeal if the user may read it; 404 otherwise, so ids cannot be probed."""
    appeal = db.session.get(Appeal, appeal_id, options=SHOWN_WITH_APPEAL)
    if appeal is None or not can_read(user, appeal):
        abort(404)
    return appeal
