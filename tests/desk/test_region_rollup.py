"""The dashboard's region roll-ups: each region's bodies pooled and scored as one, shrunk
toward the national means, within the prosecutor's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.ratings.ranking import period_ranking
from appeals.scores.measures import region_body_ids
from appeals.scores.period import Period
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal, assign_executor
from tests.desk.conftest import body_id, local_moment
from tests.factories import region_id, submit
from tests.pages import by_testid

ASTANA = "710000000"
ALMATY = "750000000"
ASTANA_ALMATY_DISTRICT = "711110000"  # a district of Astana with its own housing akimat

# (body, category, region of the appeal, answered on time, answered late)
PLAN = [
    ("health-71", "healthcare", ASTANA, 2, 0),
    ("police-71", "police", ASTANA, 0, 2),
    (f"akimat-{ASTANA_ALMATY_DISTRICT}", "utilities_housing", ASTANA_ALMATY_DISTRICT, 1, 0),
    ("health-75", "healthcare", ALMATY, 1, 1),
    ("anticorruption", "corruption", ASTANA, 1, 0),  # a national body
]
ON_TIME = sum(p[3] for p in PLAN)
ANSWERED = sum(p[3] + p[4] for p in PLAN)


@pytest.fixture
def regions_spread(citizen, make_user):
    """Appeals answered on time or late at bodies of Astana (one of them in a district), of
    Almaty and at a national body, each through an official put in charge by the head.
    Returns the period's query arguments."""
    today = local_today()
    base = today - timedelta(days=80)
    for code, category, region, on_time, late in PLAN:
        head = make_user(Role.HEAD, body_code=code)
        official = make_user(Role.OFFICIAL, body_code=code)
        for i, is_late in enumerate([False] * on_time + [True] * late):
            appeal, _ = submit(
                citizen, category=category, region=region, now=local_moment(base + timedelta(i))
            )
            assert appeal.current_body_id == body_id(code)
            assign_executor(appeal, official, head)
            day = (
                appeal.effective_due_on + timedelta(days=7)
                if is_late
                else appeal.registered_on + timedelta(days=2)
            )
            answer_appeal(appeal, "Answered.", Decision.EXPLAINED, official, at=local_moment(day))
            db.session.commit()
    start = base - timedelta(days=5)
    return {"period": "custom", "start": start.isoformat(), "end": today.isoformat()}


def _region_rows(html: str) -> dict[str, dict[str, str]]:
    """data-region -> the row's data-* values and its text."""
    table = by_testid(html, "region-rollup")
    assert table is not None, "no Regions table on the dashboard"
    rows = {}
    for tr in table.iter():
        if tr.tag != "tr" or "data-region" not in tr.attrs:
            continue
        values = {"text": tr.text()}
        for cell in tr.iter():
            values.update({k[5:]: v for k, v in cell.attrs.items() if k.startswith("data-")})
        rows[tr.attrs["data-region"]] = values
    return rows


def _shrunk(successes: float, n: int, mean: float, k: float) -> float:
    return (successes + k * mean) / (n + k)


def _ranking_appeals(period_args: dict, region_code: str) -> int:
    """The sum of the appeals of the region's bodies in the (whole country's) ranking."""
    period = Period(
        date.fromisoformat(period_args["start"]), date.fromisoformat(period_args["end"])
    )
    in_region = set(region_body_ids(region_id(region_code)))
    rows = period_ranking(period).rows
    db.session.commit()
    return sum(r.appeals for r in rows if r.body_id in in_region)


def test_the_country_is_rolled_up_by_oblast_and_city_with_a_national_row(
    client, login, general_prosecutor, regions_spread, app
):
    k = app.config["SCORE_SHRINK_K"]
    national_mean = ON_TIME / ANSWERED
    login(general_prosecutor)
    response = client.get("/prosecutor/", query_string=regions_spread)
    assert response.status_code == 200
    rows = _region_rows(response.get_data(as_text=True))
    astana, almaty = str(region_id(ASTANA)), str(region_id(ALMATY))
    assert set(rows) == {astana, almaty, "national"}
    assert rows["national"]["text"].startswith("National bodies")

    # Astana pools its city bodies and its district's akimat: 3 on time out of 5.
    assert int(rows[astana]["appeals"]) == 5 == _ranking_appeals(regions_spread, ASTANA)
    assert int(rows[astana]["bodies"]) >= 3
    assert float(rows[astana]["timeliness"]) == pytest.approx(_shrunk(3, 5, national_mean, k))
    assert int(rows[almaty]["appeals"]) == 2 == _ranking_appeals(regions_spread, ALMATY)
    assert float(rows[almaty]["timeliness"]) == pytest.approx(_shrunk(1, 2, national_mean, k))
    assert int(rows["national"]["appeals"]) == 1
    assert float(rows["national"]["timeliness"]) == pytest.approx(_shrunk(1, 1, national_mean, k))
    # The better-timed region scores higher (the quality has no data: the national mean).
    assert float(rows[astana]["score"]) > float(rows[almaty]["score"])


def test_a_regional_prosecutor_sees_their_districts_and_own_level_only(
    client, login, astana_prosecutor, regions_spread, app
):
    k = app.config["SCORE_SHRINK_K"]
    national_mean = ON_TIME / ANSWERED  # the country's, not Astana's own 3/5
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=regions_spread).get_data(as_text=True)
    rows = _region_rows(html)
    astana, district = str(region_id(ASTANA)), str(region_id(ASTANA_ALMATY_DISTRICT))
    assert set(rows) == {astana, district}  # neither Almaty nor the national bodies
    assert "city-level bodies" in rows[astana]["text"]

    # The city's own bodies (health and police): 2 on time out of 4; the district: 1 of 1.
    assert int(rows[astana]["appeals"]) == 4
    assert float(rows[astana]["timeliness"]) == pytest.approx(_shrunk(2, 4, national_mean, k))
    assert (
        int(rows[district]["appeals"])
        == 1
        == _ranking_appeals(regions_spread, ASTANA_ALMATY_DISTRICT)
    )
    assert float(rows[district]["timeliness"]) == pytest.approx(_shrunk(1, 1, national_mean, k))
    # Together they are all of Astana's appeals in the ranking.
    assert int(rows[astana]["appeals"]) + int(rows[district]["appeals"]) == _ranking_appeals(
        regions_spread, ASTANA
    )


def test_the_rollup_follows_the_kind_filter(client, login, general_prosecutor, regions_spread):
    login(general_prosecutor)
    html = client.get("/prosecutor/", query_string={**regions_spread, "kind": "police"}).get_data(
        as_text=True
    )
    rows = _region_rows(html)
    # Only Astana has a police body with appeals; other regions' police have none.
    assert int(rows[str(region_id(ASTANA))]["appeals"]) == 2
    assert "national" not in rows or int(rows["national"]["appeals"]) == 0
