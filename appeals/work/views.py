"""The officials' workspace: the inbox of a body and the page where an appeal is worked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from appeals.accounts.guards import restrict_blueprint
from appeals.accounts.models import STAFF_ROLES, Role, User
from appeals.deadlines.service import explain_due
from appeals.extensions import db
from appeals.intake.labels import DECISION_LABELS, KIND_LABELS
from appeals.intake.models import Appeal, Decision
from appeals.intake.workflow import TransitionRefused
from appeals.reference.models import Body, body_subtree_ids
from appeals.timeutil import local_today
from appeals.work import service
from appeals.work.forms import (
    ANSWER_MIN_LENGTH,
    AnswerForm,
    AssignForm,
    ExtensionApproveForm,
    ExtensionRefuseForm,
    ExtensionRequestForm,
    ForwardForm,
    InboxFilterForm,
    LeaveForm,
    ResumeForm,
    SuspendForm,
)

bp = Blueprint("work", __name__, url_prefix="/work")
PER_PAGE = 25


def commit_step(appeal: Appeal, seen_version: int | None, step: Callable[[], Any]):
    """Take one step on an appeal as the user saw it (version) and commit it once; a refusal,
    or a change by someone else meanwhile, is flashed and nothing is saved.

    Returns (True, the step's result) or (False, None)."""
    try:
        service.check_version(appeal, seen_version)
        result = step()
        db.session.commit()
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return False, None
    except StaleDataError:
        # Someone else's update committed between our read and our write: their version won.
        db.session.rollback()
        flash(str(service.CHANGED_MEANWHILE), "danger")  # the session keeps text, not lazy
        return False, None
    return True, result


restrict_blueprint(
    bp,
    lambda user: user.role in STAFF_ROLES and user.body_id is not None,
    _l("The workspace is for the officials and heads of state bodies."),
    title=_l("Forbidden"),
)


def _scope_ids() -> list[int]:
    if current_user.role == Role.HEAD:
        return body_subtree_ids(current_user.body_id)
    return [current_user.body_id]


@bp.route("/")
def inbox():
    """The appeals the user works, earliest due first, with filters, search and pages."""
    today = local_today()
    scope_ids = _scope_ids()  # once per request: the filter choices and the query share it
    form = InboxFilterForm(request.args, executors=service.staff_of_bodies(scope_ids))
    filters = form.filters()
    page = db.paginate(
        service.inbox_query(current_user, filters, today, scope_ids),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "work/inbox.html",
        form=form,
        page=page,
        due_soon_until=service.due_soon_until(today),
        several_bodies=len(scope_ids) > 1,
        kind_labels=KIND_LABELS,
    )


def _workable_or_404(appeal_id: int) -> Appeal:
    """The appeal if it is in the user's inbox scope; 404 otherwise (ids cannot be probed)."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not service.in_work_scope(appeal, current_user):
        abort(404)
    return appeal


def _blank_forms(appeal: Appeal) -> dict[str, Any]:
    return {
        "assign": AssignForm(
            appeal=appeal, executors=service.staff_of_bodies([appeal.current_body_id])
        ),
        "answer": AnswerForm(appeal=appeal),
        "request_extension": ExtensionRequestForm(appeal=appeal),
        "approve_extension": ExtensionApproveForm(appeal=appeal),
        "refuse_extension": ExtensionRefuseForm(appeal=appeal),
        "suspend": SuspendForm(appeal=appeal),
        "resume": ResumeForm(appeal=appeal),
        "forward": ForwardForm(appeal=appeal, exclude_body_id=appeal.current_body_id),
        "leave": LeaveForm(appeal=appeal),
    }


def _render_appeal(appeal: Appeal, status: int = 200, **submitted):
    today = local_today()
    forms = _blank_forms(appeal) | submitted
    body = db.session.get(Body, appeal.current_body_id) if appeal.current_body_id else None
    page = render_template(
        "work/appeal.html",
        appeal=appeal,
        actions=service.available_actions(appeal, current_user, today),
        forms=forms,
        kind_labels=KIND_LABELS,
        decision_labels=DECISION_LABELS,
        due_explanation=explain_due(appeal),
        pending_request=service.pending_extension_request(appeal),
        forward_late=service.forward_would_be_late(appeal, today),
        superior_body=body.parent if body else None,
        answer_min_length=ANSWER_MIN_LENGTH,
        today_local=today,
    )
    return page, status


def _back(appeal_id: int):
    return redirect(url_for("work.appeal", appeal_id=appeal_id))


@bp.route("/appeals/<int:appeal_id>")
def appeal(appeal_id: int):
    """One appeal to work: details, timeline, its due date explained, the steps allowed now."""
    return _render_appeal(_workable_or_404(appeal_id))


@bp.post("/appeals/<int:appeal_id>/assign")
def assign(appeal_id: int):
    """The head puts an official of the body in charge (or hands it to another)."""
    appeal = _workable_or_404(appeal_id)
    form = AssignForm(executors=service.staff_of_bodies([appeal.current_body_id]))
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, assign=form)
    executor = db.get_or_404(User, form.executor_id.data)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.assign_executor(appeal, executor, current_user),
    )
    if done:
        flash(_("%(name)s is now the executor.", name=executor.full_name), "success")
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/answer")
def answer(appeal_id: int):
    """The executor or the head answers with a decision and attachments."""
    appeal = _workable_or_404(appeal_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields. Attached files must be chosen again."), "danger")
        return _render_appeal(appeal, 400, answer=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.answer_appeal(
            appeal,
            form.text.data,
            Decision(form.decision.data),
            current_user,
            files=form.checked_files,
        ),
    )
    if done:
        flash(_("The answer is sent; the applicant is notified."), "success")
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/extension")
def request_extension(appeal_id: int):
    """The executor asks the head to extend the term to a date, with a reason."""
    appeal = _workable_or_404(appeal_id)
    form = ExtensionRequestForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, request_extension=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.request_extension(
            appeal, form.until.data, form.reason.data, current_user, today=local_today()
        ),
    )
    if done:
        flash(_("The extension request is sent to the head."), "success")
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/extension/approve")
def approve_extension(appeal_id: int):
    """The head grants the pending extension request."""
    appeal = _workable_or_404(appeal_id)
    form = ExtensionApproveForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, approve_extension=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.approve_extension(appeal, current_user, today=local_today()),
    )
    if done:
        flash(
            _(
                "The term is extended until %(date)s; the applicant is notified.",
                date=f"{appeal.extended_until:%d.%m.%Y}",
            ),
            "success",
        )
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/extension/refuse")
def refuse_extension(appeal_id: int):
    """The head refuses the pending extension request, with a reason."""
    appeal = _workable_or_404(appeal_id)
    form = ExtensionRefuseForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, refuse_extension=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.refuse_extension(appeal, form.reason.data, current_user),
    )
    if done:
        flash(_("The extension is refused; the executor is told."), "success")
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/suspend")
def suspend(appeal_id: int):
    """The head stops the clock (where the rules in force allow it)."""
    appeal = _workable_or_404(appeal_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, suspend=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.suspend_appeal(appeal, form.reason.data, current_user, today=local_today()),
    )
    if done:
        flash(_("The appeal is suspended."), "success")
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/resume")
def resume(appeal_id: int):
    """The head restarts the clock with the working days that were left."""
    appeal = _workable_or_404(appeal_id)
    form = ResumeForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, resume=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.resume_appeal(appeal, current_user, today=local_today()),
    )
    if done:
        flash(
            _("The appeal is resumed; due %(date)s.", date=f"{appeal.effective_due_on:%d.%m.%Y}"),
            "success",
        )
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/forward")
def forward(appeal_id: int):
    """The head sends the appeal to the competent body, with a reason."""
    appeal = _workable_or_404(appeal_id)
    form = ForwardForm(exclude_body_id=appeal.current_body_id)
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, forward=form)
    to_body = db.get_or_404(Body, form.body_id.data)
    done, late = commit_step(
        appeal,
        form.seen_version,
        lambda: service.forward_appeal(
            appeal, to_body, form.reason.data, current_user, today=local_today()
        ),
    )
    if done:
        if late:
            message = _(
                "The appeal is forwarded to %(body)s (after the legal window: recorded as late).",
                body=to_body.name,
            )
        else:
            message = _("The appeal is forwarded to %(body)s.", body=to_body.name)
        flash(message, "warning" if late else "success")
        # It has left this body: its page here is no longer the user's, unless a head above.
        if not service.in_work_scope(appeal, current_user):
            return redirect(url_for("work.inbox"))
    return _back(appeal_id)


@bp.post("/appeals/<int:appeal_id>/leave")
def leave(appeal_id: int):
    """The head leaves the appeal without consideration on a legal ground."""
    appeal = _workable_or_404(appeal_id)
    form = LeaveForm()
    if not form.validate_on_submit():
        return _render_appeal(appeal, 400, leave=form)
    done, _result = commit_step(
        appeal,
        form.seen_version,
        lambda: service.leave_without_consideration(
            appeal, form.ground.data, current_user, form.note.data
        ),
    )
    if done:
        flash(_("The appeal is left without consideration; the applicant is told why."), "success")
    return _back(appeal_id)
