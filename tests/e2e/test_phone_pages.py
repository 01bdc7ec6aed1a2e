"""Every role's main pages in every interface language, in a real browser at 360 px (a phone)
and 1280 px (a laptop): no page scrolls sideways (a 200-character word in a subject and a
10,000-character word and a long URL in a text included), the navbar stays one row at
1280 px, the score chart's labels stay inside the chart, and axe-core finds no serious or
critical violation on each role's main pages.

One browser context per language; each page is loaded once and measured at both widths.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, Response, expect
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.language import LANGUAGES
from appeals.reference.models import Body
from appeals.work.service import answer_appeal, assign_executor
from tests.conftest import PASSWORD
from tests.factories import submit

pytestmark = pytest.mark.e2e

PHONE, LAPTOP = 360, 1280
LONG_WORD = "Ж" * 10_000
LONG_URL = "https://example.kz/" + "documents/" * 30 + "scan.pdf"
LONG_SUBJECT = "Б" * 200  # the longest subject the form takes, one word
ANSWER = (
    "We checked your appeal with the polyclinic. A cardiologist will see you on 2 December "
    f"at 10:00; the order is at {LONG_URL}. If you disagree, you may complain to the Akimat "
    "of Astana, the superior body, or go to court."
)

# What the page reports when it is wider than the window: its widest elements.
MEASURE = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) {
        const cls = typeof el.className === "string" ? el.className.trim() : "";
        wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
          + (cls ? "." + cls.split(/\\s+/).join(".") : "") + " right=" + Math.round(box.right));
        if (wide.length >= 6) break;
      }
    }
  }
  return {scrollWidth: root.scrollWidth, width: width, lang: root.lang, wide: wide};
}"""

# The navbar's items, as rows: one row at 1280 px.
NAV_ROWS = """() => {
  const items = document.querySelectorAll("nav.navbar .navbar-nav > li, .navbar-brand");
  const middles = Array.from(items, el => {
    const box = el.getBoundingClientRect();
    return (box.top + box.bottom) / 2;
  });
  const first = Math.min(...middles);
  return middles.filter(m => m - first > 16).length;  // items below the first row
}"""

# Text of an SVG chart that sticks out of the chart's own box (and would be clipped).
CLIPPED_LABELS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll("[data-testid=trend-chart] svg")) {
    const frame = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const box = text.getBoundingClientRect();
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5)
        out.push(text.textContent + " " + Math.round(box.left) + ".." + Math.round(box.right)
          + " outside " + Math.round(frame.left) + ".." + Math.round(frame.right));
    }
  }
  return out;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="session")
def axe_script(tmp_path_factory) -> str:
    """axe-core from npm, installed into a temporary folder (RECIPES.md)."""
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing: the accessibility check needs axe-core from npm")
        pytest.skip("npm is missing: accessibility check skipped")
    folder = tmp_path_factory.mktemp("axe")
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--prefix",
            str(folder),
            "axe-core@4",
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return (folder / "node_modules" / "axe-core" / "axe.min.js").read_text()


@dataclass
class Seeded:
    accounts: dict[str, str]  # role -> e-mail
    long_appeal: int
    answered: int
    health: int


@pytest.fixture
def seeded(app, make_user, monkeypatch) -> Seeded:
    # Every body with an appeal is ranked: the ranking tables are drawn with their rows.
    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 1)
    citizen = make_user(email="citizen@phone.kz", full_name="Aigerim Sadykova")
    official = make_user(Role.OFFICIAL, body_code="health-71", email="official@phone.kz")
    head = make_user(Role.HEAD, body_code="health-71", email="head@phone.kz")
    make_user(Role.PROSECUTOR, body_code="prosecutor-71", email="prosecutor@phone.kz")
    make_user(Role.ADMIN, email="admin@phone.kz")
    long_appeal, _ = submit(
        citizen,
        subject=LONG_SUBJECT,
        text=f"{LONG_WORD} {LONG_URL} I ask you to look into this and answer me in writing.",
    )
    assign_executor(long_appeal, official, head)
    answered, _ = submit(citizen, subject="No appointment with a cardiologist")
    answer_appeal(answered, ANSWER, Decision.SATISFIED, head)
    for subject in ("Potholes on the road to the school", "School bus stopped running"):
        submit(citizen, subject=subject, category="roads_transport")
    health = db.session.execute(select(Body.id).where(Body.code == "health-71")).scalar_one()
    seeded = Seeded(
        accounts={
            "citizen": citizen.email,
            "official": official.email,
            "head": head.email,
            "prosecutor": "prosecutor@phone.kz",
            "admin": "admin@phone.kz",
        },
        long_appeal=long_appeal.id,
        answered=answered.id,
        health=health,
    )
    db.session.commit()  # the server sees the data; no lock is held while the browser works
    return seeded


