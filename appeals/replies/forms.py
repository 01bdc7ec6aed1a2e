"""The answer template's form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from appeals.cleantext import CleanForm
from appeals.intake.labels import DECISION_LABELS
from appeals.language import LANGUAGES
from appeals.replies.rules import PLACEHOLDERS

ANY_CATEGORY = 0


class TemplateForm(CleanForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the template a title.")), Length(max=200)],
    )
    decision = SelectField(
        _l("Decision"),
        choices=[("", _l("Choose…")), *DECISION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose the decision from the list."))],
    )
    language = SelectField(_l("Language"), choices=list(LANGUAGES.items()))
    category_id = SelectField(_l("Category"), coerce=int)
    text = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Write the template's text.")), Length(max=20000)],
        render_kw={"rows": 10},
    )
    submit = SubmitField(_l("Save the template"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [(ANY_CATEGORY, _l("Any category"))] + [
            (category.id, category.name) for category in categories
        ]
        self.text.description = _l(
            "Placeholders: %(list)s. The paragraph on how to complain is added to every answer "
            "by the system: do not write it here.",
            list=", ".join(f"{{{name}}} ({label})" for name, label in PLACEHOLDERS.items()),
        )


class DeleteTemplateForm(CleanForm):
    submit = SubmitField(_l("Delete the template"))
