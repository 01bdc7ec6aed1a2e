"""The operations endpoints: /healthz (the process answers), /readyz (it can serve: the
database at the migrations' head and Redis reachable), /metrics (Prometheus)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request

from appeals.extensions import limiter
from appeals.ops.health import readiness
from appeals.ops.metrics import CONTENT_TYPE, exposition

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Alive: the process answers (no database, no Redis: a restart would not help them)."""
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Ready to serve: 200 with each check "ok", else 503 with the reasons."""
    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


@bp.get("/metrics")
@limiter.exempt
def metrics():
    """Prometheus's text format. With METRICS_TOKEN set, only `Authorization: Bearer <it>`."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            abort(404)
    return Response(exposition(), content_type=CONTENT_TYPE)
