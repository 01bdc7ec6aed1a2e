"""Sign-up, sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from appeals.accounts.iin import iin_error
from appeals.accounts.rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, password_problem
from appeals.cleantext import CleanForm
from appeals.language import LANGUAGES

PASSWORD_HINT = _l(
    "At least %(n)s characters; not a common password, and without your e-mail or name.",
    n=PASSWORD_MIN_LENGTH,
)


def new_password_field(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        description=PASSWORD_HINT,
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class RegistrationForm(CleanForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    iin = StringField(
        _l("IIN (optional)"),
        validators=[Optional(), Length(max=12)],
        description=_l("12 digits, as on your ID card."),
        filters=[lambda value: value.strip() if value else value],
    )
    password = new_password_field(_l("Password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Create account"))

    def validate_iin(self, field):
        if field.data and (error := iin_error(field.data)):
            raise ValidationError(error)

    def validate_password(self, field):
        if problem := password_problem(
            field.data, email=self.email.data or "", full_name=self.full_name.data or ""
        ):
            raise ValidationError(problem)


class LoginForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class SecondFactorForm(CleanForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField(_l("Confirm"))


class ChangePasswordForm(CleanForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = new_password_field(_l("New password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Change the password"))

    def validate_password(self, field):
        if problem := password_problem(
            field.data, email=current_user.email, full_name=current_user.full_name
        ):
            raise ValidationError(problem)


class FirstPasswordForm(CleanForm):
    """The password set from a staff invitation's link (for `person`: their e-mail and name
    must not be in it)."""

    password = new_password_field(_l("Password"))
    confirm = confirm_field()
    submit = SubmitField(_l("Set the password"))

    def __init__(self, person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_password(self, field):
        if problem := password_problem(
            field.data, email=self.person.email, full_name=self.person.full_name
        ):
            raise ValidationError(problem)


class ForgotPasswordForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ChangeEmailForm(CleanForm):
    email = EmailField(_l("New e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change the e-mail"))


class CloseAccountForm(CleanForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    understood = BooleanField(
        _l("I understand: my personal data is erased and I cannot sign in again."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Close my account"))


class LanguageChoiceForm(CleanForm):
    """The profile's interface language: kept on the account, used from each sign-in on."""

    language = SelectField(
        _l("Interface language"),
        choices=[("", _l("My browser's language")), *LANGUAGES.items()],
    )
    submit = SubmitField(_l("Save the language"))
