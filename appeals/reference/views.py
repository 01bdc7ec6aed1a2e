"""The admin's pages of the reference tables (under /admin/routing): the regions, bodies and
categories as trees, the routing rules, their create/edit/deactivate forms, and the "test
routing" box on the start page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from appeals.accounts.guards import admins_only
from appeals.extensions import db
from appeals.pages import page_of
from appeals.reference import service
from appeals.reference.forms import (
    BodyForm,
    CategoryForm,
    RegionForm,
    RuleFilterForm,
    RuleForm,
    TrialForm,
)
from appeals.reference.labels import BODY_KIND_LABELS, REGION_LEVEL_LABELS
from appeals.reference.models import Body, Category, Region, RoutingRule
from appeals.reference.service import ReferenceRefused
from appeals.routing.service import try_routing

# The blueprint keeps the name it had under routing/, so the endpoints (routing_admin.rules,
# ...) and the URLs are unchanged; the routing accuracy page shares the URL prefix.
bp = Blueprint("routing_admin", __name__, url_prefix="/admin/routing")


admins_only(bp)


@dataclass(frozen=True)
class KindWords:
    """What the pages say of one reference table: whole sentences per table (lazy, in the
    admin's language), since Russian and Kazakh change the words around the noun."""

    new_heading: Any
    edit_heading: Any
    never_deleted: Any
    saved: Any  # with %(label)s
    deactivated: Any  # with %(label)s
    reactivated: Any  # with %(label)s


@dataclass(frozen=True)
class ReferenceKind:
    """One reference table as the generic create/edit/deactivate pages see it."""

    model: Any
    form: Any
    words: KindWords
    list_endpoint: str


KINDS = {
    "regions": ReferenceKind(
        Region,
        RegionForm,
        KindWords(
            _l("New region"),
            _l("Edit the region"),
            _l("Regions are never deleted: appeals and rules may refer to them."),
            _l("The region %(label)s is saved."),
            _l("The region %(label)s is deactivated."),
            _l("The region %(label)s is reactivated."),
        ),
        "routing_admin.regions",
    ),
    "bodies": ReferenceKind(
        Body,
        BodyForm,
        KindWords(
            _l("New body"),
            _l("Edit the body"),
            _l("Bodies are never deleted: appeals and rules may refer to them."),
            _l("The body %(label)s is saved."),
            _l("The body %(label)s is deactivated."),
            _l("The body %(label)s is reactivated."),
        ),
        "routing_admin.bodies",
    ),
    "categories": ReferenceKind(
        Category,
        CategoryForm,
        KindWords(
            _l("New category"),
            _l("Edit the category"),
            _l("Categories are never deleted: appeals and rules may refer to them."),
            _l("The category %(label)s is saved."),
            _l("The category %(label)s is deactivated."),
            _l("The category %(label)s is reactivated."),
        ),
        "routing_admin.categories",
    ),
    "rules": ReferenceKind(
        RoutingRule,
        RuleForm,
        KindWords(
            _l("New routing rule"),
            _l("Edit the routing rule"),
            _l("Routing rules are never deleted: appeals keep the rule that routed them."),
            _l("The routing rule %(label)s is saved."),
            _l("The routing rule %(label)s is deactivated."),
            _l("The routing rule %(label)s is reactivated."),
        ),
        "routing_admin.rules",
    ),
}
KIND_NAMES = "any(regions, bodies, categories, rules)"


def _label(row) -> str:
    if isinstance(row, RoutingRule):
        return f"#{row.id}"
    return f"{row.name} ({row.code})"


@bp.route("/")
def index():
    """The routing admin's start page with the "test routing" box."""
    form = TrialForm(request.args)
    trial = None
    status = 200
    if request.args:
        if form.validate():
            try:
                trial = try_routing(form.category_id.data, form.region_id.data)
            except ReferenceRefused as refusal:
                getattr(form, refusal.field).errors.append(str(refusal))
                status = 422
        else:
            status = 422
    return render_template("reference/index.html", form=form, trial=trial), status


@bp.route("/regions")
def regions():
    """The region tree with its KATO codes."""
    return render_template(
        "reference/tree.html",
        kind="regions",
        rows=service.tree_rows(Region),
        title=_("Regions"),
        level_labels=REGION_LEVEL_LABELS,
    )


@bp.route("/bodies")
def bodies():
    """The tree of state bodies under their superior bodies."""
    return render_template(
        "reference/tree.html",
        kind="bodies",
        rows=service.tree_rows(Body),
        title=_("State bodies"),
        body_kind_labels=BODY_KIND_LABELS,
    )


@bp.route("/categories")
def categories():
    """The category tree."""
    return render_template(
        "reference/tree.html",
        kind="categories",
        rows=service.tree_rows(Category),
        title=_("Categories"),
    )


@bp.route("/rules")
def rules():
    """The routing rules, filtered by category, region, body and state, paginated."""
    filters = RuleFilterForm(request.args)
    if not filters.validate():
        filters = RuleFilterForm(formdata=None)
    active = {"active": True, "inactive": False}.get(filters.state.data)
    page = page_of(
        service.rules_query(
            filters.category_id.data, filters.region_id.data, filters.body_id.data, active
        ),
        50,
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("reference/rules.html", page=page, filters=filters, args=args)


def _save(form, row=None):
    """Call the service with the form's values and commit; None when the form must be shown
    again with its errors."""
    try:
        if row is None:
            saved = service.create_row(form.fields(), current_user)
        else:
            saved = service.update_row(row, form.fields(), current_user)
        db.session.commit()
    except ReferenceRefused as refusal:
        db.session.rollback()
        field = getattr(form, refusal.field) if refusal.field else None
        if field is not None:
            field.errors.append(str(refusal))
        else:
            form.form_errors.append(str(refusal))
        return None
    except IntegrityError:
        # Two admins saved the same code or rule at once: the second one sees why.
        db.session.rollback()
        form.form_errors.append(
            _(
                "Someone saved a row with the same code or the same rule meanwhile: check the "
                "list and try again."
            )
        )
        return None
    return saved


@bp.route(f"/<{KIND_NAMES}:kind>/new", methods=["GET", "POST"])
def new(kind: str):
    """Create a region, body, category or routing rule."""
    spec = KINDS[kind]
    # A GET may prefill the form from the query (e.g. a rule for the tested category/region).
    form = spec.form(formdata=request.form if request.method == "POST" else request.args or None)
    if request.method == "POST" and form.validate():
        saved = _save(form)
        if saved is not None:
            flash(str(spec.words.saved) % {"label": _label(saved)}, "success")
            return redirect(url_for(spec.list_endpoint))
    status = 422 if request.method == "POST" else 200
    page = render_template("reference/form.html", form=form, kind=kind, words=spec.words, row=None)
    return page, status


@bp.route(f"/<{KIND_NAMES}:kind>/<int:row_id>/edit", methods=["GET", "POST"])
def edit(kind: str, row_id: int):
    """Edit a region, body, category or routing rule (they are never deleted)."""
    spec = KINDS[kind]
    row = db.get_or_404(spec.model, row_id)
    form = spec.form(obj=row)
    if form.validate_on_submit():
        saved = _save(form, row)
        if saved is not None:
            flash(str(spec.words.saved) % {"label": _label(saved)}, "success")
            return redirect(url_for(spec.list_endpoint))
        row = db.get_or_404(spec.model, row_id)  # the rollback expired it
    status = 422 if form.is_submitted() else 200
    page = render_template("reference/form.html", form=form, kind=kind, words=spec.words, row=row)
    return page, status


@bp.route(f"/<{KIND_NAMES}:kind>/<int:row_id>/<any(deactivate, reactivate):action>",
                methods=["POST"])  # fmt: skip
def toggle(kind: str, row_id: int, action: str):
    """Deactivate or reactivate a row; appeals that refer to it keep it."""
    spec = KINDS[kind]
    row = db.get_or_404(spec.model, row_id)
    try:
        notes = service.set_active(row, action == "reactivate", current_user)
    except ReferenceRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "warning")
    else:
        db.session.commit()
        done = spec.words.reactivated if action == "reactivate" else spec.words.deactivated
        flash(" ".join([str(done) % {"label": _label(row)}, *notes]), "success")
    return redirect(_local_path(request.form.get("back")) or url_for(spec.list_endpoint))


def _local_path(target: str | None) -> str | None:
    """A path on this site to go back to, or None: never an address elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
