"""The security headers of every response (Flask-Talisman): a Content-Security-Policy that
allows only this site's own files (no inline script or style anywhere: the templates keep
theirs in static/), no framing, a referrer only to this site, nosniff, and HSTS when the
request came over HTTPS."""

from __future__ import annotations

from flask import Flask
from flask_talisman import DENY, Talisman

# Bootstrap-Flask serves Bootstrap from this site (BOOTSTRAP_SERVE_LOCAL), so 'self' is all the
# pages need. data: images: Bootstrap's CSS draws the select arrow and the check marks as
# inline SVG; the QR code of the second factor is an inline SVG image too.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Seconds a browser keeps to HTTPS once it saw the header (a year, subdomains too).
HSTS_SECONDS = 365 * 24 * 3600


def secure_headers(app: Flask) -> None:
    """Bind the headers to the app. HTTPS itself is the TLS terminator's (it redirects plain
    HTTP); the app does not redirect, so health checks over the loopback keep working. HSTS
    is sent on requests that came over HTTPS (directly, or as the trusted proxy says)."""
    # One per app (the tests make several): Talisman keeps its app and settings on itself.
    Talisman(
        app,
        force_https=False,
        frame_options=DENY,
        strict_transport_security=True,
        strict_transport_security_max_age=HSTS_SECONDS,
        strict_transport_security_include_subdomains=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        # The cookies' flags stay as config.py sets them (Secure when served over HTTPS).
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        x_content_type_options=True,
        x_xss_protection=False,  # obsolete; the policy above does its work
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
