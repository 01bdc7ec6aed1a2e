"""Forms of routing: routing an appeal by hand from the manual routing queue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from appeals.cleantext import CleanForm
from appeals.reference.forms import optional_id


class ManualRouteForm(CleanForm):
    body_id = SelectField(
        _l("Competent body"),
        coerce=optional_id,
        # Checked by the service, which says why (e.g. a body deactivated meanwhile), rather
        # than WTForms' bare "Not a valid choice".
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose the competent body."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Why this body is competent; the applicant sees it on the timeline."),
        validators=[
            DataRequired(message=_l("Say why this body is competent.")),
            Length(max=2000),
        ],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Route to this body"))
