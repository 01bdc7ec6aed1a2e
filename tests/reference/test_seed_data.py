"""Consistency of the reference seed data (no database involved)."""

from collections import Counter

import pytest

from appeals.reference.seed_data import (
    BODIES,
    BODY_KINDS,
    CATEGORIES,
    COUNTRY_CODE,
    GENERAL_PROSECUTOR_CODE,
    REGION_LEVELS,
    REGIONS,
    oblast_code,
    prosecutor_code,
    routing_rules,
)

REGION_BY_CODE = {r.code: r for r in REGIONS}
BODY_BY_CODE = {b.code: b for b in BODIES}
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
TOP_LEVEL = [r for r in REGIONS if r.level in ("region", "city")]
TOP_CATEGORIES = [c.code for c in CATEGORIES if c.parent_code is None]
DISTRICTS = [r for r in REGIONS if r.level == "district"]


def _duplicates(codes):
    return [code for code, n in Counter(codes).items() if n > 1]


def _assert_parents_first(items):
    seen = set()
    for item in items:
        if item.parent_code is not None:
            assert item.parent_code in seen, f"{item.code}: parent {item.parent_code} not before it"
        seen.add(item.code)


# --- regions -------------------------------------------------------------------------------


def test_region_codes_unique_and_kato_shaped():
    assert _duplicates(r.code for r in REGIONS) == []
    for r in REGIONS:
        assert len(r.code) == 9 and r.code.isdigit(), r.code
        assert r.level in REGION_LEVELS
        assert r.name_ru and r.name_en


def test_region_parents_exist_and_come_first():
    _assert_parents_first(REGIONS)
    roots = [r for r in REGIONS if r.parent_code is None]
    assert [r.code for r in roots] == [COUNTRY_CODE]
    assert roots[0].level == "country"


def test_seventeen_regions_and_three_cities():
    levels = Counter(r.level for r in REGIONS)
    assert levels["country"] == 1
    assert levels["region"] == 17
    assert levels["city"] == 3
    cities = {r.code: r.name_en for r in REGIONS if r.level == "city"}
    assert cities == {"710000000": "Astana", "750000000": "Almaty", "790000000": "Shymkent"}
    for r in TOP_LEVEL:
        assert r.parent_code == COUNTRY_CODE
        assert r.code.endswith("0000000"), r.code
    # each oblast/city has its own 2-digit prefix
    assert _duplicates(r.code[:2] for r in TOP_LEVEL) == []


def test_expected_oblast_codes():
    names = {r.code[:2]: r.name_en for r in TOP_LEVEL}
    assert names == {
        "10": "Abai Region",
        "11": "Akmola Region",
        "15": "Aktobe Region",
        "19": "Almaty Region",
        "23": "Atyrau Region",
        "27": "West Kazakhstan Region",
        "31": "Zhambyl Region",
        "33": "Zhetisu Region",
        "35": "Karaganda Region",
        "39": "Kostanay Region",
        "43": "Kyzylorda Region",
        "47": "Mangystau Region",
        "55": "Pavlodar Region",
        "59": "North Kazakhstan Region",
        "61": "Turkistan Region",
        "62": "Ulytau Region",
        "63": "East Kazakhstan Region",
        "71": "Astana",
        "75": "Almaty",
        "79": "Shymkent",
    }


def test_districts_share_their_parents_prefix():
    assert DISTRICTS
    for d in DISTRICTS:
        parent = REGION_BY_CODE[d.parent_code]
        assert parent.level in ("region", "city"), d.code
        assert d.code[:2] == parent.code[:2], d.code
        assert d.code != parent.code


def test_district_coverage():
    per_parent = Counter(d.parent_code for d in DISTRICTS)
    for city in ("710000000", "750000000", "790000000"):
        assert per_parent[city] >= 2
    oblasts_with_districts = [
        code for code, n in per_parent.items() if REGION_BY_CODE[code].level == "region" and n >= 2
    ]
    assert len(oblasts_with_districts) >= 6


# --- categories ----------------------------------------------------------------------------


def test_categories_unique_tree_parents_first():
    assert _duplicates(c.code for c in CATEGORIES) == []
    _assert_parents_first(CATEGORIES)
    for c in CATEGORIES:
        assert c.name_ru and c.name_en
        if c.parent_code is not None:
            assert CATEGORY_BY_CODE[c.parent_code].parent_code is None  # two levels
            assert c.code.startswith(c.parent_code + "."), c.code


def test_required_top_level_categories():
    required = {
        "utilities_housing",
        "roads_transport",
        "land",
        "healthcare",
        "education",
        "social_protection",
        "labour",
        "police",
        "ecology",
        "business",
        "corruption",
        "public_services",
        "construction",
        "agriculture",
        "other",
    }
    assert required <= set(TOP_CATEGORIES)


def test_category_russian_names_are_cyrillic():
    for c in CATEGORIES:
        assert any("а" <= ch.lower() <= "я" for ch in c.name_ru), c.code


