"""The forms of the defects path (APPK art. 64(6)): the body names the missing requisites and
the date to fix them by; the applicant fixes them with a clarification and/or documents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    MultipleFileField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, Optional

from appeals.intake.forms import REASON_MAX_LENGTH, ActionForm, SupplementForm
from appeals.work.defect_rules import DEFECT_LABELS


class DefectsForm(ActionForm):
    """The body's request: which requisites are missing, by when, and a note."""

    defects = SelectMultipleField(
        _l("Missing requisites"),
        choices=list(DEFECT_LABELS.items()),
        validators=[InputRequired(message=_l("Choose at least one."))],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )
    fix_by = DateField(_l("Fix by"), validators=[InputRequired()])
    note = TextAreaField(
        _l("What exactly to fix (optional)"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Ask the applicant to fix the defects"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="defects", **kwargs)


class DefectFixForm(ActionForm):
    """The applicant's fix: the same fields and file checks as a supplement."""

    text = TextAreaField(
        _l("Clarification: the missing details"),
        validators=[Optional(), Length(max=10_000)],
        render_kw={"rows": 3},
    )
    attachments = MultipleFileField(_l("Documents"))
    submit = SubmitField(_l("Send the fix"))
    validate_attachments = SupplementForm.validate_attachments

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="fix", **kwargs)
        self.checked_files: list = []
