"""What every blueprint of the JSON API shares: the flask-smorest Api, JSON errors, token
authentication with scopes, the per-token rate limit, pages of a list with links, and taking
one step on an appeal under If-Match (optimistic locking through the appeal's version).

The API's edge (like views.py): it reads the request; the domain work is in the services.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import current_app, g, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.exc import OperationalError
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, default_exceptions

from appeals.accounts.models import User
from appeals.api.models import ApiToken, TokenScope
from appeals.api.tokens import TOKEN_PREFIX, token_in_force
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.intake.workflow import TransitionRefused
from appeals.pages import committed_step
from appeals.work.standing import ChangedMeanwhile

MAX_PER_PAGE = 100


# --- Errors: one JSON body everywhere under /api ----------------------------------------


class ErrorSchema(Schema):
    """Every error of the API: the status code, its name, what went wrong and, for input that
    does not validate, the fields at fault with their messages."""

    status = fields.Integer(required=True)
    error = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "field name -> list of messages (nested for lists)"},
    )


def _fields_at_fault(data: dict[str, Any] | None) -> dict[str, Any]:
    """webargs keeps the messages per location ({"json": {"subject": [...]}}); a client wants
    the fields, wherever they were sent."""
    messages = (data or {}).get("messages") or (data or {}).get("errors") or {}
    merged: dict[str, Any] = {}
    for location, per_field in messages.items():
        if isinstance(per_field, dict):
            merged.update(per_field)
        else:
            merged[location] = per_field
    return merged


DEFAULT_MESSAGES = {
    400: "The request could not be read: check its JSON and parameters.",
    401: "A valid personal access token is required (Authorization: Bearer ...).",
    403: "Your token or your account may not do this.",
    404: "There is no such resource, or it is not yours to see.",
    405: "This method is not allowed here.",
    409: "This step is not possible now.",
    412: "The appeal was changed meanwhile: read it again and retry with its new ETag.",
    413: "The request is too large.",
    415: "Unsupported content type.",
    422: "Some fields are not valid.",
    428: "This step needs an If-Match header with the appeal's ETag.",
    429: "Too many requests: slow down and try again in a minute.",
    500: "Something went wrong on our side; nothing was saved.",
}


def error_response(error: HTTPException):
    """The JSON body of an HTTP error (a 500 after rolling the request's transaction back)."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    data = getattr(error, "data", None) or {}
    message = data.get("message") or getattr(error, "api_message", None)
    if not message:
        message = DEFAULT_MESSAGES.get(code) or error.name
    body = {"status": code, "error": error.name, "message": str(message)}
    found = _fields_at_fault(data)
    if found:
        body["fields"] = found
    if code == 422 and not found:
        body["fields"] = {}
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return body, code, headers


def api_abort(code: int, message: str | None = None, fields_at_fault: dict | None = None):
    """Stop the request with a JSON error of that status."""
    error = default_exceptions[code]()
    error.data = {"message": message, "errors": {"body": fields_at_fault or {}}}
    raise error


class AppealsApi(Api):
    """flask-smorest's Api with our error body, registered per API blueprint rather than for
    the whole app (the site's own pages keep their HTML error pages)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """None app-wide: see json_errors."""

    def handle_http_exception(self, error):
        return error_response(error)


def json_errors(bp: FlaskBlueprint) -> None:
    """Every error raised under this blueprint answers in JSON (a 500 too). By code: Flask
    prefers the app's handlers of a code (the site's HTML pages) to a blueprint's by class."""
    for code in default_exceptions:
        bp.register_error_handler(code, error_response)
    bp.register_error_handler(HTTPException, error_response)


# --- Input: JSON, query strings, and multipart forms with files --------------------------


class AppealsParser(FlaskParser):
    """webargs' Flask parser with one more location, "multipart": the form fields and the files
    of a multipart/form-data body read as one (an appeal and its attachments in one request),
    or the same fields as a JSON body when no file goes with them."""

    DEFAULT_VALIDATION_STATUS = 422

    def load_multipart(self, req, schema):
        if req.is_json:  # no files: the same fields may come as JSON
            return self.load_json(req, schema)
        merged = MultiDict(req.form)
        for name, upload in req.files.items(multi=True):
            merged.add(name, upload)
        return self._makeproxy(merged, schema)


AppealsParser.__location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}


class ApiBlueprint(SmorestBlueprint):
    """A blueprint of the API: our parser, and "multipart" documented as multipart/form-data."""

    ARGUMENTS_PARSER = AppealsParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }


# --- Tokens: who calls, with which scopes, how often ---------------------------------------


def bearer_token() -> str | None:
    """The token of the Authorization header ("Bearer eap_..."), if any."""
    kind, _space, token = (request.headers.get("Authorization") or "").partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def rate_limit_key() -> str:
    """Flask-Limiter's key: the token (its hash: the token itself is never kept), else the
    client's address (calls without a valid token are refused anyway)."""
    token = bearer_token()
    if token and token.startswith(TOKEN_PREFIX):
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "address:" + (get_remote_address() or "")


