"""The applicant's API: submit an appeal (with attachments), list one's own appeals, read one
with its timeline, rate the answer, withdraw, complain. The same services as the pages."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from appeals.api.core import (
    APPEAL,
    ETAG_HEADER,
    IF_MATCH,
    ApiBlueprint,
    PageArgs,
    api_abort,
    api_user,
    etag_of,
    link_header,
    page_schema,
    paginated,
    take_step,
    token_blueprint,
)
from appeals.api.schemas import (
    AppealSchema,
    AppealSummarySchema,
    ComplaintSchema,
    NewAppealSchema,
    RateSchema,
    ReceiptSchema,
    WithdrawSchema,
)
from appeals.extensions import db
from appeals.intake import applicant
from appeals.intake.access import readable_appeal_or_404
from appeals.intake.attachments import AttachmentRejected, check_uploads, stored_path
from appeals.intake.models import Appeal, AppealKind, Attachment, Satisfaction
from appeals.intake.service import IntakeRefused, NewAppeal, submit_appeal
from appeals.reference.models import Category, Region

bp = ApiBlueprint(
    "api_citizens",
    __name__,
    url_prefix="/api/v1/appeals",
    description="The applicant's appeals: submit, list, read with the timeline, rate, "
    "withdraw, complain. Another person's appeal is 404.",
)
token_blueprint(bp)
bp.after_request(link_header)

AppealPage = page_schema(AppealSummarySchema, "AppealPage")


def _checked_place(new: dict) -> None:
    """The category and the region must be active ones the form offers (the country itself is
    not a place an appeal comes from): else 422 on the field."""
    category = db.session.get(Category, new["category_id"])
    if category is None or not category.is_active:
        api_abort(422, fields_at_fault={"category_id": [_("Not a valid choice.")]})
    region = db.session.get(Region, new["region_id"])
    if region is None or not region.is_active or region.parent_id is None:
        api_abort(422, fields_at_fault={"region_id": [_("Not a valid choice.")]})


@bp.route("")
class Appeals(MethodView):
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, AppealPage)
    def get(self, args):
        """The caller's own appeals, newest first."""
        query = (
            select(Appeal)
            .where(Appeal.applicant_id == api_user().id)
            .order_by(Appeal.submitted_at.desc(), Appeal.id.desc())
        )
        return paginated(query, args["page"], args["per_page"], "api_citizens.Appeals")

    @bp.arguments(NewAppealSchema, location="multipart")
    @bp.response(201, ReceiptSchema)
    def post(self, new):
        """Submit an appeal: registered, numbered and routed at once. Files go as the repeated
        `attachments` part of a multipart/form-data body (or send JSON without files). The
        access code is shown in this answer only. Citizens' tokens only (403 otherwise)."""
        if not api_user().is_citizen:
            api_abort(403, _("Appeals are filed from a citizen's account."))
        _checked_place(new)
        if bool(new["repeats_id"]) != bool(new["repeat_reason"]):
            api_abort(
                422,
                fields_at_fault={
                    "repeat_reason": [_("A repeat names the earlier appeal and the reason.")]
                },
            )
        config = current_app.config
        try:
            files = check_uploads(
                new["attachments"], config["MAX_ATTACHMENTS"], config["MAX_ATTACHMENT_BYTES"]
            )
        except AttachmentRejected as rejected:
            api_abort(422, fields_at_fault={"attachments": [str(rejected)]})
        try:
            appeal, access_code = submit_appeal(
                api_user(),
                NewAppeal(
                    kind=AppealKind(new["kind"]),
                    category_id=new["category_id"],
                    region_id=new["region_id"],
                    subject=new["subject"],
                    text=new["text"],
                    files=files,
                    repeats_id=new["repeats_id"] or None,
                    repeat_reason=new["repeat_reason"] or None,
                    language=new["language"],
                ),
            )
        except IntakeRefused as refused:
            db.session.rollback()
            api_abort(422, fields_at_fault={"repeats_id": [str(refused)]})
        db.session.commit()
        return {"appeal": appeal, "access_code": access_code}


@bp.route(f"/{APPEAL}")
@bp.response(200, AppealSchema, headers=ETAG_HEADER)
def appeal(appeal_id: int):
    """One appeal with its answers and timeline. Its ETag goes back in If-Match with a step."""
    found = readable_appeal_or_404(appeal_id, api_user())
    return found, 200, {"ETag": etag_of(found)}


@bp.route(f"/{APPEAL}/rate", methods=["POST"])
@bp.arguments(RateSchema)
@bp.response(200, AppealSchema, headers=ETAG_HEADER)
@bp.doc(parameters=[IF_MATCH])
def rate(args, appeal_id: int):
    """Rate the answer; the appeal is closed."""
    found = readable_appeal_or_404(appeal_id, api_user())
    take_step(
        found,
        lambda: applicant.rate_answer(
            found, Satisfaction(args["satisfaction"]), args["comment"], api_user()
        ),
    )
    return found, 200, {"ETag": etag_of(found)}


@bp.route(f"/{APPEAL}/withdraw", methods=["POST"])
@bp.arguments(WithdrawSchema)
@bp.response(200, AppealSchema, headers=ETAG_HEADER)
@bp.doc(parameters=[IF_MATCH])
def withdraw(args, appeal_id: int):
    """Withdraw an open appeal."""
    found = readable_appeal_or_404(appeal_id, api_user())
    take_step(found, lambda: applicant.withdraw_appeal(found, api_user(), args["reason"]))
    return found, 200, {"ETag": etag_of(found)}


@bp.route(f"/{APPEAL}/complaint", methods=["POST"])
@bp.arguments(ComplaintSchema)
@bp.response(201, ReceiptSchema)
@bp.doc(parameters=[IF_MATCH])
def complain(args, appeal_id: int):
    """Complain about the answer (or about no answer in time): a new appeal to the superior
    body, returned with its access code (shown this once)."""
    found = readable_appeal_or_404(appeal_id, api_user())
    complaint, access_code = take_step(
        found, lambda: applicant.file_complaint(found, args["reason"], args["text"], api_user())
    )
    return {"appeal": complaint, "access_code": access_code}


FILE_RESPONSE = {
    "200": {
        "description": "The file, as a download",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@bp.route(f"/{APPEAL}/attachments/<int(max=2147483647):attachment_id>")
@bp.doc(responses=FILE_RESPONSE)
def attachment(appeal_id: int, attachment_id: int):
    """Download an attachment of an appeal (or of its answer) the caller may read."""
    found = readable_appeal_or_404(appeal_id, api_user())
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.appeal_id != found.id:
        api_abort(404)
    path = stored_path(Path(current_app.config["UPLOAD_DIR"]), item.storage_key)
    response = send_file(
        path, mimetype="application/octet-stream", as_attachment=True, download_name=item.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
