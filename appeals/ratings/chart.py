"""A monthly score trend as an inline SVG line chart, rendered on the server.

The site runs on a closed network, so no chart library is fetched; the picture is a few
dozen SVG elements that print as well as they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class TrendPoint:
    label: str  # e.g. "03.2026"
    score: float | None  # None: no score that month (no appeals, or too few)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def trend_svg(
    points: Sequence[TrendPoint],
    *,
    width: int = 360,
    height: int = 120,
    title: str = "Score by month",
    bands: Sequence[float] = (85.0, 45.0),
    compact: bool = False,
) -> Markup:
    """An SVG line of scores (0-100) by month; months without a score break the line.

    `compact` draws a sparkline for a table row: no axis labels, only the line and its dots.
    """
    # Room on the right for half of the last month's label, centred on its point.
    pad_left, pad_right = (4, 4) if compact else (28, 22)
    pad_top, pad_bottom = (4, 4) if compact else (8, 20)
    inner_w = max(width - pad_left - pad_right, 1)
    inner_h = max(height - pad_top - pad_bottom, 1)
    step = inner_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return pad_left + (i * step if len(points) > 1 else inner_w / 2)

    # A sparkline spans its own range (a change of a few points must show in 28 pixels); the
    # full chart keeps the 0-100 scale, so the grade bands sit where they belong.
    low, high = 0.0, 100.0
    scored = [p.score for p in points if p.score is not None]
    if compact and scored:
        low, high = max(0.0, min(scored) - 5), min(100.0, max(scored) + 5)

    def y(score: float) -> float:
        share = (max(low, min(score, high)) - low) / (high - low)
        return pad_top + inner_h * (1 - share)

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" '
        # Scales down with a narrow column, keeping its proportions (.trend-chart in site.css).
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
    ]
    if not compact:
        for value in (0.0, 100.0, *bands):
            parts.append(
                f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{y(value):.1f}" '
                f'y2="{y(value):.1f}" stroke="#ccc" stroke-width="1" '
                f'stroke-dasharray="{"none" if value in (0.0, 100.0) else "3 3"}"/>'
                f'<text x="{pad_left - 4}" y="{y(value) + 3:.1f}" font-size="9" '
                f'text-anchor="end" fill="#666">{_fmt(value)}</text>'
            )
        # Month labels: all when few, else every other one so they do not overlap.
        every = 1 if len(points) <= 7 else 2
        for i, point in enumerate(points):
            if i % every == 0 or i == len(points) - 1:
                parts.append(
                    f'<text x="{x(i):.1f}" y="{height - 6}" font-size="9" '
                    f'text-anchor="middle" fill="#666">{escape(point.label)}</text>'
                )
    # One polyline per run of months that have a score.
    runs: list[list[tuple[int, float]]] = [[]]
    for i, point in enumerate(points):
        if point.score is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((i, point.score))
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{x(i):.1f},{y(s):.1f}" for i, s in run)
            parts.append(
                f'<polyline class="trend-line" fill="none" stroke="#0d6efd" '
                f'stroke-width="2" points="{coords}"/>'
            )
    for i, point in enumerate(points):
        if point.score is not None:
            parts.append(
                f'<circle class="trend-point" cx="{x(i):.1f}" cy="{y(point.score):.1f}" '
                f'r="{2 if compact else 3}" fill="#0d6efd" data-month="{escape(point.label)}" '
                f'data-score="{_fmt(point.score)}"><title>{escape(point.label)}: '
                f"{_fmt(point.score)}</title></circle>"
            )
    if all(point.score is None for point in points):
        parts.append(
            f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" font-size="10" '
            f'text-anchor="middle" fill="#666">no scores yet</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
