"""The prosecutor's desk: the ranking of the bodies in scope with its exports and printable
report, each body's page with the appeals behind every figure, and finding an appeal by its
number. Every body outside the prosecutor's region is a 404. The audit of one appeal is in
appeals/audit/views.py, under the same URL prefix."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from appeals.accounts.guards import current_scope, prosecutors_only
from appeals.accounts.scope import Scope
from appeals.audit.labels import ACT_LABELS
from appeals.audit.models import Audit
from appeals.audit.service import act_is_overdue
from appeals.desk.figures import figure_rows
from appeals.desk.forms import SORT_COLUMNS, PeriodForm, RankingForm
from appeals.desk.service import (
    OverdueAct,
    find_appeal_in_scope,
    overdue_acts,
    overdue_by_body,
)
from appeals.extensions import db
from appeals.fragments import cached_fragment, fragment_key
from appeals.intake.labels import DECISION_LABELS
from appeals.intake.models import Appeal
from appeals.pages import page_of, page_of_list, requested_page
from appeals.ratings.chart import trend_svg
from appeals.ratings.ranking import (
    Ranking,
    body_figures,
    month_axis,
    period_ranking,
    region_rollup,
    snapshot_months,
    sorted_ranking,
    trend_points,
    trends,
    worst_movers,
)
from appeals.reference.labels import BODY_KIND_LABELS
from appeals.reference.models import Body, Category, Region
from appeals.scores.appeals_behind import MEASURES, appeals_behind
from appeals.scores.formula import QUALITY_COMPONENTS
from appeals.scores.labels import COMPONENT_LABELS
from appeals.scores.measures import region_body_ids
from appeals.scores.period import Period
from appeals.scores.predicates import late, on_time
from appeals.scores.snapshots import figures_key, previous_month, trend
from appeals.timeutil import local_date, local_today

# The same prefix as the audit's blueprint ("prosecutor"): the desk's URLs are unchanged.
bp = Blueprint("desk", __name__, url_prefix="/prosecutor")


prosecutors_only(bp)


@bp.context_processor
def body_kind_labels():
    """The kinds of body as the desk's pages name them."""
    return {"body_kind_labels": BODY_KIND_LABELS, "decision_labels": DECISION_LABELS}


def _body_or_404(body_id: int) -> Body:
    body = db.session.get(Body, body_id, options=[joinedload(Body.region)])  # the page names it
    if body is None or not current_scope().has_body(body.id):
        abort(404)
    return body


# --- The dashboard: ranking, trends, movers, overdue ----------------------------------------

TREND_MONTHS = 12


def _region_ids(scope: Scope) -> set[int] | None:
    if scope.is_national:
        return None
    return set(db.session.execute(scope.region_ids()).scalars())


def _ranking_form(scope: Scope) -> RankingForm:
    return RankingForm.from_args(request.args, today=local_today(), region_ids=_region_ids(scope))


def _filtered_body_ids(scope: Scope, form: RankingForm) -> list[int] | None:
    """The bodies the filters leave in the scope: all of it, or a region of it."""
    ids = scope.body_ids()
    if form.region_id is not None:
        in_region = set(region_body_ids(form.region_id))
        ids = sorted(in_region if ids is None else in_region.intersection(ids))
    return ids


def _ranking(form: RankingForm, body_ids: list[int] | None) -> Ranking:
    """The ranking the filters ask for, sorted as asked."""
    ranking = period_ranking(form.to_period(), body_ids=body_ids, kind=form.kind.data or None)
    return sorted_ranking(ranking, form.sort.data, form.order.data)


