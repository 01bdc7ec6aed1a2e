"""Defects and anonymity by kind: the requisites whose absence is a defect of a statement or
a complaint (APPK art. 63), as the body names them when it asks the applicant to fix them
(art. 64(6)); the return's ground (art. 64(7)); the kinds terminated when anonymous (art.
88(1)(2)). Labels are lazy: shown in the reader's language; the event stores the codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from appeals.intake.models import AppealKind

# The kinds of the simplified procedure (APPK art. 88): anonymous, they are terminated (but a
# report of a crime or a threat to security is forwarded at once); an anonymous statement or
# complaint lacks requisites, which the body asks to be fixed (art. 64(6)) instead.
SIMPLIFIED_KINDS = frozenset(
    {AppealKind.REPORT, AppealKind.PROPOSAL, AppealKind.FEEDBACK, AppealKind.REQUEST}
)

DEFECT_LABELS = {
    "name": _l("The applicant's surname, name and patronymic (if any)"),
    "iin": _l("The applicant's individual identification number (IIN)"),
    "address": _l("The applicant's postal address or place of residence"),
    "signature": _l("The applicant's signature (or electronic digital signature)"),
    "matter": _l("The matter of the appeal: what is asked and on what grounds"),
}

# The ground on which an appeal whose defects were not fixed by the date is returned (APPK
# art. 64(7)); recorded like the grounds of LEAVE_GROUNDS, but never chosen on the form.
RETURNED_GROUND = "defects_not_fixed"
RETURNED_LABEL = _l("Returned: the defects were not fixed by the date set (APPK art. 64(7))")
