"""The audit's words: the violations and the acts of response as the pages name them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from appeals.audit.models import ResponseAct, Violation

# Lazy: the desk shows them in the reader's language; the timeline and the notices store the
# codes and show these labels when they are read (intake.event_text, notification templates).
VIOLATION_LABELS = {
    Violation.MISSED_DEADLINE: _l("Missed deadline"),
    Violation.FORMAL_REPLY: _l("Formal reply without substance"),
    Violation.UNLAWFUL_REFUSAL: _l("Unlawful refusal"),
    Violation.RED_TAPE: _l("Red tape"),
    Violation.NOT_COMPETENT: _l("Not competent to answer"),
}
ACT_LABELS = {
    ResponseAct.NONE: _l("No act"),
    ResponseAct.WARNING: _l("Warning"),
    ResponseAct.REPRESENTATION: _l("Representation (demand to remedy)"),
}
