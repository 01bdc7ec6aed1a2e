"""The pages around the API: the signed-in user's personal access tokens (make one, shown
once; list; revoke), the reference page's assets, and a JSON 404/405 for any other /api path."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from appeals.api.core import json_errors
from appeals.api.forms import TokenForm
from appeals.api.labels import SCOPE_LABELS
from appeals.api.tokens import TokenRefused, issue_token, revoke_token, tokens_of
from appeals.extensions import db
from appeals.timeutil import now_utc

bp = Blueprint("api_tokens", __name__, url_prefix="/api/tokens")

# Swagger UI's files, shipped inside the flask-swagger-ui package (no CDN: closed networks).
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
docs_assets_bp = Blueprint("api_docs_assets", __name__, url_prefix="/api/docs/assets")
fallback_bp = Blueprint("api_fallback", __name__)
json_errors(docs_assets_bp)
json_errors(fallback_bp)


def _render(form: TokenForm, new_token: str | None = None, status: int = 200):
    page = render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens_of(current_user),
        new_token=new_token,
        scope_labels=SCOPE_LABELS,
        now=now_utc(),
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@login_required
def tokens():
    """The user's tokens, and the form that makes one (its value shown on this answer only)."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _row, token = issue_token(
                current_user, form.name.data, form.scopes.data, form.lifetime_days.data
            )
        except TokenRefused as refused:
            db.session.rollback()
            form.name.errors.append(str(refused))
            return _render(form, status=400)
        db.session.commit()
        # Shown once, on the page the redirect leads to (as the receipt's access code): a
        # reload then neither posts the form again nor shows the token again.
        session["new_api_token"] = token
        return redirect(url_for("api_tokens.tokens"))
    if form.is_submitted():
        return _render(form, status=400)
    return _render(form, new_token=session.pop("new_api_token", None))


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of the user's own tokens (another's: 404)."""
    if revoke_token(current_user, token_id) is None:
        abort(404)
    db.session.commit()
    flash(_("The token is revoked: it no longer opens the API."), "success")
    return redirect(url_for("api_tokens.tokens"))


@docs_assets_bp.route("/<path:filename>")
def docs_asset(filename: str):
    """Swagger UI's scripts and styles for the reference page at /api/docs."""
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=3600)


@fallback_bp.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(rest: str):
    """Any other path under /api: a JSON 404 (or 405 when the path exists for other methods)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api_fallback.not_found":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()
