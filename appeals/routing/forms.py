"""Forms of routing: routing an appeal by hand from the manual routing queue."""

from __future__ import annotations

from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from appeals.cleantext import CleanForm
from appeals.reference.forms import optional_id


class ManualRouteForm(CleanForm):
    body_id = SelectField(
        "Competent body",
        coerce=optional_id,
        # Checked by the service, which says why (e.g. a body deactivated meanwhile), rather
        # than WTForms' bare "Not a valid choice".
        validate_choice=False,
        validators=[InputRequired(message="Choose the competent body.")],
    )
    reason = TextAreaField(
        "Reason",
        description="Why this body is competent; the applicant sees it on the timeline.",
        validators=[DataRequired(message="Say why this body is competent."), Length(max=2000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Route to this body")
