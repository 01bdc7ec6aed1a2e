"""The trend picture: an SVG line through the months that have a score, broken where one has
none, drawn on a 0-100 scale."""

from __future__ import annotations

import re

from appeals.ratings.chart import TrendPoint, trend_svg
from tests.pages import parse


def _svg(points, **kw):
    return parse(str(trend_svg(points, **kw)))


def _elements(root, tag):
    return [e for e in root.iter() if e.tag == tag]


def test_one_dot_per_scored_month_and_a_line_through_them():
    points = [TrendPoint("01.2026", 80.0), TrendPoint("02.2026", 60.0), TrendPoint("03.2026", 70)]
    root = _svg(points)
    dots = _elements(root, "circle")
    assert [d.attrs["data-month"] for d in dots] == ["01.2026", "02.2026", "03.2026"]
    assert [d.attrs["data-score"] for d in dots] == ["80", "60", "70"]
    lines = _elements(root, "polyline")
    assert len(lines) == 1 and len(lines[0].attrs["points"].split()) == 3


def test_a_higher_score_is_drawn_higher():
    root = _svg([TrendPoint("a", 90.0), TrendPoint("b", 30.0)])
    high, low = (float(d.attrs["cy"]) for d in _elements(root, "circle"))
    assert high < low  # SVG's y grows downwards


def test_a_month_without_a_score_breaks_the_line():
    points = [
        TrendPoint("01", 50.0),
        TrendPoint("02", 55.0),
        TrendPoint("03", None),
        TrendPoint("04", 60.0),
        TrendPoint("05", 65.0),
    ]
    root = _svg(points)
    assert len(_elements(root, "circle")) == 4
    assert len(_elements(root, "polyline")) == 2


def test_no_scores_at_all_says_so():
    root = _svg([TrendPoint("01", None), TrendPoint("02", None)])
    assert not _elements(root, "circle")
    assert "no scores yet" in root.text()


def test_labels_are_escaped():
    svg = str(trend_svg([TrendPoint("<b>", 50.0)], title="A & B"))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "A &amp; B" in svg


def test_scores_outside_the_scale_stay_inside_the_picture():
    root = _svg([TrendPoint("a", 140.0), TrendPoint("b", -5.0)], height=120)
    ys = [float(d.attrs["cy"]) for d in _elements(root, "circle")]
    assert all(0 <= y <= 120 for y in ys)


def test_compact_sparkline_has_no_axis_labels():
    root = _svg([TrendPoint("01.2026", 50.0), TrendPoint("02.2026", 60.0)], compact=True)
    texts = [e.text() for e in _elements(root, "text")]
    assert texts == []
    assert re.search(r"01\.2026: 50", root.text())


def test_the_month_labels_fit_inside_the_picture():
    """The last month's label is centred on its point: half of it must fit on the right (a
    digit of the 9-pixel labels is at most about 6 pixels wide)."""
    months = [TrendPoint(f"{m:02d}.2026", 50.0) for m in range(1, 13)]
    for width in (360, 560):
        root = _svg(months, width=width)
        for text in _elements(root, "text"):
            if text.attrs.get("text-anchor") != "middle":
                continue
            half = len(text.text()) * 6 / 2
            x = float(text.attrs["x"])
            assert half <= x <= width - half, (width, text.text(), x)
