"""The citizen's side: submit an appeal, see the receipt, the list and each timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from appeals.deadlines.service import explain_due
from appeals.extensions import db, limiter, public_form_limit, reads_first
from appeals.intake import applicant
from appeals.intake.access import readable_appeal_or_404
from appeals.intake.attachments import stored_path
from appeals.intake.cosign import add_cosignatory
from appeals.intake.event_text import event_text
from appeals.intake.forms import (
    ActionForm,
    AnonymousAppealForm,
    AppealForm,
    ComplaintForm,
    CosignForm,
    RateForm,
    SupplementForm,
    WithdrawForm,
)
from appeals.intake.labels import DECISION_LABELS, KIND_LABELS, REPEAT_REASONS
from appeals.intake.models import Appeal, AppealKind, Attachment, CoSignatory, Satisfaction
from appeals.intake.service import (
    IntakeRefused,
    NewAppeal,
    linked_later_appeals,
    submit_anonymous_appeal,
    submit_appeal,
)
from appeals.pages import FormsOnDemand, commit_step, page_of, refused_save
from appeals.timeutil import local_today
from appeals.work import defects
from appeals.work.defect_forms import DefectFixForm
from appeals.work.defect_rules import DEFECT_LABELS
from appeals.work.standing import in_work_scope

bp = Blueprint("intake", __name__, url_prefix="/appeals")


@bp.app_context_processor
def repeat_reason_labels():
    """The labels of the reasons a repeat gives, for every page that shows a linked appeal, and
    the one text of a timeline entry in the reader's language (the timeline macro's)."""
    return {"repeat_reasons": REPEAT_REASONS, "event_text": event_text}


def _correct_the_fields() -> str:
    # Translated at request time: the flash is kept in the session as text in the user's language.
    return _("Please correct the marked fields. Attached files must be chosen again.")


def _new_appeal(form) -> NewAppeal:
    return NewAppeal(
        kind=AppealKind(form.kind.data),
        category_id=form.category_id.data,
        region_id=form.region_id.data,
        subject=form.subject.data,
        text=form.text.data,
        files=form.checked_files,
        language=form.language.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@reads_first
@login_required
def new_appeal():
    """The appeal form; on success the appeal is registered and the receipt shown."""
    if not current_user.is_citizen:  # staff accounts do the office's work, not file appeals
        abort(403)
    form = AppealForm(applicant=current_user)
    if form.validate_on_submit():
        new = _new_appeal(form)
        new.repeats_id = form.repeats_id.data or None
        new.repeat_reason = form.repeat_reason.data or None
        try:
            appeal, access_code = submit_appeal(current_user, new)
            # Read before the commit expires it: reloading it after would need the database
            # again, and a busy one would answer 503 for an appeal already saved.
            appeal_id = appeal.id
            db.session.commit()
        except IntakeRefused as refused:
            db.session.rollback()
            form.repeats_id.errors.append(str(refused))
        except SQLAlchemyError as error:
            refused_save(error)  # flashed first, then shown on the form
            return render_template("intake/new.html", form=form), 409
        else:
            # Shown once on the receipt; only its hash is stored.
            session["access_code"] = {"appeal_id": appeal_id, "code": access_code}
            return redirect(url_for("intake.receipt", appeal_id=appeal_id))
    if form.is_submitted() and form.errors:
        flash(_correct_the_fields(), "danger")
    return render_template("intake/new.html", form=form)


@bp.route("/anonymous", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def new_anonymous_appeal():
    """The form for anyone, without an account: the appeal is registered and numbered, then
    considered only if it reports a crime or a threat to security."""
    if current_user.is_authenticated and current_user.is_citizen:
        flash(_("You are signed in: your appeal is submitted under your name."), "info")
        return redirect(url_for("intake.new_appeal"))
    form = AnonymousAppealForm()
    if form.validate_on_submit():
        try:
            appeal, access_code = submit_anonymous_appeal(
                _new_appeal(form), form.contact_email.data
            )
            appeal_id = appeal.id  # before the commit expires it (as above)
            db.session.commit()
        except SQLAlchemyError as error:
            refused_save(error)
            return render_template("intake/anonymous.html", form=form), 409
        # The receipt is this browser's only way back to the appeal: no account owns it.
        session["anonymous_receipt"] = {"appeal_id": appeal_id, "code": access_code}
        return redirect(url_for("intake.anonymous_receipt"))
    if form.is_submitted() and form.errors:
        flash(_correct_the_fields(), "danger")
    return render_template("intake/anonymous.html", form=form)


@bp.route("/anonymous/receipt")
def anonymous_receipt():
    """The receipt of the anonymous appeal just submitted from this browser: number and access
    code (the code only once), and what happens to the appeal."""
    shown = session.get("anonymous_receipt") or {}
    appeal = db.session.get(Appeal, shown["appeal_id"]) if shown.get("appeal_id") else None
    if appeal is None:
        abort(404)
    access_code = shown.get("code")
    if access_code:
        # Once: a reload or someone else at this screen later sees the number only.
        session["anonymous_receipt"] = {"appeal_id": appeal.id}
    return render_template("intake/anonymous_receipt.html", appeal=appeal, access_code=access_code)


@bp.route("/<int:appeal_id>/receipt")
@login_required
def receipt(appeal_id: int):
    """The registration receipt, with the access code for checking the status without login."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    shown = session.get("access_code") or {}
    access_code = None
    if shown.get("appeal_id") == appeal.id:
        # Once: a reload, the back button or someone else at this screen no longer sees it.
        access_code = session.pop("access_code")["code"]
    return render_template("intake/receipt.html", appeal=appeal, access_code=access_code)


