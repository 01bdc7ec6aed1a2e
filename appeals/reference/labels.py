"""The reference data's words: the kinds of body as a reader names them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The kinds of body (reference.seed_data.BODY_KINDS) as a reader names them.
BODY_KIND_LABELS = {
    "prosecutor": _l("Prosecutor"),
    "ministry": _l("Ministry"),
    "committee": _l("Committee"),
    "akimat": _l("Akimat"),
    "department": _l("Department"),
    "police": _l("Police"),
}
