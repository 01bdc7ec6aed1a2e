"""Forms of the admin's area."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from appeals.deadlines.calendar import DayKind
from appeals.deadlines.calendar_admin import DAY_KIND_LABELS, PolicyFigures

UNIT_CHOICES = [("working", "working days"), ("calendar", "calendar days")]


class PolicyForm(FlaskForm):
    term = IntegerField("Term", validators=[InputRequired(), NumberRange(min=1, max=365)])
    unit = SelectField("Unit of the term", choices=UNIT_CHOICES)
    extensions_allowed = IntegerField(
        "Extensions allowed", validators=[InputRequired(), NumberRange(min=0, max=10)]
    )
    extension_max = IntegerField(
        "Extension at most",
        description="0: no cap of its own, only the cap on the whole term.",
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    extension_unit = SelectField("Unit of the extension", choices=UNIT_CHOICES)
    total_cap_months = IntegerField(
        "Whole term at most (months from receipt)",
        description="Empty: no cap.",
        validators=[Optional(), NumberRange(min=1, max=36)],
    )
    forward_within = IntegerField(
        "Forward a misdirected appeal within (working days)",
        validators=[InputRequired(), NumberRange(min=1, max=60)],
    )
    suspension_allowed = BooleanField("Suspension allowed")
    effective_from = DateField("In effect from", validators=[InputRequired()])
    source = StringField(
        "Legal source", validators=[DataRequired(), Length(max=300)], render_kw={"maxlength": 300}
    )
    submit = SubmitField("Save")

    def figures(self) -> PolicyFigures:
        """The form's values for the service."""
        return PolicyFigures(
            term=self.term.data,
            unit=self.unit.data,
            extensions_allowed=self.extensions_allowed.data,
            extension_max=self.extension_max.data,
            extension_unit=self.extension_unit.data,
            total_cap_months=self.total_cap_months.data,
            forward_within=self.forward_within.data,
            suspension_allowed=bool(self.suspension_allowed.data),
            effective_from=self.effective_from.data,
            source=self.source.data.strip(),
        )


class CalendarDayForm(FlaskForm):
    day = DateField("Date", validators=[InputRequired()])
    kind = SelectField("Kind", choices=[(kind.value, DAY_KIND_LABELS[kind]) for kind in DayKind])
    name = StringField(
        "Name",
        description='E.g. "Day off moved from Saturday 3 January (Government decree No. ...)".',
        validators=[DataRequired(), Length(max=200)],
        render_kw={"maxlength": 200},
    )
    submit = SubmitField("Add the day")
