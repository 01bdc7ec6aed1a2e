"""Open311 GeoReport v2 conformance: list services, read a definition, post a request with an
api_key, read it back by id and through tokens/, in JSON and XML, with the specification's
field names; errors in both formats; listings without personal data or appeal text."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from tests.factories import ASTANA, submit

# The specification's field names (wiki.open311.org/GeoReport_v2).
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
TEXT = "The street light at the corner of Abay and Kenesary has been off for two weeks."


def xml(response) -> ElementTree.Element:
    assert response.mimetype == "text/xml", response.mimetype
    return ElementTree.fromstring(response.data)


@pytest.fixture
def api_key(people, token_for):
    return token_for(people.citizen, scopes=("write",))


def post(client, fmt: str, api_key: str, **changes):
    data = {
        "api_key": api_key,
        "service_code": "healthcare",
        "description": TEXT,
        "attribute[region]": ASTANA,
        "lat": "51.128",
        "long": "71.430",
        "first_name": "Aigerim",
        "email": "aigerim@example.kz",
    } | changes
    return client.post(f"/open311/v2/requests.{fmt}", data=data)


def test_discovery_in_both_formats(client):
    document = client.get("/open311/v2/discovery.json").get_json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(document)
    endpoint = document["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_and_a_definition_in_both_formats(client):
    services = client.get("/open311/v2/services.json").get_json()
    assert services and all(set(s) == SERVICE_FIELDS for s in services)
    assert "healthcare" in {s["service_code"] for s in services}
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and {child.tag for child in root} == {"service"}
    assert {child.tag for child in root[0]} == SERVICE_FIELDS

    definition = client.get("/open311/v2/services/healthcare.json").get_json()
    assert definition["service_code"] == "healthcare"
    region = definition["attributes"][0]
    assert set(region) == ATTRIBUTE_FIELDS and region["code"] == "region" and region["required"]
    assert ASTANA in {value["key"] for value in region["values"]}
    root = xml(client.get("/open311/v2/services/healthcare.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert {child.tag for child in attribute} == ATTRIBUTE_FIELDS
    assert attribute.find("values/value/key") is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_read_back_by_id_and_through_the_token(client, people, api_key, fmt):
    response = post(client, fmt, api_key)
    assert response.status_code == 201, response.data
    if fmt == "json":
        posted = response.get_json()[0]
    else:
        root = xml(response)
        assert root.tag == "service_requests" and root[0].tag == "request"
        posted = {child.tag: child.text for child in root[0]}
    number, token = posted["service_request_id"], posted["token"]

    appeal = db.session.execute(select(Appeal).where(Appeal.number == number)).scalar_one()
    assert appeal.applicant_id == people.citizen.id and appeal.text == TEXT
    assert appeal.status == AppealStatus.REGISTERED and appeal.kind == "report"
    db.session.commit()

    by_id = client.get(f"/open311/v2/requests/{quote(number)}.{fmt}")
    by_token = client.get(f"/open311/v2/tokens/{token}.{fmt}")
    assert by_id.status_code == by_token.status_code == 200
    if fmt == "json":
        item = by_id.get_json()[0]
        assert set(item) == REQUEST_FIELDS
        assert by_token.get_json() == [{"service_request_id": number, "token": token}]
    else:
        item = {child.tag: child.text for child in xml(by_id)[0]}
        assert set(item) == REQUEST_FIELDS
        assert {c.tag: c.text for c in xml(by_token)[0]} == {
            "service_request_id": number,
            "token": token,
        }
    assert item["service_request_id"] == number and item["status"] == "open"
    assert item["service_code"] == "healthcare" and item["agency_responsible"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_in_the_specifications_shape(client, api_key, fmt):
    cases = [
        (post(client, fmt, "eap_not-a-token"), 403),
        (post(client, fmt, api_key, service_code="no-such-service"), 404),
        (post(client, fmt, api_key, **{"attribute[region]": "nowhere"}), 400),
        (post(client, fmt, api_key, description=""), 400),
        (client.get(f"/open311/v2/requests/Z-1999-1.{fmt}"), 404),
        (client.get(f"/open311/v2/tokens/forged.{fmt}"), 404),
        (client.get(f"/open311/v2/requests.{fmt}?start_date=yesterday"), 400),
        (client.get(f"/open311/v2/nothing.{fmt}"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, response.data
        if fmt == "json":
            error = response.get_json()[0]
        else:
            root = xml(response)
            assert root.tag == "errors" and root[0].tag == "error"
            error = {child.tag: child.text for child in root[0]}
        assert int(error["code"]) == status and error["description"]
    assert db.session.execute(select(Appeal)).first() is None  # nothing half-saved


def test_a_read_only_token_cannot_post(client, people, token_for):
    reader = token_for(people.citizen, scopes=("read",))
    assert post(client, "json", reader).status_code == 403


def test_listings_carry_no_personal_data_nor_text(client, people, make_user):
    citizen = make_user(full_name="Zhanna Unique-Surname", email="zhanna.unique@example.kz")
    appeal, _code = submit(citizen, text="My neighbour Serik Unique-Neighbour floods my flat.")
    db.session.commit()
    for fmt in ("json", "xml"):
        for url in (
            f"/open311/v2/requests.{fmt}",
            f"/open311/v2/requests/{quote(appeal.number)}.{fmt}",
        ):
            body = client.get(url).get_data(as_text=True)
            assert appeal.number in body
            for secret in ("Unique-Surname", "zhanna.unique", "Unique-Neighbour", appeal.subject):
                assert secret not in body, (url, secret)


def test_the_listing_filters(client, people):
    first, _ = submit(people.citizen, category="healthcare")
    second, _ = submit(people.citizen, category="education")
    db.session.commit()

    def numbers(query: str) -> set[str]:
        return {
            r["service_request_id"]
            for r in client.get(f"/open311/v2/requests.json?{query}").get_json()
        }

    assert numbers("") == {first.number, second.number}
    assert numbers("service_code=education") == {second.number}
    assert numbers(f"service_request_id={quote(first.number)}") == {first.number}
    assert numbers("status=closed") == set()
    assert numbers("status=open") == {first.number, second.number}
    assert numbers("start_date=2999-01-01T00:00:00Z") == set()
