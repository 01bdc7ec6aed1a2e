"""The prosecutor's API: the scores of the bodies in their scope for a period, one body's
figures, the appeals behind a figure, the audits, and recording an audit. The same scope as
the desk (accounts/scope.py): a body or an appeal outside it is 404."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate, validates_schema
from marshmallow import ValidationError as SchemaError
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.accounts.scope import Scope, prosecutor_scope
from appeals.api.core import (
    APPEAL,
    ETAG_HEADER,
    ApiBlueprint,
    PageArgs,
    api_abort,
    api_user,
    etag_of,
    link_header,
    page_schema,
    paginated,
    token_blueprint,
)
from appeals.api.schemas import AppealSchema, AppealSummarySchema
from appeals.audit.models import Audit, ResponseAct, Violation
from appeals.audit.service import AuditRefused, record_audit
from appeals.cleantext import CleanString
from appeals.desk.forms import CUSTOM_RANGE_MAX_DAYS, EARLIEST_YEAR
from appeals.extensions import db
from appeals.intake.access import readable_appeal_or_404
from appeals.ratings.ranking import body_figures, period_ranking
from appeals.reference.models import Body
from appeals.scores.appeals_behind import MEASURES, appeals_behind
from appeals.scores.period import Period
from appeals.timeutil import local_today

bp = ApiBlueprint(
    "api_prosecutor",
    __name__,
    url_prefix="/api/v1/prosecutor",
    description="The prosecutor's desk: scores, a body's figures, the appeals behind a figure, "
    "audits. For prosecutors only (403 otherwise); outside their region scope: 404.",
)
token_blueprint(
    bp,
    lambda user: user.role == Role.PROSECUTOR and prosecutor_scope(user) is not None,
    _l("The prosecutor's desk is for the prosecutor's office."),
)
bp.after_request(link_header)
BODY = "<int(max=2147483647):body_id>"
EARLIEST_START = date(EARLIEST_YEAR + 1, 1, 1)


class PeriodArgs(Schema):
    """A period of local dates, both ends included (this month unless told)."""

    start = fields.Date(load_default=None)
    end = fields.Date(load_default=None)

    @validates_schema
    def _ordered(self, data, **_kwargs):
        start, end = data.get("start"), data.get("end")
        if start and end and not 0 <= (end - start).days <= CUSTOM_RANGE_MAX_DAYS:
            raise SchemaError("After start, at most three years later.", "end")


class RankingArgs(PeriodArgs):
    kind = CleanString(load_default=None, validate=validate.Length(max=30))


class FigureArgs(PeriodArgs, PageArgs):
    measure = CleanString(
        load_default="appeals",
        validate=validate.Regexp(r"^(" + "|".join(MEASURES) + r")(\.(successes|failures))?$"),
    )


class RankingRowSchema(Schema):
    body_id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    region = fields.String(required=True)
    appeals = fields.Integer(required=True)
    ranked = fields.Boolean(required=True)
    timeliness = fields.Float(allow_none=True)
    quality = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)
    position = fields.Integer(allow_none=True)
    kind_position = fields.Integer(allow_none=True)


class ScoresSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    counted_at = fields.AwareDateTime(required=True)
    rows = fields.List(fields.Nested(RankingRowSchema), required=True)


class RateSchema(Schema):
    successes = fields.Float(required=True)
    n = fields.Integer(required=True)


class BodyFiguresSchema(Schema):
    body_id = fields.Integer(required=True)
    name = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    counted_at = fields.AwareDateTime(required=True)
    measures = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    score = fields.Float(allow_none=True)
    grade = fields.String(allow_none=True)
    ranked = fields.Boolean(required=True)
    timeliness = fields.Float(allow_none=True)
    quality = fields.Float(allow_none=True)


class AuditSchema(Schema):
    id = fields.Integer(required=True)
    appeal_id = fields.Integer(required=True)
    body_id = fields.Integer(required=True)
    lawful = fields.Boolean(required=True)
    violations = fields.List(fields.String(), required=True)
    note = fields.String(required=True)
    act = fields.String(required=True)
    act_due_on = fields.Date(allow_none=True)
    act_answered_at = fields.AwareDateTime(allow_none=True)
    act_overdue_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class AuditInSchema(Schema):
    lawful = fields.Boolean(required=True)
    violations = fields.List(
        CleanString(validate=validate.OneOf([v.value for v in Violation])), load_default=list
    )
    note = CleanString(load_default="", multiline=True, validate=validate.Length(max=5000))
    act = CleanString(
        load_default=ResponseAct.NONE.value, validate=validate.OneOf([a.value for a in ResponseAct])
    )


AuditPage = page_schema(AuditSchema, "AuditPage")
FigurePage = page_schema(AppealSummarySchema, "FigureAppealPage")


def _scope() -> Scope:
    scope = prosecutor_scope(api_user())
    assert scope is not None  # the blueprint lets no one else in
    return scope


def _period(args) -> Period:
    """The period asked for, as the desk's custom range allows it: beginning by today, at most
    three years long, this month unless told. (From 2001: the score's working-day index
    reaches a day before the period, and the calendar begins in 2000.)"""
    today = local_today()
    start = args.get("start") or today.replace(day=1)
    end = args.get("end") or Period.month_of(start).end
    if not EARLIEST_START <= start <= today:
        api_abort(422, fields_at_fault={"start": [f"From {EARLIEST_START} to today."]})
    if end < start or (end - start).days > CUSTOM_RANGE_MAX_DAYS:
        api_abort(422, fields_at_fault={"end": ["After start, at most three years later."]})
    return Period(start, end)


def _body_or_404(body_id: int) -> Body:
    body = db.session.get(Body, body_id)
    if body is None or not _scope().has_body(body.id):
        api_abort(404)
    return body


@bp.route("/scores")
@bp.arguments(RankingArgs, location="query")
@bp.response(200, ScoresSchema)
def scores(args):
    """The ranking of the bodies in the prosecutor's scope for a period, as on the desk."""
    period = _period(args)
    ranking = period_ranking(period, body_ids=_scope().body_ids(), kind=args["kind"])
    return {
        "start": period.start,
        "end": period.end,
        "counted_at": ranking.counted_at,
        "rows": ranking.rows,
    }


