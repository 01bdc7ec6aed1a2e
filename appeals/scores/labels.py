"""The score's words: its components as the pages name them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

COMPONENT_LABELS = {
    "timely": _l("Answered on time"),
    "satisfaction": _l("Citizen satisfaction"),
    "audit_clean": _l("Audited without violation"),
    "no_followup": _l("No complaint or repeat within 60 days"),
    "complaints_rejected": _l("Complaints about its answers rejected"),
}
