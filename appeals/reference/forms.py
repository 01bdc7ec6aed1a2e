"""Forms of the reference tables' admin pages: regions, bodies, categories, routing rules, the
rules' filters and the "test routing" box."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from appeals.cleantext import CleanForm
from appeals.extensions import db
from appeals.reference.labels import BODY_KIND_LABELS, REGION_LEVEL_LABELS
from appeals.reference.models import Body, Category, Region
from appeals.reference.seed_data import BODY_KINDS, REGION_LEVELS
from appeals.reference.service import (
    BodyFields,
    CategoryFields,
    RegionFields,
    RuleFields,
    tree_rows,
)

NONE_LABEL = _l("— none —")


def optional_id(value) -> int | None:
    """A select's value as an id; the empty choice is None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def tree_choices(model) -> list[tuple[int, str]]:
    """Rows as select choices, children indented under their parents; inactive ones marked."""
    choices = []
    for row in tree_rows(model):
        mark = "" if row.item.is_active else " " + _("(deactivated)")
        choices.append(
            (row.item.id, "\u2003" * row.depth + f"{row.item.name} ({row.item.code}){mark}")
        )
    return choices


def body_choices() -> list[tuple[int, str]]:
    """Every body, by name, inactive ones marked."""
    bodies = db.session.execute(select(Body).order_by(Body.name_en, Body.id)).scalars()
    deactivated = " " + _("(deactivated)")
    return [(b.id, f"{b.name} ({b.code}){'' if b.is_active else deactivated}") for b in bodies]


def _name_fields():
    return (
        StringField(
            _l("Name (Kazakh)"),
            description=_l("Optional: without it, Kazakh pages show the Russian name."),
            validators=[Optional(), Length(max=300)],
        ),
        StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=300)]),
        StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=300)]),
    )


class RegionForm(CleanForm):
    code = StringField(
        _l("KATO code"),
        description=_l("9 digits; a district shares the first digits of its region."),
        validators=[DataRequired(), Length(max=12)],
    )
    name_kk, name_ru, name_en = _name_fields()
    level = SelectField(
        _l("Level"), choices=[(level, REGION_LEVEL_LABELS[level]) for level in REGION_LEVELS]
    )
    parent_id = SelectField(_l("Belongs to"), coerce=optional_id)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [("", NONE_LABEL), *tree_choices(Region)]

    def fields(self) -> RegionFields:
        """The form's values for the service."""
        return RegionFields(
            self.code.data, self.name_ru.data, self.name_en.data, self.level.data,
            self.parent_id.data, self.name_kk.data or "",
        )  # fmt: skip


class BodyForm(CleanForm):
    code = StringField(
        _l("Code"),
        description=_l("E.g. health-71."),
        validators=[DataRequired(), Length(max=60)],
    )
    name_kk, name_ru, name_en = _name_fields()
    kind = SelectField(_l("Kind"), choices=[(kind, BODY_KIND_LABELS[kind]) for kind in BODY_KINDS])
    region_id = SelectField(
        _l("Region"), description=_l("None: a national body."), coerce=optional_id
    )
    parent_id = SelectField(_l("Superior body"), coerce=optional_id)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_id.choices = [("", NONE_LABEL), *tree_choices(Region)]
        self.parent_id.choices = [("", NONE_LABEL), *tree_choices(Body)]

    def fields(self) -> BodyFields:
        """The form's values for the service."""
        return BodyFields(
            self.code.data, self.name_ru.data, self.name_en.data, self.kind.data,
            self.region_id.data, self.parent_id.data, self.name_kk.data or "",
        )  # fmt: skip


class CategoryForm(CleanForm):
    code = StringField(
        _l("Code"),
        description=_l("E.g. healthcare.medicines for a child of healthcare."),
        validators=[DataRequired(), Length(max=60)],
    )
    name_kk, name_ru, name_en = _name_fields()
    parent_id = SelectField(_l("Parent category"), coerce=optional_id)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = [("", NONE_LABEL), *tree_choices(Category)]

    def fields(self) -> CategoryFields:
        """The form's values for the service."""
        return CategoryFields(
            self.code.data, self.name_ru.data, self.name_en.data, self.parent_id.data,
            self.name_kk.data or "",
        )  # fmt: skip


class RuleForm(CleanForm):
    category_id = SelectField(_l("Category"), coerce=optional_id, validators=[InputRequired()])
    region_id = SelectField(
        _l("Region"),
        description=_l("None: a national rule, the fallback everywhere."),
        coerce=optional_id,
    )
    body_id = SelectField(_l("Competent body"), coerce=optional_id, validators=[InputRequired()])
    priority = IntegerField(
        _l("Priority"),
        default=100,
        description=_l("Lower wins between rules equally specific for an appeal."),
        validators=[InputRequired(), NumberRange(min=0, max=10_000)],
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = tree_choices(Category)
        self.region_id.choices = [("", _("— none: a national rule —")), *tree_choices(Region)]
        self.body_id.choices = body_choices()

    def fields(self) -> RuleFields:
        """The form's values for the service."""
        return RuleFields(
            self.category_id.data, self.region_id.data, self.body_id.data, self.priority.data
        )


class RuleFilterForm(CleanForm):
    """The filters above the list of rules (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    category_id = SelectField(_l("Category"), coerce=optional_id)
    region_id = SelectField(_l("Region"), coerce=optional_id)
    body_id = SelectField(_l("Body"), coerce=optional_id)
    state = SelectField(
        _l("State"),
        choices=[
            ("", _l("all")),
            ("active", _lp("reference", "active")),
            ("inactive", _lp("reference", "deactivated")),
        ],
        default="",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [("", _("all")), *tree_choices(Category)]
        self.region_id.choices = [("", _("all")), *tree_choices(Region)]
        self.body_id.choices = [("", _("all")), *body_choices()]


class TrialForm(CleanForm):
    """The "test routing" box (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    category_id = SelectField(_l("Category"), coerce=optional_id, validators=[InputRequired()])
    region_id = SelectField(_l("Region"), coerce=optional_id, validators=[InputRequired()])
    submit = SubmitField(_l("Test routing"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = tree_choices(Category)
        self.region_id.choices = tree_choices(Region)
