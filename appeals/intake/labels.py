"""The appeal's words as a reader sees them: kinds, statuses, decisions, ratings, and the
reasons and grounds the forms offer. Lazy: each is rendered in the reader's language; what is
stored is the key (a code), shown through these labels when read (intake.event_text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from appeals.intake.models import AppealKind, AppealStatus, Decision, EventKind, Satisfaction

KIND_LABELS = {
    AppealKind.STATEMENT: _l("Statement: ask for your rights to be realised"),
    AppealKind.REPORT: _l("Report: tell about a violation or a problem"),
    AppealKind.PROPOSAL: _l("Proposal: suggest an improvement"),
    AppealKind.FEEDBACK: _l("Feedback: respond to a draft or a decision"),
    AppealKind.REQUEST: _l("Request for information"),
    AppealKind.COMPLAINT: _l("Complaint about an act or an action of a body"),
    AppealKind.INFORMATION: _l(
        "Access to information: a request under the Law on access to information"
    ),
}

# The statuses as the status badge (macros.html) and the refusals name them.
STATUS_LABELS = {
    AppealStatus.SUBMITTED: _l("submitted"),
    AppealStatus.MANUAL_ROUTING: _l("manual routing"),
    AppealStatus.REGISTERED: _l("registered"),
    AppealStatus.IN_PROGRESS: _l("in progress"),
    AppealStatus.SUSPENDED: _l("suspended"),
    AppealStatus.FORWARDED: _l("forwarded"),
    AppealStatus.ANSWERED: _l("answered"),
    AppealStatus.REOPENED: _l("reopened"),
    AppealStatus.CLOSED: _l("closed"),
    AppealStatus.WITHDRAWN: _l("withdrawn"),
    AppealStatus.LEFT_WITHOUT_CONSIDERATION: _l("left without consideration"),
}

# The timeline's steps (macros.html); a kind without a label shows as its key in words.
EVENT_LABELS = {
    EventKind.SUBMITTED: _l("Submitted"),
    EventKind.ROUTED: _l("Routed"),
    EventKind.FORWARDED: _l("Forwarded"),
    EventKind.ASSIGNED: _l("Assigned"),
    EventKind.EXTENDED: _l("Extended"),
    EventKind.EXTENSION_REQUESTED: _l("Extension requested"),
    EventKind.EXTENSION_REFUSED: _l("Extension refused"),
    EventKind.SUSPENDED: _l("Suspended"),
    EventKind.RESUMED: _l("Resumed"),
    EventKind.ANSWERED: _l("Answered"),
    EventKind.RATED: _l("Rated"),
    EventKind.COMPLAINED: _l("Complained"),
    EventKind.REOPENED: _l("Reopened"),
    EventKind.OVERDUE: _l("Overdue"),
    EventKind.REMINDED: _l("Reminded"),
    EventKind.AUDITED: _l("Audited"),
    EventKind.WITHDRAWN: _l("Withdrawn"),
    EventKind.LEFT_WITHOUT_CONSIDERATION: _l("Left without consideration"),
    EventKind.DUE_DATE_CHANGED: _l("Due date changed"),
    EventKind.CLOSED: _l("Closed"),
    EventKind.SUPPLEMENTED: _l("Documents or a clarification added"),
    EventKind.GROUPED: _l("To be answered together with like appeals"),
    EventKind.COSIGNED: _l("A co-signatory joined"),
    EventKind.DEFECTS_NOTED: _l("Asked to fix defects"),
    EventKind.DEFECTS_FIXED: _l("Defects fixed"),
}

DECISION_LABELS = {
    Decision.SATISFIED: _l("Satisfied"),
    Decision.PARTLY_SATISFIED: _l("Partly satisfied"),
    Decision.REFUSED: _l("Refused"),
    Decision.EXPLAINED: _l("Explained"),
}

# The applicant's rating of an answer: a context of its own, as Russian words it unlike the
# decision of the same English name.
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: _lp("rating", "Satisfied"),
    Satisfaction.PARTLY: _lp("rating", "Partly satisfied"),
    Satisfaction.NOT_SATISFIED: _lp("rating", "Not satisfied"),
}

# Why an applicant comes back with the same matter (DESIGN "Intake"): stored in
# Appeal.parent_reason of the new appeal, linked to the earlier one by parent_id. Lazy: the
# form and the pages show them in the reader's language.
REPEAT_REASONS = {
    "disagrees": _l("I disagree with the decision"),
    "late": _l("The answer was late, or there was no answer in time"),
    "other_defect": _l("Another defect of the answer"),
    "no_new_arguments": _l("No new arguments: I raise the same matter again"),
}

# The grounds for ending an appeal without consideration: one list, so the form, the service
# and the event agree. The two the project has checked against the Code's text: an anonymous
# appeal in the simplified procedure (APPK art. 88(1)(2): a report of a crime or of a threat to
# security is still considered, intake.service.submit_anonymous_appeal), and a repeated
# appeal with no new arguments on a matter already decided (art. 70(1)(1), the notice within
# 3 working days: art. 70(3)). The others are kept as the offices use them; their articles are
# still to be cited (NOTES.md, #13).
# Lazy: the forms show them in the reader's language; the event and the notice store the key.
LEAVE_GROUNDS = {
    "anonymous": _l("Anonymous appeal: the applicant's name or postal/e-mail address is not given"),
    "no_matter": _l("The appeal does not state its matter"),
    "repeated": _l("Repeated appeal with no new arguments on a matter already decided"),
    "abusive": _l("The appeal contains obscene or insulting language, or threats"),
    "court": _l("The matter has been decided by a court decision in force"),
    "representative_withdrew": _l("Withdrawn by the applicant's representative"),
}

# Why the applicant complains about an answer (stored in Appeal.parent_reason).
COMPLAINT_REASONS = {
    "disagrees": _l("I disagree with the decision"),
    "late": _l("The answer was late, or there was no answer in time"),
    "other_defect": _l("Another defect: the answer is not reasoned or not on my matter"),
}
