"""The admin's user pages: the list with search and filters, invitations, a user's page (role,
body, deactivation, their log entries), and the admin audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from appeals.accounts.guards import admins_only
from appeals.accounts.labels import ROLE_LABELS
from appeals.accounts.models import Role, User
from appeals.accounts.service import EmailTaken
from appeals.accounts.staff import (
    StaffRefused,
    change_staff,
    deactivate_user,
    invite_staff,
    open_appeals_of,
    reactivate_user,
)
from appeals.accounts.staff_csv import CsvUnreadable, invite_rows, read_invitations
from appeals.admin.user_forms import (
    CsvInviteForm,
    InviteForm,
    LogFilterForm,
    PlacementForm,
    UserFilterForm,
)
from appeals.adminlog.models import SubjectKind
from appeals.adminlog.service import LogFilter, actions, entries
from appeals.extensions import db
from appeals.pages import page_of
from appeals.reference.models import Body

bp = Blueprint("users_admin", __name__, url_prefix="/admin")
admins_only(bp)

PER_PAGE = 25


def _body_or_none(value: str | None) -> Body | None:
    if not value:
        return None
    body = db.session.get(Body, int(value)) if value.isdigit() else None
    if body is None:
        abort(400)
    return body


def _filter_args() -> dict[str, str]:
    """The list's filters, for the links to its other pages."""
    return {key: value for key, value in request.args.items() if key != "page"}


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
def users():
    """Every account: search by name or e-mail, filter by role, body and state."""
    form = UserFilterForm(request.args)
    query = select(User).order_by(User.full_name, User.id)
    if form.validate():
        if form.q.data:
            needle = f"%{form.q.data.strip().lower()}%"
            query = query.where(or_(User.email.ilike(needle), User.full_name.ilike(needle)))
        if form.role.data:
            query = query.where(User.role == form.role.data)
        if form.body.data and form.body.data.isdigit():
            query = query.where(User.body_id == int(form.body.data))
        if form.state.data:
            query = query.where(User.is_active.is_(form.state.data == "active"))
    page = page_of(query, PER_PAGE, bounded=True)
    return render_template(
        "admin/users.html", form=form, page=page, role_labels=ROLE_LABELS, args=_filter_args()
    )


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    """Invite a staff member by e-mail: the link in it sets their first password."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = invite_staff(
                form.email.data,
                form.full_name.data,
                form.role.data,
                _body_or_none(form.body_id.data),
                actor=current_user,
            )
        except EmailTaken:
            db.session.rollback()
            form.email.errors.append(_("An account with this e-mail exists already."))
        except StaffRefused as refused:
            db.session.rollback()
            form.body_id.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("The invitation is on its way to %(email)s.", email=user.email), "success")
            return redirect(url_for("users_admin.user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


@bp.route("/users/import", methods=["GET", "POST"])
def import_invitations():
    """Invite staff from a CSV file: a report of every row's errors; nothing is invited from a
    file with errors unless the admin ticks "invite the valid rows" (and uploads it again)."""
    form = CsvInviteForm()
    rows = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors.append(_("Choose a CSV file."))
        else:
            try:
                rows = read_invitations(upload.read())
            except CsvUnreadable as unreadable:
                form.file.errors.append(str(unreadable))
            else:
                valid = [row for row in rows if not row.errors]
                if valid and (len(valid) == len(rows) or form.confirm_valid.data):
                    invited = invite_rows(rows, actor=current_user)
                    db.session.commit()
                    flash(
                        _(
                            "Invitations sent: %(n)s; rows left out: %(left)s.",
                            n=len(invited),
                            left=len(rows) - len(valid),
                        ),
                        "success",
                    )
                    return redirect(url_for("users_admin.users"))
    status = 400 if rows is not None or form.errors else 200
    if request.method == "GET":
        status = 200
    return render_template("admin/import.html", form=form, rows=rows), status


@bp.route("/users/<int:user_id>")
def user(user_id: int):
    """One account: its role and body, deactivation, its open appeals and its log entries."""
    account = _user_or_404(user_id)
    form = PlacementForm(data={"role": str(account.role), "body_id": str(account.body_id or "")})
    return _user_page(account, form)


def _user_page(account: User, form: PlacementForm, status: int = 200):
    log = db.session.execute(
        entries(LogFilter(subject_kind=SubjectKind.USER, subject_id=account.id)).limit(100)
    ).scalars()
    return (
        render_template(
            "admin/user.html",
            account=account,
            form=form,
            staff=account.role != Role.CITIZEN,
            open_appeals=open_appeals_of(account),
            log=list(log),
            role_labels=ROLE_LABELS,
        ),
        status,
    )


@bp.route("/users/<int:user_id>/placement", methods=["POST"])
def change(user_id: int):
    """Another role or body for a staff member."""
    account = _user_or_404(user_id)
    if account.role == Role.CITIZEN:
        abort(404)
    form = PlacementForm()
    if form.validate_on_submit():
        try:
            changed = change_staff(
                account, form.role.data, _body_or_none(form.body_id.data), actor=current_user
            )
        except StaffRefused as refused:
            db.session.rollback()
            form.body_id.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("users_admin.user", user_id=account.id))
    return _user_page(account, form, 400)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    """Take access away: every session ends; their open appeals are listed for the head."""
    account = _user_or_404(user_id)
    try:
        left = deactivate_user(account, actor=current_user)
    except StaffRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
    else:
        db.session.commit()
        flash(
            _(
                "Deactivated. %(n)s open appeals wait for the head to reassign them.",
                n=len(left),
            )
            if left
            else _("Deactivated."),
            "success",
        )
    return redirect(url_for("users_admin.user", user_id=account.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    account = _user_or_404(user_id)
    reactivate_user(account, actor=current_user)
    db.session.commit()
    flash(_("Active again."), "success")
    return redirect(url_for("users_admin.user", user_id=account.id))


SUBJECT_KINDS = [
    SubjectKind.USER,
    SubjectKind.REGION,
    SubjectKind.BODY,
    SubjectKind.CATEGORY,
    SubjectKind.ROUTING_RULE,
    SubjectKind.POLICY,
    SubjectKind.HOLIDAY,
]


@bp.route("/log")
def log():
    """The admin audit log: every change to users and reference data, newest first."""
    form = LogFilterForm(request.args)
    form.action.choices = [("", _("any")), *((a, a) for a in actions())]
    form.kind.choices = [("", _("any")), *((k, k) for k in SUBJECT_KINDS)]
    log_filter = LogFilter()
    body_id = request.args.get("body", type=int)
    if form.validate():
        log_filter = LogFilter(
            action=form.action.data or None,
            subject_kind=form.kind.data or None,
            actor=form.actor.data or None,
            body_id=body_id,
            since=form.since.data,
            until=form.until.data,
        )
    body = db.session.get(Body, body_id) if body_id else None
    page = page_of(entries(log_filter), PER_PAGE, bounded=True)
    return render_template("admin/log.html", form=form, page=page, body=body, args=_filter_args())


@bp.route("/bodies/<int:body_id>")
def body(body_id: int):
    """A body's staff and its log entries."""
    found = db.session.get(Body, body_id)
    if found is None:
        abort(404)
    staff = db.session.execute(
        select(User).where(User.body_id == body_id).order_by(User.full_name)
    ).scalars()
    log = db.session.execute(entries(LogFilter(body_id=body_id)).limit(100)).scalars()
    return render_template(
        "admin/body.html", body=found, staff=list(staff), log=list(log), role_labels=ROLE_LABELS
    )
