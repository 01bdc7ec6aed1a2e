"""Forms of the officials' workspace and of the applicant's steps after an answer.

Every action form carries the appeal's version as the user saw it (optimistic locking) and a
prefix, so several forms share one page without clashing names or ids.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SearchField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from appeals.extensions import db
from appeals.intake.forms import KIND_LABELS, AppealForm, _tree_choices
from appeals.intake.models import AppealKind, AppealStatus, Decision, Satisfaction
from appeals.reference.models import Body, Category
from appeals.work.service import COMPLAINT_REASONS, LEAVE_GROUNDS, SEARCH_MAX, InboxFilters

# An answer is reasoned: a line or two cannot explain a decision and how to complain.
ANSWER_MIN_LENGTH = 100
ANSWER_MAX_LENGTH = 20_000
REASON_MAX_LENGTH = 2_000

DECISION_LABELS = {
    Decision.SATISFIED: "Satisfied",
    Decision.PARTLY_SATISFIED: "Partly satisfied",
    Decision.REFUSED: "Refused",
    Decision.EXPLAINED: "Explained",
}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "Satisfied",
    Satisfaction.PARTLY: "Partly satisfied",
    Satisfaction.NOT_SATISFIED: "Not satisfied",
}


class ActionForm(FlaskForm):
    """A step on one appeal: the version the user saw travels with it."""

    # No default from the appeal on a post: a missing version must refuse, not pass.
    version = HiddenField()

    def __init__(self, *args, appeal=None, **kwargs):
        if appeal is not None:  # a blank form on the page: the version the user sees now
            kwargs.setdefault("version", appeal.version)
            kwargs.setdefault("formdata", None)
        super().__init__(*args, **kwargs)

    @property
    def seen_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AssignForm(ActionForm):
    executor_id = SelectField("Executor", coerce=int, validate_choice=True)
    submit = SubmitField("Assign")

    def __init__(self, *args, executors=(), **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self.executor_id.choices = [(u.id, f"{u.full_name} ({u.role})") for u in executors]


class AnswerForm(ActionForm):
    decision = SelectField("Decision", choices=list(DECISION_LABELS.items()))
    text = TextAreaField(
        "Answer",
        validators=[
            DataRequired(),
            Length(
                min=ANSWER_MIN_LENGTH,
                max=ANSWER_MAX_LENGTH,
                message="A reasoned answer takes at least %(min)d characters "
                "(and at most %(max)d).",
            ),
        ],
        render_kw={"rows": 8},
        description=f"A reasoned answer of at least {ANSWER_MIN_LENGTH} characters.",
    )
    attachments = MultipleFileField("Attachments to the answer")
    submit = SubmitField("Send the answer")
    # The same checks as the applicant's attachments: limits, and content matching the name.
    validate_attachments = AppealForm.validate_attachments

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="answer", **kwargs)
        self.checked_files = []


class ExtensionRequestForm(ActionForm):
    until = DateField("Extend until", validators=[InputRequired()])
    reason = TextAreaField(
        "Reason for the extension",
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Ask the head for an extension")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extension", **kwargs)


class ExtensionApproveForm(ActionForm):
    submit = SubmitField("Approve the extension")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="approve", **kwargs)


class ExtensionRefuseForm(ActionForm):
    reason = TextAreaField(
        "Why the extension is refused",
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Refuse the extension")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="refuse", **kwargs)


class SuspendForm(ActionForm):
    reason = TextAreaField(
        "Reason for the suspension",
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Suspend")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="suspend", **kwargs)


class ResumeForm(ActionForm):
    submit = SubmitField("Resume")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="resume", **kwargs)


class ForwardForm(ActionForm):
    body_id = SelectField("Competent body", coerce=int, validate_choice=True)
    reason = TextAreaField(
        "Why it goes there",
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Forward")

    def __init__(self, *args, exclude_body_id: int | None = None, **kwargs):
        super().__init__(*args, prefix="forward", **kwargs)
        bodies = db.session.execute(
            select(Body).where(Body.is_active, Body.id != (exclude_body_id or 0))
        ).scalars()
        self.body_id.choices = sorted(((b.id, b.name) for b in bodies), key=lambda c: c[1])


class LeaveForm(ActionForm):
    ground = SelectField("Legal ground", choices=list(LEAVE_GROUNDS.items()))
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=REASON_MAX_LENGTH)])
    submit = SubmitField("Leave without consideration")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="leave", **kwargs)


# --- The applicant's steps ------------------------------------------------------------------


class RateForm(ActionForm):
    satisfaction = RadioField(
        "How satisfied are you with the answer?",
        choices=list(SATISFACTION_LABELS.items()),
        validators=[InputRequired(message="Choose one.")],
    )
    comment = TextAreaField(
        "Comment (optional)",
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Rate the answer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rate", **kwargs)


class WithdrawForm(ActionForm):
    reason = TextAreaField(
        "Why you withdraw it (optional)",
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Withdraw the appeal")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="withdraw", **kwargs)


class ComplaintForm(ActionForm):
    reason = SelectField("Why you complain", choices=list(COMPLAINT_REASONS.items()))
    text = TextAreaField(
        "Your complaint",
        validators=[DataRequired(), Length(min=20, max=10_000)],
        render_kw={"rows": 5},
    )
    submit = SubmitField("File the complaint")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="complaint", **kwargs)


# --- The inbox filters (a GET form: no CSRF, nothing changes) -------------------------------

STATUS_FILTERS = [("open", "Open"), ("all", "All")] + [
    (s.value, s.value.replace("_", " ").capitalize()) for s in AppealStatus
]


class InboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        "Number or words",
        validators=[Optional(), Length(max=SEARCH_MAX)],
        render_kw={"maxlength": SEARCH_MAX},
    )
    status = SelectField("Status", choices=STATUS_FILTERS, default="open")
    kind = SelectField("Kind", default="")
    category_id = SelectField("Category", default="")
    executor = SelectField("Executor", default="")
    overdue = BooleanField("Overdue")
    due_this_week = BooleanField("Due this week")

    def __init__(self, *args, executors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", "Any kind")] + [
            (k.value, KIND_LABELS[k].split(":")[0]) for k in AppealKind
        ]
        self.category_id.choices = [("", "Any category")] + [
            (str(i), name) for i, name in _tree_choices(Category)
        ]
        self.executor.choices = [("", "Anyone"), ("none", "Not assigned")] + [
            (str(u.id), u.full_name) for u in executors
        ]

    def filters(self) -> InboxFilters:
        """The filters to apply; a value that fails validation (a stale link, a hand-edited
        address) is ignored and the field shows its default, not an error."""
        self.validate()
        for field in self:
            if field.errors:
                field.data, field.errors = field.default, []

        return InboxFilters(
            status=self.status.data or "open",
            kind=self.kind.data or None,
            category_id=int(self.category_id.data) if self.category_id.data else None,
            executor=self.executor.data or None,
            overdue=bool(self.overdue.data),
            due_this_week=bool(self.due_this_week.data),
            search=self.q.data or None,
        )