@bp.route("/")
def dashboard():
    """The ranking of the bodies in scope with its region roll-ups, trends, worst movers and
    overdue appeals."""
    scope = current_scope()
    form = _ranking_form(scope)
    if not form.validate():
        content = render_template("desk/_dashboard.html", form=form, scope=scope)
        return render_template("desk/dashboard.html", content=Markup(content)), 400  # noqa: S704
    today = local_today()
    body_ids = _filtered_body_ids(scope, form)
    acts = overdue_acts(body_ids, today=today)  # read every time: a reply to an act shows at once
    movers_month = _movers_month()
    content = _kept_while_figures_stand(
        "desk-dashboard",
        figures_key(form.to_period(), today),
        lambda: _dashboard_html(scope, form, body_ids, acts, movers_month, today),
        scope.region_id,
        sorted(form.filter_args().items()),
        form.sort.data,
        form.order.data,
        requested_page(),
        movers_month,
        acts,
    )
    return render_template("desk/dashboard.html", content=content)


def _movers_month() -> date | None:
    """The latest month with a snapshot: the worst movers' month."""
    months = snapshot_months()
    return months[0] if months else None


def _dashboard_html(
    scope: Scope,
    form: RankingForm,
    body_ids: list[int] | None,
    acts: list[OverdueAct],
    movers_month: date | None,
    today: date,
) -> str:
    """The dashboard's content: the ranking (one page of it), trends, movers and lists."""
    ranking = _ranking(form, body_ids)
    # A country has thousands of bodies: the page shows one page of the ranking (the CSV and
    # the report have all of it), and draws trends for the rows shown only.
    per_page = current_app.config["DESK_RANKING_PER_PAGE"]
    ranked = page_of_list([r for r in ranking.rows if r.ranked], per_page)
    unranked = [r for r in ranking.rows if not r.ranked]
    latest_closed = date(*previous_month(today), 1)
    period_args, filter_args = form.query_args(), form.filter_args()

    def ranking_html() -> str:
        rows = [*ranked.items, *unranked[:per_page]]
        return render_template(
            "desk/_ranking.html",
            form=form,
            scope=scope,
            ranked=ranked,
            unranked=unranked[:per_page],
            unranked_more=max(0, len(unranked) - per_page),
            regions=region_rollup(ranking, scope.region_id),
            sparklines={
                body_id: trend_svg(
                    points, width=120, height=28, compact=True, title=_("Score trend")
                )
                for body_id, points in trends(
                    [r.body_id for r in rows], month_axis(latest_closed, TREND_MONTHS)
                ).items()
            },
            sort_columns=dict(SORT_COLUMNS),
            period_args=period_args,
            filter_args=filter_args,
        )

    return render_template(
        "desk/_dashboard.html",
        form=form,
        scope=scope,
        period=form.to_period(),
        counted_at=ranking.counted_at,
        ranking=_kept_while_figures_stand(
            "desk-ranking",
            ranking.kept_as[0] if ranking.kept_as else None,
            ranking_html,
            scope.region_id,
            sorted(filter_args.items()),
            form.sort.data,
            form.order.data,
            ranked.page,
            ranked.per_page,
            movers_month,
        ),
        movers=(
            worst_movers(movers_month, body_ids=body_ids, kind=form.kind.data or None)
            if movers_month
            else []
        ),
        movers_month=movers_month,
        overdue=overdue_by_body(body_ids, kind=form.kind.data or None, today=today),
        acts=acts,
        period_args=period_args,
        filter_args=filter_args,
    )


def _kept_while_figures_stand(
    name: str, figures: tuple | None, render: Callable[[], str], *shown: Any
) -> Markup:
    """A desk page's part rendered from the score figures, kept in Redis while they stand:
    the key names their version (`figures`: the cells' build and the latest verdict, so an
    audit shows at once; see figures_key), the language and what else the part shows that
    changes between builds (`shown`: the filters, the page, the acts and their replies).
    Figures counted live (None) are rendered every time. A month's snapshot taken again (its
    trend points, the movers) or a body renamed shows with the next build of the cells,
    within minutes."""
    if figures is None:
        return Markup(render())  # noqa: S704  (a template's own escaped output)
    key = fragment_key(name, get_locale(), figures, *shown)
    return cached_fragment(key, current_app.config["SCORE_CACHE_SECONDS"], render)


