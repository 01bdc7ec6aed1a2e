"""The forms of the notices page: the mobile number, its code, and the choice of notices."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from appeals.accounts.phone_numbers import PhoneNumberRefused, kazakh_mobile
from appeals.cleantext import CleanForm
from appeals.notifications.preferences import OPTIONAL_APPLICANT_NOTICES


class PhoneForm(CleanForm):
    phone = StringField(
        _l("Mobile number"),
        validators=[DataRequired(), Length(max=30)],
        description=_l("A Kazakhstan mobile number, e.g. +7 701 123 45 67."),
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    submit = SubmitField(_l("Send a code"))

    def validate_phone(self, field):
        try:
            kazakh_mobile(field.data)
        except PhoneNumberRefused as refused:
            raise ValidationError(str(refused)) from None


class PhoneCodeForm(CleanForm):
    code = StringField(
        _l("Code from the SMS"),
        validators=[DataRequired(), Length(max=12)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
    submit = SubmitField(_l("Verify the number"))


class NoticeChoiceForm(CleanForm):
    email = BooleanField(_l("E-mail"))
    sms = BooleanField(_l("SMS"))
    optional = SelectMultipleField(
        _l("Optional notices"),
        choices=list(OPTIONAL_APPLICANT_NOTICES.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Save"))
