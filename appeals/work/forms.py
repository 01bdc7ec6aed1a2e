"""Forms of the officials' workspace and of the applicant's steps after an answer.

Every action form carries the appeal's version as the user saw it (optimistic locking) and a
prefix, so several forms share one page without clashing names or ids.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    SearchField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from appeals.cleantext import CleanForm
from appeals.intake.forms import (
    REASON_MAX_LENGTH,
    ActionForm,
    AppealForm,
    choose_first,
    file_checks,
    optional_int,
)
from appeals.intake.labels import (
    DECISION_LABELS,
    KIND_LABELS,
    LEAVE_GROUNDS,
    STATUS_LABELS,
)
from appeals.intake.models import Appeal, AppealKind, AppealStatus
from appeals.reference.choices import tree_choices
from appeals.reference.models import Category
from appeals.work.defects import leave_ground_refusal
from appeals.work.inbox import SEARCH_MAX, InboxFilters
from appeals.work.terms import forward_choices

# An answer is reasoned: a line or two cannot explain a decision and how to complain.
ANSWER_MIN_LENGTH = 100
ANSWER_MAX_LENGTH = 20_000


class AssignForm(ActionForm):
    executor_id = SelectField(_l("Executor"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Assign"))

    def __init__(self, *args, executors=(), **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self.executor_id.choices = [(u.id, f"{u.full_name} ({u.role})") for u in executors]


class AnswerForm(ActionForm):
    decision = SelectField(_l("Decision"), choices=list(DECISION_LABELS.items()))
    text = TextAreaField(
        _l("Answer"),
        validators=[
            DataRequired(),
            Length(
                min=ANSWER_MIN_LENGTH,
                max=ANSWER_MAX_LENGTH,
                message=_l(
                    "A reasoned answer takes at least %(min)d characters (and at most %(max)d)."
                ),
            ),
        ],
        render_kw={"rows": 8},
        description=_l("A reasoned answer of at least %(min)s characters.", min=ANSWER_MIN_LENGTH),
    )
    attachments = MultipleFileField(_l("Attachments to the answer"))
    submit = SubmitField(_l("Send the answer"))
    # The same checks as the applicant's attachments: limits, and content matching the name.
    validate_attachments = AppealForm.validate_attachments

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="answer", **kwargs)
        self.attachments.render_kw = file_checks()
        self.checked_files = []


class ExtensionRequestForm(ActionForm):
    until = DateField(_l("Extend until"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason for the extension"),
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Ask the head for an extension"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="extension", **kwargs)


class ExtensionApproveForm(ActionForm):
    submit = SubmitField(_l("Approve the extension"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="approve", **kwargs)


class ExtensionRefuseForm(ActionForm):
    reason = TextAreaField(
        _l("Why the extension is refused"),
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Refuse the extension"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="refuse", **kwargs)


class SuspendForm(ActionForm):
    reason = TextAreaField(
        _l("Reason for the suspension"),
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Suspend"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="suspend", **kwargs)


class ResumeForm(ActionForm):
    submit = SubmitField(_l("Resume"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="resume", **kwargs)


class ForwardForm(ActionForm):
    # No body preselected: forwarding to the first in the list by mistake moves the appeal away.
    body_id = SelectField(
        _l("Competent body"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose the body the appeal goes to."))],
    )
    reason = TextAreaField(
        _l("Why it goes there"),
        validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Forward"))

    def __init__(self, *args, forwarded: Appeal | None = None, search: str = "", **kwargs):
        super().__init__(*args, prefix="forward", **kwargs)
        posted = self.body_id.data if isinstance(self.body_id.data, int) else None
        offered = forward_choices(forwarded, search, including=posted) if forwarded else []
        self.body_id.choices = choose_first(offered)
        self.search = search


class LeaveForm(ActionForm):
    # No ground preselected: each closes the appeal, and not every one fits every appeal.
    ground = SelectField(
        _l("Legal ground"),
        validators=[DataRequired(message=_l("Choose the legal ground."))],
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=REASON_MAX_LENGTH)]
    )
    submit = SubmitField(_l("Leave without consideration"))

    def __init__(self, *args, closing=None, **kwargs):
        super().__init__(*args, prefix="leave", **kwargs)
        self.ground.choices = choose_first(list(LEAVE_GROUNDS.items()))
        self.closing = closing

    def validate_ground(self, field):
        # The service refuses it too (and the API); here the refusal stands beside the field.
        if self.closing is not None and (refusal := leave_ground_refusal(self.closing, field.data)):
            raise ValidationError(refusal)


# --- The applicant's steps ------------------------------------------------------------------


# --- The inbox filters (a GET form: no CSRF, nothing changes) -------------------------------


def status_filters() -> list[tuple[str, str]]:
    """Open, all, or one status, named in the request's language (hence built per form)."""
    return [("open", _l("Open")), ("all", _l("All"))] + [
        (s.value, str(STATUS_LABELS[s]).capitalize()) for s in AppealStatus
    ]


class InboxFilterForm(CleanForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Number or words"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
        render_kw={"maxlength": SEARCH_MAX},
    )
    status = SelectField(_l("Status"), default="open")
    kind = SelectField(_l("Kind"), default="")
    category_id = SelectField(_l("Category"), default="")
    executor = SelectField(_l("Executor"), default="")
    overdue = BooleanField(_l("Overdue"))
    due_this_week = BooleanField(_l("Due this week"))

    def __init__(self, *args, executors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_filters()
        self.kind.choices = [("", _l("Any kind"))] + [
            (k.value, KIND_LABELS[k].split(":")[0]) for k in AppealKind
        ]
        self.category_id.choices = [("", _l("Any category"))] + [
            (str(i), name) for i, name in tree_choices(Category)
        ]
        self.executor.choices = [("", _l("Anyone")), ("none", _l("Not assigned"))] + [
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


CHOOSE_MEMBERS = _l("Choose the appeals to answer together with this one.")


class GroupForm(ActionForm):
    """The head groups look-alike appeals under this one, to answer them together."""

    members = SelectMultipleField(
        _l("Answer together with this appeal"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[
            DataRequired(message=_l("Choose the appeals to answer together with this one."))
        ],
    )
    submit = SubmitField(_l("Group them"))

    def __init__(self, *args, look_alikes=(), **kwargs):
        super().__init__(*args, prefix="group", **kwargs)
        self.members.choices = [
            (item.appeal.id, f"{item.appeal.number}: {item.appeal.subject}") for item in look_alikes
        ]
