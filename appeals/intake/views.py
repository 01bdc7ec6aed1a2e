"""The citizen's side: submit an appeal, see the receipt, the list and each timeline."""

from __future__ import annotations

from pathlib import Path

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
from flask_login import current_user, login_required
from sqlalchemy import select

from appeals.deadlines.service import explain_due
from appeals.extensions import db
from appeals.intake.access import readable_appeal_or_404
from appeals.intake.attachments import stored_path
from appeals.intake.forms import KIND_LABELS, AppealForm
from appeals.intake.models import Appeal, AppealKind, Attachment
from appeals.intake.service import NewAppeal, submit_appeal

bp = Blueprint("intake", __name__, url_prefix="/appeals")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_appeal():
    """The appeal form; on success the appeal is registered and the receipt shown."""
    form = AppealForm()
    if form.validate_on_submit():
        appeal, access_code = submit_appeal(
            current_user,
            NewAppeal(
                kind=AppealKind(form.kind.data),
                category_id=form.category_id.data,
                region_id=form.region_id.data,
                subject=form.subject.data,
                text=form.text.data,
                files=form.checked_files,
            ),
        )
        db.session.commit()
        # Shown once on the receipt; only its hash is stored.
        session["access_code"] = {"appeal_id": appeal.id, "code": access_code}
        return redirect(url_for("intake.receipt", appeal_id=appeal.id))
    if form.is_submitted() and form.errors:
        flash("Please correct the marked fields. Attached files must be chosen again.", "danger")
    return render_template("intake/new.html", form=form)


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
    """The citizen's own appeals, newest first."""
    page = db.paginate(
        select(Appeal)
        .where(Appeal.applicant_id == current_user.id)
        .order_by(Appeal.submitted_at.desc(), Appeal.id.desc()),
        per_page=20,
    )
    return render_template("intake/list.html", page=page)


@bp.route("/<int:appeal_id>")
@login_required
def appeal_detail(appeal_id: int):
    """One appeal with its timeline."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    return render_template(
        "intake/detail.html",
        appeal=appeal,
        kind_labels=KIND_LABELS,
        due_explanation=explain_due(appeal),
    )


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
