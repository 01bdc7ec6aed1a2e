"""One guard for the areas that belong to some roles: the admin pages, the workspace, the
prosecutor's desk, the manual routing queue."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template
from flask_login import current_user

from appeals.accounts.models import User
from appeals.extensions import login_manager


def restrict_blueprint(
    bp: Blueprint, allowed: Callable[[User], bool], refusal: str, title: str = "Forbidden"
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
