"""The notices page of the account: the mobile number for SMS (verified by a code) and the
choice of channels and optional notices."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from appeals.accounts.notice_forms import NoticeChoiceForm, PhoneCodeForm, PhoneForm
from appeals.accounts.phone import PhoneCodeRefused, confirm_phone, remove_phone, set_phone
from appeals.extensions import db, limiter, public_form_limit
from appeals.notifications.preferences import (
    OPTIONAL_APPLICANT_NOTICES,
    REQUIRED_NOTICE_LABELS,
    NoticeChoiceRefused,
    choose_notices,
    chosen_channels,
    notice_wanted,
    phone_verified,
)

bp = Blueprint("notice_settings", __name__)


def phone_code_limit() -> str:
    return current_app.config["PHONE_CODE_LIMIT"]


def _per_account() -> str:
    # Counted per account, not per address: each code is an SMS the site pays for.
    return f"phone-code:{current_user.id}"


def _page(phone_form=None, code_form=None, choice_form=None, status: int = 200):
    user = current_user
    if choice_form is None:
        channels = chosen_channels(user)
        choice_form = NoticeChoiceForm(
            formdata=None,
            email="email" in channels,
            sms="sms" in channels and phone_verified(user),
            optional=[name for name in OPTIONAL_APPLICANT_NOTICES if notice_wanted(user, name)],
        )
    return render_template(
        "accounts/notices.html",
        phone_form=phone_form or PhoneForm(formdata=None),
        code_form=code_form or PhoneCodeForm(formdata=None),
        choice_form=choice_form,
        # Shown while a code waits, and with the refusal of the last one typed.
        code_pending=code_form is not None
        or (user.phone is not None and user.phone_code_hash is not None),
        verified=phone_verified(user),
        required=REQUIRED_NOTICE_LABELS,
    ), status


@bp.route("/account/notices")
@login_required
def notices():
    """The page: the number and its verification, the channels and the optional notices."""
    return _page()


@bp.route("/account/phone", methods=["POST"])
@login_required
@limiter.limit(phone_code_limit, key_func=_per_account)
def phone():
    """Take a number and send a code to it by SMS (through the outbox)."""
    form = PhoneForm()
    if not form.validate_on_submit():
        return _page(phone_form=form, status=400)
    user = current_user._get_current_object()
    if set_phone(user, form.phone.data):
        flash(_("A code is on its way to %(phone)s by SMS.", phone=user.phone), "info")
    else:
        flash(_("This number is verified already."), "info")
    db.session.commit()
    return redirect(url_for("notice_settings.notices"))


@bp.route("/account/phone/code", methods=["POST"])
@login_required
@limiter.limit(public_form_limit)
def phone_code():
    """The code from the SMS: the number is verified."""
    form = PhoneCodeForm()
    if not form.validate_on_submit():
        return _page(code_form=form, status=400)
    try:
        confirm_phone(current_user._get_current_object(), form.code.data)
    except PhoneCodeRefused as refused:
        db.session.commit()  # the wrong try counts
        form.code.errors.append(str(refused))
        return _page(code_form=form, status=400)
    db.session.commit()
    flash(_("Your number is verified: you can receive notices by SMS."), "success")
    return redirect(url_for("notice_settings.notices"))


@bp.route("/account/phone/remove", methods=["POST"])
@login_required
def phone_remove():
    """Forget the number."""
    remove_phone(current_user._get_current_object())
    db.session.commit()
    flash(_("The number is removed; notices come by e-mail."), "info")
    return redirect(url_for("notice_settings.notices"))


@bp.route("/account/notices", methods=["POST"])
@login_required
def choose():
    """Keep the channels and the optional notices chosen."""
    form = NoticeChoiceForm()
    if not form.validate_on_submit():
        return _page(choice_form=form, status=400)
    channels = [name for name in ("email", "sms") if form[name].data]
    try:
        choose_notices(current_user._get_current_object(), channels, form.optional.data)
    except NoticeChoiceRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return _page(choice_form=form, status=400)
    db.session.commit()
    flash(_("Your choice of notices is saved."), "success")
    return redirect(url_for("notice_settings.notices"))