@bp.route("/ranking.csv")
def ranking_csv():
    """The ranking with the dashboard's filters, as CSV."""
    scope = current_scope()
    form = _ranking_form(scope)
    if not form.validate():
        return _form_errors_response(form)
    rows = _ranking(form, _filtered_body_ids(scope, form)).rows
    period = form.to_period()
    header = [
        "period",
        "position",
        "position within kind",
        "body",
        "kind",
        "region",
        "appeals",
        "ranked",
        "on time %",
        "timeliness %",
        "quality %",
        "score",
        "grade",
        "open overdue",
    ]
    lines = (
        [
            period.label,
            r.position or "",
            r.kind_position or "",
            r.name,
            r.kind,
            r.region,
            r.appeals,
            "yes" if r.ranked else "too few to rank",
            _percent(r.on_time),
            _percent(r.timeliness),
            _percent(r.quality),
            _number(r.score),
            r.grade or "",
            r.open_overdue if r.open_overdue is not None else "",
        ]
        for r in rows
    )
    return _csv_response(f"ranking-{_slug(period.label)}.csv", header, lines)


@bp.route("/report")
def ranking_report():
    """The ranking as a printable A4 report."""
    scope = current_scope()
    form = _ranking_form(scope)
    if not form.validate():
        return render_template("desk/dashboard.html", form=form, scope=scope), 400
    rows = _ranking(form, _filtered_body_ids(scope, form)).rows
    region = db.session.get(Region, form.region_id) if form.region_id else None
    scope_region = db.session.get(Region, scope.region_id) if scope.region_id else None
    return render_template(
        "desk/report.html",
        period=form.to_period(),
        ranked=[r for r in rows if r.ranked],
        unranked=[r for r in rows if not r.ranked],
        region=region or scope_region,
        kind=form.kind.data,
        generated_on=local_today(),
    )


@bp.route("/appeals/find")
def find_appeal():
    """Open an appeal of the prosecutor's region by its registration number."""
    number = request.args.get("number", "")
    appeal = find_appeal_in_scope(number, current_user) if number.strip() else None
    if appeal is None:
        shown = number.strip() or _("(empty)")
        flash(_("No appeal numbered %(number)s in your region.", number=shown), "warning")
        return redirect(url_for("desk.dashboard"))
    return redirect(url_for("prosecutor.appeal_page", appeal_id=appeal.id))


# --- A body: every figure of its score, each linked to the appeals behind it ---------------


def _period_form() -> PeriodForm:
    return PeriodForm.from_args(request.args, today=local_today())


