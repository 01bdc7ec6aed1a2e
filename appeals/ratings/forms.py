"""The public ratings' filters: a month, a region, a kind of body (a GET form)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from appeals.cleantext import CleanForm
from appeals.ratings.ranking import month_axis
from appeals.reference.choices import body_kinds, top_region_choices
from appeals.reference.labels import BODY_KIND_LABELS

MONTHS_OFFERED = 13  # this month so far and the twelve before it


class RatingsForm(CleanForm):
    """Which ranking to show. Changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    month = SelectField(_l("Month"))
    region = SelectField(_l("Region"), default="")
    kind = SelectField(_l("Kind of body"), default="")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        months = list(reversed(month_axis(today, MONTHS_OFFERED)))
        self.month.choices = [
            (f"{m:%Y-%m}", _l("%(month)s (so far)", month=f"{m:%m.%Y}") if i == 0 else f"{m:%m.%Y}")
            for i, m in enumerate(months)
        ]
        # The top of the tree only (oblasts and cities): districts are too small to compare.
        self.region.choices = [("", _l("Whole country"))] + [
            (str(region_id), name) for region_id, name in top_region_choices()
        ]
        self.kind.choices = [("", _l("All kinds"))] + [
            (k, BODY_KIND_LABELS.get(k, k.capitalize())) for k in body_kinds()
        ]

    @classmethod
    def from_args(cls, args, *, today: date):
        """The form over query arguments; by default the month that has just closed."""
        last_closed = month_axis(today, 2)[0]
        return cls(formdata=args or None, data={"month": f"{last_closed:%Y-%m}"}, today=today)

    @property
    def first_day(self) -> date:
        year, month = (int(part) for part in self.month.data.split("-"))
        return date(year, month, 1)
