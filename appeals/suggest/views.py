"""POST /appeals/suggest-category: the suggested category for the text being typed (JSON)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from appeals.extensions import limiter
from appeals.suggest.service import suggest_category

bp = Blueprint("suggest", __name__, url_prefix="/appeals")


def _suggest_limit() -> str:
    return current_app.config["SUGGEST_RATE_LIMIT"]


def _user_key() -> str:
    """Limit each signed-in user on their own (many citizens may share one office's address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"


def _refused(status: int, error: str, **fields: str):
    return jsonify(error=error, fields=fields), status


def _max_chars() -> int:
    config = current_app.config
    return config["APPEAL_SUBJECT_MAX"] + 1 + config["APPEAL_TEXT_MAX"]


@bp.post("/suggest-category")
@limiter.limit(_suggest_limit, key_func=_user_key)
def suggest():
    """Suggest a category for an appeal's subject and text; never sets it."""
    if not current_user.is_authenticated:
        return _refused(401, "Sign in to get a category suggestion.")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _refused(400, "Send a JSON object with the appeal's text.", text="Required.")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        return _refused(400, "The appeal's text is missing.", text="Required.")
    if len(text) > _max_chars():
        return _refused(400, "The text is too long.", text=f"At most {_max_chars():,} characters.")
    found = suggest_category(text)
    if found is None:
        return jsonify(category_id=None)
    return jsonify(
        category_id=found.category.id,
        category=found.category.name,
        confidence=round(found.confidence, 2),
    )


@bp.errorhandler(CSRFError)
def csrf_refused(_error):
    """A missing or stale CSRF token, said in JSON: the page's script reads it."""
    return _refused(400, "The page's security token is missing or expired. Reload the page.")


@bp.errorhandler(TooManyRequests)
def too_many(_error):
    """Too many suggestions asked for: the script stays quiet and tries again later."""
    return _refused(429, "Too many requests. Please wait a minute.")
