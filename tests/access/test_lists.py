"""What the lists show each standing: exactly the appeals, audits and tokens they may see
(a list that leaks is a hole no status code shows), and no personal data on the public ones."""

from __future__ import annotations

import json

import pytest

from tests.access.world import APPEALS, STANDINGS

A_ALL = {"a_open", "a_answered", "a_new", "manual"}  # the applicant's
B_ALL = {"b_open", "b_answered"}  # the other citizen's
NONE: set[str] = set()

# (path, auth) -> standing -> the appeals it lists (by their numbers on the page or in JSON);
# a standing not named lists none of the world's appeals.
LISTS = {
    ("/appeals/", "session"): {"applicant": A_ALL, "other_citizen": B_ALL},
    ("/api/v1/appeals?per_page=100", "bearer"): {"applicant": A_ALL, "other_citizen": B_ALL},
    ("/work/?status=all", "session"): {
        "executor": {"a_open", "a_answered", "a_new"},
        "official": {"a_new"},  # a colleague's appeals are not listed
        "head": {"a_open", "a_answered", "a_new"},
        "other_official": B_ALL,
    },
    ("/api/v1/work/inbox?status=all&per_page=100", "bearer"): {
        "executor": {"a_open", "a_answered", "a_new"},
        "official": {"a_new"},
        "head": {"a_open", "a_answered", "a_new"},
        "other_official": B_ALL,
    },
    # each office's reception works its own queue; the admin every office's
    ("/routing/manual", "session"): {"prosecutor": {"manual"}, "admin": {"manual"}},
}
# The audits listed on the prosecutor's API, by the audited appeal.
AUDITS = {"prosecutor": {"a_answered"}, "prosecutor_out": {"b_answered"}}
AUDITS["national"] = AUDITS["prosecutor"] | AUDITS["prosecutor_out"]

PUBLIC_PAGES = [
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/open311/v2/requests/{number_a_open}.json",
    "/open-data/statistics.json",
    "/open-data/ratings.csv",
    "/api/v1/open-data/statistics",
    "/ratings/",
]


def _get(path: str, auth: str, standing: str, world, clients):
    path = path.format_map(world.ids)
    if auth == "session":
        return clients[standing].get(path)
    token = world.tokens.get(standing)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return clients["anonymous"].get(path, headers=headers)


@pytest.mark.parametrize(("path", "auth"), list(LISTS))
@pytest.mark.parametrize("standing", STANDINGS[1:])
def test_a_list_shows_exactly_what_the_standing_may_see(path, auth, standing, world, clients):
    response = _get(path, auth, standing, world, clients)
    expected = LISTS[(path, auth)].get(standing, NONE)
    if response.status_code != 200:  # refused outright: the matrix checks how
        assert not expected and response.status_code in (401, 403, 404)
        return
    text = response.get_data(as_text=True)
    if response.is_json:  # the numbers' Cyrillic letters are escaped in the JSON
        text = json.dumps(response.get_json(), ensure_ascii=False)
    shown = {key for key in APPEALS if world.ids[f"number_{key}"] in text}
    assert shown == expected


@pytest.mark.parametrize("standing", PROSECUTORS := ("prosecutor", "prosecutor_out", "national"))
def test_the_audits_listed_are_those_of_the_scope(standing, world, clients):
    response = _get("/api/v1/prosecutor/audits?per_page=100", "bearer", standing, world, clients)
    listed = {item["appeal_id"] for item in response.get_json()["items"]}
    assert listed == {world.ids[key] for key in AUDITS[standing]}


@pytest.mark.parametrize("standing", STANDINGS[1:])
def test_the_token_page_lists_only_ones_own_tokens(standing, world, clients):
    text = clients[standing].get("/api/tokens/").get_data(as_text=True)
    for other, prefixes in world.token_prefixes.items():
        for prefix in prefixes:
            assert (prefix in text) == (other == standing), (other, prefix)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_lists_carry_no_personal_data_and_no_appeal_text(path, world, clients):
    response = clients["anonymous"].get(path.format_map(world.ids))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if response.is_json:
        text = json.dumps(response.get_json(), ensure_ascii=False)
    for private in ("Matrixov", "@matrix.kz", "waiting for an appointment", "Appeal A open"):
        assert private not in text
