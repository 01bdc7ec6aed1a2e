"""The score formula on small cases worked out by hand (in the comments), and its
properties under hypothesis."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appeals.scores.formula import (
    NO_DATA,
    BodyMeasures,
    Rate,
    empty_measures,
    grade_for,
    pool_measures,
    rank,
    score_bodies,
    shrunk,
    wilson_interval,
)

GRADES = [(85, "A"), (70, "B"), (55, "C"), (45, "D"), (0, "E")]


def body(body_id: int, appeals: int, **rates: Rate) -> BodyMeasures:
    return replace(empty_measures(body_id), appeals=appeals, **rates)


@pytest.mark.parametrize(
    ("rate", "mean", "k", "expected"),
    [
        (Rate(8, 10), 0.5, 10, 0.65),  # (8 + 10*0.5) / (10 + 10) = 13/20
        (Rate(45, 50), 0.8, 10, 53 / 60),  # (45 + 8) / 60 = 0.8833...
        (Rate(2, 2), 0.7, 10, 9 / 12),  # two out of two is not 100%: (2 + 7)/12 = 0.75
        (Rate(0, 0), 0.7, 10, 0.7),  # no evidence: the national mean itself
        (Rate(3, 3), 0.6, 0, 1.0),  # k = 0: the raw rate
        (Rate(2.5, 4), 0.6, 10, 8.5 / 14),  # fractional successes (a "partly" = 0.5)
    ],
)
def test_shrunk(rate, mean, k, expected):
    assert shrunk(rate, mean, k) == pytest.approx(expected)


def test_shrunk_has_nothing_to_go_on_without_cases_and_without_k():
    assert shrunk(Rate(0, 0), 0.7, 0) is None


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        # p = 0.5, n = 10, z = 1.96: centre (0.5 + 1.9208/10)/(1 + 0.38416) = 0.5,
        # half-width (1.96/1.38416) * sqrt(0.025 + 3.8416/400) = 0.26341.
        (Rate(5, 10), (0.23659, 0.76341)),
        # p = 1: centre 1.19208/1.38416 = 0.86122, half 1.41602 * 0.098 = 0.13878.
        (Rate(10, 10), (0.72245, 1.0)),
        # p = 0 mirrors p = 1.
        (Rate(0, 10), (0.0, 0.27755)),
    ],
)
def test_wilson_interval(rate, expected):
    low, high = wilson_interval(rate)
    assert (low, high) == pytest.approx(expected, abs=1e-4)


def test_wilson_interval_needs_cases():
    assert wilson_interval(Rate(0, 0)) is None


def test_two_bodies_worked_by_hand():
    # National means pooled over both: timely (24+6)/(30+10) = 0.75, satisfaction 3.5/5 =
    # 0.7, audit_clean 1/2 = 0.5, no_followup 30/35 = 0.857143, complaints 1/2 = 0.5.
    big = body(
        1,
        30,
        timely=Rate(24, 30),
        satisfaction=Rate(3.5, 5),
        no_followup=Rate(20, 25),
    )
    small = body(
        2,
        10,
        timely=Rate(6, 10),
        audit_clean=Rate(1, 2),
        no_followup=Rate(10, 10),
        complaints_rejected=Rate(1, 2),
    )
    first, second = score_bodies([big, small], k=10, min_appeals=20, grades=GRADES)
    # Big: T = (24 + 7.5)/40 = 0.7875; satisfaction (3.5 + 7)/15 = 0.7; no audits and no
    # complaints of its own: the national 0.5 each; no_followup (20 + 8.571429)/35 =
    # 0.816327. Q = (0.7 + 0.5 + 0.816327 + 0.5)/4 = 0.629082.
    # Score = 100 * (0.5*0.7875 + 0.5*0.629082) = 70.829 -> B.
    assert first.timeliness == pytest.approx(0.7875)
    assert first.components["satisfaction"] == pytest.approx(0.7)
    assert first.components["audit_clean"] == pytest.approx(0.5)
    assert first.components["no_followup"] == pytest.approx(28.571429 / 35)
    assert first.quality == pytest.approx(0.629082, abs=1e-6)
    assert first.score == pytest.approx(70.829082, abs=1e-5)
    assert first.grade == "B" and first.ranked
    assert first.intervals["audit_clean"] is None  # no data of its own: no interval
    # Small: T = (6 + 7.5)/20 = 0.675; satisfaction: the national 0.7; audit (1 + 5)/12 =
    # 0.5; no_followup (10 + 8.571429)/20 = 0.928571; complaints (1 + 5)/12 = 0.5.
    # Q = (0.7 + 0.5 + 0.928571 + 0.5)/4 = 0.657143; score = 33.75 + 32.857 = 66.607 -> C,
    # but 10 appeals are fewer than 20: too few to rank.
    assert second.timeliness == pytest.approx(0.675)
    assert second.quality == pytest.approx(0.657143, abs=1e-6)
    assert second.score == pytest.approx(66.607143, abs=1e-5)
    assert second.grade == "C"
    assert not second.ranked
    assert rank([first, second]) == [(1, first)]


def test_shrinkage_keeps_a_lucky_small_body_below_a_steady_big_one():
    # Lucky: 3 of 3 on time; steady: 95 of 100. National timely = 98/103 = 0.951456.
    # Lucky: (3 + 9.51456)/13 = 0.962658; steady: (95 + 9.51456)/110 = 0.950132: raw 100% vs
    # 95% becomes 96.3% vs 95.0%, and only the steady body (100 appeals) is ranked.
    lucky = body(1, 3, timely=Rate(3, 3), no_followup=Rate(3, 3))
    steady = body(2, 100, timely=Rate(95, 100), no_followup=Rate(100, 100))
    lucky_score, steady_score = score_bodies([lucky, steady], k=10, min_appeals=20)
    assert lucky_score.timeliness == pytest.approx(12.51456 / 13, abs=1e-5)
    assert steady_score.timeliness == pytest.approx(104.51456 / 110, abs=1e-5)
    assert [s.body_id for _, s in rank([lucky_score, steady_score])] == [2]


def test_an_empty_period_scores_nothing():
    assert score_bodies([]) == []
    (nothing,) = score_bodies([empty_measures(7)])
    # No national data at all: no T, no Q, no score, no grade, not ranked.
    assert (nothing.timeliness, nothing.quality, nothing.score, nothing.grade) == (None,) * 4
    assert not nothing.ranked
    assert rank([nothing]) == []


def test_a_body_with_no_data_of_its_own_gets_the_national_means():
    # Other body: timely 8/10, satisfaction 1/2 -> national 0.8 and 0.5; the empty body
    # gets T = 0.8, Q = 0.5: score 100 * (0.4 + 0.25) = 65 -> C; 0 appeals: not ranked.
    other = body(1, 10, timely=Rate(8, 10), satisfaction=Rate(1, 2))
    _, empty = score_bodies([other, empty_measures(2)], k=10)
    assert empty.score == pytest.approx(65.0)
    assert empty.grade == "C" and not empty.ranked


def test_weights_come_from_the_arguments():
    # One body, so national means equal its own rates and shrinking changes nothing:
    # T = 0.9, Q = 0.5. Weights (1, 0): 90; (0.2, 0.8): 18 + 40 = 58.
    one = body(1, 40, timely=Rate(36, 40), satisfaction=Rate(10, 20))
    assert score_bodies([one], weights=(1, 0))[0].score == pytest.approx(90)
    assert score_bodies([one], weights=(0.2, 0.8))[0].score == pytest.approx(58)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (85, "A"),
        (84.99, "B"),
        (70, "B"),
        (69.9, "C"),
        (55, "C"),
        (54.9, "D"),
        (45, "D"),
        (44.99, "E"),
        (0, "E"),
        (None, None),
    ],
)
def test_grade_bounds(score, grade):
    assert grade_for(score, GRADES) == grade


def test_rank_breaks_ties_by_volume_then_id():
    # Three bodies with identical rates score the same; more appeals first, then lower id.
    same = dict(timely=Rate(20, 25), no_followup=Rate(20, 25))
    scores = score_bodies(
        [body(3, 25, **same), body(1, 25, **same), body(2, 40, **same)], min_appeals=20
    )
    assert [(pos, s.body_id) for pos, s in rank(scores)] == [(1, 2), (2, 1), (3, 3)]


def test_pooling_adds_the_rates_and_weighs_lateness_by_late_cases():
    # Late cases: 10 - 8 = 2 at 3.0 days, 5 - 1 = 4 at 6.0 days: (6 + 24)/6 = 5.0.
    a = replace(body(1, 10, timely=Rate(8, 10)), mean_days_late=3.0, open_overdue=1)
    b = replace(body(2, 5, timely=Rate(1, 5)), mean_days_late=6.0, very_overdue=2)
    region = pool_measures([a, b], body_id=99)
    assert region.appeals == 15 and region.timely == Rate(9, 15)
    assert region.mean_days_late == pytest.approx(5.0)
    assert (region.open_overdue, region.very_overdue) == (1, 2)
    assert region.median_days_to_answer is None and region.satisfaction == NO_DATA


# --- Properties -----------------------------------------------------------------------------


@st.composite
def rates(draw, max_n: int = 60) -> Rate:
    n = draw(st.integers(0, max_n))
    return Rate(draw(st.integers(0, n)), n)


@st.composite
def bodies(draw) -> list[BodyMeasures]:
    count = draw(st.integers(1, 6))
    result = []
    for body_id in range(1, count + 1):
        result.append(
            body(
                body_id,
                draw(st.integers(0, 80)),
                timely=draw(rates()),
                satisfaction=draw(rates()),
                audit_clean=draw(rates()),
                no_followup=draw(rates()),
                complaints_rejected=draw(rates()),
            )
        )
    return result


@settings(max_examples=300, deadline=None)
@given(bodies(), st.data(), st.sampled_from([0, 1, 10, 25]))
def test_adding_an_on_time_answer_never_lowers_timeliness(measures, data, k):
    chosen = data.draw(st.sampled_from(range(len(measures))))
    before = score_bodies(measures, k=k)[chosen]
    better = list(measures)
    m = better[chosen]
    better[chosen] = replace(m, appeals=m.appeals + 1, timely=m.timely + Rate(1, 1))
    after = score_bodies(better, k=k)[chosen]
    assert after.timeliness is not None
    if before.timeliness is not None:
        assert after.timeliness >= before.timeliness - 1e-12
    if before.score is not None:
        assert after.score >= before.score - 1e-9


@settings(max_examples=300, deadline=None)
@given(bodies(), st.data(), st.sampled_from([0, 1, 10, 25]))
def test_adding_a_violation_never_raises_quality(measures, data, k):
    chosen = data.draw(st.sampled_from(range(len(measures))))
    before = score_bodies(measures, k=k)[chosen]
    worse = list(measures)
    m = worse[chosen]
    worse[chosen] = replace(m, audit_clean=m.audit_clean + Rate(0, 1))
    after = score_bodies(worse, k=k)[chosen]
    assert after.quality is not None
    if before.quality is not None:
        assert after.quality <= before.quality + 1e-12
    if before.score is not None:
        assert after.score <= before.score + 1e-9
