"""Valid forms and JSON bodies for the matrix's POST rows: a forbidden standing must be
refused by the access check, never by the form's validation. Values name the world's objects
in braces, as the paths do."""

from __future__ import annotations

NEW_APPEAL = {
    "kind": "statement",
    "category_id": "{category}",
    "region_id": "{region_a}",
    "subject": "No appointment with a doctor",
    "text": "I have been waiting for an appointment at polyclinic No. 4 for two months.",
}
NEW_APPEAL_JSON = NEW_APPEAL  # formatted, the ids are strings: the API reads them as integers
RATE = {"rate-version": "{version_a_answered}", "rate-satisfaction": "satisfied"}
WITHDRAW = {"withdraw-version": "{version_a_open}", "withdraw-reason": "No longer needed."}
SUPPLEMENT = {"supplement-version": "{version_a_open}", "supplement-text": "One more fact."}
COMPLAINT = {
    "complaint-version": "{version_a_answered}",
    "complaint-reason": "disagrees",
    "complaint-text": "The refusal gives no reason at all, so I complain about it.",
}


def versioned(form: dict) -> dict:
    """The same form for appeal B (the version of B's appeal)."""
    return {k: v.replace("_a_", "_b_") if k.endswith("version") else v for k, v in form.items()}


STEP_FORMS = {
    "assign": {"assign-executor_id": "{executor_id}"},
    "answer": {"answer-decision": "refused", "answer-text": "Refused: " + "the list is long. " * 8},
    "extension": {"extension-until": "2027-03-01", "extension-reason": "Expert opinion needed."},
    "extension/approve": {},
    "extension/refuse": {"refuse-reason": "Not needed."},
    "suspend": {"suspend-reason": "Waiting for another body's answer."},
    "resume": {},
    "forward": {"forward-body_id": "{body_b}", "forward-reason": "Not ours."},
    "leave": {"leave-ground": "no_matter", "leave-note": "No matter stated."},
}
STEP_PREFIX = {
    "assign": "assign",
    "answer": "answer",
    "extension": "extension",
    "extension/approve": "approve",
    "extension/refuse": "refuse",
    "suspend": "suspend",
    "resume": "resume",
    "forward": "forward",
    "leave": "leave",
}
API_STEP_BODIES = {
    "assign": {"executor_id": "{executor_id}"},
    "answer": {"decision": "refused", "text": "Refused: " + "the list is long. " * 8},
    "extension": {"until": "2027-03-01", "reason": "Expert opinion needed."},
    "extension/approve": {},
    "extension/refuse": {"reason": "Not needed."},
    "suspend": {"reason": "Waiting for another body's answer."},
    "resume": {},
    "forward": {"body_id": "{body_b}", "reason": "Not ours."},
    "leave": {"ground": "no_matter", "note": "No matter stated."},
}
