"""The admin's routing pages: regions, bodies and categories as trees, routing rules, their
validation (nothing saved on a mistake), deactivation instead of deletion, and who may see
them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from appeals.reference.models import Body, Category, Region, RoutingRule
from appeals.routing.rules import resolve_body
from tests.conftest import PASSWORD
from tests.factories import category_id, region_id, submit
from tests.pages import by_testid, field_error, field_options, field_value, page_text, parse

pytestmark = pytest.mark.usefixtures("restore_reference")

ASTANA, YESIL, ALMATY = "710000000", "711210000", "750000000"

PAGES = [
    "/admin/routing/",
    "/admin/routing/regions",
    "/admin/routing/bodies",
    "/admin/routing/categories",
    "/admin/routing/rules",
    "/admin/routing/accuracy",
    "/admin/routing/regions/new",
    "/admin/routing/bodies/new",
    "/admin/routing/categories/new",
    "/admin/routing/rules/new",
    "/admin/routing/regions/1/edit",
    "/admin/routing/bodies/1/edit",
    "/admin/routing/categories/1/edit",
    "/admin/routing/rules/1/edit",
]


def body_id(code: str) -> int:
    return db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()


def count(model, *where) -> int:
    n = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    db.session.commit()  # end the read: the next request must find SQLite's lock free
    return n


def fresh(model, row_id: int):
    db.session.expire_all()
    row = db.session.get(model, row_id)
    db.session.commit()
    return row


def rule_id(category: str, region: str | None, body: str) -> int:
    region_match = (
        RoutingRule.region_id.is_(None)
        if region is None
        else RoutingRule.region_id == region_id(region)
    )
    return db.session.execute(
        select(RoutingRule.id).where(
            RoutingRule.category_id == category_id(category),
            region_match,
            RoutingRule.body_id == body_id(body),
        )
    ).scalar_one()


def tree_row(html: str, code: str):
    for element in parse(html).iter():
        if element.tag == "tr" and element.attrs.get("data-code") == code:
            return element
    return None


# --- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD, Role.PROSECUTOR])
def test_signed_in_non_admin_is_refused_and_changes_nothing(client, make_user, login, role):
    login(make_user(role, body_code=None if role == Role.CITIZEN else "prosecutor-71"))
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "for the administrators of the site" in response.get_data(as_text=True)
    rule = rule_id("healthcare", ASTANA, "health-71")
    regions = count(Region)
    posts = [
        (f"/admin/routing/rules/{rule}/deactivate", {}),
        ("/admin/routing/regions/new", {"code": "711999999", "name_ru": "Х", "name_en": "X",
                                        "level": "district", "parent_id": region_id(ASTANA)}),
        (f"/admin/routing/rules/{rule}/edit", {"category_id": category_id("healthcare"),
                                               "region_id": "", "body_id": body_id("minhealth"),
                                               "priority": 1}),
    ]  # fmt: skip
    for path, data in posts:
        assert client.post(path, data=data).status_code == 403, path
    saved = fresh(RoutingRule, rule)
    assert saved.is_active and saved.region_id == region_id(ASTANA)
    assert saved.body_id == body_id("health-71")
    assert count(Region) == regions


def test_admin_has_the_routing_nav_link_and_the_pages(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/routing/"' in page
    for path in PAGES:
        assert admin_client.get(path).status_code == 200, path


def test_prosecutor_has_the_manual_routing_link_but_not_the_admins(client, make_user, login):
    login(make_user(Role.PROSECUTOR, body_code="prosecutor-71"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/routing/manual"' in page
    assert 'href="/admin/routing/"' not in page


def test_there_is_no_delete(admin_client):
    rule = rule_id("healthcare", ASTANA, "health-71")
    for path in [
        f"/admin/routing/rules/{rule}/delete",
        f"/admin/routing/bodies/{body_id('health-71')}/delete",
        f"/admin/routing/regions/{region_id(YESIL)}/delete",
    ]:
        assert admin_client.post(path).status_code == 404, path
    assert fresh(RoutingRule, rule) is not None


# --- Trees ---------------------------------------------------------------------------------


def test_bodies_are_shown_as_a_tree(admin_client):
    page = admin_client.get("/admin/routing/bodies").get_data(as_text=True)
    # The health department sits under Astana's akimat, the police under the ministry.
    assert tree_row(page, "akimat-71").attrs["data-depth"] == "0"
    assert tree_row(page, "health-71").attrs["data-depth"] == "1"
    assert tree_row(page, "police-71").attrs["data-depth"] == "1"
    codes = [e.attrs["data-code"] for e in parse(page).iter() if "data-code" in e.attrs]
    assert codes.index("akimat-71") < codes.index("health-71")
    assert codes.index("mininternal") < codes.index("police-71")
    assert len(codes) == count(Body)


def test_regions_are_shown_as_a_tree_with_their_kato_codes(admin_client):
    page = admin_client.get("/admin/routing/regions").get_data(as_text=True)
    assert tree_row(page, "000000000").attrs["data-depth"] == "0"
    assert tree_row(page, ASTANA).attrs["data-depth"] == "1"
    assert tree_row(page, YESIL).attrs["data-depth"] == "2"


# --- Regions -------------------------------------------------------------------------------


def region_form(**values) -> dict:
    return {
        "code": "711999990",
        "name_ru": "Новый район",
        "name_en": "New District",
        "level": "district",
        "parent_id": region_id(ASTANA),
        **values,
    }


def test_admin_adds_a_region_under_its_city(admin_client):
    response = admin_client.post("/admin/routing/regions/new", data=region_form())
    assert response.status_code == 302
    region = db.session.execute(select(Region).where(Region.code == "711999990")).scalar_one()
    assert (region.name_en, region.level, region.parent_id) == (
        "New District",
        "district",
        region_id(ASTANA),
    )
    assert region.is_active
    db.session.commit()
    page = admin_client.get("/admin/routing/regions").get_data(as_text=True)
    assert tree_row(page, "711999990").attrs["data-depth"] == "2"
    assert "The region New District (711999990) is saved." in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"code": "71199999"}, "code", "exactly 9 digits"),
        ({"code": "71199999X"}, "code", "exactly 9 digits"),
        ({"code": YESIL}, "code", f"Code {YESIL} is already used by"),
        ({"name_en": ""}, "name_en", "This field is required"),
        ({"parent_id": ""}, "parent_id", "Choose the region this one belongs to"),
        ({"parent_id": "999999"}, "parent_id", "Not a valid choice"),
    ],
    ids=["short code", "letter in code", "duplicate code", "no name", "no parent",
         "unknown parent"],
)  # fmt: skip
def test_region_mistakes_are_shown_and_nothing_is_saved(admin_client, values, field, message):
    before = count(Region)
    response = admin_client.post("/admin/routing/regions/new", data=region_form(**values))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in (field_error(page, field) or "")
    assert count(Region) == before


def test_a_second_country_is_refused(admin_client):
    before = count(Region)
    data = region_form(level="country", parent_id=region_id(ASTANA))
    response = admin_client.post("/admin/routing/regions/new", data=data)
    assert response.status_code == 422
    assert "has no parent" in field_error(response.get_data(as_text=True), "parent_id")
    assert count(Region) == before


def test_a_region_cannot_be_put_under_itself_or_its_own_district(admin_client):
    astana = fresh(Region, region_id(ASTANA))
    edit = f"/admin/routing/regions/{astana.id}/edit"
    base = {"code": ASTANA, "name_ru": astana.name_ru, "name_en": astana.name_en,
            "level": astana.level}  # fmt: skip
    for parent, message in [
        (astana.id, "cannot be its own superior"),
        (region_id(YESIL), "would make a loop in the tree"),
    ]:
        response = admin_client.post(edit, data={**base, "parent_id": parent})
        assert response.status_code == 422
        assert message in field_error(response.get_data(as_text=True), "parent_id")
    assert fresh(Region, astana.id).parent_id == region_id("000000000")


def test_admin_renames_a_region_and_appeals_keep_it(admin_client, make_user):
    appeal, _ = submit(make_user(), region=YESIL)
    yesil = fresh(Region, region_id(YESIL))
    response = admin_client.post(
        f"/admin/routing/regions/{yesil.id}/edit",
        data={"code": YESIL, "name_ru": yesil.name_ru, "name_en": "Yesil District (renamed)",
              "level": "district", "parent_id": region_id(ASTANA)},
    )  # fmt: skip
    assert response.status_code == 302
    assert fresh(Region, yesil.id).name_en == "Yesil District (renamed)"
    assert fresh(Appeal, appeal.id).region_id == yesil.id


# --- Bodies --------------------------------------------------------------------------------


def body_form(**values) -> dict:
    return {
        "code": "ombudsman-71",
        "name_ru": "Уполномоченный",
        "name_en": "Ombudsman Office of Astana",
        "kind": "department",
        "region_id": region_id(ASTANA),
        "parent_id": body_id("akimat-71"),
        **values,
    }


def test_admin_adds_a_body_under_its_superior(admin_client):
    response = admin_client.post("/admin/routing/bodies/new", data=body_form())
    assert response.status_code == 302
    body = db.session.execute(select(Body).where(Body.code == "ombudsman-71")).scalar_one()
    assert (body.kind, body.region_id, body.parent_id) == (
        "department",
        region_id(ASTANA),
        body_id("akimat-71"),
    )
    db.session.commit()
    page = admin_client.get("/admin/routing/bodies").get_data(as_text=True)
    assert tree_row(page, "ombudsman-71").attrs["data-depth"] == "1"


def test_a_national_body_has_no_region(admin_client):
    response = admin_client.post(
        "/admin/routing/bodies/new", data=body_form(code="minsport", region_id="", parent_id="")
    )
    assert response.status_code == 302
    body = db.session.execute(select(Body).where(Body.code == "minsport")).scalar_one()
    assert body.region_id is None and body.parent_id is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"code": "health-71"}, "code", "Code health-71 is already used by"),
        ({"code": "Health 71"}, "code", "lower-case letters"),
        ({"kind": "embassy"}, "kind", "Not a valid choice"),
        ({"name_ru": ""}, "name_ru", "This field is required"),
    ],
)
def test_body_mistakes_are_shown_and_nothing_is_saved(admin_client, values, field, message):
    before = count(Body)
    response = admin_client.post("/admin/routing/bodies/new", data=body_form(**values))
    assert response.status_code == 422
    assert message in (field_error(response.get_data(as_text=True), field) or "")
    assert count(Body) == before


def test_a_body_cannot_be_put_under_its_own_subordinate(admin_client):
    akimat = fresh(Body, body_id("akimat-71"))
    data = {"code": akimat.code, "name_ru": akimat.name_ru, "name_en": akimat.name_en,
            "kind": akimat.kind, "region_id": akimat.region_id}  # fmt: skip
    edit = f"/admin/routing/bodies/{akimat.id}/edit"
    response = admin_client.post(edit, data={**data, "parent_id": body_id("health-71")})
    assert response.status_code == 422
    assert "would make a loop" in field_error(response.get_data(as_text=True), "parent_id")
    response = admin_client.post(edit, data={**data, "parent_id": akimat.id})
    assert "cannot be its own superior" in field_error(response.get_data(as_text=True), "parent_id")
    assert fresh(Body, akimat.id).parent_id is None


def test_edit_form_shows_the_bodys_values(admin_client):
    page = admin_client.get(f"/admin/routing/bodies/{body_id('health-71')}/edit")
    html = page.get_data(as_text=True)
    assert field_value(html, "code") == "health-71"
    assert field_value(html, "parent_id") == str(body_id("akimat-71"))
    assert field_value(html, "region_id") == str(region_id(ASTANA))


# --- Categories ----------------------------------------------------------------------------


def test_admin_adds_a_child_category_and_citizens_can_choose_it(admin_client, client, make_user):
    response = admin_client.post(
        "/admin/routing/categories/new",
        data={"code": "healthcare.dentistry", "name_ru": "Стоматология", "name_en": "Dentistry",
              "parent_id": category_id("healthcare")},
    )  # fmt: skip
    assert response.status_code == 302
    new_id = category_id("healthcare.dentistry")
    # With no rule of its own, it routes like its parent category.
    decision = resolve_body(new_id, region_id(YESIL))
    assert decision.body_id == body_id("health-71")
    admin_client.post("/logout")
    citizen = make_user()
    client.post("/login", data={"email": citizen.email, "password": PASSWORD})
    form = client.get("/appeals/new").get_data(as_text=True)
    assert "Dentistry" in field_options(form, "category_id").get(str(new_id), "")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"code": "healthcare"}, "code", "already used by"),
        ({"code": "Health care"}, "code", "lower-case letters"),
        ({"code": "healthcare..x"}, "code", "lower-case letters"),
    ],
)
def test_category_mistakes_are_shown_and_nothing_is_saved(admin_client, values, field, message):
    before = count(Category)
    data = {"code": "x", "name_ru": "Х", "name_en": "X", "parent_id": "", **values}
    response = admin_client.post("/admin/routing/categories/new", data=data)
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)
    assert count(Category) == before


def test_a_category_cannot_be_put_under_its_child(admin_client):
    parent = fresh(Category, category_id("healthcare"))
    response = admin_client.post(
        f"/admin/routing/categories/{parent.id}/edit",
        data={"code": "healthcare", "name_ru": parent.name_ru, "name_en": parent.name_en,
              "parent_id": category_id("healthcare.medicines")},
    )  # fmt: skip
    assert response.status_code == 422
    assert "would make a loop" in field_error(response.get_data(as_text=True), "parent_id")
    assert fresh(Category, parent.id).parent_id is None


# --- Routing rules -------------------------------------------------------------------------


def rule_form(**values) -> dict:
    return {
        "category_id": category_id("healthcare"),
        "region_id": region_id(YESIL),
        "body_id": body_id("akimat-711210000"),
        "priority": 100,
        **values,
    }


def test_admin_adds_a_rule_and_routing_follows_it(admin_client):
    assert resolve_body(category_id("healthcare"), region_id(YESIL)).body_id == body_id("health-71")
    response = admin_client.post("/admin/routing/rules/new", data=rule_form())
    assert response.status_code == 302
    new_rule = rule_id("healthcare", YESIL, "akimat-711210000")
    decision = resolve_body(category_id("healthcare"), region_id(YESIL))
    assert decision.rule_id == new_rule  # the district's rule is more specific
    db.session.commit()
    page = admin_client.get(f"/admin/routing/rules?region_id={region_id(YESIL)}")
    assert f'data-rule="{new_rule}"' in page.get_data(as_text=True)


def test_rule_list_filters_by_body(admin_client):
    page = admin_client.get(f"/admin/routing/rules?body_id={body_id('health-71')}")
    rows = [e for e in parse(page.get_data(as_text=True)).iter() if "data-rule" in e.attrs]
    assert [r.attrs["data-rule"] for r in rows] == [str(rule_id("healthcare", ASTANA, "health-71"))]


@pytest.mark.parametrize(
    ("category", "region", "body"),
    [("healthcare", ASTANA, "health-71"), ("corruption", None, "anticorruption")],
    ids=["regional rule", "national rule"],
)
def test_a_duplicate_rule_is_a_form_error_not_a_500(admin_client, category, region, body):
    before = count(RoutingRule)
    existing = rule_id(category, region, body)
    data = rule_form(
        category_id=category_id(category),
        region_id=region_id(region) if region else "",
        body_id=body_id(body),
        priority=5,
    )
    response = admin_client.post("/admin/routing/rules/new", data=data)
    assert response.status_code == 422
    assert f"Rule #{existing} already sends" in field_error(
        response.get_data(as_text=True), "body_id"
    )
    assert count(RoutingRule) == before
    assert fresh(RoutingRule, existing).priority == 100


def test_editing_a_rule_into_a_duplicate_is_refused(admin_client):
    other = rule_id("healthcare", ASTANA, "health-71")
    mine = rule_id("education", ASTANA, "education-71")
    data = rule_form(
        category_id=category_id("healthcare"),
        region_id=region_id(ASTANA),
        body_id=body_id("health-71"),
    )
    response = admin_client.post(f"/admin/routing/rules/{mine}/edit", data=data)
    assert response.status_code == 422
    assert f"Rule #{other} already sends" in field_error(response.get_data(as_text=True), "body_id")
    assert fresh(RoutingRule, mine).category_id == category_id("education")


def test_admin_changes_a_rules_priority(admin_client):
    rule = rule_id("healthcare", ASTANA, "health-71")
    data = rule_form(region_id=region_id(ASTANA), body_id=body_id("health-71"), priority=7)
    response = admin_client.post(f"/admin/routing/rules/{rule}/edit", data=data)
    assert response.status_code == 302
    assert fresh(RoutingRule, rule).priority == 7


def test_a_rule_to_a_deactivated_body_is_refused(admin_client):
    ombudsman = fresh(Body, body_id("akimat-711210000"))
    ombudsman.is_active = False
    db.session.commit()
    before = count(RoutingRule)
    response = admin_client.post("/admin/routing/rules/new", data=rule_form())
    assert response.status_code == 422
    assert "deactivated" in field_error(response.get_data(as_text=True), "body_id")
    assert count(RoutingRule) == before


@pytest.mark.parametrize("priority", ["-1", "abc", ""])
def test_a_bad_priority_is_a_form_error(admin_client, priority):
    before = count(RoutingRule)
    response = admin_client.post("/admin/routing/rules/new", data=rule_form(priority=priority))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "priority")
    assert count(RoutingRule) == before


# --- Deactivation --------------------------------------------------------------------------


def test_deactivating_a_rule_keeps_appeals_and_routing_skips_it(admin_client, make_user):
    citizen = make_user()
    routed, _ = submit(citizen, category="healthcare", region=YESIL)
    rule = rule_id("healthcare", ASTANA, "health-71")
    assert routed.routing_rule_id == rule

    response = admin_client.post(f"/admin/routing/rules/{rule}/deactivate", follow_redirects=True)
    assert f"The routing rule #{rule} is deactivated." in page_text(response.get_data(as_text=True))
    assert not fresh(RoutingRule, rule).is_active
    kept = fresh(Appeal, routed.id)
    assert (kept.current_body_id, kept.routing_rule_id, kept.status) == (
        body_id("health-71"),
        rule,
        AppealStatus.REGISTERED,
    )
    # No other rule covers healthcare in Astana: the next appeal waits for manual routing.
    assert resolve_body(category_id("healthcare"), region_id(YESIL)) is None
    later, _ = submit(citizen, category="healthcare", region=YESIL)
    assert later.status == AppealStatus.MANUAL_ROUTING

    admin_client.post(f"/admin/routing/rules/{rule}/reactivate")
    assert fresh(RoutingRule, rule).is_active
    assert resolve_body(category_id("healthcare"), region_id(YESIL)).rule_id == rule


def test_deactivating_a_body_skips_its_rules_and_leaves_its_appeals(admin_client, make_user):
    appeal, _ = submit(make_user(), category="utilities_housing", region=YESIL)
    district = body_id("akimat-711210000")
    assert appeal.current_body_id == district

    response = admin_client.post(
        f"/admin/routing/bodies/{district}/deactivate", follow_redirects=True
    )
    text = page_text(response.get_data(as_text=True))
    assert "1 active routing rule points at it: routing skips it" in text
    assert "It still holds 1 open appeal; it stays with it." in text
    kept = fresh(Appeal, appeal.id)
    assert (kept.current_body_id, kept.status) == (district, AppealStatus.REGISTERED)
    # The district's rule is skipped: the city's housing department takes utilities.
    decision = resolve_body(category_id("utilities_housing"), region_id(YESIL))
    assert decision.body_id == body_id("housing-71")
    row = tree_row(
        admin_client.get("/admin/routing/bodies").get_data(as_text=True), "akimat-711210000"
    )
    assert any("data-inactive" in e.attrs for e in row.iter())


def test_deactivated_category_is_no_longer_offered_to_citizens(admin_client, client, make_user):
    appeal, _ = submit(make_user(), category="healthcare.medicines", region=YESIL)
    medicines = category_id("healthcare.medicines")
    admin_client.post(f"/admin/routing/categories/{medicines}/deactivate")
    assert not fresh(Category, medicines).is_active
    assert fresh(Appeal, appeal.id).category_id == medicines
    admin_client.post("/logout")
    citizen = make_user()
    client.post("/login", data={"email": citizen.email, "password": PASSWORD})
    options = field_options(client.get("/appeals/new").get_data(as_text=True), "category_id")
    assert str(medicines) not in options and str(category_id("healthcare")) in options


def test_deactivating_twice_says_so(admin_client):
    rule = rule_id("labour", None, "minlabour")
    admin_client.post(f"/admin/routing/rules/{rule}/deactivate")
    response = admin_client.post(f"/admin/routing/rules/{rule}/deactivate", follow_redirects=True)
    assert "It is already deactivated." in page_text(response.get_data(as_text=True))


def test_toggle_goes_back_only_to_a_page_of_this_site(admin_client):
    rule = rule_id("labour", None, "minlabour")
    response = admin_client.post(
        f"/admin/routing/rules/{rule}/deactivate", data={"back": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/admin/routing/rules"
    response = admin_client.post(
        f"/admin/routing/rules/{rule}/reactivate", data={"back": "/admin/routing/rules?page=2"}
    )
    assert response.headers["Location"] == "/admin/routing/rules?page=2"


# --- The "test routing" box ------------------------------------------------------------------


def trial(admin_client, category: str, region: str):
    response = admin_client.get(
        f"/admin/routing/?category_id={category_id(category)}&region_id={region_id(region)}"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_trial_shows_the_body_and_the_rule_that_decided(admin_client):
    page = trial(admin_client, "healthcare.medicines", YESIL)
    rule = rule_id("healthcare", ASTANA, "health-71")
    assert by_testid(page, "trial-body").text() == "Health Department of Astana"
    assert by_testid(page, "trial-rule").text() == f"rule #{rule}"
    assert by_testid(page, "trial-rule-category").text() == "Healthcare (healthcare)"
    assert by_testid(page, "trial-rule-region").text() == f"Astana ({ASTANA})"
    assert by_testid(page, "trial-rule-priority").text() == "100"


def test_trial_shows_a_national_rule(admin_client):
    page = trial(admin_client, "corruption", ALMATY)
    assert "Anti-Corruption Agency" in by_testid(page, "trial-body").text()
    assert by_testid(page, "trial-rule-region").text() == "national rule (anywhere)"


def test_trial_without_a_rule_names_the_manual_queue(admin_client, no_rules_for):
    no_rules_for("healthcare", YESIL)
    page = trial(admin_client, "healthcare", YESIL)
    assert by_testid(page, "trial-manual").text() == (
        "No rule: manual routing queue at Prosecutor's Office of Astana ."
    )
    assert by_testid(page, "trial-body") is None


@pytest.mark.parametrize("query", ["category_id=abc&region_id=1", "category_id=&region_id="])
def test_trial_with_bad_input_is_a_form_error(admin_client, query):
    response = admin_client.get(f"/admin/routing/?{query}")
    assert response.status_code == 422
    assert by_testid(response.get_data(as_text=True), "trial-result") is None


def test_a_rule_form_can_be_prefilled_from_the_trial(admin_client):
    healthcare, yesil = category_id("healthcare"), region_id(YESIL)
    page = admin_client.get(f"/admin/routing/rules/new?category_id={healthcare}&region_id={yesil}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert field_value(html, "category_id") == str(healthcare)
    assert field_value(html, "region_id") == str(yesil)
    assert field_value(html, "priority") == "100"
    assert field_error(html, "body_id") is None  # nothing was submitted yet


def test_a_code_taken_meanwhile_is_a_form_error_not_a_500(admin_client, monkeypatch):
    # Two admins pass the uniqueness check at once: the database's constraint stops the second.
    monkeypatch.setattr("appeals.reference.service._check_code", lambda *args: None)
    before = count(Region)
    response = admin_client.post("/admin/routing/regions/new", data=region_form(code=YESIL))
    assert response.status_code == 422
    assert (
        "Someone saved a row with the same code"
        in by_testid(response.get_data(as_text=True), "form-error").text()
    )
    assert count(Region) == before


def test_deactivation_needs_the_pages_csrf_token(app, admin_client, monkeypatch):
    rule = rule_id("labour", None, "minlabour")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert admin_client.post(f"/admin/routing/rules/{rule}/deactivate").status_code == 400
    assert fresh(RoutingRule, rule).is_active
    page = admin_client.get("/admin/routing/rules").get_data(as_text=True)
    token = next(
        e.attrs["value"] for e in parse(page).iter() if e.attrs.get("name") == "csrf_token"
    )
    response = admin_client.post(
        f"/admin/routing/rules/{rule}/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert not fresh(RoutingRule, rule).is_active
