"""Routing's pages: the routing accuracy figures (under /admin/routing, beside the reference
tables' pages) and the prosecutor's manual routing queue (under /routing)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from appeals.accounts.guards import admins_only, restrict_blueprint
from appeals.extensions import db
from appeals.intake.access import readable_appeal_or_404
from appeals.intake.labels import KIND_LABELS
from appeals.pages import page_of
from appeals.reference.models import Body
from appeals.routing import service
from appeals.routing.forms import ManualRouteForm
from appeals.routing.service import ManualRoutingRefused

accuracy_bp = Blueprint("routing_accuracy", __name__, url_prefix="/admin/routing")
queue_bp = Blueprint("routing", __name__, url_prefix="/routing")


# --- The admin's routing accuracy ------------------------------------------------------------


admins_only(accuracy_bp)


@accuracy_bp.route("/accuracy")
def accuracy():
    """Routing accuracy per body and overall, and the rules that cause most forwarding."""
    per_body, overall = service.routing_accuracy()
    return render_template(
        "routing/accuracy.html",
        per_body=per_body,
        overall=overall,
        forwarding=service.rules_causing_forwarding(),
    )


# --- The prosecutor's manual routing queue ---------------------------------------------------


restrict_blueprint(
    queue_bp,
    service.may_work_queue,
    _l("The manual routing queue is worked by the prosecutor's reception."),
)


@queue_bp.route("/manual")
def manual_queue():
    """The appeals that no rule routed, waiting at the user's prosecutor's office."""
    page = page_of(service.manual_queue(current_user), 30)
    return render_template("routing/manual_queue.html", page=page)


@queue_bp.route("/manual/<int:appeal_id>", methods=["GET", "POST"])
def route_by_hand(appeal_id: int):
    """One appeal of the queue and the form to route it to the competent body."""
    appeal = readable_appeal_or_404(appeal_id, current_user)
    form = ManualRouteForm()
    form.body_id.choices = service.body_choices_for(appeal)
    refusal = service.why_not_route(appeal, current_user)
    status = 200
    if form.is_submitted():
        status = 422
        if refusal is not None:
            status = refusal.status
        elif form.validate():
            body = db.session.get(Body, form.body_id.data)
            try:
                service.route_manually(appeal, body, form.reason.data, current_user)
            except ManualRoutingRefused as refused:
                db.session.rollback()
                appeal = readable_appeal_or_404(appeal_id, current_user)
                if refused.field:
                    getattr(form, refused.field).errors.append(str(refused))
                else:
                    refusal = refused
                status = refused.status
            else:
                db.session.commit()
                assert body is not None  # route_manually refuses a missing body
                flash(
                    _(
                        "Appeal %(number)s is routed to %(body)s; the answer is due by %(date)s.",
                        number=appeal.number,
                        body=body.name,
                        date=f"{appeal.due_on:%d.%m.%Y}",
                    ),
                    "success",
                )
                return redirect(url_for("routing.manual_queue"))
    page = render_template(
        "routing/manual_route.html",
        appeal=appeal,
        form=form,
        refusal=refusal,
        kind_labels=KIND_LABELS,
    )
    return page, status