@bp.route("/")
@login_required
def my_appeals():
    """The citizen's own appeals and those they co-sign, newest first."""
    # The ids of the few appeals they co-sign, read first: an OR with a subquery would make
    # PostgreSQL scan every appeal instead of reading the applicant's index.
    cosigned = list(
        db.session.scalars(
            select(CoSignatory.appeal_id).where(CoSignatory.user_id == current_user.id)
        )
    )
    mine = Appeal.applicant_id == current_user.id
    page = page_of(
        select(Appeal)
        .where(or_(mine, Appeal.id.in_(cosigned)) if cosigned else mine)
        # Each row names its body: read with the rows, not one lazy load per body.
        .options(joinedload(Appeal.current_body))
        .order_by(Appeal.submitted_at.desc(), Appeal.id.desc()),
        20,
    )
    return render_template("intake/list.html", page=page)


@bp.route("/<int:appeal_id>")
@login_required
def appeal_detail(appeal_id: int):
    """One appeal with its timeline."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    return _render_detail(appeal)


# The applicant's forms on the appeal page, by the name the template reads.
APPLICANT_FORMS = {
    "rate": RateForm,
    "withdraw": WithdrawForm,
    "complaint": ComplaintForm,
    "supplement": SupplementForm,
    "cosign": CosignForm,
    "fix": DefectFixForm,
}


def _render_detail(appeal: Appeal, status: int = 200, **submitted):
    """The appeal page, with the applicant's forms for the steps open to them now."""
    forms = FormsOnDemand(appeal, APPLICANT_FORMS, **submitted)
    page = render_template(
        "intake/detail.html",
        appeal=appeal,
        repeats=linked_later_appeals(appeal, current_user),
        kind_labels=KIND_LABELS,
        decision_labels=DECISION_LABELS,
        due_explanation=explain_due(appeal),
        applicant_actions=applicant.applicant_actions(appeal, current_user, local_today()),
        can_work=in_work_scope(appeal, current_user),
        forms=forms,
        defects_request=defects.shown_request(appeal),
        defect_labels=DEFECT_LABELS,
        fix_allowed=defects.fix_refusal(appeal, current_user, local_today()) is None,
    )
    return page, status


