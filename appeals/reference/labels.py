"""The reference data's words: the kinds of body and the levels of region as a reader names
them."""

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

# The levels of the region tree (reference.seed_data.REGION_LEVELS).
REGION_LEVEL_LABELS = {
    "country": _l("country"),
    "region": _l("region"),
    "city": _l("city"),
    "district": _l("district"),
}
