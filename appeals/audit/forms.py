"""The audit's forms: the verdict on an answer and the body's reply to an act."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from appeals.audit.labels import ACT_LABELS, VIOLATION_LABELS
from appeals.audit.models import ResponseAct
from appeals.cleantext import CleanForm


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AuditForm(CleanForm):
    """The verdict on an answer. The service checks the combination (violations when not
    lawful, no act when lawful) and its refusals are shown beside the field they concern."""

    verdict = RadioField(
        _l("Verdict"),
        choices=[("lawful", _l("The answer is lawful")), ("violations", _l("Violations found"))],
        validators=[DataRequired(message=_l("Choose a verdict."))],
    )
    violations = MultiCheckboxField(
        _l("Violations"), choices=[(str(v), label) for v, label in VIOLATION_LABELS.items()]
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)], render_kw={"rows": 4})
    act = RadioField(
        _l("Act of response"),
        choices=[(str(a), label) for a, label in ACT_LABELS.items()],
        default=str(ResponseAct.NONE),
    )
    reopen = BooleanField(
        _l("The act demands that the appeal be considered again (it is reopened at its body)")
    )
    submit = SubmitField(_l("Record the verdict"))


class ActReplyForm(CleanForm):
    """The body has answered the act of response."""

    submit = SubmitField(_l("The body has answered"))


class ActExtensionForm(CleanForm):
    """The body asked for more time to answer the act: its new due date."""

    until = DateField(
        _l("New due date"), validators=[DataRequired(message=_l("Enter the new due date."))]
    )
    submit = SubmitField(_l("Extend the act's term"))
