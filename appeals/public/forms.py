"""The public status check and the language switch."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from appeals.cleantext import CleanForm
from appeals.language import LANGUAGES


class StatusCheckForm(CleanForm):
    number = StringField(_l("Registration number"), validators=[DataRequired(), Length(max=30)])
    access_code = StringField(_l("Access code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Check the status"))


class LanguageForm(CleanForm):
    """The navbar's switch: the language chosen and the page to go back to."""

    language = SelectField(choices=list(LANGUAGES.items()))
    next = HiddenField()
