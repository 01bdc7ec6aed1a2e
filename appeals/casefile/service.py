"""Build the case file of one appeal: the PDF in the appeal's language and the documents' ZIP."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import CSS, HTML

from appeals.extensions import db
from appeals.intake.attachments import stored_path
from appeals.intake.labels import DECISION_LABELS, KIND_LABELS
from appeals.intake.models import Appeal, Attachment
from appeals.language import LANGUAGES

_STYLESHEET = Path(__file__).with_name("case.css")


def _no_fetching(url: str, *args, **kwargs):
    """The PDF is built from the database alone: nothing in an appeal may make the server
    fetch a URL or read a file."""
    raise ValueError(f"the case file fetches nothing ({url[:40]})")


def case_language(appeal: Appeal) -> str:
    """The language the case file is written in: the appeal's, or the site's default."""
    if appeal.language in LANGUAGES:
        return appeal.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def case_file_pdf(appeal: Appeal) -> bytes:
    """The case as one PDF, its fixed text in the appeal's language."""
    with force_locale(case_language(appeal)):
        page = render_template(
            "casefile/case.html",
            appeal=appeal,
            documents=documents_of(appeal),
            kind_labels=KIND_LABELS,
            decision_labels=DECISION_LABELS,
        )
    html = HTML(string=page, url_fetcher=_no_fetching, base_url=None)
    return html.write_pdf(stylesheets=[CSS(filename=str(_STYLESHEET))])


def documents_of(appeal: Appeal) -> list[Attachment]:
    """Every document of the case in the order it arrived: the applicant's and the answers'."""
    return list(
        db.session.scalars(
            db.select(Attachment).where(Attachment.appeal_id == appeal.id).order_by(Attachment.id)
        )
    )


def documents_zip(appeal: Appeal) -> bytes:
    """The case's documents in one ZIP, each under a numbered name (two files may share a
    name), stored as uploaded."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for position, item in enumerate(documents_of(appeal), start=1):
            archive.write(stored_path(upload_dir, item.storage_key), document_name(position, item))
    return buffer.getvalue()


def document_name(position: int, item: Attachment) -> str:
    """A document's name in the ZIP and in the PDF's list: its place and its own name."""
    return f"{position:02d}-{item.filename}"


def case_file_name(appeal: Appeal, suffix: str) -> str:
    return f"case-{appeal.number}.{suffix}"
