"""The officials' workspace: the inbox of a body and the page where an appeal is worked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from appeals.accounts.guards import restrict_blueprint
from appeals.accounts.models import STAFF_ROLES, User
from appeals.deadlines.service import explain_due
from appeals.extensions import db, reads_first
from appeals.intake.access import SHOWN_WITH_APPEAL
from appeals.intake.forms import ActionForm
from appeals.intake.labels import DECISION_LABELS, KIND_LABELS
from appeals.intake.models import Appeal, Decision
from appeals.pages import FormsOnDemand, commit_step, page_of
from appeals.reference.models import Body
from appeals.replies.service import filled_in, how_to_complain, templates_for
from appeals.timeutil import local_today
from appeals.work import defects, service, terms, together
from appeals.work.defect_forms import DefectsForm
from appeals.work.defect_rules import DEFECT_LABELS
from appeals.work.forms import (
    ANSWER_MIN_LENGTH,
    AnswerForm,
    AssignForm,
    ExtensionApproveForm,
    ExtensionRefuseForm,
    ExtensionRequestForm,
    ForwardForm,
    GroupForm,
    InboxFilterForm,
    LeaveForm,
    ResumeForm,
    SuspendForm,
)
from appeals.work.inbox import due_soon_until, inbox_query, inbox_scope_ids, staff_of_bodies
from appeals.work.information import refusal_due_on
from appeals.work.standing import (
    available_actions,
    forward_would_be_late,
    in_work_scope,
    pending_extension_request,
)

bp = Blueprint("work", __name__, url_prefix="/work")
PER_PAGE = 25


restrict_blueprint(
    bp,
    lambda user: user.role in STAFF_ROLES and user.body_id is not None,
    _l("The workspace is for the officials and heads of state bodies."),
    title=_l("Forbidden"),
)


@bp.route("/")
def inbox():
    """The appeals the user works, earliest due first, with filters, search and pages."""
    today = local_today()
    # Once per request: the filter choices and the query share it.
    scope_ids = inbox_scope_ids(current_user)
    form = InboxFilterForm(request.args, executors=staff_of_bodies(scope_ids))
    filters = form.filters()
    page = page_of(inbox_query(current_user, filters, today, scope_ids), PER_PAGE, bounded=True)
    return render_template(
        "work/inbox.html",
        form=form,
        page=page,
        due_soon_until=due_soon_until(today),
        several_bodies=len(scope_ids) > 1,
        kind_labels=KIND_LABELS,
    )


def _workable_or_404(appeal_id: int) -> Appeal:
    """The appeal if it is in the user's inbox scope; 404 otherwise (ids cannot be probed)."""
    options = [*SHOWN_WITH_APPEAL, joinedload(Appeal.executor)]  # the executor is shown too
    appeal = db.session.get(Appeal, appeal_id, options=options)
    if appeal is None or not in_work_scope(appeal, current_user):
        abort(404)
    return appeal


def _page_forms(
    appeal: Appeal, alike: list[together.LookAlike], submitted: dict[str, Any]
) -> FormsOnDemand:
    return FormsOnDemand(
        appeal,
        {
            "assign": lambda appeal: AssignForm(
                appeal=appeal, executors=staff_of_bodies([appeal.current_body_id])
            ),
            "answer": AnswerForm,
            "request_extension": ExtensionRequestForm,
            "approve_extension": ExtensionApproveForm,
            "refuse_extension": ExtensionRefuseForm,
            "suspend": SuspendForm,
            "resume": ResumeForm,
            "forward": lambda appeal: ForwardForm(
                appeal=appeal, forwarded=appeal, search=request.args.get("forward_search", "")
            ),
            "leave": LeaveForm,
            "ask_fix": DefectsForm,
            "group": lambda appeal: GroupForm(appeal=appeal, look_alikes=alike),
        },
        **submitted,
    )


