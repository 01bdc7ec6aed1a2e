"""The Content-Security-Policy in a real browser: the main pages of every role load with no
violation reported (the `securitypolicyviolation` event, and Chromium's console), their own
scripts run (the suggestion box, the desk's sorting) and the API's reference page renders."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.work.service import assign_executor
from tests.e2e.test_official_journey import sign_in, sign_out
from tests.factories import submit

pytestmark = pytest.mark.e2e

# Every violation the page sees is kept on window, from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _visit(page: Page, url: str, console: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__violations")
    assert violations == [], (url, violations)
    blocked = [line for line in console if "Content Security Policy" in line]
    assert blocked == [], (url, blocked)


def test_main_pages_of_every_role_load_without_a_policy_violation(page: Page, make_user):
    citizen = make_user(email="csp-citizen@example.kz")
    official = make_user(Role.OFFICIAL, body_code="health-71", email="csp-official@example.kz")
    head = make_user(Role.HEAD, body_code="health-71", email="csp-head@example.kz")
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-00", email="csp-pro@example.kz")
    admin = make_user(Role.ADMIN, email="csp-admin@example.kz")
    appeal, _code = submit(citizen)
    assign_executor(appeal, official, head)
    db.session.commit()
    body_id, appeal_id = appeal.current_body_id, appeal.id
    emails = {user: user.email for user in (citizen, official, head, prosecutor, admin)}
    db.session.commit()  # the reads above began a transaction: SQLite's lock must be free

    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(RECORD_VIOLATIONS)

    public = ["/", "/status", "/ratings/", "/scores/how", "/open-data/", "/login", "/register"]
    public += ["/appeals/anonymous", "/password/forgot"]
    for url in public:
        _visit(page, url, console)
    # The reference page of the API: Swagger UI's own files under the same policy.
    _visit(page, "/api/docs", console)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("E-appealing API")

    pages = {
        citizen: ["/appeals/", "/appeals/new", f"/appeals/{appeal_id}", "/account/data"],
        official: ["/work/", f"/work/appeals/{appeal_id}", "/api/tokens/"],
        head: ["/work/", f"/work/appeals/{appeal_id}"],
        prosecutor: [
            "/prosecutor/report",  # the printable page (no navigation: not the last one)
            "/prosecutor/",
            f"/prosecutor/bodies/{body_id}",
            f"/prosecutor/bodies/{body_id}/appeals",
            f"/prosecutor/appeals/{appeal_id}",
        ],
        admin: [
            "/admin/",
            "/admin/users",
            "/admin/routing/bodies",
            "/admin/routing/accuracy",
            "/admin/calendar",
            "/admin/policies",
            "/admin/log",
        ],
    }
    for user, urls in pages.items():
        sign_in(page, emails[user])
        for url in urls:
            _visit(page, url, console)
        sign_out(page)


def test_the_recorder_sees_a_violation(page: Page):
    """The check above would fail: markup with a style attribute is refused and reported."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    expect(page.locator("body")).to_be_visible()
    page.wait_for_function("window.__violations.length > 0")
    assert "style-src" in page.evaluate("window.__violations")[0]
