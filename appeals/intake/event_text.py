"""What a timeline entry says, in the reader's language. The system's own words are stored as
a code with its parameters in Event.data ("code" and the keys it names), never as a sentence;
what a person typed (a reason, a comment) stays in Event.note as typed. event_text() is the
one place that turns an event into its text: the timeline of every page, the API and the
personal data export read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from appeals.audit.labels import ACT_LABELS, VIOLATION_LABELS
from appeals.audit.models import ResponseAct
from appeals.deadlines.labels import DAY_KIND_LABELS
from appeals.intake.labels import COMPLAINT_REASONS, LEAVE_GROUNDS, REPEAT_REASONS
from appeals.intake.models import Event
from appeals.work.defect_rules import RETURNED_GROUND, RETURNED_LABEL

# The codes the services store (Event.data["code"]).
REPEAT_OF = "repeat_of"  # parent_number, reason (a REPEAT_REASONS key)
NO_ROUTING_RULE = "no_routing_rule"
LEFT_ON_GROUND = "left_on_ground"  # ground (LEAVE_GROUNDS); earlier_number, earlier_answered_on
COMPLAINT_REASON = "complaint_reason"  # reason (a COMPLAINT_REASONS key)
TO_SUPERIOR_BODY = "to_superior_body"
AUDIT_VERDICT = "audit_verdict"  # lawful, violations, act, act_due_on
EXECUTOR = "executor"  # executor_name
CALENDAR_DAY_ADDED = "calendar_day_added"  # day, day_kind, day_name
CALENDAR_DAY_REMOVED = "calendar_day_removed"  # day, day_kind, day_name
CALENDAR_YEAR_LOADED = "calendar_year_loaded"  # days_added, year


def _date(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y") if value else ""


def _label(labels: dict, key: Any) -> str:
    """A code's label; an unknown code as stored (never a 500 for an old or odd row)."""
    label = labels.get(key)
    return str(label) if label is not None else str(key)


def _repeat_of(data: dict) -> str:
    return _(
        "Repeat of %(number)s: %(reason)s",
        number=data.get("parent_number", ""),
        reason=_label(REPEAT_REASONS, data.get("reason")),
    )


def _left_on_ground(data: dict) -> str:
    text = _label(LEAVE_GROUNDS | {RETURNED_GROUND: RETURNED_LABEL}, data.get("ground"))
    if data.get("earlier_number"):
        text += ". " + _(
            "See the answer to %(number)s of %(date)s",
            number=data["earlier_number"],
            date=_date(data.get("earlier_answered_on")),
        )
    return text


def _audit_verdict(data: dict) -> str:
    if data.get("lawful"):
        return _("Audit: the answer is lawful.")
    # The labels' keys are StrEnums, equal to the stored strings.
    found = ", ".join(_label(VIOLATION_LABELS, v).lower() for v in data.get("violations") or [])
    text = _("Audit: violations found: %(found)s.", found=found)
    act = data.get("act")
    if act and act != ResponseAct.NONE and data.get("act_due_on"):
        text += " " + _(
            "%(act)s, to be answered by %(date)s.",
            act=_label(ACT_LABELS, act),
            date=_date(data["act_due_on"]),
        )
    return text


def _calendar_day(data: dict, added: bool) -> str:
    values = {
        "day": _date(data.get("day")),
        "kind": _label(DAY_KIND_LABELS, data.get("day_kind")),
        "name": data.get("day_name", ""),
    }
    if added:
        return _("Working calendar changed: %(day)s added as %(kind)s (%(name)s).", **values)
    return _("Working calendar changed: %(day)s (%(kind)s, %(name)s) removed.", **values)


_TEXTS: dict[str, Callable[[dict], str]] = {
    REPEAT_OF: _repeat_of,
    NO_ROUTING_RULE: lambda data: _(
        "No routing rule: queued for manual routing at the prosecutor's reception."
    ),
    LEFT_ON_GROUND: _left_on_ground,
    COMPLAINT_REASON: lambda data: _label(COMPLAINT_REASONS, data.get("reason")),
    TO_SUPERIOR_BODY: lambda data: _(
        "A complaint about a body's answer goes to its superior body."
    ),
    AUDIT_VERDICT: _audit_verdict,
    EXECUTOR: lambda data: _("Executor: %(name)s", name=data.get("executor_name", "")),
    CALENDAR_DAY_ADDED: lambda data: _calendar_day(data, True),
    CALENDAR_DAY_REMOVED: lambda data: _calendar_day(data, False),
    CALENDAR_YEAR_LOADED: lambda data: _(
        "Working calendar changed: %(count)s day(s) of %(year)s loaded from the holidays package.",
        count=data.get("days_added", ""),
        year=data.get("year", ""),
    ),
}


def system_text(event: Event) -> str | None:
    """The system's words for the event, from its code, in the reader's language."""
    data = event.data or {}
    render = _TEXTS.get(data.get("code", ""))
    return render(data) if render is not None else None


def event_text(event: Event) -> str | None:
    """The event's text as a reader sees it: the system's words (from the code), then on a line
    of its own what the person typed; None when it has neither."""
    return "\n".join(part for part in (system_text(event), event.note) if part) or None
