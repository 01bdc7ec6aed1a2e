"""The answer templates' pages: the list (staff see their body's and every body's), and the
form where heads keep their body's templates and admins every body's."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from appeals.accounts.guards import restrict_blueprint
from appeals.accounts.models import STAFF_ROLES, Role
from appeals.extensions import db
from appeals.intake.labels import DECISION_LABELS
from appeals.language import LANGUAGES
from appeals.reference.models import Category
from appeals.replies.forms import ANY_CATEGORY, DeleteTemplateForm, TemplateForm
from appeals.replies.models import AnswerTemplate
from appeals.replies.service import (
    TemplateFields,
    TemplateRefused,
    delete_template,
    may_keep,
    may_keep_any,
    save_template,
    visible_templates,
)

bp = Blueprint("replies", __name__, url_prefix="/work/answer-templates")

restrict_blueprint(
    bp,
    lambda user: user.role == Role.ADMIN or (user.role in STAFF_ROLES and user.body_id is not None),
    _l("Answer templates are for the staff of state bodies and the administrators."),
)


def _categories() -> list[Category]:
    return list(
        db.session.scalars(select(Category).where(Category.is_active).order_by(Category.id))
    )


def _kept_or_404(template_id: int) -> AnswerTemplate:
    """A template the user keeps; any other is a 404 (ids of other bodies' are not revealed)."""
    template = db.session.get(AnswerTemplate, template_id)
    if template is None or not may_keep(current_user, template):
        abort(404)
    return template


@bp.route("/")
def index():
    return render_template(
        "replies/list.html",
        templates=visible_templates(current_user),
        may_keep=lambda template: may_keep(current_user, template),
        may_add=may_keep_any(current_user),
        decision_labels=DECISION_LABELS,
        languages=LANGUAGES,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not may_keep_any(current_user):
        abort(403)
    return _edit(None)


@bp.route("/<int:template_id>", methods=["GET", "POST"])
def edit(template_id: int):
    return _edit(_kept_or_404(template_id))


def _edit(template: AnswerTemplate | None):
    form = TemplateForm(obj=template, categories=_categories())
    if template is not None and not form.is_submitted():
        form.category_id.data = template.category_id or ANY_CATEGORY
    if form.validate_on_submit():
        fields = TemplateFields(
            title=form.title.data,
            text=form.text.data,
            decision=form.decision.data,
            language=form.language.data,
            category_id=form.category_id.data or None,
        )
        try:
            save_template(current_user, fields, template)
        except TemplateRefused as refused:
            db.session.rollback()
            target = getattr(form, refused.field) if refused.field else None
            (target.errors if target is not None else form.form_errors).append(str(refused))
        else:
            db.session.commit()
            flash(_("The template is saved."), "success")
            return redirect(url_for("replies.index"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "replies/edit.html",
        form=form,
        template=template,
        delete_form=DeleteTemplateForm(),
    ), status


@bp.post("/<int:template_id>/delete")
def delete(template_id: int):
    template = _kept_or_404(template_id)
    if DeleteTemplateForm().validate_on_submit():
        delete_template(current_user, template)
        db.session.commit()
        flash(_("The template is deleted."), "success")
    return redirect(url_for("replies.index"))
