"""The public part of the API: the open data's statistics and ratings, without a token (the
same figures and the same suppression of small counts as the downloads)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from appeals.api.core import ApiBlueprint, a_page, api_abort, json_errors, link_header, page_schema
from appeals.cleantext import CleanString
from appeals.opendata import statistics as stats
from appeals.opendata.periods import MONTH, month_range, parse_month
from appeals.timeutil import local_today

bp = ApiBlueprint(
    "api_open_data",
    __name__,
    url_prefix="/api/v1/open-data",
    description="Open data, no token needed: statistics per month, body, category and region, "
    "and the public ratings. Counts below OPEN_DATA_MIN_COUNT are null.",
)
json_errors(bp)
bp.after_request(link_header)
PUBLIC = {"security": []}


def _month_field(**kwargs) -> CleanString:
    return CleanString(validate=validate.Regexp(MONTH), metadata={"example": "2026-11"}, **kwargs)


class StatisticsArgs(Schema):
    from_ = _month_field(data_key="from", load_default=None)
    to = _month_field(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    # A year at a country's bodies is some 10^5 rows: pages of up to a thousand; the site's
    # CSV download has every row at once.
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1_000))


class RatingsArgs(Schema):
    month = _month_field(load_default=None)


class StatisticsRowSchema(Schema):
    month = fields.String(required=True)
    body_code = fields.String(allow_none=True)
    body_name = fields.String(allow_none=True)
    category_code = fields.String(required=True)
    category_name = fields.String(required=True)
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    received = fields.Integer(allow_none=True)
    answered = fields.Integer(allow_none=True)
    answered_on_time = fields.Integer(allow_none=True)
    open_overdue = fields.Integer(allow_none=True)
    median_working_days_to_answer = fields.Float(allow_none=True)
    rated = fields.Integer(allow_none=True)
    satisfaction = fields.Float(allow_none=True)


StatisticsPage = page_schema(StatisticsRowSchema, "StatisticsPage")


class RatingSchema(Schema):
    month = fields.String(required=True)
    position = fields.Integer(allow_none=True)
    body_name = fields.String(required=True)
    body_kind = fields.String(required=True)
    region_name = fields.String(required=True)
    appeals = fields.Integer(allow_none=True)
    ranked = fields.Boolean(required=True)
    timeliness = fields.Float(allow_none=True)
    quality = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)


def _month(value: str | None, default):
    if value is None:
        return default
    parsed = parse_month(value)
    if parsed is None:
        api_abort(422, fields_at_fault={"month": ["Not a month from 2000-01 to 2100-12."]})
    return parsed


@bp.route("/statistics")
@bp.arguments(StatisticsArgs, location="query")
@bp.response(200, StatisticsPage)
@bp.doc(**PUBLIC)
def statistics(args):
    """Statistics per month of receipt, body, category and region (the last twelve months
    unless `from` and `to` say otherwise, at most ten years), a page at a time: by month,
    then by body, category and region code."""
    today = local_today()
    default_first, default_last = month_range(today)
    first, last = _month(args["from_"], default_first), _month(args["to"], default_last)
    if last < first or (last.year - first.year) * 12 + last.month - first.month > 120:
        api_abort(422, fields_at_fault={"to": ["From `from` to `to`, at most ten years."]})
    page, per_page = args["page"], args["per_page"]
    rows, total = stats.statistics_page(first, last, today, (page - 1) * per_page, per_page)
    asked = {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
    return a_page(stats.as_dicts(rows), total, page, per_page, "api_open_data.statistics", **asked)


@bp.route("/ratings")
@bp.arguments(RatingsArgs, location="query")
@bp.response(200, RatingSchema(many=True))
@bp.doc(**PUBLIC)
def ratings(args):
    """The public ratings of a month (this month unless told)."""
    today = local_today()
    return stats.ratings(_month(args["month"], today.replace(day=1)), today)
