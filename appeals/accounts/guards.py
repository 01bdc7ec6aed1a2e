"""One guard for the areas that belong to some roles: the admin pages, the workspace, the
prosecutor's desk, the manual routing queue."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from appeals.accounts.models import Role, User
from appeals.accounts.scope import Scope, prosecutor_scope
from appeals.extensions import login_manager


def restrict_blueprint(
    bp: Blueprint, allowed: Callable[[User], bool], refusal: str, title: str = _l("Forbidden")
) -> None:
    """Every page of `bp`: anonymous visitors sign in first; signed-in users whom `allowed`
    refuses get a 403 page saying who the area is for."""

    @bp.before_request
    def require_role():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not allowed(current_user):
            abort(403)
        return None

    @bp.errorhandler(403)
    def forbidden(_error):
        return render_template("error.html", title=title, message=refusal), 403


def admins_only(bp: Blueprint) -> None:
    """The admin's areas: the office's settings, reference data and notices."""
    restrict_blueprint(
        bp,
        lambda user: user.role == Role.ADMIN,
        _l("This page is for the administrators of the site."),
    )


def prosecutors_only(bp: Blueprint) -> None:
    """The prosecutor's areas: the audits and the desk."""
    restrict_blueprint(
        bp,
        lambda user: user.role == Role.PROSECUTOR,
        _l("The prosecutor's desk is for the prosecutor's office."),
        title=_l("Prosecutors only"),
    )


def current_scope() -> Scope:
    """The signed-in prosecutor's scope (behind prosecutors_only, never anyone else's)."""
    scope = prosecutor_scope(current_user)
    if scope is None:
        abort(403)
    return scope
