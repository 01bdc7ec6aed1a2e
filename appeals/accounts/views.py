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
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import (
    current_user,
    login_required,
    login_user,
    logout_user,
    user_loaded_from_cookie,
    user_logged_in,
)
from markupsafe import Markup

from appeals.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    CloseAccountForm,
    FirstPasswordForm,
    ForgotPasswordForm,
    LanguageChoiceForm,
    LoginForm,
    RegistrationForm,
    SecondFactorForm,
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
from appeals.accounts.second_factor import (
    SecondFactorRefused,
    enable_second_factor,
    needs_enrolment,
    new_secret,
    provisioning_uri,
    qr_svg,
    recovery_codes_left,
    second_factor_matches,
    second_factor_required,
)
from appeals.accounts.service import (
    AccountLocked,
    WrongPassword,
    authenticate,
    change_password,
    choose_language,
    end_sessions,
    user_of_session,
)
from appeals.accounts.staff import accept_invitation, invited_user
from appeals.extensions import db, limiter, login_manager, public_form_limit
from appeals.language import LANGUAGES

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return user_of_session(token)


@user_logged_in.connect
@user_loaded_from_cookie.connect
def use_their_language(_app, user: User, **_extra) -> None:
    """The language kept on the profile is the session's from each sign-in (and each session
    a remember-me cookie brings back) on: the locale selector reads only the session."""
    if user.language in LANGUAGES:
        session["language"] = user.language


# Session keys: a sign-in waiting for its second factor, and a secret being set up.
PENDING_SIGN_IN = "second_factor_pending"
TOTP_SETUP = "totp_setup"
SECOND_FACTOR_TRIES = 5


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
                target = safe_next(request.args.get("next"))
                if user.totp_enabled_at is not None:
                    # The password is right; the session is given only after the code.
                    session[PENDING_SIGN_IN] = {
                        "user": user.get_id(),
                        "remember": bool(form.remember.data),
                        "next": target,
                        "tries": 0,
                    }
                    return redirect(url_for("accounts.second_factor"))
                login_user(user, remember=form.remember.data)
                return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(public_form_limit, methods=["POST"])
def second_factor():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    pending = session.get(PENDING_SIGN_IN)
    user = user_of_session(pending["user"]) if pending else None
    if user is None:  # no password step, or the account changed meanwhile
        session.pop(PENDING_SIGN_IN, None)
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if second_factor_matches(user, form.code.data):
            db.session.commit()  # the step used, or the recovery code spent
            session.pop(PENDING_SIGN_IN, None)
            login_user(user, remember=pending["remember"])
            return redirect(pending["next"])
        pending["tries"] += 1
        session[PENDING_SIGN_IN] = pending
        if pending["tries"] >= SECOND_FACTOR_TRIES:
            session.pop(PENDING_SIGN_IN, None)
            flash(_("Too many wrong codes: sign in again."), "danger")
            return redirect(url_for("accounts.login"))
        form.code.errors.append(_("The code is wrong or has expired."))
    return render_template("accounts/second_factor.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Turn the second factor on: scan the QR code (or type the key) into an authenticator
    app, then confirm with a code; the recovery codes are shown once."""
    user = current_user
    if user.totp_enabled_at is not None:
        return render_template(
            "accounts/two_factor.html", enabled=True, codes_left=recovery_codes_left(user)
        )
    secret = session.get(TOTP_SETUP) or new_secret()
    session[TOTP_SETUP] = secret
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            codes = enable_second_factor(user, secret, form.code.data)
        except SecondFactorRefused as refused:
            form.code.errors.append(str(refused))
        else:
            db.session.commit()
            session.pop(TOTP_SETUP, None)
            flash(_("The second factor is on."), "success")
            return render_template("accounts/two_factor.html", enabled=True, codes=codes)
    uri = provisioning_uri(user, secret)
    return render_template(
        "accounts/two_factor.html",
        enabled=False,
        form=form,
        secret=secret,
        qr=Markup(qr_svg(uri)),
        required=second_factor_required(user),
    )


# Pages a user whose role requires a second factor may open before setting it up.
BEFORE_SECOND_FACTOR = {"accounts.two_factor", "accounts.logout", "public.choose_language"}


@bp.before_app_request
def require_second_factor():
    """Prosecutors and admins (TOTP_REQUIRED_ROLES) set up their second factor first."""
    # The request's own facts first: static files and probes never load the user.
    if (
        request.endpoint not in BEFORE_SECOND_FACTOR
        and request.blueprint not in ("bootstrap", "ops")
        and request.endpoint != "static"
        and current_user.is_authenticated
        and needs_enrolment(current_user)
    ):
        flash(_("Your role signs in with a second factor: set it up to go on."), "warning")
        return redirect(url_for("accounts.two_factor"))
    return None


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


def _language_form() -> LanguageChoiceForm:
    return LanguageChoiceForm(prefix="language", data={"language": current_user.language or ""})


@bp.route("/account/data")
@login_required
def my_data():
    """My account: the interface language; download everything held about me; close my
    account (citizens)."""
    return render_template(
        "accounts/data.html", form=CloseAccountForm(), language_form=_language_form()
    )


@bp.post("/account/language")
@login_required
def language():
    """Keep the interface language on my profile; this session takes it at once."""
    form = LanguageChoiceForm(prefix="language")
    if not form.validate_on_submit():
        return render_template(
            "accounts/data.html", form=CloseAccountForm(), language_form=form
        ), 400
    choose_language(current_user._get_current_object(), form.language.data or None)
    db.session.commit()
    if form.language.data:
        session["language"] = form.language.data
    else:
        session.pop("language", None)
    refresh()  # the message below in the language just chosen
    flash(_("Your interface language is saved."), "success")
    return redirect(url_for("accounts.my_data"))


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
    return render_template("accounts/data.html", form=form, language_form=_language_form()), 400
