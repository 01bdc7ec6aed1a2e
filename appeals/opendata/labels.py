"""The data dictionary of the open data: what each column holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATISTICS_DICTIONARY = {
    "month": _l("Month of receipt at the body that holds the appeal now (YYYY-MM)."),
    "body_code": _l("Code of the state body that holds or answered the appeals."),
    "body_name": _l("Name of that body."),
    "category_code": _l("Code of the category: what the appeals are about."),
    "category_name": _l("Name of the category."),
    "region_code": _l("KATO code of the place the appeals come from."),
    "region_name": _l("Name of that place."),
    "received": _l("Appeals received in the month."),
    "answered": _l("Of them, answered (and not reopened)."),
    "answered_on_time": _l("Of them, answered by the due date in force (extended, if so)."),
    "open_overdue": _l("Of them, still open today past the due date, with the clock running."),
    "median_working_days_to_answer": _l(
        "Median working days from receipt to the answer, over the answered ones."
    ),
    "rated": _l("Answers the applicants rated."),
    "satisfaction": _l("Mean rating: satisfied 1, partly 0.5, not satisfied 0 (0 to 1)."),
}

RATINGS_DICTIONARY = {
    "month": _l("The month ranked (YYYY-MM)."),
    "position": _l("Place among the ranked bodies (empty: too few appeals to rank)."),
    "body_name": _l("Name of the state body."),
    "body_kind": _l("Kind of body (ministry, akimat, police, ...)."),
    "region_name": _l("Region of the body, or National."),
    "appeals": _l("Appeals of the body due or answered in the month."),
    "ranked": _l("Whether the body had enough appeals to be ranked."),
    "timeliness": _l("Share answered on time, shrunk toward the national mean (0 to 1)."),
    "quality": _l("Quality: satisfaction, audits, follow-ups and complaints (0 to 1)."),
    "score": _l("100 x (0.5 timeliness + 0.5 quality)."),
    "grade": _l("A (85 and above) to E (below 45)."),
}