def api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def authenticate() -> None:
    """Before every request of a token-authenticated blueprint: the token must be in force
    (else 401) and hold the scope the method needs, read for GET, write otherwise (else 403).
    The token's user is then g.api_user; the session cookie is never read here."""
    token = bearer_token()
    row = token_in_force(token) if token else None
    if row is None:
        api_abort(
            401, _("A valid personal access token is required (it may be revoked or expired).")
        )
    needed = TokenScope.READ if request.method in ("GET", "HEAD", "OPTIONS") else TokenScope.WRITE
    if needed not in row.scope_set:
        api_abort(403, _("This token lacks the %(scope)s scope.", scope=needed.value))
    if db.session.dirty:  # last_used_at, at most once a minute
        try:
            db.session.commit()
        except OperationalError as error:
            # A read-only request may begin as a SQLite reader, which cannot always upgrade
            # its lock: the mark is only informative, so it waits for a later call.
            db.session.rollback()
            if "database is locked" not in str(error):
                raise
    g.api_token = row
    g.api_user = row.user


def api_user() -> User:
    return g.api_user


def api_token() -> ApiToken:
    return g.api_token


def token_blueprint(
    bp: FlaskBlueprint, allowed: Callable[[User], bool] | None = None, refusal: str | None = None
) -> None:
    """Make a blueprint token-authenticated, with JSON errors; optionally only for users the
    predicate allows (403 with the refusal otherwise)."""
    json_errors(bp)

    @bp.before_request
    def _authenticate():
        authenticate()
        if allowed is not None and not allowed(g.api_user):
            api_abort(403, refusal)


# --- Lists: pages with links ----------------------------------------------------------------


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class LinksSchema(Schema):
    self_ = fields.String(data_key="self", attribute="self", required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    prev = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The schema of a page of items: the items, the counts and the links."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
            "links": fields.Nested(LinksSchema, required=True),
        },
        name=name,
    )


def paginated(query: Select, page: int, per_page: int, endpoint: str, **args) -> dict:
    """One page of a query with the links to the others (the request's other arguments kept).
    A Link header goes with it (see link_header)."""
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars()
    return a_page(list(items), total, page, per_page, endpoint, **args)


def a_page(items: list, total: int, page: int, per_page: int, endpoint: str, **args) -> dict:
    """A page's items (already taken) with the counts and the links to the other pages."""
    pages = max(1, -(-total // per_page))

    def link(number: int) -> str:
        return url_for(endpoint, page=number, per_page=per_page, _external=True, **args)

    links = {
        "self": link(page),
        "first": link(1),
        "last": link(pages),
        "prev": link(page - 1) if 1 < page <= pages + 1 else None,
        "next": link(page + 1) if page < pages else None,
    }
    g.api_links = links
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "links": links,
    }


def link_header(response):
    """RFC 8288 Link header of a page (after_request of the blueprints with lists)."""
    links = g.pop("api_links", None)
    if links:
        response.headers["Link"] = ", ".join(
            f'<{url}>; rel="{rel}"' for rel, url in links.items() if url
        )
    return response


# --- Steps on an appeal: If-Match, one commit, refusals as JSON ------------------------------


def etag_of(appeal: Appeal) -> str:
    return f'"{appeal.id}-{appeal.version}"'


def seen_version(appeal: Appeal) -> int:
    """The version the client saw, from If-Match (the ETag it read): missing is 428, another
    appeal's or an old one is 412."""
    if not request.if_match or request.if_match.star_tag:
        if request.if_match and request.if_match.star_tag:
            return appeal.version
        api_abort(428)
    for tag in request.if_match.as_set():
        appeal_id, _dash, version = (tag or "").partition("-")  # an empty tag (If-Match: "")
        if appeal_id == str(appeal.id) and version.isdigit():
            return int(version)
    api_abort(412)
    raise AssertionError  # unreachable: api_abort raises


def take_step(appeal: Appeal, step: Callable[[], Any]) -> Any:
    """Take one step on an appeal under If-Match and commit it once; a refusal is 409, a change
    by someone else (before or during the step) is 412, and nothing is saved either way."""
    try:
        return committed_step(appeal, seen_version(appeal), step)
    except ChangedMeanwhile:
        api_abort(412)
    except TransitionRefused as refused:
        api_abort(409, str(refused))


# An appeal's id in a path: no larger than the database's integers (else 404, not overflow).
APPEAL = "<int(max=2147483647):appeal_id>"

# How the documents name the ETag of an answer and the If-Match of a step.
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "the appeal's version"}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": "the ETag of the appeal as last read; missing: 428, stale: 412",
}
