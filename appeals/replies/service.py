"""Keeping answer templates (heads: their body's; admins: every body's), offering them on an
appeal, filling one in, and the paragraph on how to complain that every answer carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, or_, select

from appeals.accounts.links import site_link
from appeals.accounts.models import Role, User
from appeals.deadlines.service import policy_in_force
from appeals.extensions import db
from appeals.intake.labels import DECISION_LABELS
from appeals.intake.models import Appeal, AppealKind
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


def complaint_route(appeal: Appeal) -> dict[str, Any]:
    """Where and within what term the applicant may complain about this appeal's answer (or
    about none in time): the superior body of the body that holds it, the window to file
    (APPK art. 92: the COMPLAINT_WINDOW_MONTHS setting), the complaint's own term from the
    deadline policy in force (art. 99) and the link to the complaint form."""
    body = db.session.get(Body, appeal.current_body_id) if appeal.current_body_id else None
    superior = body.parent if body is not None and body.parent_id else None
    try:
        policy = policy_in_force(AppealKind.COMPLAINT, local_today())
    except LookupError:  # no complaint policy in the profile: the term is not named
        policy = None
    return {
        "superior": superior.name if superior is not None and superior.is_active else None,
        "window_months": current_app.config["COMPLAINT_WINDOW_MONTHS"],
        "term": policy.term if policy is not None else None,
        "working_days": policy is not None and policy.unit == "working",
        "link": site_link("intake.appeal_detail", appeal_id=appeal.id, _anchor="complaint-form"),
    }


def how_to_complain(appeal: Appeal) -> str:
    """The paragraph on how to complain, in the appeal's language: to whom, within what
    window, the complaint's own term, then the court. Every answer stores it when given (so no
    answer can leave it out), and the notices print it."""
    language = appeal.language if appeal.language in LANGUAGES else None
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        route = complaint_route(appeal)
        months = route["window_months"]
        if route["superior"]:
            where = _(
                "If you disagree, you may complain to the superior body, %(body)s, within "
                "%(months)d months (APPK art. 92); the complaint is filed through this site or "
                "in writing.",
                body=route["superior"],
                months=months,
            )
        else:
            where = _(
                "If you disagree, you may complain to the superior body within %(months)d months "
                "(APPK art. 92); the complaint is filed through this site or in writing.",
                months=months,
            )
        term = ""
        if route["term"] and route["working_days"]:
            term = _(
                "A complaint is decided within %(term)s working days of its receipt (APPK art. "
                "99).",
                term=route["term"],
            )
        elif route["term"]:
            term = _(
                "A complaint is decided within %(term)s calendar days of its receipt.",
                term=route["term"],
            )
        return " ".join(part for part in (where, term, _("You may also go to court.")) if part)