def pages_of(s: Seeded) -> dict[str | None, list[str]]:
    """Each role's pages (None: nobody signed in); a * marks a role's main pages for axe."""
    return {
        None: [
            "*/",
            "*/status",
            "/ratings/",
            "/scores/how",
            "/open-data/",
            "*/login",
            "*/register",
            "*/appeals/anonymous",
        ],
        "citizen": [
            "*/appeals/new",
            "*/appeals/",
            f"/appeals/{s.long_appeal}",
            f"*/appeals/{s.answered}",
            "/account/data",
            "/api/tokens/",
        ],
        "official": ["*/work/", f"*/work/appeals/{s.long_appeal}"],
        "head": ["*/work/", f"*/work/appeals/{s.long_appeal}"],
        "prosecutor": [
            "*/prosecutor/",
            f"*/prosecutor/bodies/{s.health}",
            f"/prosecutor/bodies/{s.health}/appeals",
            f"/prosecutor/appeals/{s.answered}",
            f"/prosecutor/appeals/{s.long_appeal}",
            "/prosecutor/report",
            "/routing/manual",
            "/ratings/",
        ],
        "admin": [
            "*/admin/",
            "/admin/users",
            "*/admin/users/invite",
            "/admin/log",
            "/admin/notifications",
            "/admin/policies",
            "/admin/calendar",
            "*/admin/routing/",
            "/admin/routing/bodies",
            "/admin/routing/categories",
            "/admin/routing/regions",
            "/admin/routing/rules",
            "/admin/routing/accuracy",
        ],
    }


@pytest.fixture
def language_page(browser: Browser, live_server, request) -> Iterator[Page]:
    """A browser context of its own for the language under test (CSP bypassed for axe only)."""
    code = request.param
    context = browser.new_context(
        base_url=live_server.url,
        locale=code,
        extra_http_headers={"Accept-Language": code},
        bypass_csp=True,
        viewport={"width": PHONE, "height": 800},
    )
    page = context.new_page()
    server_errors: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", check)
    yield page
    context.close()
    assert not server_errors, f"the server failed: {server_errors} (see the captured log)"


def choose_language(page: Page, code: str) -> None:
    """The navbar's switch (shown uncollapsed at the laptop's width)."""
    page.set_viewport_size({"width": LAPTOP, "height": 800})
    page.locator(f"[data-testid=language-switch] button[value={code}]").first.click()
    page.wait_for_load_state()


def sign_in_as(page: Page, email: str, code: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    choose_language(page, code)
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("language_page", list(LANGUAGES), indirect=True)
def test_no_page_scrolls_sideways_and_main_pages_pass_axe(
    language_page: Page, seeded: Seeded, axe_script: str, request
):
    page = language_page
    code = request.node.callspec.params["language_page"]
    wide: list[str] = []
    nav_rows: list[str] = []
    clipped: list[str] = []
    violations: dict[str, list] = {}
    for role, paths in pages_of(seeded).items():
        if role is None:
            page.context.clear_cookies()
            page.goto("/")
            choose_language(page, code)
        else:
            sign_in_as(page, seeded.accounts[role], code)
        for entry in paths:
            main, path = entry.startswith("*"), entry.lstrip("*")
            where = f"{role or 'anonymous'} {path}"
            page.set_viewport_size({"width": PHONE, "height": 800})
            response = page.goto(path)
            assert response is not None and response.status == 200, (where, response)
            for width in (PHONE, LAPTOP):
                page.set_viewport_size({"width": width, "height": 800})
                found = page.evaluate(MEASURE)
                assert found["lang"] == code, f"{where}: the page is in {found['lang']}"
                if found["scrollWidth"] > found["width"]:
                    wide.append(f"{where} at {width}px: {found['scrollWidth']}px {found['wide']}")
                clipped += [f"{where} at {width}px: {t}" for t in page.evaluate(CLIPPED_LABELS)]
            if page.evaluate(NAV_ROWS):  # measured at 1280 px
                nav_rows.append(where)
            if main:
                page.add_script_tag(content=axe_script)
                if serious := page.evaluate(AXE_RUN):
                    violations[where] = serious
    problems = []
    if wide:
        problems.append("pages wider than the window:\n" + "\n".join(wide))
    if nav_rows:
        problems.append(f"the navbar takes more than one row at {LAPTOP}px on: {nav_rows}")
    if clipped:
        problems.append("chart labels outside the chart:\n" + "\n".join(clipped))
    if violations:
        found = json.dumps(violations, ensure_ascii=False, indent=1)
        problems.append("axe-core, serious or critical:\n" + found)
    assert not problems, "\n".join(problems)


def test_the_long_word_appeal_page_stays_within_a_phone(page: Page, seeded: Seeded):
    """The citizen's own page of the appeal with the 10,000-character word, at 360 px: the
    subject and the text wrap inside the page."""
    sign_in_as(page, seeded.accounts["citizen"], "en")
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"/appeals/{seeded.long_appeal}")

    found = page.evaluate(MEASURE)

    assert found["scrollWidth"] <= PHONE, found
    assert page.get_by_text(LONG_WORD[:50], exact=False).first.is_visible()


def test_the_answer_prints_as_text_and_focus_is_visible(page: Page, seeded: Seeded):
    """The answer's page on paper: no navbar, no buttons or forms, the answer itself shown;
    and a keyboard user sees where the focus is."""
    sign_in_as(page, seeded.accounts["citizen"], "en")
    page.goto(f"/appeals/{seeded.answered}")

    page.keyboard.press("Tab")  # the first stop: a link of the navbar
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[1] == "solid" and outline[2] >= 2, outline

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation").first).to_be_hidden()
    expect(page.locator("main button:visible, main form:visible")).to_have_count(0)
    expect(page.get_by_test_id("answer")).to_be_visible()
    expect(page.get_by_test_id("answer")).to_contain_text("A cardiologist will see you")


def test_the_site_has_its_favicon(page: Page):
    page.goto("/")
    icon = page.locator("link[rel=icon]")
    assert icon.get_attribute("type") == "image/svg+xml"
    response = page.request.get(icon.get_attribute("href"))
    assert response.status == 200 and "<svg" in response.text()
