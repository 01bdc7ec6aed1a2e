"""Forms of the admin's user pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from appeals.accounts.labels import ROLE_LABELS
from appeals.accounts.models import INVITED_ROLES
from appeals.cleantext import CleanForm
from appeals.extensions import db
from appeals.reference.models import Body


def body_choices() -> list[tuple[str, str]]:
    bodies = db.session.execute(
        select(Body).where(Body.is_active).order_by(Body.kind, Body.name_en)
    ).scalars()
    return [("", _l("— none (admins) —")), *((str(b.id), f"{b.name} ({b.code})") for b in bodies)]


def role_choices() -> list[tuple[str, str]]:
    return [(str(role), ROLE_LABELS[role]) for role in INVITED_ROLES]


class PlacementForm(CleanForm):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    body_id = SelectField(_l("Body or prosecutor's office"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.body_id.choices = body_choices()


class InviteForm(PlacementForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send the invitation"))


class CsvInviteForm(CleanForm):
    file = FileField(
        _l("CSV file"),
        description=_l("Columns: name, e-mail, role, body code (a header row is allowed)."),
    )
    confirm_valid = BooleanField(_l("Invite the valid rows and leave the rows with errors"))
    submit = SubmitField(_l("Check and invite"))


class UserFilterForm(CleanForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[Optional()])
    body = SelectField(_l("Body"), validators=[Optional()])
    state = SelectField(
        _l("State"),
        choices=[("", _l("any")), ("active", _l("active")), ("inactive", _l("deactivated"))],
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [
            ("", _l("any")),
            *((str(r), label) for r, label in ROLE_LABELS.items()),
        ]
        self.body.choices = [("", _l("any")), *body_choices()[1:]]


class LogFilterForm(CleanForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    kind = SelectField(_l("About"), validators=[Optional()])
    actor = StringField(_l("By (e-mail)"), validators=[Optional(), Length(max=254)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
