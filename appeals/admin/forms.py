"""Forms of the admin's area."""

from __future__ import annotations

from dataclasses import fields

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from appeals.cleantext import CleanForm
from appeals.deadlines.calendar import DayKind
from appeals.deadlines.labels import DAY_KIND_LABELS
from appeals.deadlines.policy_versions import PolicyFigures

UNIT_CHOICES = [("working", _l("working days")), ("calendar", _l("calendar days"))]


class PolicyForm(CleanForm):
    """A policy version's figures: one field for each field of PolicyFigures (the rules'
    Terms, the date of effect and the legal source)."""

    term = IntegerField(_l("Term"), validators=[InputRequired(), NumberRange(min=1, max=365)])
    unit = SelectField(_l("Unit of the term"), choices=UNIT_CHOICES)
    extensions_allowed = IntegerField(
        _l("Extensions allowed"), validators=[InputRequired(), NumberRange(min=0, max=10)]
    )
    extension_max = IntegerField(
        _l("Extension at most"),
        description=_l("0: no cap of its own, only the cap on the whole term."),
        validators=[InputRequired(), NumberRange(min=0, max=365)],
    )
    extension_unit = SelectField(_l("Unit of the extension"), choices=UNIT_CHOICES)
    total_cap_months = IntegerField(
        _l("Whole term at most (months from receipt)"),
        description=_l("Empty: no cap."),
        validators=[Optional(), NumberRange(min=1, max=36)],
    )
    forward_within = IntegerField(
        _l("Forward a misdirected appeal within (working days)"),
        validators=[InputRequired(), NumberRange(min=1, max=60)],
    )
    suspension_allowed = BooleanField(_l("Suspension allowed"))
    first_day_is_receipt = BooleanField(
        _l("Day 1 is the day of receipt"),
        description=_l(
            "Unticked: day 1 is the working day after receipt. The APPK does not settle it; "
            "say which reading you follow in the legal source."
        ),
    )
    refusal_within = IntegerField(
        _l("Reasoned refusal within (working days from registration)"),
        description=_l("Empty: no refusal window of its own (access to information: 5)."),
        validators=[Optional(), NumberRange(min=1, max=60)],
    )
    defect_fix_max = IntegerField(
        _l("Defects fixed within at most (working days)"),
        description=_l("Empty: this kind has no defects path (APPK: statements, complaints)."),
        validators=[Optional(), NumberRange(min=1, max=60)],
    )
    effective_from = DateField(_l("In effect from"), validators=[InputRequired()])
    source = StringField(
        _l("Legal source"),
        validators=[DataRequired(), Length(max=300)],
        render_kw={"maxlength": 300},
    )
    submit = SubmitField(_l("Save"))

    def figures(self) -> PolicyFigures:
        """The form's values for the service."""
        values = {field.name: getattr(self, field.name).data for field in fields(PolicyFigures)}
        values["suspension_allowed"] = bool(values["suspension_allowed"])
        values["first_day_is_receipt"] = bool(values["first_day_is_receipt"])
        values["source"] = values["source"].strip()
        return PolicyFigures(**values)


class CalendarDayForm(CleanForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(
        _l("Kind"), choices=[(kind.value, DAY_KIND_LABELS[kind]) for kind in DayKind]
    )
    name = StringField(
        _l("Name"),
        description=_l('E.g. "Day off moved from Saturday 3 January (Government decree No. ...)".'),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"maxlength": 200},
    )
    submit = SubmitField(_l("Add the day"))
