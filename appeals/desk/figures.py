"""The body page's table of figures: each measure of the body's score with its value and
the counts behind it, each count linked to the list of its appeals."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.ratings.ranking import BodyFigures
from appeals.scores.appeals_behind import MEASURES, appeals_behind


def figure_rows(figures: BodyFigures, body_id: int, period, period_args: dict) -> list[dict]:
    """The rows of the body page's table of figures: label, value and linked counts."""
    m = figures.measures

    def link(measure: str, count) -> dict:
        return {
            "measure": measure,
            "count": count,
            "url": url_for("desk.body_appeals", body_id=body_id, measure=measure, **period_args),
        }

    def rate(label: str, name: str, success: str, failure: str, hint: str) -> dict:
        value = getattr(m, name)
        whole = int(value.n)
        parts = [link(name, whole)]
        if name != "satisfaction":
            good = round(value.successes)
            parts = [
                link(f"{name}.successes", good) | {"text": success},
                link(f"{name}.failures", whole - good) | {"text": failure},
                link(name, whole) | {"text": _("counted")},
            ]
        else:
            parts[0]["text"] = _("rated")
        return {"label": label, "name": name, "value": value.value, "links": parts, "hint": hint}

    median_n = figures.timed_answers
    if median_n is None:  # not whole months, or the cells are not fresh: count them
        median_n = db.session.execute(
            select(func.count()).select_from(
                appeals_behind(body_id, "median_days_to_answer", period).subquery()
            )
        ).scalar_one()
    late_n = int(m.timely.n - round(m.timely.successes))
    return [
        {
            "label": _("Appeals in the period"),
            "name": "appeals",
            "links": [link("appeals", m.appeals) | {"text": _("appeals")}],
            "hint": MEASURES["appeals"],
        },
        rate(_("Answered on time"), "timely", _("on time"), _("late"), MEASURES["timely"]),
        rate(_("Citizen satisfaction"), "satisfaction", "", "", MEASURES["satisfaction"]),
        rate(
            _("Audited without violation"),
            "audit_clean",
            _("lawful"),
            _("with violations"),
            MEASURES["audit_clean"],
        ),
        rate(
            _("No complaint or repeat within 60 days"),
            "no_followup",
            _("not followed"),
            _("followed"),
            MEASURES["no_followup"],
        ),
        rate(
            _("Complaints about its answers rejected"),
            "complaints_rejected",
            _("rejected"),
            _("upheld"),
            MEASURES["complaints_rejected"],
        ),
        {
            "label": _("Median working days to the answer"),
            "name": "median_days_to_answer",
            "number": m.median_days_to_answer,
            "links": [link("median_days_to_answer", median_n) | {"text": _("answers")}],
            "hint": MEASURES["median_days_to_answer"],
        },
        {
            "label": _("Mean working days late"),
            "name": "mean_days_late",
            "number": m.mean_days_late,
            "links": [link("mean_days_late", late_n) | {"text": _("late")}],
            "hint": MEASURES["mean_days_late"],
        },
        {
            "label": _("Open and overdue now"),
            "name": "open_overdue",
            "links": [link("open_overdue", m.open_overdue) | {"text": _("appeals")}],
            "hint": MEASURES["open_overdue"],
        },
        {
            "label": _("Very overdue now"),
            "name": "very_overdue",
            "links": [link("very_overdue", m.very_overdue) | {"text": _("appeals")}],
            "hint": MEASURES["very_overdue"],
        },
        rate(_("Extension rate"), "extension_rate", _("extended"), _("not extended"), ""),
        rate(
            _("Forwarded out"),
            "forwarded_out",
            _("forwarded"),
            _("kept"),
            MEASURES["forwarded_out"],
        ),
        rate(
            _("Forward compliance"),
            "forward_compliance",
            _("within 3 working days"),
            _("late"),
            MEASURES["forward_compliance"],
        ),
    ]