def _applicant_step(appeal_id: int, name: str, form: ActionForm, take: Callable[[Appeal], Any]):
    """Take one of the applicant's steps on their appeal: a form that does not validate
    re-renders the page with its errors (400); a refusal is flashed and nothing is saved.
    Returns (the step's result, None) once it is taken, or (None, the response to give)."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    if not form.validate_on_submit():
        return None, _render_detail(appeal, 400, **{name: form})
    done, result = commit_step(appeal, form.seen_version, lambda: take(appeal))
    return (result, None) if done else (None, _back_to(appeal_id))


def _back_to(appeal_id: int):
    return redirect(url_for("intake.appeal_detail", appeal_id=appeal_id))


@bp.post("/<int:appeal_id>/rate")
@login_required
def rate(appeal_id: int):
    """The applicant rates the answer; the appeal is closed."""
    form = RateForm()
    _result, refused = _applicant_step(
        appeal_id,
        "rate",
        form,
        lambda appeal: applicant.rate_answer(
            appeal, Satisfaction(form.satisfaction.data), form.comment.data, current_user
        ),
    )
    if refused:
        return refused
    flash(_("Thank you: your rating is recorded and the appeal is closed."), "success")
    return _back_to(appeal_id)


@bp.post("/<int:appeal_id>/withdraw")
@login_required
def withdraw(appeal_id: int):
    """The applicant withdraws an open appeal."""
    form = WithdrawForm()
    _result, refused = _applicant_step(
        appeal_id,
        "withdraw",
        form,
        lambda appeal: applicant.withdraw_appeal(appeal, current_user, form.reason.data),
    )
    if refused:
        return refused
    flash(_("Your appeal is withdrawn."), "success")
    return _back_to(appeal_id)


@bp.post("/<int:appeal_id>/supplement")
@login_required
def supplement(appeal_id: int):
    """The applicant adds documents or a clarification to their open appeal."""
    form = SupplementForm()
    _result, refused = _applicant_step(
        appeal_id,
        "supplement",
        form,
        lambda appeal: applicant.add_to_appeal(
            appeal, form.text.data, form.checked_files, current_user
        ),
    )
    if refused:
        return refused
    flash(_("Added to your appeal; the official in charge is told."), "success")
    return _back_to(appeal_id)


@bp.post("/<int:appeal_id>/cosign")
@login_required
def cosign(appeal_id: int):
    """The applicant names a co-signatory of their collective appeal."""
    form = CosignForm()
    result, refused = _applicant_step(
        appeal_id,
        "cosign",
        form,
        lambda appeal: add_cosignatory(appeal, form.name.data, form.email.data, current_user),
    )
    if refused:
        return refused
    flash(_("%(name)s co-signs the appeal and is told of each step.", name=result.name), "success")
    return _back_to(appeal_id)


@bp.post("/<int:appeal_id>/fix")
@login_required
def fix_defects(appeal_id: int):
    """The applicant fixes the defects the body named, by the date it set (APPK art. 64(6))."""
    form = DefectFixForm()
    _result, refused = _applicant_step(
        appeal_id,
        "fix",
        form,
        lambda appeal: defects.fix_defects(
            appeal, form.text.data, form.checked_files, current_user, today=local_today()
        ),
    )
    if refused:
        return refused
    flash(_("The fix is added to your appeal; the official in charge is told."), "success")
    return _back_to(appeal_id)


@bp.post("/<int:appeal_id>/complain")
@login_required
def complain(appeal_id: int):
    """The applicant complains about the answer (or about no answer in time): a new appeal
    to the superior body; its receipt shows the new number and access code."""
    form = ComplaintForm()
    result, refused = _applicant_step(
        appeal_id,
        "complaint",
        form,
        lambda appeal: applicant.file_complaint(
            appeal, form.reason.data, form.text.data, current_user
        ),
    )
    if refused:
        return refused
    complaint, access_code = result
    session["access_code"] = {"appeal_id": complaint.id, "code": access_code}
    flash(_("Your complaint is registered as %(number)s.", number=complaint.number), "success")
    return redirect(url_for("intake.receipt", appeal_id=complaint.id))


@bp.route("/<int:appeal_id>/attachments/<int:attachment_id>")
@login_required
def attachment(appeal_id: int, attachment_id: int):
    """Download an attachment of an appeal the user may read."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.appeal_id != appeal.id:
        abort(404)
    path = stored_path(Path(current_app.config["UPLOAD_DIR"]), item.storage_key)
    response = send_file(
        path, mimetype=item.content_type, as_attachment=True, download_name=item.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
