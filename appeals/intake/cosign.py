"""Collective appeals: the applicant names co-signatories (a registered citizen is linked by
their account, anyone else by a contact); each is told of every step, as the applicant is."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import Appeal, CoSignatory, EventKind
from appeals.intake.workflow import TransitionRefused, record_event, touch
from appeals.notifications.service import queue_notice

MAX_COSIGNATORIES = 500  # a collective appeal of a street or a village, not a petition site


def add_cosignatory(appeal: Appeal, name: str, email: str, by: User) -> CoSignatory:
    """The applicant adds a co-signatory to their open appeal; the co-signatory is told."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can add co-signatories."))
    if not appeal.is_open:
        raise TransitionRefused(_("Co-signatories can be added only while the appeal is open."))
    name, email = name.strip(), email.strip().lower()
    if not name or not email:
        raise TransitionRefused(_("Give the co-signatory's name and e-mail."))
    if email == (by.email or "").lower():
        raise TransitionRefused(_("You are the applicant already."))
    if any(cosignatory.email == email for cosignatory in appeal.cosignatories):
        raise TransitionRefused(_("%(email)s co-signs this appeal already.", email=email))
    if len(appeal.cosignatories) >= MAX_COSIGNATORIES:
        raise TransitionRefused(
            _("An appeal takes %(max)d co-signatories at most.", max=MAX_COSIGNATORIES)
        )
    account = db.session.execute(
        select(User.id).where(func.lower(User.email) == email, User.role == Role.CITIZEN)
    ).scalar_one_or_none()
    cosignatory = CoSignatory(appeal_id=appeal.id, user_id=account, name=name, email=email)
    try:
        with db.session.begin_nested():  # the same e-mail added at the same moment elsewhere
            db.session.add(cosignatory)
    except IntegrityError:
        raise TransitionRefused(_("%(email)s co-signs this appeal already.", email=email)) from None
    db.session.expire(appeal, ["cosignatories"])  # the next notice reaches the new one too
    record_event(appeal, EventKind.COSIGNED, by, data={"name": name})
    touch(appeal)
    db.session.flush()
    queue_notice(
        "appeal_cosigned",
        email,
        {
            "number": appeal.number,
            "applicant": by.full_name,
            "subject": appeal.subject,
            "name": name,
        },
        user_id=account,
        appeal_id=appeal.id,
        dedup_key=f"cosigned:{cosignatory.id}",
        language=appeal.language,
    )
    return cosignatory
