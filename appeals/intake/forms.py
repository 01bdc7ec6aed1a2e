"""The appeal form."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from appeals.cleantext import CleanForm
from appeals.intake.attachments import (
    AttachmentRejected,
    CheckedFile,
    browser_checks,
    check_uploads,
    size_text,
)
from appeals.intake.labels import (
    COMPLAINT_REASONS,
    KIND_LABELS,
    REPEAT_REASONS,
    SATISFACTION_LABELS,
)
from appeals.intake.service import own_appeal_by_number, own_earlier_appeals
from appeals.language import LANGUAGES, chosen_language
from appeals.reference.choices import tree_choices
from appeals.reference.models import Category, Region


def optional_int(value) -> int | None:
    """A select's value as an id; the empty "Choose…" option is None (then DataRequired)."""
    if value in (None, ""):
        return None
    return int(value)


def choose_first(choices: list) -> list:
    """Choices headed by an empty "Choose…" option: nothing is chosen for the user."""
    return [("", _("Choose…")), *choices]


def file_checks() -> dict[str, str]:
    """What a file input of these forms tells the browser to check before sending."""
    config = current_app.config
    return browser_checks(config["MAX_ATTACHMENTS"], config["MAX_ATTACHMENT_BYTES"])


class _AppealFields(CleanForm):
    """What every appeal states: kind, matter, place, text and files."""

    kind = SelectField(_l("Kind of appeal"), choices=list(KIND_LABELS.items()))
    # Nothing preselected: the suggestion fills the category, the citizen picks the place.
    category_id = SelectField(
        _l("What it is about"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose what the appeal is about."))],
    )
    region_id = SelectField(
        _l("Where"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose the region."))],
    )
    subject = StringField(_l("Subject"), validators=[DataRequired()])
    text = TextAreaField(_l("Your appeal"), validators=[DataRequired()], render_kw={"rows": 10})
    attachments = MultipleFileField(_l("Attachments"))
    language = SelectField(
        _l("Language of the appeal"),
        validate_choice=True,
        description=_l("The body's notices and the answer's fixed parts come in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.language.choices = list(LANGUAGES.items())
        if not self.language.data:  # a new form: the interface language
            self.language.data = chosen_language()
        # Lists of this form's own: the class's list is shared by every form built.
        self.subject.validators = [
            *self.subject.validators,
            Length(min=5, max=config["APPEAL_SUBJECT_MAX"]),
        ]
        self.text.validators = [
            *self.text.validators,
            Length(min=20, max=config["APPEAL_TEXT_MAX"]),
        ]
        self.category_id.choices = choose_first(tree_choices(Category))
        # The country itself is not a place an appeal comes from.
        self.region_id.choices = choose_first(tree_choices(Region)[1:])
        # The hint tells the limits in force, not the defaults.
        self.attachments.description = _(
            "Up to %(count)s files: PDF, JPG, PNG, DOCX, ODT or TXT, %(size)s each.",
            count=config["MAX_ATTACHMENTS"],
            size=size_text(config["MAX_ATTACHMENT_BYTES"]),
        )
        self.attachments.render_kw = file_checks()
        self.checked_files: list[CheckedFile] = []

    def validate_attachments(self, field):
        config = current_app.config
        try:
            self.checked_files = check_uploads(
                field.data or [], config["MAX_ATTACHMENTS"], config["MAX_ATTACHMENT_BYTES"]
            )
        except AttachmentRejected as rejected:
            raise ValidationError(str(rejected)) from rejected


NOT_A_REPEAT = 0


class AppealForm(_AppealFields):
    """The signed-in applicant's form: the applicant is known, so no anonymity here; a repeat
    links one of their own earlier appeals: one of the latest, listed, or any by its number."""

    repeats_id = SelectField(
        _l("Is this a repeat of one of your earlier appeals?"),
        coerce=int,
        validate_choice=False,  # validate_repeats_id: only a posted repeat reads the choices
        default=NOT_A_REPEAT,
        description=_l("Choose it if you come back with the same matter."),
    )
    repeats_number = StringField(
        _l("Or the number of an older appeal of yours"),
        validators=[Optional(), Length(max=40)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l("Only your latest appeals are listed above; type an older one's number."),
    )
    repeat_reason = SelectField(
        _l("Why you come back with it"),
        choices=[("", "—"), *REPEAT_REASONS.items()],
        validate_choice=True,
        default="",
    )
    submit = SubmitField(_l("Submit the appeal"))

    def __init__(self, *args, applicant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applicant = applicant
        # Read when the form is shown or a repeat is posted: most posts are no repeat.
        self.repeats_id.choices = self._repeat_choices

    def _repeat_choices(self) -> list[tuple[int, str]]:
        """Only the applicant's own appeals: the latest few, and the one posted (however old)
        when it is the applicant's."""
        posted = self.repeats_id.data if isinstance(self.repeats_id.data, int) else None
        own = own_earlier_appeals(self.applicant, including=posted) if self.applicant else []
        return [(NOT_A_REPEAT, _("No, a new matter"))] + [
            (appeal_id, f"{number}: {subject}") for appeal_id, number, subject in own
        ]

    def validate_repeats_id(self, field):
        # Another's appeal is no choice of the applicant's (None: not a number, told already).
        if field.data not in (NOT_A_REPEAT, None) and field.data not in dict(field.choices):
            raise ValidationError(field.gettext("Not a valid choice."))

    def validate_repeats_number(self, field):
        if not field.data:
            return
        found = own_appeal_by_number(self.applicant, field.data) if self.applicant else None
        if found is None:
            raise ValidationError(_("You have no appeal with this number."))
        appeal_id, number, subject = found
        if self.repeats_id.data and self.repeats_id.data != appeal_id:
            raise ValidationError(_("Choose the earlier appeal in the list or type its number."))
        self.repeats_id.data = appeal_id
        if appeal_id not in {choice[0] for choice in self.repeats_id.choices}:
            self.repeats_id.choices.append((appeal_id, f"{number}: {subject}"))

    def validate_repeat_reason(self, field):
        if self.repeats_id.data and not field.data:
            raise ValidationError(_("Say why you come back with the same matter."))
        if field.data and not self.repeats_id.data:
            raise ValidationError(_("A reason goes with the earlier appeal this one repeats."))


class AnonymousAppealForm(_AppealFields):
    """The form for anyone, without an account: no name is asked, an e-mail is optional."""

    contact_email = EmailField(
        _l("E-mail for the answer (optional)"),
        validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
        description=_l(
            "Only to tell you what happens to the appeal; leave it empty to stay unknown."
        ),
    )
    submit = SubmitField(_l("Submit anonymously"))


# The longest reason a step takes (an extension, a withdrawal, a rating's comment).
REASON_MAX_LENGTH = 2_000


class ActionForm(CleanForm):
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


class RateForm(ActionForm):
    satisfaction = RadioField(
        _l("How satisfied are you with the answer?"),
        choices=list(SATISFACTION_LABELS.items()),
        validators=[InputRequired(message=_l("Choose one."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Rate the answer"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="rate", **kwargs)


class WithdrawForm(ActionForm):
    reason = TextAreaField(
        _l("Why you withdraw it (optional)"),
        validators=[Optional(), Length(max=REASON_MAX_LENGTH)],
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("Withdraw the appeal"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="withdraw", **kwargs)


class SupplementForm(ActionForm):
    """The applicant adds documents or a clarification to their open appeal."""

    text = TextAreaField(
        _l("Clarification (optional)"),
        validators=[Optional(), Length(max=10_000)],
        render_kw={"rows": 3},
    )
    attachments = MultipleFileField(_l("Documents"))
    submit = SubmitField(_l("Add to the appeal"))
    # The same checks as the appeal's own attachments: limits, and content matching the name.
    validate_attachments = _AppealFields.validate_attachments

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="supplement", **kwargs)
        self.attachments.render_kw = file_checks()
        self.checked_files: list[CheckedFile] = []


class CosignForm(ActionForm):
    """The applicant names a co-signatory of their collective appeal."""

    name = StringField(_l("Co-signatory's name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Co-signatory's e-mail"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField(_l("Add the co-signatory"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cosign", **kwargs)


class ComplaintForm(ActionForm):
    reason = SelectField(_l("Why you complain"), choices=list(COMPLAINT_REASONS.items()))
    text = TextAreaField(
        _l("Your complaint"),
        validators=[DataRequired(), Length(min=20, max=10_000)],
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("File the complaint"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="complaint", **kwargs)
