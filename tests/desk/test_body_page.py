"""A body's page: every figure of its score is a link to the appeals it was counted from, and
each list holds exactly as many appeals as the figure says."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape

from appeals.accounts.models import Role
from appeals.audit.service import record_audit
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.reference.models import Body
from appeals.scores.measures import body_measures
from appeals.scores.period import Period
from appeals.work.service import answer_appeal
from tests.desk.conftest import body_id
from tests.factories import submit
from tests.ops.test_request_costs import statements_sent
from tests.pages import by_testid, field_error, parse

ALMATY = "750000000"


def _links(html: str) -> dict[str, tuple[int, str]]:
    """measure -> (the count shown, the link) for every figure link on the page."""
    figures = by_testid(html, "figures")
    assert figures is not None
    return {
        a.attrs["data-measure"]: (int(a.attrs["data-count"]), a.attrs["href"])
        for a in figures.iter()
        if a.tag == "a" and "data-measure" in a.attrs
    }


def _list_total(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    html = response.get_data(as_text=True)
    total = int(by_testid(html, "total").attrs["data-count"])
    rows = [e for e in parse(html).iter() if e.tag == "tr" and "data-appeal" in e.attrs]
    assert len(rows) == min(total, 50)  # the first page shows them (50 a page)
    return total


def test_every_figure_links_to_a_list_of_the_same_count(
    client, login, astana_prosecutor, health_record
):
    login(astana_prosecutor)
    response = client.get(
        f"/prosecutor/bodies/{health_record.body_id}", query_string=health_record.period_args
    )
    assert response.status_code == 200
    links = _links(response.get_data(as_text=True))

    expected = {
        "appeals",
        "timely",
        "timely.successes",
        "timely.failures",
        "satisfaction",
        "audit_clean",
        "audit_clean.successes",
        "audit_clean.failures",
        "no_followup",
        "no_followup.successes",
        "no_followup.failures",
        "complaints_rejected",
        "complaints_rejected.successes",
        "complaints_rejected.failures",
        "median_days_to_answer",
        "mean_days_late",
        "open_overdue",
        "very_overdue",
        "extension_rate",
        "extension_rate.successes",
        "extension_rate.failures",
        "forwarded_out",
        "forwarded_out.successes",
        "forwarded_out.failures",
        "forward_compliance",
        "forward_compliance.successes",
        "forward_compliance.failures",
    }
    assert set(links) == expected
    for measure, (count, href) in links.items():
        query = parse_qs(urlsplit(href).query)
        assert query["measure"] == [measure]
        assert query["start"] == [health_record.period_args["start"]]
        assert _list_total(client, href) == count, measure

    # The figures are the scenario's, so the comparison above is not between two zeros.
    counts = {measure: count for measure, (count, _href) in links.items()}
    assert counts["timely.successes"] == 4  # three answered on time and the extended one
    assert counts["timely.failures"] == 4  # two late answers and two open past due
    assert counts["open_overdue"] == 2 and counts["very_overdue"] == 1
    assert counts["satisfaction"] == 2
    assert counts["audit_clean.failures"] == 1
    assert counts["extension_rate.successes"] == 1
    assert counts["forwarded_out.successes"] == 1
    assert counts["complaints_rejected.successes"] == 1
    assert counts["no_followup.failures"] == 1


def test_figures_are_the_scores_own(client, login, astana_prosecutor, health_record):
    """The page shows what the scoring module computed, not a count of its own."""
    login(astana_prosecutor)
    html = client.get(
        f"/prosecutor/bodies/{health_record.body_id}", query_string=health_record.period_args
    ).get_data(as_text=True)
    period = Period(
        date.fromisoformat(health_record.period_args["start"]),
        date.fromisoformat(health_record.period_args["end"]),
    )
    [m] = body_measures(period, body_ids=[health_record.body_id])
    db.session.commit()
    links = _links(html)
    assert links["appeals"][0] == m.appeals
    assert links["timely"][0] == m.timely.n
    assert links["forward_compliance"][0] == m.forward_compliance.n


def test_an_unknown_figure_is_a_clear_400(client, login, astana_prosecutor, health_record):
    login(astana_prosecutor)
    response = client.get(
        f"/prosecutor/bodies/{health_record.body_id}/appeals",
        query_string={"measure": "bribes", **health_record.period_args},
    )
    assert response.status_code == 400
    assert (
        "There is no figure named “bribes”"
        in by_testid(response.get_data(as_text=True), "unknown-measure").text()
    )


def test_an_audit_moves_the_quality_down_at_once(
    client, login, astana_prosecutor, general_prosecutor, make_user, citizen, health_record
):
    # Elsewhere in the country an answer was found lawful: the national mean is not zero.
    almaty_head = make_user(Role.HEAD, body_code="health-75")
    elsewhere, _ = submit(citizen, region=ALMATY)
    answer_appeal(elsewhere, "Explained in full.", Decision.EXPLAINED, almaty_head)
    record_audit(elsewhere, True, [], "", "none", general_prosecutor)
    db.session.commit()
    login(astana_prosecutor)
    url = f"/prosecutor/bodies/{health_record.body_id}"

    def quality_and_audited() -> tuple[float, int, int]:
        html = client.get(url, query_string=health_record.period_args).get_data(as_text=True)
        links = _links(html)
        value = float(by_testid(html, "quality").attrs["data-value"])
        return value, links["audit_clean"][0], links["audit_clean.failures"][0]

    before, audited_before, failed_before = quality_and_audited()
    record_audit(
        health_record.on_time[0],
        False,
        ["unlawful_refusal"],
        "Refused without a ground.",
        "representation",
        astana_prosecutor,
    )
    db.session.commit()
    after, audited_after, failed_after = quality_and_audited()

    assert (audited_after, failed_after) == (audited_before + 1, failed_before + 1)
    assert after < before


def test_a_lawful_audit_does_not_lower_the_quality(client, login, astana_prosecutor, health_record):
    login(astana_prosecutor)
    url = f"/prosecutor/bodies/{health_record.body_id}"

    def quality() -> float:
        html = client.get(url, query_string=health_record.period_args).get_data(as_text=True)
        return float(by_testid(html, "quality").attrs["data-value"])

    before = quality()
    record_audit(health_record.late[1], True, [], "", "none", astana_prosecutor)
    db.session.commit()
    assert quality() >= before


def test_another_regions_body_and_its_lists_are_not_found(
    client, login, almaty_prosecutor, health_record
):
    login(almaty_prosecutor)
    base = f"/prosecutor/bodies/{health_record.body_id}"
    for url in (base, f"{base}/appeals", f"{base}/appeals.csv"):
        assert client.get(url, query_string=health_record.period_args).status_code == 404, url
    # A national body is not in a region's scope either.
    assert client.get(f"/prosecutor/bodies/{body_id('minhealth')}").status_code == 404
    # Its own region's body opens.
    own = body_id("health-75")
    assert client.get(f"/prosecutor/bodies/{own}").status_code == 200


def test_the_national_office_sees_every_body(client, login, general_prosecutor, health_record):
    login(general_prosecutor)
    for code in ("health-71", "health-75", "minhealth"):
        assert client.get(f"/prosecutor/bodies/{body_id(code)}").status_code == 200, code


def test_the_period_is_validated_on_the_body_page(client, login, astana_prosecutor, health_record):
    login(astana_prosecutor)
    response = client.get(
        f"/prosecutor/bodies/{health_record.body_id}",
        query_string={"period": "custom", "start": "2026-05-10", "end": "2026-05-01"},
    )
    assert response.status_code == 400
    assert (
        field_error(response.get_data(as_text=True), "end")
        == "The last day comes before the first."
    )


def test_the_audits_listed_come_with_their_numbers_in_one_query(
    client, login, astana_prosecutor, health_record
):
    """The body page's latest audits and the dashboard's overdue acts show each appeal's
    number (and the body) read with the audits, not one query per audit."""
    for appeal in (*health_record.on_time, *health_record.late):
        audit = record_audit(
            appeal, False, ["unlawful_refusal"], "Refused unlawfully.", "warning", astana_prosecutor
        )
        audit.act_due_on = date(2026, 1, 5)  # long past: every act is overdue
    db.session.commit()
    login(astana_prosecutor)

    def one_appeal(statement: str) -> bool:
        return "FROM appeals" in statement and "appeals.id = " in statement

    with statements_sent(one_appeal) as read:
        body = client.get(f"/prosecutor/bodies/{health_record.body_id}")
        desk = client.get("/prosecutor/")
    numbers = {a.number for a in (*health_record.on_time, *health_record.late)}
    assert numbers <= set(re.findall(r"[А-ЯA-Z]+-\d{4}-\d+", body.get_data(as_text=True)))
    assert numbers <= set(re.findall(r"[А-ЯA-Z]+-\d{4}-\d+", desk.get_data(as_text=True)))
    assert read == []


def test_the_body_page_reads_the_bodys_region_with_the_body(
    client, login, astana_prosecutor, health_record
):
    login(astana_prosecutor)
    db.session.expire_all()  # read again, as in a request of its own

    def region_alone(statement: str) -> bool:
        return bool(re.match(r"SELECT [^()]*\sFROM regions\s+WHERE regions\.id = ", statement))

    with statements_sent(region_alone) as read:
        page = client.get(f"/prosecutor/bodies/{health_record.body_id}").get_data(as_text=True)
    body = db.session.get(Body, health_record.body_id)
    assert body.region is not None and str(escape(body.region.name)) in page
    assert read == []
