"""The form that makes a personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from appeals.api.labels import SCOPE_LABELS
from appeals.api.tokens import LIFETIMES_DAYS
from appeals.cleantext import CleanForm


class TokenForm(CleanForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, e.g. the city's 311 app."),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        default=["read"],
        validators=[DataRequired(message=_l("Choose at least one scope."))],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    lifetime_days = SelectField(
        _l("Expires after"),
        coerce=int,
        default=90,
        choices=[(days, _l("%(days)s days", days=days)) for days in LIFETIMES_DAYS],
    )
    submit = SubmitField(_l("Make the token"))
