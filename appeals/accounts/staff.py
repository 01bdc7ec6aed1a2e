"""The admin's work on staff accounts: invite, change role or body, deactivate; each step is
logged (appeals/adminlog). Functions flush, the caller commits."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from appeals.accounts.links import INVITATION, make_link_token, site_link, user_of_link
from appeals.accounts.models import INVITED_ROLES, Role, User
from appeals.accounts.service import EmailTaken, create_user, end_sessions, hash_password
from appeals.adminlog.service import record_user_change, user_fields
from appeals.extensions import db
from appeals.intake.models import OPEN_STATUSES, Appeal
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body
from appeals.timeutil import now_utc

INVITATION_DAYS = 7


class StaffRefused(ValueError):
    """A change the rules refuse; the message says why."""


BAD_ROLE = _l("Choose one of the roles: official, head, prosecutor, admin.")
NEEDS_BODY = _l("An official or a head works in a state body: choose one.")
NEEDS_PROSECUTORS_OFFICE = _l("A prosecutor works in a prosecutor's office: choose one.")
NOT_A_PROSECUTORS_OFFICE = _l(
    "Officials and heads work in a state body, not a prosecutor's office."
)
INACTIVE_BODY = _l("This body is deactivated.")
LAST_ADMIN = _l("This is the last active admin: invite or appoint another one first.")


def placement_refusal(role: str, body: Body | None) -> str | None:
    """Why a staff member of `role` cannot sit in `body` (None: the admin has no body)."""
    if role not in INVITED_ROLES:
        return str(BAD_ROLE)
    if body is not None and not body.is_active:
        return str(INACTIVE_BODY)
    if role in (Role.OFFICIAL, Role.HEAD):
        if body is None:
            return str(NEEDS_BODY)
        if body.kind == "prosecutor":
            return str(NOT_A_PROSECUTORS_OFFICE)
    if role == Role.PROSECUTOR and (body is None or body.kind != "prosecutor"):
        return str(NEEDS_PROSECUTORS_OFFICE)
    return None


def _check_placement(role: str, body: Body | None) -> None:
    if refusal := placement_refusal(role, body):
        raise StaffRefused(refusal)


def active_admins() -> int:
    return db.session.execute(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_active)
    ).scalar_one()


def invitation_link(user: User) -> str:
    """The link in the e-mail (the page is accounts.accept_invitation_page); built from
    SITE_URL, as the command line has no request to build it from."""
    return site_link("accounts.accept_invitation_page", token=make_link_token(user, INVITATION))


def invite_staff(
    email: str, full_name: str, role: str, body: Body | None, *, actor: User | None
) -> User:
    """Create a staff account without a password and e-mail its invitation link (the link
    sets the first password). EmailTaken for an address in use, StaffRefused for a wrong
    role or body."""
    _check_placement(role, body)
    if role == Role.ADMIN:
        body = None
    user = create_user(
        email, secrets.token_urlsafe(32), full_name, Role(role), body_id=body.id if body else None
    )
    db.session.refresh(user, ["body"])
    record_user_change("user.invited", user, actor=actor, before=None, after=user_fields(user))
    queue_notice(
        "staff_invitation",
        user.email,
        {
            "name": user.full_name,
            "role": str(user.role),
            "link": invitation_link(user),
            "days": INVITATION_DAYS,
        },
        user_id=user.id,
    )
    return user


def change_staff(user: User, role: str, body: Body | None, *, actor: User | None) -> bool:
    """Give a staff member another role or body; False when nothing changed."""
    _check_placement(role, body)
    if role == Role.ADMIN:
        body = None
    if user.role == Role.ADMIN and role != Role.ADMIN and user.is_active and active_admins() <= 1:
        raise StaffRefused(str(LAST_ADMIN))
    before = user_fields(user)
    user.role = Role(role)
    user.body = body
    db.session.flush()
    after = user_fields(user)
    if after == before:
        return False
    record_user_change("user.changed", user, actor=actor, before=before, after=after)
    return True


def open_appeals_of(user: User) -> list[Appeal]:
    """The open appeals a user is the executor of: the head reassigns them."""
    return list(
        db.session.execute(
            select(Appeal)
            .where(Appeal.executor_id == user.id, Appeal.status.in_(OPEN_STATUSES))
            .order_by(Appeal.due_on, Appeal.id)
        ).scalars()
    )


def deactivate_user(user: User, *, actor: User | None) -> list[Appeal]:
    """Take access away: no sign-in, every session ended, no notices. Refused for the last
    active admin. Returns the open appeals left for the head to reassign."""
    if not user.is_active:
        return open_appeals_of(user)
    if user.role == Role.ADMIN and active_admins() <= 1:
        raise StaffRefused(str(LAST_ADMIN))
    before = user_fields(user)
    user.is_active = False
    end_sessions(user)
    record_user_change(
        "user.deactivated", user, actor=actor, before=before, after=user_fields(user)
    )
    return open_appeals_of(user)


def reactivate_user(user: User, *, actor: User | None) -> None:
    if user.is_active:
        return
    before = user_fields(user)
    user.is_active = True
    record_user_change(
        "user.reactivated", user, actor=actor, before=before, after=user_fields(user)
    )


def invited_user(token: str) -> User:
    """The staff member an invitation link names (LinkRefused when it cannot be used)."""
    return user_of_link(token, INVITATION, INVITATION_DAYS * 24 * 3600)[0]


def accept_invitation(user: User, password: str) -> None:
    """The first password, set from the invitation link (which it spends); the e-mail is
    proved by the link."""
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or now_utc()
    end_sessions(user)


def find_body(code: str) -> Body | None:
    return db.session.execute(select(Body).where(Body.code == code.strip())).scalar_one_or_none()


__all__ = ["EmailTaken", "StaffRefused"]