@bp.route("/bodies/<int:body_id>")
def body_page(body_id: int):
    """One body's score for a period: every figure links to the appeals behind it."""
    body = _body_or_404(body_id)
    form = _period_form()
    if not form.validate():
        content = render_template("desk/_body.html", body=body, form=form)
        return render_template("desk/body.html", body=body, content=Markup(content)), 400  # noqa: S704
    period, period_args = form.to_period(), form.query_args()
    today = local_today()
    # Read every time: a reply to an act, or its term extended, shows at once.
    audits = (
        db.session.execute(
            select(Audit)
            .options(joinedload(Audit.appeal).load_only(Appeal.number))
            .where(Audit.body_id == body.id)
            .order_by(Audit.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    content = _kept_while_figures_stand(
        "desk-body",
        figures_key(period, today),
        lambda: _body_html(body, form, period, period_args, audits, today),
        body.id,
        body.name,
        body.kind,
        body.region.name if body.region else None,
        sorted(period_args.items()),
        [(a.id, a.act_due_on, a.act_answered_at, a.act_overdue_at) for a in audits],
    )
    return render_template("desk/body.html", body=body, content=content)


def _body_html(
    body: Body,
    form: PeriodForm,
    period: Period,
    period_args: dict[str, str],
    audits: list[Audit],
    today: date,
) -> str:
    """The body page's content: its score, figures, trend and latest audits."""
    figures = body_figures(period, body.id, today=today)
    axis = month_axis(date(*previous_month(today), 1), TREND_MONTHS)
    return render_template(
        "desk/_body.html",
        body=body,
        form=form,
        period=period,
        measure=figures.measures,
        score=figures.score,
        counted_at=figures.counted_at,
        figures=figure_rows(figures, body.id, period, period_args),
        components=QUALITY_COMPONENTS,
        component_labels=COMPONENT_LABELS,
        chart=trend_svg(trend_points(trend(body.id, TREND_MONTHS), axis), width=560, height=160),
        audits=audits,
        act_labels=ACT_LABELS,
        act_overdue=lambda audit: act_is_overdue(audit, today),
        period_args=period_args,
    )


@bp.route("/bodies/<int:body_id>/appeals")
def body_appeals(body_id: int):
    """The appeals a figure of the body's score was counted from, paginated."""
    body = _body_or_404(body_id)
    form = _period_form()
    measure = request.args.get("measure", "appeals")
    if not form.validate():
        return (
            render_template("desk/body_appeals.html", body=body, form=form, measure=measure),
            400,
        )
    period = form.to_period()
    try:
        query = appeals_behind(body.id, measure, period)
    except ValueError:
        return (
            render_template(
                "desk/body_appeals.html",
                body=body,
                form=form,
                unknown_measure=measure,
                measures=MEASURES,
                period_args=form.query_args(),
            ),
            400,
        )
    page = page_of(query, 50)
    name = measure.partition(".")[0]
    return render_template(
        "desk/body_appeals.html",
        body=body,
        form=form,
        period=period,
        measure=measure,
        description=MEASURES[name],
        page=page,
        period_args=form.query_args(),
    )


# The appeal's facts only: nothing that identifies the applicant or repeats the text.
APPEAL_CSV_HEADER = [
    "number",
    "kind",
    "category",
    "status",
    "received",
    "due",
    "answered",
    "on time",
    "decision",
    "satisfaction",
]


@bp.route("/bodies/<int:body_id>/appeals.csv")
def body_appeals_csv(body_id: int):
    """A body's appeals of the period (or those behind one figure), as CSV."""
    body = _body_or_404(body_id)
    form = _period_form()
    if not form.validate():
        return _form_errors_response(form)
    period = form.to_period()
    measure = request.args.get("measure", "appeals")
    today = local_today()
    try:
        query = appeals_behind(body.id, measure, period, today=today)
    except ValueError:
        return {"error": f"No figure named {measure!r}.", "fields": {"measure": measure}}, 400
    category_name = (
        select(Category.name_en).where(Category.id == Appeal.category_id).scalar_subquery()
    )
    query = query.with_only_columns(
        Appeal.number,
        Appeal.kind,
        category_name,
        Appeal.status,
        func.coalesce(Appeal.received_on, Appeal.registered_on),
        Appeal.effective_due_on,
        Appeal.answered_at,
        on_time(),
        late(today),
        Appeal.decision,
        Appeal.satisfaction,
    )
    zone = current_app.config["TIMEZONE"]

    def lines() -> Iterator[list]:
        for (
            number,
            kind,
            category,
            status,
            received,
            due,
            answered_at,
            was_on_time,
            was_late,
            decision,
            satisfaction,
        ) in db.session.execute(query.execution_options(yield_per=1000)):
            yield [
                number,
                kind,
                category,
                status,
                received.isoformat() if received else "",
                due.isoformat() if due else "",
                local_date(answered_at, zone).isoformat() if answered_at else "",
                "yes" if was_on_time else ("no" if was_late else ""),
                decision or "",
                satisfaction or "",
            ]

    filename = f"{body.code}-{_slug(period.label)}-{_slug(measure)}.csv"
    return _csv_response(filename, APPEAL_CSV_HEADER, lines())


# --- Helpers ------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return f"{100 * value:.1f}" if value is not None else ""


def _number(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else ""


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def _cell(value):
    """A spreadsheet must not read a name as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """Stream rows as UTF-8 CSV (with a BOM, so spreadsheets read Cyrillic right)."""

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            if buffer.tell() > 16_384:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _form_errors_response(form):
    """A filter mistake on an export: JSON naming the fields, with a 400."""
    return {
        "error": "The filters are not valid.",
        "fields": {name: errors for name, errors in form.errors.items()},
    }, 400
