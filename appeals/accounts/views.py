"""Sign-up, sign-in, sign-out, a new password."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from appeals.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    CloseAccountForm,
    FirstPasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
)
from appeals.accounts.links import LinkRefused
from appeals.accounts.models import User
from appeals.accounts.personal_data import close_account, export_zip
from appeals.accounts.recovery import (
    EmailInUse,
    change_email,
    confirm_email,
    request_email_change,
    request_password_reset,
    reset_password,
    sign_up,
    user_to_reset,
)
from appeals.accounts.service import (
    AccountLocked,
    WrongPassword,
    authenticate,
    change_password,
    end_sessions,
    user_of_session,
)
from appeals.accounts.staff import accept_invitation, invited_user
from appeals.extensions import db, limiter, login_manager, public_form_limit

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return user_of_session(token)


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
    """Create a citizen's account. The page says the same whether or not the e-mail has an
    account already (its owner is told by e-mail instead): it cannot be used to find out."""
    form = RegistrationForm()
    if form.validate_on_submit():
        sign_up(form.email.data, form.password.data, form.full_name.data, form.iin.data)
        db.session.commit()
        flash(
            _(
                "Thank you. We sent a message to %(email)s: follow its link to confirm the "
                "address, and sign in.",
                email=form.email.data.strip(),
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


def _link_refused(message: str):
    return render_template("error.html", title=_("The link cannot be used"), message=message), 400


@bp.route("/verify/<token>")
def verify(token: str):
    """The e-mail confirmation link."""
    try:
        confirm_email(token)
    except LinkRefused as refused:
        return _link_refused(str(refused))
    db.session.commit()
    flash(_("Your e-mail is confirmed."), "success")
    return redirect(url_for("public.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def forgot_password():
    """Ask for a password reset link (the page says the same for any address)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account has the address %(email)s, a link to set a new password is "
                "on its way to it.",
                email=form.email.data.strip(),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def reset(token: str):
    """A password reset link: choose a new password; every session ends."""
    try:
        user = user_to_reset(token)
    except LinkRefused as refused:
        return _link_refused(str(refused))
    form = FirstPasswordForm(user)
    if form.validate_on_submit():
        reset_password(user, form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(public_form_limit, methods=["POST"])
def email():
    """Change the e-mail: the current password first, then a link to the new address."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            request_email_change(user, form.current.data, form.email.data)
        except WrongPassword:
            db.session.rollback()
            form.current.errors.append(_("This is not your current password."))
        else:
            db.session.commit()
            flash(
                _(
                    "A link is on its way to %(email)s; your e-mail changes when it is followed.",
                    email=form.email.data.strip(),
                ),
                "info",
            )
            return redirect(url_for("public.home"))
    return render_template("accounts/email.html", form=form)


@bp.route("/account/email/<token>")
def confirm_new_email(token: str):
    """The change-of-e-mail link: the new address is the account's; every session ends."""
    try:
        user = change_email(token)
    except LinkRefused as refused:
        return _link_refused(str(refused))
    except EmailInUse:
        db.session.rollback()
        return _link_refused(_("Another account has this e-mail now."))
    db.session.commit()
    logout_user()
    flash(_("Your e-mail is now %(email)s. Sign in with it.", email=user.email), "success")
    return redirect(url_for("accounts.login"))


def _local_time(moment) -> str:
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%H:%M")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountLocked as locked:
            db.session.commit()  # the wrong password is counted
            form.password.errors.append(
                _(
                    "Too many wrong passwords for this account. Try again after %(time)s.",
                    time=_local_time(locked.until),
                )
            )
        else:
            db.session.commit()  # the count of wrong passwords, or a rehashed password
            if user is None:
                form.password.errors.append(_("Wrong e-mail or password."))
            else:
                login_user(user, remember=form.remember.data)
                return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so a link on another site cannot sign you out), on every
    device: a copy of the session or remember-me cookie no longer signs in."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


def _remembered() -> bool:
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return cookie in request.cookies


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(public_form_limit, methods=["POST"])
def password():
    """A new password, after the current one; every other session of the user ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current.data, form.password.data)
        except WrongPassword:
            db.session.rollback()
            form.current.errors.append(_("This is not your current password."))
        else:
            db.session.commit()
            login_user(user, remember=_remembered())  # this session goes on, with the new id
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("public.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def accept_invitation_page(token: str):
    """A staff invitation's link: set the first password, then sign in."""
    try:
        user = invited_user(token)
    except LinkRefused as refused:
        return _link_refused(str(refused))
    form = FirstPasswordForm(user)
    if form.validate_on_submit():
        accept_invitation(user, form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(_("Your password is set. Welcome to E-appealing."), "success")
        return redirect(url_for("public.home"))
    return render_template("accounts/invitation.html", form=form, user=user)


@bp.route("/account/data")
@login_required
def my_data():
    """Download everything held about me; close my account (citizens)."""
    return render_template("accounts/data.html", form=CloseAccountForm())


@bp.route("/account/data.zip")
@login_required
def my_data_zip():
    """A ZIP of a JSON file with everything held about me and my appeals' attachments."""
    content = export_zip(current_user)
    db.session.rollback()  # read only
    return Response(
        content,
        mimetype="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="e-appealing-my-data.zip"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/close", methods=["POST"])
@login_required
@limiter.limit(public_form_limit)
def close():
    """Close a citizen's account: personal data erased, appeals kept as the record."""
    if not current_user.is_citizen:
        abort(403)
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            close_account(current_user._get_current_object(), form.current.data)
        except WrongPassword:
            db.session.rollback()
            form.current.errors.append(_("This is not your current password."))
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is closed and your personal data erased."), "info")
            return redirect(url_for("public.home"))
    return render_template("accounts/data.html", form=form), 400
