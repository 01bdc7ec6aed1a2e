"""The public ratings: anyone can see how state bodies handle appeals. Only bodies and their
figures appear here, never an appeal or a person."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from appeals.fragments import cached_fragment, fragment_key
from appeals.pages import page_of_list, requested_page
from appeals.ratings.forms import RatingsForm
from appeals.ratings.ranking import month_ranking
from appeals.reference.labels import BODY_KIND_LABELS
from appeals.scores.cells import figures_version
from appeals.scores.measures import region_body_ids
from appeals.scores.period import Period
from appeals.timeutil import local_today

bp = Blueprint("ratings", __name__, url_prefix="/ratings")

# Public figures change slowly (monthly snapshots); a proxy or browser may keep them a while.
PUBLIC_MAX_AGE = 300


@bp.route("/")
def ratings():
    """The ranking of bodies for a month, by region and kind, from snapshots when taken, a
    page at a time; each rendered page is kept in Redis for the figures' version
    (fragments.py)."""
    today = local_today()
    form = RatingsForm.from_args(request.args, today=today)
    if not form.validate():
        return render_template("ratings/index.html", form=form, ranking=""), 400
    month = form.first_day
    region_id = int(form.region.data) if form.region.data else None
    kind = form.kind.data or None

    def ranking_html() -> str:
        body_ids = region_body_ids(region_id) if region_id is not None else None
        rows, from_snapshot = month_ranking(month, body_ids=body_ids, kind=kind, today=today)
        # A country has thousands of bodies: one page of the ranking, and as many of those
        # too few to rank (the open data's ratings list every body).
        per_page = current_app.config["RATINGS_PER_PAGE"]
        unranked = [r for r in rows if not r.ranked]
        return render_template(
            "ratings/_ranking.html",
            kind_labels=BODY_KIND_LABELS,
            period=Period.month(month.year, month.month),
            current=(month.year, month.month) == (today.year, today.month),
            from_snapshot=from_snapshot,
            ranked=page_of_list([r for r in rows if r.ranked], per_page),
            unranked=unranked[:per_page],
            unranked_more=max(0, len(unranked) - per_page),
            filter_args={
                name: value
                for name, value in (
                    ("month", f"{month:%Y-%m}"),
                    ("region", region_id),
                    ("kind", kind),
                )
                if value
            },
        )

    key = fragment_key(
        "ratings",
        get_locale(),
        month.isoformat(),
        region_id,
        kind,
        today.isoformat(),
        figures_version(),
        requested_page(),
    )
    ranking = cached_fragment(key, PUBLIC_MAX_AGE, ranking_html)
    return _cacheable(render_template("ratings/index.html", form=form, ranking=ranking))


def _cacheable(html: str):
    """Shared caches may keep the page for anonymous visitors only: a signed-in visitor's
    copy carries their name in the navigation bar."""
    if current_user.is_authenticated:
        cache = "private, no-store"
    else:
        cache = f"public, max-age={PUBLIC_MAX_AGE}"
    # The language follows the browser's Accept-Language too: a cache must not mix them.
    return html, 200, {"Cache-Control": cache, "Vary": "Cookie, Accept-Language"}