def _render_appeal(appeal: Appeal, status: int = 200, **submitted):
    today = local_today()
    alike = together.look_alikes(appeal)
    forms = _page_forms(appeal, alike.shown, submitted)
    actions = available_actions(appeal, current_user, today) | defects.defect_actions(
        appeal, current_user
    )
    # The answer's section (its templates, the paragraph every answer gets, the refusal's
    # window) only for the user who may answer now: most who open an appeal may not.
    answering = "answer" in actions
    page = render_template(
        "work/appeal.html",
        appeal=appeal,
        actions=actions,
        forms=forms,
        kind_labels=KIND_LABELS,
        decision_labels=DECISION_LABELS,
        due_explanation=explain_due(appeal),
        pending_request=pending_extension_request(appeal),
        forward_late=forward_would_be_late(appeal, today),
        answer_min_length=ANSWER_MIN_LENGTH,
        answer_templates=templates_for(appeal) if answering else [],
        look_alikes=alike,
        may_group=together.may_group(appeal, current_user),
        group_lead=db.session.get(Appeal, appeal.group_lead_id) if appeal.group_lead_id else None,
        group_members=together.members_of(appeal),
        complaint_paragraph=how_to_complain(appeal) if answering else None,
        today_local=today,
        defects_request=defects.shown_request(appeal),
        defect_labels=DEFECT_LABELS,
        latest_fix_by=defects.latest_fix_date(appeal, today),
        refusal_due_on=refusal_due_on(appeal) if answering else None,
    )
    return page, status


def _back(appeal_id: int):
    return redirect(url_for("work.appeal", appeal_id=appeal_id))


@bp.route("/appeals/<int:appeal_id>")
def appeal(appeal_id: int):
    """One appeal to work: details, timeline, its due date explained, the steps allowed now;
    with ?template=<id>, the answer form filled in from that answer template."""
    appeal = _workable_or_404(appeal_id)
    chosen = request.args.get("template", type=int)
    if chosen is None:
        return _render_appeal(appeal)
    template = next((t for t in templates_for(appeal) if t.id == chosen), None)
    if template is None:
        abort(404)
    filled = AnswerForm(appeal=appeal, text=filled_in(template, appeal), decision=template.decision)
    return _render_appeal(appeal, answer=filled)


