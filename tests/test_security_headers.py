"""The security headers on every GET route of the URL map, for every kind of user, whatever
the answer (page, redirect, download, JSON, error); no inline script or style on any page;
HSTS only over HTTPS; the session cookie's flags."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from appeals.accounts.models import Role
from appeals.deadlines.models import DeadlinePolicy
from appeals.extensions import db
from appeals.intake.attachments import check_file
from appeals.intake.service import attach_files
from appeals.work.service import assign_executor
from tests.factories import submit
from tests.pages import parse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# The directives that keep every inline script and style out, and the page out of frames.
POLICY_MUST_SAY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
]


def _values(rule, objects) -> dict | None:
    """Arguments for a rule from the seeded objects (a real row wherever an id is taken)."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in objects:
            values[name] = objects[name]
        elif hasattr(converter, "items"):  # any(...)
            values[name] = sorted(converter.items)[0]
        elif name == "filename":
            values[name] = {
                "static": "site.css",
                "bootstrap.static": "css/bootstrap.min.css",
                "api_docs_assets.docs_asset": "swagger-ui.css",
            }.get(rule.endpoint, "nothing.txt")
        elif isinstance(converter, IntegerConverter):
            values[name] = 999_999  # no such row: its 404 page carries the headers too
        else:
            values[name] = "nothing"
    return values


@pytest.fixture
def seeded(make_user):
    """Users of every role and an appeal with an attachment that the ids in the URLs name."""
    citizen = make_user()
    official = make_user(Role.OFFICIAL, body_code="health-71")
    head = make_user(Role.HEAD, body_code="health-71")
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-00")
    admin = make_user(Role.ADMIN)
    appeal, _code = submit(citizen)
    assign_executor(appeal, official, head)
    [attachment] = attach_files(appeal, [check_file("scan.pdf", PDF, 1024 * 1024)])
    db.session.commit()
    policy_id = db.session.execute(select(DeadlinePolicy.id).limit(1)).scalar_one()
    objects = {
        "appeal_id": appeal.id,
        "attachment_id": attachment.id,
        "body_id": appeal.current_body_id,
        "user_id": citizen.id,
        "policy_id": policy_id,
        "row_id": 1,
        "year": date.today().year,
        "service_request_id": appeal.number,
        "service_code": "healthcare",
        "rest": "nothing",
        "token": "nothing",
    }
    users = {"anonymous": None, "citizen": citizen, "official": official, "head": head}
    users |= {"prosecutor": prosecutor, "admin": admin}
    return users, objects


def _check(response, where: str) -> None:
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, (where, header, response.headers)
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in POLICY_MUST_SAY:
        assert directive in policy, (where, directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (where, policy)
    assert "Strict-Transport-Security" not in response.headers, where  # plain HTTP
    if response.mimetype == "text/html":
        _no_inline_code(response.get_data(as_text=True), where)


def _no_inline_code(html: str, where: str) -> None:
    """What the policy would block: an inline script, a style element or attribute, a handler."""
    for element in parse(html).iter():
        assert not (element.tag == "script" and "src" not in element.attrs), (where, element)
        assert element.tag != "style", where
        assert "style" not in element.attrs, (where, element.tag, element.attrs)
        handlers = [name for name in element.attrs if name.startswith("on")]
        assert not handlers, (where, element.tag, handlers)


def test_every_get_route_for_every_user_carries_the_headers(app, client, login, seeded):
    users, objects = seeded
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    assert len(rules) > 80  # the whole map, not a sample
    checked, pages = 0, 0
    for role, user in users.items():
        client.post("/logout")
        if user is not None:
            login(user)
        for rule in rules:
            url = app.url_map.bind("localhost").build(rule.endpoint, _values(rule, objects))
            if rule.endpoint == "accounts.logout" or url == "/logout":
                continue
            response = client.get(url)
            # /readyz answers 503 here: the tests' schema is made without the migrations.
            healthy = response.status_code < 500 or url == "/readyz"
            assert healthy, (role, url, response.status_code)
            _check(response, f"{role} GET {url} -> {response.status_code}")
            checked += 1
            pages += response.status_code == 200
    assert checked >= 6 * 80
    assert pages >= 150, pages  # real pages, not only refusals


def test_errors_downloads_and_json_carry_the_headers(client, login, seeded):
    users, objects = seeded
    login(users["citizen"])
    download = client.get(f"/appeals/{objects['appeal_id']}/attachments/{objects['attachment_id']}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    _check(download, "download")
    for url, status in [
        ("/no-such-page", 404),
        ("/api/v1/nothing", 404),
        ("/open-data/statistics.json", 200),
        ("/healthz", 200),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        _check(response, url)
    posted = client.post("/appeals/new", data={"subject": "x"}, content_type="text/plain")
    _check(posted, "a refused POST")


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_session_cookie_is_httponly_and_samesite_and_secure_over_https(second_app, make_user):
    user = make_user()
    for secure in (False, True):
        other = second_app(SESSION_COOKIE_SECURE=secure, REMEMBER_COOKIE_SECURE=secure)
        client = other.test_client()
        response = client.post(
            "/login",
            data={"email": user.email, "password": "correct-horse-battery", "remember": "y"},
            base_url="https://localhost" if secure else "http://localhost",
        )
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        session = next(c for c in cookies if c.startswith("session="))
        remember = next(c for c in cookies if c.startswith("remember_token="))
        for cookie in (session, remember):
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
            assert ("Secure" in cookie) is secure, cookie


def test_the_api_reference_page_starts_from_a_static_script(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    _check(page, "/api/docs")
    assert 'src="/static/swagger-init.js"' in page.get_data(as_text=True)
    upload = client.post("/appeals/new", data={"file": (BytesIO(b"x"), "a.txt")})
    _check(upload, "upload")
