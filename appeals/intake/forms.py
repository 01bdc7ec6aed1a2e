"""The appeal form."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import MultipleFileField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from appeals.extensions import db
from appeals.intake.attachments import AttachmentRejected, CheckedFile, check_file, size_text
from appeals.intake.models import AppealKind
from appeals.reference.models import Category, Region

KIND_LABELS = {
    AppealKind.STATEMENT: "Statement: ask for your rights to be realised",
    AppealKind.REPORT: "Report: tell about a violation or a problem",
    AppealKind.PROPOSAL: "Proposal: suggest an improvement",
    AppealKind.FEEDBACK: "Feedback: respond to a draft or a decision",
    AppealKind.REQUEST: "Request for information",
    AppealKind.COMPLAINT: "Complaint about an act or an action of a body",
}


def _tree_choices(model) -> list[tuple[int, str]]:
    """Active rows as choices, children indented under their parents."""
    rows = db.session.execute(select(model).where(model.is_active)).scalars().all()
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(children.get(parent_id, []), key=lambda r: r.name):
            choices.append((row.id, "\u2003" * depth + row.name))
            walk(row.id, depth + 1)

    walk(None, 0)
    return choices


class AppealForm(FlaskForm):
    kind = SelectField("Kind of appeal", choices=list(KIND_LABELS.items()))
    category_id = SelectField("What it is about", coerce=int, validate_choice=True)
    region_id = SelectField("Where", coerce=int, validate_choice=True)
    subject = StringField("Subject", validators=[DataRequired()])
    text = TextAreaField("Your appeal", validators=[DataRequired()], render_kw={"rows": 10})
    attachments = MultipleFileField("Attachments")
    submit = SubmitField("Submit the appeal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.subject.validators.append(Length(min=5, max=config["APPEAL_SUBJECT_MAX"]))
        self.text.validators.append(Length(min=20, max=config["APPEAL_TEXT_MAX"]))
        self.category_id.choices = _tree_choices(Category)
        # The country itself is not a place an appeal comes from.
        self.region_id.choices = [(i, n) for i, n in _tree_choices(Region)][1:]
        # The hint tells the limits in force, not the defaults.
        self.attachments.description = (
            f"Up to {config['MAX_ATTACHMENTS']} files: PDF, JPG, PNG, DOCX, ODT or TXT, "
            f"{size_text(config['MAX_ATTACHMENT_BYTES'])} each."
        )
        self.checked_files: list[CheckedFile] = []

    def validate_attachments(self, field):
        files = [f for f in (field.data or []) if f and f.filename]
        limit = current_app.config["MAX_ATTACHMENTS"]
        if len(files) > limit:
            raise ValidationError(f"At most {limit} files can be attached.")
        max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
        checked, errors = [], []
        for upload in files:
            content = upload.read(max_bytes + 1)
            try:
                checked.append(check_file(upload.filename, content, max_bytes))
            except AttachmentRejected as rejected:
                errors.append(str(rejected))
        if errors:
            raise ValidationError(" ".join(errors))
        self.checked_files = checked