# --- bodies --------------------------------------------------------------------------------


def test_body_codes_unique_kinds_known():
    assert _duplicates(b.code for b in BODIES) == []
    for b in BODIES:
        assert b.kind in BODY_KINDS, b.code
        assert b.name_ru and b.name_en
        assert len(b.code) <= 60  # Body.code column


def test_body_regions_and_parents_exist():
    _assert_parents_first(BODIES)
    for b in BODIES:
        if b.region_code is not None:
            assert b.region_code in REGION_BY_CODE, b.code
        if b.parent_code is not None:
            assert b.parent_code in BODY_BY_CODE, b.code


def test_general_prosecutor_is_the_root_of_prosecutors():
    gpo = BODY_BY_CODE[GENERAL_PROSECUTOR_CODE]
    assert gpo.kind == "prosecutor" and gpo.region_code is None and gpo.parent_code is None


def test_each_oblast_and_city_has_its_bodies():
    for r in TOP_LEVEL:
        p = r.code[:2]
        expected = {
            f"akimat-{p}": ("akimat", None),
            f"police-{p}": ("police", "mininternal"),
            f"prosecutor-{p}": ("prosecutor", GENERAL_PROSECUTOR_CODE),
            f"health-{p}": ("department", f"akimat-{p}"),
            f"education-{p}": ("department", f"akimat-{p}"),
            f"housing-{p}": ("department", f"akimat-{p}"),
        }
        for code, (kind, parent) in expected.items():
            b = BODY_BY_CODE[code]
            assert (b.kind, b.parent_code, b.region_code) == (kind, parent, r.code), code


def test_each_district_has_an_akimat_under_the_regional_one():
    for d in DISTRICTS:
        b = BODY_BY_CODE[f"akimat-{d.code}"]
        assert b.kind == "akimat" and b.region_code == d.code
        assert b.parent_code == f"akimat-{d.code[:2]}"


def test_body_names_follow_real_naming():
    assert BODY_BY_CODE["police-71"].name_ru == "Департамент полиции города Астаны"
    assert BODY_BY_CODE["health-35"].name_ru == "Управление здравоохранения Карагандинской области"
    assert BODY_BY_CODE["akimat-751410000"].name_ru == "Акимат Бостандыкского района города Алматы"


# --- routing -------------------------------------------------------------------------------


def test_routing_rules_reference_existing_rows():
    rules = routing_rules()
    assert rules
    for rule in rules:
        assert rule.category_code in CATEGORY_BY_CODE, rule
        assert rule.region_code is None or rule.region_code in REGION_BY_CODE, rule
        assert rule.body_code in BODY_BY_CODE, rule
    assert _duplicates((r.category_code, r.region_code, r.body_code) for r in rules) == []


def test_routing_rules_only_for_top_level_categories():
    for rule in routing_rules():
        assert CATEGORY_BY_CODE[rule.category_code].parent_code is None, rule


def test_routing_covers_every_region_and_top_level_category():
    rules = routing_rules()
    national = {r.category_code for r in rules if r.region_code is None}
    regional = {(r.category_code, r.region_code) for r in rules if r.region_code is not None}
    missing = [
        (cat, reg.code)
        for reg in TOP_LEVEL
        for cat in TOP_CATEGORIES
        if cat not in national and (cat, reg.code) not in regional
    ]
    assert missing == []


def test_regional_rules_send_to_bodies_of_that_region():
    for rule in routing_rules():
        body = BODY_BY_CODE[rule.body_code]
        if rule.region_code is None:
            assert body.region_code is None, rule
        else:
            assert body.region_code == rule.region_code, rule


def test_some_district_rules_exist():
    district_rules = [
        r
        for r in routing_rules()
        if r.region_code and REGION_BY_CODE[r.region_code].level == "district"
    ]
    assert district_rules
    # and some districts have none, so routing falls back to the oblast/city rule
    assert {r.region_code for r in district_rules} != {d.code for d in DISTRICTS}


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region_code", "expected"),
    [
        ("350000000", "prosecutor-35"),  # Karaganda region
        ("710000000", "prosecutor-71"),  # Astana
        ("751410000", "prosecutor-75"),  # Bostandyk district of Almaty
        ("195200000", "prosecutor-19"),  # Karasay district of Almaty region
        (COUNTRY_CODE, GENERAL_PROSECUTOR_CODE),
    ],
)
def test_prosecutor_code(region_code, expected):
    assert prosecutor_code(region_code) == expected
    assert expected in BODY_BY_CODE


def test_prosecutor_code_for_every_region_exists():
    for r in REGIONS:
        b = BODY_BY_CODE[prosecutor_code(r.code)]
        assert b.kind == "prosecutor"
        if r.level != "country":
            assert b.region_code == oblast_code(r.code)


@pytest.mark.parametrize("bad", ["", "71", "7100000000", "71000000x"])
def test_prosecutor_code_rejects_non_kato(bad):
    with pytest.raises(ValueError):
        prosecutor_code(bad)
