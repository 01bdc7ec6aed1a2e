"""The audit of one appeal: its page (details, answer, timeline, audits), recording a verdict
and the body's reply to an act. Every appeal outside the prosecutor's region is a 404; the
desk's pages (rankings, bodies, exports) are in appeals/desk/views.py, under the same prefix."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from appeals.accounts.guards import current_scope, prosecutors_only
from appeals.audit.act_terms import (
    ActTermRefused,
    act_due_date,
    extend_act_term,
    latest_act_extension,
)
from appeals.audit.forms import ActExtensionForm, ActReplyForm, AuditForm
from appeals.audit.labels import ACT_LABELS, VIOLATION_LABELS
from appeals.audit.models import Audit, Violation
from appeals.audit.service import (
    AuditRefused,
    act_is_overdue,
    audit_refusal,
    record_act_reply,
    record_audit,
)
from appeals.deadlines.service import explain_due, working_calendar
from appeals.extensions import db
from appeals.intake.access import readable_appeal_or_404
from appeals.intake.labels import DECISION_LABELS, KIND_LABELS
from appeals.timeutil import local_today

bp = Blueprint("prosecutor", __name__, url_prefix="/prosecutor")


prosecutors_only(bp)


@bp.context_processor
def decision_labels():
    """The decisions of an answer as the audit's page names them."""
    return {"decision_labels": DECISION_LABELS}


@bp.app_template_filter("violation_label")
def violation_label(value: str) -> str:
    """A violation's name as the pages show it."""
    try:
        return VIOLATION_LABELS[Violation(value)]
    except ValueError:
        return value


def act_term(term: int, unit: str) -> str:
    """The body's term to answer an act, in words ("30 calendar days")."""
    # The English plural serves for one day too, as the page always read.
    if unit == "calendar":
        return ngettext("%(num)d calendar days", "%(num)d calendar days", term)
    if unit == "working":
        return ngettext("%(num)d working days", "%(num)d working days", term)
    return f"{term} {unit} days"


# --- One appeal: details, answer, timeline, audits and the verdict form --------------------


def _render_appeal(appeal, form: AuditForm, status: int = 200):
    audits = (
        db.session.execute(
            select(Audit).where(Audit.appeal_id == appeal.id).order_by(Audit.id.desc())
        )
        .scalars()
        .all()
    )
    today = local_today()
    scope = current_scope()
    body_link = None
    if appeal.current_body_id and scope.has_body(appeal.current_body_id):
        body_link = url_for("desk.body_page", body_id=appeal.current_body_id)
    config = current_app.config
    return (
        render_template(
            "audit/appeal.html",
            appeal=appeal,
            audits=audits,
            form=form,
            audit_refusal=audit_refusal(appeal),
            kind_labels=KIND_LABELS,
            act_labels=ACT_LABELS,
            act_overdue=lambda audit: act_is_overdue(audit, today),
            act_term=act_term(config["AUDIT_ACT_TERM"], config["AUDIT_ACT_TERM_UNIT"]),
            act_due_if_today=act_due_date(today, working_calendar()),
            can_extend_act=lambda audit: (
                latest_act_extension(audit, working_calendar()) is not None
            ),
            due_explanation=explain_due(appeal),
            body_link=body_link,
        ),
        status,
    )


@bp.route("/appeals/<int:appeal_id>")
def appeal_page(appeal_id: int):
    """An appeal in the prosecutor's region, with its answer, timeline and audits."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    return _render_appeal(appeal, AuditForm())


@bp.route("/appeals/<int:appeal_id>/audit", methods=["POST"])
def audit_appeal(appeal_id: int):
    """Record a verdict on the appeal's answer; refusals are shown on the form."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    form = AuditForm()
    if form.validate_on_submit():
        try:
            record_audit(
                appeal,
                form.verdict.data == "lawful",
                form.violations.data or [],
                form.note.data,
                form.act.data,
                current_user,
                reopen=form.reopen.data,
            )
        except AuditRefused as refused:
            db.session.rollback()
            target = getattr(form, refused.field) if refused.field else None
            (target.errors if target is not None else form.form_errors).append(str(refused))
        else:
            db.session.commit()
            flash(_("The verdict is recorded and the body's head notified."), "success")
            return redirect(url_for("prosecutor.appeal_page", appeal_id=appeal.id))
    return _render_appeal(appeal, form, 400)


@bp.route("/audits/<int:audit_id>/reply", methods=["POST"])
def act_reply(audit_id: int):
    """Record that the body has answered the act of response."""
    audit = db.session.get(Audit, audit_id)
    if audit is None:
        abort(404)
    appeal = readable_appeal_or_404(audit.appeal_id, current_user)
    if ActReplyForm().validate_on_submit():
        try:
            record_act_reply(audit, current_user)
        except AuditRefused as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            db.session.commit()
            flash(_("The body's answer to the act is recorded."), "success")
    return redirect(url_for("prosecutor.appeal_page", appeal_id=appeal.id))


@bp.route("/audits/<int:audit_id>/extend", methods=["POST"])
def extend_act(audit_id: int):
    """Extend the body's term to answer the act, on its reasoned request."""
    audit = db.session.get(Audit, audit_id)
    if audit is None:
        abort(404)
    appeal = readable_appeal_or_404(audit.appeal_id, current_user)
    form = ActExtensionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "danger")
        return redirect(url_for("prosecutor.appeal_page", appeal_id=appeal.id))
    try:
        extend_act_term(
            audit, form.until.data, current_user, today=local_today(), calendar=working_calendar()
        )
    except ActTermRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
    else:
        db.session.commit()
        flash(_("The act's term is extended."), "success")
    return redirect(url_for("prosecutor.appeal_page", appeal_id=appeal.id))
