"""Keeping answer templates (heads: their body's; admins: every body's), offering them on an
appeal, filling one in, and the paragraph on how to complain that every answer carries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, or_, select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.labels import DECISION_LABELS
from appeals.intake.models import Appeal
from appeals.language import LANGUAGES
from appeals.reference.models import Body
from appeals.replies.models import AnswerTemplate
from appeals.replies.rules import fill, placeholder_error
from appeals.timeutil import local_date, local_today


class TemplateRefused(ValueError):
    """The template cannot be saved so; `field` is the form field the message is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TemplateFields:
    title: str
    text: str
    decision: str
    language: str
    category_id: int | None


def may_keep(user: User, template: AnswerTemplate) -> bool:
    """Admins keep every template; a head keeps the templates of their own body."""
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.HEAD
        and template.body_id is not None
        and (template.body_id == user.body_id)
    )


def may_keep_any(user: User) -> bool:
    return user.role == Role.ADMIN or (user.role == Role.HEAD and user.body_id is not None)


def visible_templates(user: User) -> list[AnswerTemplate]:
    """The templates a user sees on the list: an admin all; staff their body's and every
    body's."""
    query = select(AnswerTemplate).order_by(AnswerTemplate.title, AnswerTemplate.id)
    if user.role != Role.ADMIN:
        query = query.where(
            or_(AnswerTemplate.body_id.is_(None), AnswerTemplate.body_id == user.body_id)
        )
    return list(db.session.scalars(query))


def templates_for(appeal: Appeal) -> list[AnswerTemplate]:
    """The templates an official may use on this appeal: of its body or every body, for its
    category or any; those in the appeal's language first."""
    return list(
        db.session.scalars(
            select(AnswerTemplate)
            .where(
                or_(
                    AnswerTemplate.body_id.is_(None),
                    AnswerTemplate.body_id == appeal.current_body_id,
                ),
                or_(
                    AnswerTemplate.category_id.is_(None),
                    AnswerTemplate.category_id == appeal.category_id,
                ),
            )
            .order_by(
                case((AnswerTemplate.language == appeal.language, 0), else_=1),
                AnswerTemplate.title,
                AnswerTemplate.id,
            )
        )
    )


def save_template(
    user: User, fields: TemplateFields, template: AnswerTemplate | None = None
) -> AnswerTemplate:
    """Create (template None) or change a template the user keeps; refused with the field."""
    if not may_keep_any(user) or (template is not None and not may_keep(user, template)):
        raise TemplateRefused(_("Only the heads of its body and the admins keep a template."))
    if fields.decision not in DECISION_LABELS:
        raise TemplateRefused(_("Choose the decision from the list."), "decision")
    if fields.language not in LANGUAGES:
        raise TemplateRefused(_("Choose the language from the list."), "language")
    title, text = fields.title.strip(), fields.text.strip()
    if not title:
        raise TemplateRefused(_("Give the template a title."), "title")
    if error := placeholder_error(text):
        raise TemplateRefused(error, "text")
    if template is None:
        # A head's template is their body's; an admin's is every body's.
        template = AnswerTemplate(body_id=None if user.role == Role.ADMIN else user.body_id)
        db.session.add(template)
    template.category_id = fields.category_id
    template.decision = fields.decision
    template.language = fields.language
    template.title = title
    template.text = text
    template.updated_by_id = user.id
    db.session.flush()
    return template


def delete_template(user: User, template: AnswerTemplate) -> None:
    if not may_keep(user, template):
        raise TemplateRefused(_("Only the heads of its body and the admins keep a template."))
    db.session.delete(template)
    db.session.flush()


def filled_in(template: AnswerTemplate, appeal: Appeal) -> str:
    """The template's text for this appeal, its names in the template's language."""
    zone = current_app.config["TIMEZONE"]

    def day(value) -> str:
        return f"{value:%d.%m.%Y}" if value else ""

    applicant = appeal.applicant.full_name if appeal.applicant else (appeal.contact_name or "")
    with force_locale(template.language):
        values = {
            "applicant": applicant,
            "number": appeal.number or "",
            "submitted_on": day(local_date(appeal.submitted_at, zone)),
            "registered_on": day(appeal.registered_on),
            "due_on": day(appeal.effective_due_on),
            "body": appeal.current_body.name if appeal.current_body else "",
            "executor": appeal.executor.full_name if appeal.executor else "",
            "today": day(local_today()),
        }
    return fill(template.text, values)


def how_to_complain(appeal: Appeal) -> str:
    """The paragraph every answer ends with, in the appeal's language: to whom the applicant
    may complain, within what term, and the court (APPK art. 91; the window is the
    COMPLAINT_WINDOW_MONTHS setting). Written by the system, so no answer can leave it out."""
    months = current_app.config["COMPLAINT_WINDOW_MONTHS"]
    body = db.session.get(Body, appeal.current_body_id) if appeal.current_body_id else None
    superior = body.parent if body is not None and body.parent_id else None
    language = appeal.language if appeal.language in LANGUAGES else None
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if superior is not None and superior.is_active:
            return _(
                "This answer may be appealed: by a complaint to %(superior)s within %(months)d "
                "months of the day you received it (APPK art. 91), through this site or in "
                "writing, and then to the court.",
                superior=superior.name,
                months=months,
            )
        return _(
            "This answer may be appealed: by a complaint to the superior body within %(months)d "
            "months of the day you received it (APPK art. 91), through this site or in "
            "writing, and then to the court.",
            months=months,
        )
