"""The API's parts bound to the app: flask-smorest's Api (the OpenAPI document at
/api/openapi.json and the reference page at /api/docs), the token-authenticated blueprints
(exempt from CSRF: they take no cookie), their per-token rate limit, and the token pages
(CSRF kept)."""

from __future__ import annotations

from flask import Flask

from appeals.api import citizens, officials, prosecutors, public, views
from appeals.api.core import AppealsApi, api_rate_limit, rate_limit_key
from appeals.extensions import csrf, limiter

# The token-authenticated blueprints, each documented in the OpenAPI document. Their rate
# limit and CSRF exemption are set once, on import (the limiter and CSRFProtect are shared by
# every app the process makes, as in the tests).
TOKEN_BLUEPRINTS = (citizens.bp, officials.bp, prosecutors.bp)
for _bp in TOKEN_BLUEPRINTS:
    limiter.limit(api_rate_limit, key_func=rate_limit_key)(_bp)
    csrf.exempt(_bp)
csrf.exempt(views.fallback_bp)
limiter.limit(api_rate_limit, key_func=rate_limit_key)(public.bp)

SPEC_OPTIONS = {
    "info": {
        "description": (
            "E-appealing's JSON API: the same rules as the site's pages. Authenticate with a "
            "personal access token (made at /api/tokens/) as `Authorization: Bearer <token>`: "
            "the read scope for GET, the write scope for every step. A step on an appeal needs "
            "`If-Match` with the ETag of the appeal as last read (stale: 412). Every error is "
            "a JSON body with the status, a message and the fields at fault."
        )
    },
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearerAuth": []}],
}


def init_api(app: Flask) -> None:
    """Bind the API to the app (called by create_app with the other blueprints)."""
    app.config.setdefault("API_TITLE", "E-appealing API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/api/docs/assets/")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    api = AppealsApi(app)  # one per app: its document describes that app's blueprints
    for bp in (*TOKEN_BLUEPRINTS, public.bp):
        api.register_blueprint(bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.docs_assets_bp)
    app.register_blueprint(views.fallback_bp)
