"""Open data downloads: the statistics and the ratings as CSV and JSON, and the data
dictionary page. Anyone may read them: only bodies, categories, places and counts, never an
appeal or a person, and small counts suppressed."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from appeals.opendata import statistics as stats
from appeals.opendata.labels import RATINGS_DICTIONARY, STATISTICS_DICTIONARY
from appeals.opendata.periods import month_range, parse_month
from appeals.timeutil import local_today

bp = Blueprint("opendata", __name__, url_prefix="/open-data")
FORMAT = "<any(csv, json):fmt>"


def _csv(columns, rows, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _month_arg(name: str, default: date) -> date:
    value = request.args.get(name)
    if not value:
        return default
    parsed = parse_month(value)
    if parsed is None:
        abort(400)
    return parsed


@bp.route("/")
def dictionary():
    """The downloads and the data dictionary."""
    return render_template(
        "opendata/index.html",
        statistics=STATISTICS_DICTIONARY,
        ratings=RATINGS_DICTIONARY,
        threshold=current_app.config["OPEN_DATA_MIN_COUNT"],
        every_minutes=max(1, current_app.config["OPEN_DATA_REFRESH_SECONDS"] // 60),
    )


@bp.route(f"/statistics.{FORMAT}")
def statistics(fmt: str):
    """Statistics per month, body, category and region (?from=YYYY-MM&to=YYYY-MM; the last
    twelve months unless told)."""
    today = local_today()
    default_first, default_last = month_range(today)
    first, last = _month_arg("from", default_first), _month_arg("to", default_last)
    if last < first or (last.year - first.year) * 12 + last.month - first.month > 120:
        abort(400)
    rows = stats.as_dicts(stats.statistics(first, last, today))
    if fmt == "json":
        return jsonify(rows)
    return _csv(stats.STATISTICS_COLUMNS, rows, f"statistics-{first:%Y-%m}-{last:%Y-%m}.csv")


@bp.route(f"/ratings.{FORMAT}")
def ratings(fmt: str):
    """The public ratings of a month (?month=YYYY-MM; the current month unless told)."""
    today = local_today()
    month = _month_arg("month", today.replace(day=1))
    rows = stats.ratings(month, today)
    if fmt == "json":
        return jsonify(rows)
    return _csv(stats.RATINGS_COLUMNS, rows, f"ratings-{month:%Y-%m}.csv")
