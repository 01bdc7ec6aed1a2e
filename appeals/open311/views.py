"""Open311 GeoReport v2 at /open311/v2: discovery, services, a service's definition, service
requests (list, post with an api_key, one by id) and tokens, each as .json or .xml; every
error in the same format as the specification writes it."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, default_exceptions

from appeals.api.core import api_rate_limit, rate_limit_key
from appeals.api.models import TokenScope
from appeals.api.tokens import token_in_force
from appeals.cleantext import UnsafeText, clean_text
from appeals.extensions import csrf, db, limiter
from appeals.open311 import service
from appeals.open311.formats import errors_payload, to_json, to_xml
from appeals.timeutil import now_utc

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # an api_key, not a cookie, authorises a post
FORMAT = "<any(json, xml):fmt>"
MIMETYPES = {"json": "application/json", "xml": "text/xml"}


def _respond(fmt: str, payload, root: str, item: str | None, status: int = 200) -> Response:
    body = to_json(payload) if fmt == "json" else to_xml(root, item, payload)
    return Response(body, status=status, mimetype=MIMETYPES[fmt])


def _format_of_request() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def _error(status: int, description: str) -> Response:
    return _respond(
        _format_of_request(), errors_payload(status, description), "errors", "error", status
    )


@bp.errorhandler(service.Open311Refused)
def _refused(error: service.Open311Refused):
    db.session.rollback()
    return _error(error.status, error.description)


def _http_error(error: HTTPException):
    if (error.code or 500) >= 500:
        db.session.rollback()
    return _error(error.code or 500, error.description or error.name)


for _code in default_exceptions:
    bp.register_error_handler(_code, _http_error)


def _open311_key() -> str:
    """The rate limit's key: the api_key of a post, else as the JSON API counts."""
    api_key = request.form.get("api_key") if request.method == "POST" else None
    return f"token:{api_key[:16]}" if api_key else rate_limit_key()


limiter.limit(api_rate_limit, key_func=_open311_key)(bp)


@bp.route(f"/discovery.{FORMAT}")
def discovery(fmt: str):
    """Where the endpoint is and what it speaks."""
    payload = {
        "changeset": "2026-12-05T00:00:00+05:00",
        "contact": current_app.config["SITE_URL"],
        "key_service": url_for("api_tokens.tokens", _external=True),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
                "changeset": "2026-12-05T00:00:00+05:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond(fmt, payload, "discovery", None)


@bp.route(f"/services.{FORMAT}")
def services(fmt: str):
    """The categories as services."""
    return _respond(fmt, service.services(), "services", "service")


@bp.route(f"/services/<service_code>.{FORMAT}")
def service_definition(service_code: str, fmt: str):
    """A service's attributes."""
    return _respond(fmt, service.service_definition(service_code), "service_definition", None)


def _dates(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise service.Open311Refused(
            400, _("%(name)s must be a W3C date-time.", name=name)
        ) from error
    if moment.tzinfo is None:
        raise service.Open311Refused(400, _("%(name)s needs its time zone.", name=name))
    return moment


def _list(name: str) -> list[str]:
    return [part.strip() for part in request.args.get(name, "").split(",") if part.strip()]


@bp.get(f"/requests.{FORMAT}")
def requests(fmt: str):
    """Service requests, newest first: no person, no text, no address."""
    status = request.args.get("status") or None
    if status not in (None, "open", "closed"):
        raise service.Open311Refused(400, _("status must be open or closed."))
    filters = service.RequestFilters(
        ids=_list("service_request_id"),
        service_codes=_list("service_code"),
        start=_dates("start_date"),
        end=_dates("end_date"),
        status=status,
    )
    return _respond(fmt, service.requests(filters, now_utc()), "service_requests", "request")


@bp.post(f"/requests.{FORMAT}")
def post_request(fmt: str):
    """File a real appeal: the api_key is a personal access token with the write scope (the
    appeal is its owner's); the answer names it by its registration number."""
    token = token_in_force(request.form.get("api_key", ""))
    if token is None or TokenScope.WRITE not in token.scope_set:
        raise service.Open311Refused(
            403, _("api_key must be a personal access token in force with the write scope.")
        )
    if not token.user.is_citizen:
        raise service.Open311Refused(403, _("Appeals are filed from a citizen's account."))
    missing = [name for name in ("service_code", "description") if not request.form.get(name)]
    if missing:
        raise service.Open311Refused(400, _("Missing: %(names)s.", names=", ".join(missing)))
    try:
        # The site's rule for typed text (appeals/cleantext.py); only the description is
        # multi-line.
        attributes = {
            key[len("attribute[") : -1]: clean_text(value)
            for key, value in request.form.items()
            if key.startswith("attribute[") and key.endswith("]")
        }
        posted = service.PostedRequest(
            service_code=clean_text(request.form["service_code"]),
            description=clean_text(request.form["description"], multiline=True),
            attributes=attributes,
        )
    except UnsafeText as refused:
        raise service.Open311Refused(400, str(refused)) from refused
    appeal = service.file_request(token.user, posted)
    db.session.commit()
    payload = [
        {
            "service_request_id": appeal.number,
            "token": service.request_token(appeal),
            "service_notice": _("Registered as %(number)s.", number=appeal.number),
            "account_id": None,
        }
    ]
    return _respond(fmt, payload, "service_requests", "request", status=201)


@bp.get(f"/requests/<path:service_request_id>.{FORMAT}")
def one_request(service_request_id: str, fmt: str):
    """One service request by its number."""
    return _respond(fmt, service.one_request(service_request_id), "service_requests", "request")


@bp.get(f"/tokens/<token>.{FORMAT}")
def token(token: str, fmt: str):
    """The request a token names."""
    appeal = service.appeal_for_token(token)
    payload = [{"service_request_id": appeal.number, "token": token}]
    return _respond(fmt, payload, "service_requests", "request")


@bp.route("/<path:rest>", methods=["GET", "POST"])
def not_found(rest: str):
    """Any other path: the specification's error list (JSON unless .xml was asked for)."""
    raise service.Open311Refused(404, _("No such endpoint."))
