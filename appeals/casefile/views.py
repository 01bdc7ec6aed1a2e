"""Downloads of the case file: whoever may read the appeal (intake/access.py) may take it."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, send_file
from flask_login import current_user, login_required

from appeals.casefile.service import case_file_name, case_file_pdf, documents_zip
from appeals.extensions import limiter
from appeals.intake.access import readable_appeal_or_404

bp = Blueprint("casefile", __name__, url_prefix="/appeals")

# Building a PDF costs the server a second or so: bounded per address, like the public forms.
CASE_FILE_LIMIT = "20 per minute"


def _download(data: bytes, mimetype: str, name: str):
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"  # personal data: never cached
    return response


@bp.route("/<int:appeal_id>/case.pdf")
@login_required
@limiter.limit(CASE_FILE_LIMIT)
def case_pdf(appeal_id: int):
    appeal = readable_appeal_or_404(appeal_id, current_user)
    return _download(case_file_pdf(appeal), "application/pdf", case_file_name(appeal, "pdf"))


@bp.route("/<int:appeal_id>/documents.zip")
@login_required
@limiter.limit(CASE_FILE_LIMIT)
def documents(appeal_id: int):
    appeal = readable_appeal_or_404(appeal_id, current_user)
    return _download(documents_zip(appeal), "application/zip", case_file_name(appeal, "zip"))
