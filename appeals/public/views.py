"""Pages for anyone: the home page, the status check by number and access code, and the
language switch."""

from flask import Blueprint, flash, redirect, render_template, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from appeals.accounts.service import choose_language as keep_on_profile
from appeals.accounts.views import safe_next
from appeals.extensions import begin_reading, db, limiter, public_form_limit
from appeals.intake.models import Appeal
from appeals.intake.service import access_code_matches, normalize_number
from appeals.public.forms import LanguageForm, StatusCheckForm

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """The front page."""
    return render_template("public/home.html")


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def status_check():
    """Show an appeal's status to whoever has its number and access code."""
    form = StatusCheckForm()
    appeal = None
    if form.validate_on_submit():
        begin_reading()  # a POST that only reads: on SQLite it takes no write lock
        number = normalize_number(form.number.data)
        appeal = db.session.execute(
            select(Appeal).options(joinedload(Appeal.current_body)).where(Appeal.number == number)
        ).scalar_one_or_none()
        if appeal is None or not access_code_matches(appeal, form.access_code.data):
            appeal = None  # one message for both: the check must not reveal which numbers exist
            form.access_code.errors.append(_("No appeal matches this number and access code."))
    return render_template("public/status.html", form=form, appeal=appeal)


@bp.post("/language")
def choose_language():
    """Keep the language chosen in the navbar for this browser (and on the profile of whoever
    is signed in, for their next sign-in) and go back to the same page."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            keep_on_profile(current_user._get_current_object(), form.language.data)
            db.session.commit()
    else:
        flash(_("This language is not offered."), "warning")
    # Only a path on this site: the switch must not become an open redirect.
    return redirect(safe_next(form.next.data))
