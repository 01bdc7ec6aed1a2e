"""The desk's filters: the period of the figures and the ranking's region, kind and order
(read-only GET forms)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import StopValidation, ValidationError

from appeals.cleantext import CleanForm
from appeals.reference.choices import body_kinds, tree_choices
from appeals.reference.labels import BODY_KIND_LABELS
from appeals.reference.models import Region
from appeals.scores.period import Period

PERIOD_KINDS = [
    ("month", _l("Month")),
    ("quarter", _l("Quarter")),
    ("year", _l("Year")),
    ("custom", _l("Custom range")),
]
# A custom range longer than this is a mistake more often than a question.
CUSTOM_RANGE_MAX_DAYS = 3 * 366
EARLIEST_YEAR = 2000


def parse_month(text: str) -> tuple[int, int] | None:
    """'2026-03' -> (2026, 3); None when it is not a month."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return None
    if not (EARLIEST_YEAR <= year <= 9999 and 1 <= month <= 12):
        return None
    return year, month


class PeriodForm(CleanForm):
    """Which period the figures cover. A GET form: it changes nothing, so it has no CSRF token."""

    class Meta:
        csrf = False

    period = SelectField(_l("Period"), choices=PERIOD_KINDS, default="month")
    month = StringField(_l("Month"), render_kw={"type": "month", "placeholder": "YYYY-MM"})
    quarter = SelectField(
        _l("Quarter"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)], coerce=int, default=1
    )
    year = IntegerField(_l("Year"))
    start = DateField(_l("From"))
    end = DateField(_l("To"))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    # Each period field is checked only when the chosen kind of period uses it: a stale value
    # in a field the period does not use is ignored, not an error.

    def _uses(self, field) -> bool:
        used = {
            "month": {"month"},
            "quarter": {"year", "quarter"},
            "year": {"year"},
            "custom": {"start", "end"},
        }.get(self.period.data, set())
        if field.name in used:
            return True
        field.errors.clear()  # e.g. "not a valid date" in a field the period does not use
        return False

    def validate_month(self, field):
        if not self._uses(field):
            raise StopValidation()
        if not (field.data or "").strip():
            raise ValidationError(_("Choose a month."))
        parsed = parse_month(field.data)
        if parsed is None:
            raise ValidationError(_("Write the month as YYYY-MM, e.g. 2026-03."))
        if date(*parsed, 1) > self.today:
            raise ValidationError(_("That month has not begun yet."))

    def validate_year(self, field):
        if not self._uses(field):
            raise StopValidation()
        if field.data is None and not "".join(field.raw_data or []).strip():
            field.errors.clear()
            raise ValidationError(_("Choose a year."))
        if field.errors:  # "Not a valid integer value." says it
            raise StopValidation()
        if not EARLIEST_YEAR <= field.data <= self.today.year:
            raise ValidationError(
                _(
                    "Choose a year from %(first)s to %(last)s.",
                    first=EARLIEST_YEAR,
                    last=self.today.year,
                )
            )

    def validate_quarter(self, field):
        if not self._uses(field) or field.errors:
            raise StopValidation()
        year = self.year.data
        if year is not None and EARLIEST_YEAR <= year <= self.today.year:
            if date(year, 3 * field.data - 2, 1) > self.today:
                raise ValidationError(_("That quarter has not begun yet."))

    def _day(self, field, missing: str) -> None:
        if not self._uses(field):
            raise StopValidation()
        if not "".join(field.raw_data or []).strip():
            field.errors.clear()
            raise ValidationError(missing)
        if field.errors:  # "Not a valid date value."
            raise StopValidation()

    def validate_start(self, field):
        self._day(field, _("Give the first day (a date)."))
        if field.data > self.today:
            raise ValidationError(_("The range cannot begin in the future."))
        if field.data.year < EARLIEST_YEAR:
            raise ValidationError(_("The range cannot begin before %(year)s.", year=EARLIEST_YEAR))

    def validate_end(self, field):
        self._day(field, _("Give the last day (a date)."))
        if self.start.data is not None:
            if field.data < self.start.data:
                raise ValidationError(_("The last day comes before the first."))
            if (field.data - self.start.data).days > CUSTOM_RANGE_MAX_DAYS:
                raise ValidationError(_("A custom range can be at most three years long."))

    @classmethod
    def from_args(cls, args, *, today: date, **kwargs):
        """The form over query arguments; missing ones default to the current month."""
        defaults = {
            "period": "month",
            "month": f"{today:%Y-%m}",
            "year": today.year,
            "quarter": (today.month - 1) // 3 + 1,
        }
        return cls(formdata=args or None, data=defaults, today=today, **kwargs)

    def query_args(self) -> dict[str, str]:
        """The period as query arguments for links that keep it (only the fields it uses)."""
        kind = self.period.data
        if kind == "month":
            return {"period": kind, "month": self.month.data.strip()}
        if kind == "quarter":
            return {"period": kind, "year": str(self.year.data), "quarter": str(self.quarter.data)}
        if kind == "year":
            return {"period": kind, "year": str(self.year.data)}
        return {
            "period": kind,
            "start": self.start.data.isoformat(),
            "end": self.end.data.isoformat(),
        }

    def to_period(self) -> Period:
        """The chosen period (call after a successful validate())."""
        kind = self.period.data
        if kind == "month":
            return Period.month(*parse_month(self.month.data))
        if kind == "quarter":
            return Period.quarter(self.year.data, self.quarter.data)
        if kind == "year":
            return Period.year(self.year.data)
        return Period(self.start.data, self.end.data)


SORT_COLUMNS = [
    ("rank", _l("Position")),
    ("name", _l("Body")),
    ("kind", _l("Kind")),
    ("region", _l("Region")),
    ("appeals", _l("Appeals")),
    ("timeliness", _l("Timeliness")),
    ("quality", _l("Quality")),
    ("score", _l("Score")),
    ("open_overdue", _l("Open overdue")),
]


def region_choices(region_ids: set[int] | None) -> list[tuple[str, str]]:
    """Regions as a tree, children indented; only those in `region_ids` (None: all)."""
    return [(str(i), name) for i, name in tree_choices(Region, shown=region_ids)]


def body_kind_choices() -> list[tuple[str, str]]:
    return [(kind, BODY_KIND_LABELS.get(kind, kind.capitalize())) for kind in body_kinds()]


class RankingForm(PeriodForm):
    """The ranking's filters and order: region (within the prosecutor's scope), kind, period."""

    region = SelectField(_l("Region"), default="")
    kind = SelectField(_l("Kind of body"), default="")
    sort = SelectField(_l("Sort by"), choices=SORT_COLUMNS, default="rank")
    order = SelectField(
        _l("Order"), choices=[("asc", "Ascending"), ("desc", "Descending")], default="asc"
    )

    def __init__(self, *args, region_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("All of my region") if region_ids else _l("Whole country"))]
        self.region.choices += region_choices(region_ids)
        self.kind.choices = [("", _l("All kinds")), *body_kind_choices()]

    @property
    def region_id(self) -> int | None:
        return int(self.region.data) if self.region.data else None

    def filter_args(self) -> dict[str, str]:
        """Period, region and kind as query arguments (the sort is added by each link)."""
        args = self.query_args()
        if self.region.data:
            args["region"] = self.region.data
        if self.kind.data:
            args["kind"] = self.kind.data
        return args
