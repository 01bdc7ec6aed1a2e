"""The admin's pages: the deadline policies (versioned by date of effect), the calendar and
the notices that failed."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from appeals.accounts.guards import admins_only
from appeals.admin.forms import CalendarDayForm, PolicyForm
from appeals.deadlines.holidays import (
    CalendarChangeRefused,
    add_calendar_day,
    load_holidays_year,
    month_grid,
    next_year_warning,
    remove_calendar_day,
    year_rows,
)
from appeals.deadlines.labels import DAY_KIND_LABELS, WEEKDAYS
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.policy_versions import (
    PolicyInUse,
    PolicyRefused,
    add_policy_version,
    appeals_using,
    policy_usage,
    update_policy,
    versions_in_force,
)
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.notifications.models import Notification
from appeals.notifications.service import retry_notice, undelivered_notices
from appeals.timeutil import local_today

bp = Blueprint("admin", __name__, url_prefix="/admin")


admins_only(bp)


def _moved_message(moved: int) -> str:
    return ngettext(
        "%(num)d open appeal got a new due date.", "%(num)d open appeals got a new due date.", moved
    )


def _refuse(form: PolicyForm, refusal: PolicyRefused) -> None:
    field = getattr(form, refusal.field) if refusal.field else form.term
    field.errors.append(str(refusal))


@bp.route("/")
def index():
    """The admin's start page, with the warning about next year's calendar."""
    today = local_today()
    return render_template("admin/index.html", warning=next_year_warning(today), year=today.year)


@bp.route("/policies")
def policies():
    """Every policy version, grouped by profile, with how many appeals keep each."""
    rows = db.session.execute(
        select(DeadlinePolicy).order_by(
            DeadlinePolicy.profile, DeadlinePolicy.kind, DeadlinePolicy.effective_from
        )
    ).scalars()
    default = current_app.config["DEADLINE_PROFILE"]
    by_profile: dict[str, list[DeadlinePolicy]] = {}
    for row in rows:
        by_profile.setdefault(row.profile, []).append(row)
    profiles = sorted(by_profile.items(), key=lambda item: (item[0] != default, item[0]))
    return render_template(
        "admin/policies.html",
        profiles=profiles,
        default_profile=default,
        usage=policy_usage(),
        in_force=versions_in_force(local_today()),
    )


@bp.route("/policies/<int:policy_id>/new-version", methods=["GET", "POST"])
def new_policy_version(policy_id: int):
    """A new version of a policy from a later date of effect, prefilled from this one."""
    base = db.get_or_404(DeadlinePolicy, policy_id)
    form = PolicyForm(obj=base)
    if not form.is_submitted():
        form.effective_from.data = None
    if form.validate_on_submit():
        try:
            policy = add_policy_version(base, form.figures(), current_user, today=local_today())
        except PolicyRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            flash(
                _(
                    "New version of %(policy)s in effect from %(date)s saved.",
                    policy=f"{policy.profile}/{policy.kind}",
                    date=f"{policy.effective_from:%d.%m.%Y}",
                ),
                "success",
            )
            return redirect(url_for("admin.policies"))
    return render_template("admin/policy_form.html", form=form, policy=base, editing=False)


@bp.route("/policies/<int:policy_id>/edit", methods=["GET", "POST"])
def edit_policy(policy_id: int):
    """Edit a policy version in place, allowed only while no appeal keeps it."""
    policy = db.get_or_404(DeadlinePolicy, policy_id)
    used = appeals_using(policy.id)
    if used:
        status = 409 if request.method == "POST" else 200
        page = render_template("admin/policy_form.html", form=None, policy=policy, used=used)
        return page, status
    form = PolicyForm(obj=policy)
    if form.validate_on_submit():
        try:
            update_policy(policy, form.figures(), current_user, today=local_today())
        except PolicyInUse as refusal:
            flash(str(refusal), "danger")
            return redirect(url_for("admin.new_policy_version", policy_id=policy.id))
        except PolicyRefused as refusal:
            _refuse(form, refusal)
        else:
            db.session.commit()
            flash(
                _("Version of %(policy)s saved.", policy=f"{policy.profile}/{policy.kind}"),
                "success",
            )
            return redirect(url_for("admin.policies"))
    return render_template("admin/policy_form.html", form=form, policy=policy, editing=True)


@bp.route("/calendar", methods=["GET", "POST"])
@bp.route("/calendar/<int:year>", methods=["GET", "POST"])
def calendar(year: int | None = None):
    """A year's calendar rows and days, with the form to add a day."""
    today = local_today()
    year = year or today.year
    working = working_calendar()
    if not working.first.year <= year <= working.last.year:
        abort(404)
    form = CalendarDayForm()
    if form.validate_on_submit():
        day = form.day.data
        try:
            moved = add_calendar_day(day, form.kind.data, form.name.data, current_user)
        except CalendarChangeRefused as refusal:
            form.day.errors.append(str(refusal))
        else:
            db.session.commit()
            label = DAY_KIND_LABELS[form.kind.data]
            added = _("%(day)s added as %(kind)s.", day=f"{day:%d.%m.%Y}", kind=label)
            flash(f"{added} {_moved_message(moved)}", "success")
            return redirect(url_for("admin.calendar", year=day.year))
    return render_template(
        "admin/calendar.html",
        form=form,
        year=year,
        rows=year_rows(year),
        months=month_grid(year, working),
        warning=next_year_warning(today),
        kind_labels=DAY_KIND_LABELS,
        weekdays=WEEKDAYS,
    )


@bp.route("/calendar/days/<day_iso>/remove", methods=["POST"])
def remove_day(day_iso: str):
    """Remove one calendar row; the due dates it touched are recomputed."""
    try:
        day = date.fromisoformat(day_iso)
    except ValueError:
        abort(404)
    try:
        moved = remove_calendar_day(day, current_user)
    except CalendarChangeRefused as refusal:
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        removed = _("%(day)s removed from the calendar.", day=f"{day:%d.%m.%Y}")
        flash(f"{removed} {_moved_message(moved)}", "success")
    return redirect(url_for("admin.calendar", year=day.year))


@bp.route("/calendar/<int:year>/load", methods=["POST"])
def load_year(year: int):
    """Add the holidays package's days of a year that are missing (idempotent)."""
    try:
        added, moved = load_holidays_year(year, current_user)
    except CalendarChangeRefused as refusal:
        flash(str(refusal), "danger")
        return redirect(url_for("admin.calendar"))
    db.session.commit()
    loaded = ngettext(
        "%(num)d day(s) of %(year)s loaded from the holidays package.",
        "%(num)d day(s) of %(year)s loaded from the holidays package.",
        added,
        year=year,
    )
    flash(f"{loaded} {_moved_message(moved)}")
    return redirect(url_for("admin.calendar", year=year))


@bp.route("/notifications")
def notifications():
    """Notices that failed or are stuck, with their last error and attempts."""
    return render_template("admin/notifications.html", notices=undelivered_notices())


@bp.route("/notifications/<int:notice_id>/retry", methods=["POST"])
def retry_notification(notice_id: int):
    """Queue a failed notice for delivery again."""
    retry_notice(db.get_or_404(Notification, notice_id))
    db.session.commit()
    flash(_("The notice is queued for delivery again."), "success")
    return redirect(url_for("admin.notifications"))
