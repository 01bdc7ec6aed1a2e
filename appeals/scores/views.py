"""The public page that explains how the scores are computed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from appeals.scores.formula import (
    QUALITY_COMPONENTS,
    BodyMeasures,
    BodyScore,
    Rate,
    empty_measures,
    score_body,
    shrunk,
    wilson_interval,
)
from appeals.scores.snapshots import score_settings

bp = Blueprint("scores", __name__, url_prefix="/scores")

# The worked example's fixed inputs: national means and two bodies, one small, one large.
EXAMPLE_MEANS = {
    "timely": 0.80,
    "satisfaction": 0.60,
    "audit_clean": 0.85,
    "no_followup": 0.90,
    "complaints_rejected": 0.75,
}
EXAMPLE_BODIES = {
    # Titles translated when the page shows them (lazy, so keys hash as their English).
    _l("a district akimat"): dict(
        appeals=12,
        timely=Rate(10, 10),
        satisfaction=Rate(2.5, 4),
        no_followup=Rate(7, 8),
    ),
    _l("a regional health department"): dict(
        appeals=240,
        timely=Rate(180, 220),
        satisfaction=Rate(61.5, 90),
        audit_clean=Rate(16, 20),
        no_followup=Rate(186, 200),
        complaints_rejected=Rate(9, 12),
    ),
}
LABELS = {
    "timely": _l("answered on time"),
    "satisfaction": _l("citizen satisfaction"),
    "audit_clean": _l("audited answers without a violation"),
    "no_followup": _l("answers not followed by a complaint or a repeat within 60 days"),
    "complaints_rejected": _l("complaints about its answers not upheld"),
}


@dataclass(frozen=True)
class ExampleRow:
    name: str
    rate: Rate
    mean: float
    shrunk: float | None
    interval: tuple[float, float] | None


@dataclass(frozen=True)
class ExampleBody:
    title: str
    measures: BodyMeasures
    rows: list[ExampleRow]
    score: BodyScore


def worked_example(settings: dict[str, Any]) -> list[ExampleBody]:
    """The example bodies computed step by step with the formula's own functions."""
    k = settings["k"]
    examples = []
    for index, (title, figures) in enumerate(EXAMPLE_BODIES.items(), start=1):
        measures = replace(empty_measures(index), **figures)
        rows = [
            ExampleRow(
                name=name,
                rate=getattr(measures, name),
                mean=EXAMPLE_MEANS[name],
                shrunk=shrunk(getattr(measures, name), EXAMPLE_MEANS[name], k),
                interval=wilson_interval(getattr(measures, name)),
            )
            for name in ("timely", *QUALITY_COMPONENTS)
        ]
        examples.append(
            ExampleBody(title, measures, rows, score_body(measures, EXAMPLE_MEANS, **settings))
        )
    return examples


@bp.route("/how")
def how():
    """How scores are computed, in plain words, with the parameters in force."""
    settings = score_settings()
    return render_template(
        "scores/how.html",
        settings=settings,
        examples=worked_example(settings),
        labels=LABELS,
        quality_components=QUALITY_COMPONENTS,
    )