# --- The steps: one table, one handler ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One officials' step posted from the appeal page: its form (a blank one for the page is
    in _page_forms under the same name), the service call, and what the user is told."""

    path: str
    form: Callable[[Appeal], ActionForm]
    take: Callable[[Appeal, Any], Any]  # (appeal, valid form) -> the service's result
    done: Callable[[Appeal, Any, Any], tuple[str, str]]  # -> (message, flash category)
    invalid: str | None = None  # told besides the form's errors when it does not validate


def _forwarded(appeal: Appeal, form: ForwardForm, late: bool) -> tuple[str, str]:
    body = db.session.get(Body, form.body_id.data)
    if late:
        return _(
            "The appeal is forwarded to %(body)s (after the legal window: recorded as late).",
            body=body.name,
        ), "warning"
    return _("The appeal is forwarded to %(body)s.", body=body.name), "success"


def _answered(appeal: Appeal) -> tuple[str, str]:
    if service.refusal_recorded_late(appeal):
        return _(
            "The answer is sent; the applicant is notified. The refusal came after its "
            "window: recorded as late."
        ), "warning"
    return _("The answer is sent; the applicant is notified."), "success"


# Each service is looked up on the module when the step runs (so a test may replace one).
STEPS: dict[str, Step] = {
    "assign": Step(
        "assign",
        lambda appeal: AssignForm(executors=staff_of_bodies([appeal.current_body_id])),
        lambda appeal, form: service.assign_executor(
            appeal, db.get_or_404(User, form.executor_id.data), current_user
        ),
        lambda appeal, form, _r: (
            _("%(name)s is now the executor.", name=appeal.executor.full_name),
            "success",
        ),
    ),
    "answer": Step(
        "answer",
        lambda appeal: AnswerForm(),
        lambda appeal, form: service.answer_appeal(
            appeal,
            form.text.data,
            Decision(form.decision.data),
            current_user,
            files=form.checked_files,
        ),
        lambda appeal, *_a: _answered(appeal),
        invalid=_l("Please correct the marked fields. Attached files must be chosen again."),
    ),
    "request_extension": Step(
        "extension",
        lambda appeal: ExtensionRequestForm(),
        lambda appeal, form: service.request_extension(
            appeal, form.until.data, form.reason.data, current_user, today=local_today()
        ),
        lambda *_a: (_("The extension request is sent to the head."), "success"),
    ),
    "approve_extension": Step(
        "extension/approve",
        lambda appeal: ExtensionApproveForm(),
        lambda appeal, form: service.approve_extension(appeal, current_user, today=local_today()),
        lambda appeal, *_a: (
            _(
                "The term is extended until %(date)s; the applicant is notified.",
                date=f"{appeal.extended_until:%d.%m.%Y}",
            ),
            "success",
        ),
    ),
    "refuse_extension": Step(
        "extension/refuse",
        lambda appeal: ExtensionRefuseForm(),
        lambda appeal, form: service.refuse_extension(appeal, form.reason.data, current_user),
        lambda *_a: (_("The extension is refused; the executor is told."), "success"),
    ),
    "suspend": Step(
        "suspend",
        lambda appeal: SuspendForm(),
        lambda appeal, form: terms.suspend_appeal(
            appeal, form.reason.data, current_user, today=local_today()
        ),
        lambda *_a: (_("The appeal is suspended."), "success"),
    ),
    "resume": Step(
        "resume",
        lambda appeal: ResumeForm(),
        lambda appeal, form: terms.resume_appeal(appeal, current_user, today=local_today()),
        lambda appeal, *_a: (
            _("The appeal is resumed; due %(date)s.", date=f"{appeal.effective_due_on:%d.%m.%Y}"),
            "success",
        ),
    ),
    "forward": Step(
        "forward",
        lambda appeal: ForwardForm(forwarded=appeal),
        lambda appeal, form: terms.forward_appeal(
            appeal,
            db.get_or_404(Body, form.body_id.data),
            form.reason.data,
            current_user,
            today=local_today(),
        ),
        _forwarded,
    ),
    "group": Step(
        "group",
        lambda appeal: GroupForm(look_alikes=together.look_alikes(appeal).shown),
        lambda appeal, form: together.group_appeals(
            appeal, [db.session.get(Appeal, i) for i in form.members.data], current_user
        ),
        lambda appeal, form, _r: (
            _(
                "%(count)d appeal(s) will get this appeal's answer, each in its own case.",
                count=len(form.members.data),
            ),
            "success",
        ),
    ),
    "leave": Step(
        "leave",
        lambda appeal: LeaveForm(closing=appeal),
        lambda appeal, form: service.leave_without_consideration(
            appeal, form.ground.data, current_user, form.note.data
        ),
        lambda *_a: (
            _("The appeal is left without consideration; the applicant is told why."),
            "success",
        ),
    ),
    "ask_fix": Step(
        "defects",
        lambda appeal: DefectsForm(),
        lambda appeal, form: defects.ask_to_fix(
            appeal,
            form.defects.data,
            form.fix_by.data,
            form.note.data,
            current_user,
            today=local_today(),
        ),
        lambda appeal, *_a: (
            _(
                "The applicant is asked to fix the defects by %(date)s; the term runs on.",
                date=f"{appeal.fix_by:%d.%m.%Y}",
            ),
            "success",
        ),
    ),
}


def take_step(name: str, appeal_id: int):
    """Take one of the STEPS on an appeal in the user's scope: a form that does not validate
    re-renders the page with its errors (400); a refusal is flashed and nothing is saved."""
    step = STEPS[name]
    appeal = _workable_or_404(appeal_id)
    form = step.form(appeal)
    if not form.validate_on_submit():
        if step.invalid:
            flash(str(step.invalid), "danger")
        return _render_appeal(appeal, 400, **{name: form})
    done, result = commit_step(appeal, form.seen_version, lambda: step.take(appeal, form))
    if done:
        flash(*step.done(appeal, form, result))
        # A forwarded appeal has left this body: its page is no longer the user's, unless
        # they head a body above.
        if not in_work_scope(appeal, current_user):
            return redirect(url_for("work.inbox"))
    return _back(appeal_id)


def _step_view(name: str):
    """The view of one step: a function with a name of its own, as Flask-WTF's CSRF check
    names every view it protects (a functools.partial has none: every post was a 500).

    On SQLite it takes the write lock at its first write (extensions.reads_first), so other
    writers do not wait for its checks and reads. Every step's service updates the appeal's
    row (a change of status, or workflow.touch), whose version, checked by that UPDATE,
    refuses the step when someone changed the appeal after it was read."""

    def step_view(appeal_id: int):
        return take_step(name, appeal_id)

    step_view.__name__ = step_view.__qualname__ = f"take_step_{name}"
    return reads_first(step_view)


for _name, _step in STEPS.items():
    bp.add_url_rule(
        f"/appeals/<int:appeal_id>/{_step.path}",
        endpoint=_name,
        view_func=_step_view(_name),
        methods=["POST"],
    )