def _rate_or_value(value):
    return asdict(value) if hasattr(value, "__dataclass_fields__") else value


@bp.route(f"/bodies/{BODY}")
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, BodyFiguresSchema)
def body(args, body_id: int):
    """One body's figures and score for a period: each rate as successes out of n."""
    found = _body_or_404(body_id)
    period = _period(args)
    figures = body_figures(period, found.id)
    measures = {
        name: _rate_or_value(getattr(figures.measures, name))
        for name in figures.measures.__dataclass_fields__
        if name != "body_id"
    }
    return {
        "body_id": found.id,
        "name": found.name,
        "start": period.start,
        "end": period.end,
        "counted_at": figures.counted_at,
        "measures": measures,
        "score": figures.score.score,
        "grade": figures.score.grade,
        "ranked": figures.score.ranked,
        "timeliness": figures.score.timeliness,
        "quality": figures.score.quality,
    }


@bp.route(f"/bodies/{BODY}/appeals")
@bp.arguments(FigureArgs, location="query")
@bp.response(200, FigurePage)
def appeals_behind_figure(args, body_id: int):
    """The appeals a figure of the body's score was counted from (`measure`, e.g. timely or
    timely.failures), paginated."""
    found = _body_or_404(body_id)
    period = _period(args)
    query = appeals_behind(found.id, args["measure"], period)
    return paginated(
        query,
        args["page"],
        args["per_page"],
        "api_prosecutor.appeals_behind_figure",
        body_id=found.id,
        measure=args["measure"],
        start=period.start.isoformat(),
        end=period.end.isoformat(),
    )


@bp.route("/audits")
@bp.arguments(PageArgs, location="query")
@bp.response(200, AuditPage)
def audits(args):
    """The audits of the bodies in the prosecutor's scope, newest first."""
    query = select(Audit).order_by(Audit.id.desc())
    body_ids = _scope().body_ids()
    if body_ids is not None:
        query = query.where(Audit.body_id.in_(body_ids))
    return paginated(query, args["page"], args["per_page"], "api_prosecutor.audits")


@bp.route(f"/appeals/{APPEAL}")
@bp.response(200, AppealSchema, headers=ETAG_HEADER)
def appeal(appeal_id: int):
    """An appeal in the prosecutor's region, with its ETag (for an audit's If-Match)."""
    found = readable_appeal_or_404(appeal_id, api_user())
    return found, 200, {"ETag": etag_of(found)}


@bp.route(f"/appeals/{APPEAL}/audit", methods=["POST"])
@bp.arguments(AuditInSchema)
@bp.response(201, AuditSchema)
def audit(args, appeal_id: int):
    """Record a verdict on an answered appeal in scope (and an act of response). As on the
    audit page, no If-Match: a verdict changes no field of the appeal, and the latest one
    counts."""
    found = readable_appeal_or_404(appeal_id, api_user())
    try:
        recorded = record_audit(
            found, args["lawful"], args["violations"], args["note"], args["act"], api_user()
        )
    except AuditRefused as refused:
        db.session.rollback()
        api_abort(422, fields_at_fault={refused.field or "lawful": [str(refused)]})
    db.session.commit()
    return recorded
