"""The words of the deadlines' data as the admin's pages show them: the kinds of calendar
days, the weekdays and the months."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from appeals.deadlines.calendar import DayKind

# Lazy: the admin's pages show them in the reader's language; the timeline stores the kind and
# shows this label when read (intake.event_text).
DAY_KIND_LABELS = {
    DayKind.PUBLIC_HOLIDAY: _l("public holiday"),
    DayKind.DAY_OFF: _l("extra day off (by decree)"),
    DayKind.WORKING_DAY: _l("extra working day (by decree)"),
}
WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
MONTHS = (
    _l("January"),
    _l("February"),
    _l("March"),
    _l("April"),
    _l("May"),
    _l("June"),
    _l("July"),
    _l("August"),
    _l("September"),
    _l("October"),
    _l("November"),
    _l("December"),
)
