"""Sign-up, sign-in, sign-out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from appeals.accounts.forms import LoginForm, RegistrationForm
from appeals.accounts.models import User
from appeals.accounts.service import EmailTaken, authenticate, register_citizen
from appeals.extensions import db, limiter, login_manager, public_form_limit

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user and user.is_active else None


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing. A path may not start with
    "//" either: browsers read "//host" and "///host" as another site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
        and "\\" not in target
    ):
        return target
    return url_for("public.home")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def register():
    """Create a citizen's account."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = register_citizen(
                form.email.data, form.password.data, form.full_name.data, form.iin.data
            )
        except EmailTaken:
            form.email.errors.append(_("An account with this e-mail exists already. Sign in?"))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("intake.new_appeal"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password."))
        else:
            db.session.commit()  # a rehashed password is saved
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so a link on another site cannot sign you out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))
