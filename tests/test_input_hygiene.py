"""Typed text under one rule (appeals/cleantext.py) on every form, the API and Open311: NFC,
trimmed, control characters (NUL too) and bidirectional overrides refused with a message,
on whichever database the run uses (PostgreSQL refuses NUL in text itself: no 500 there)."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from marshmallow import fields
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.cleantext import CleanForm, CleanString, UnsafeText, clean_text
from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.factories import ASTANA, category_id, region_id

DECOMPOSED = "Заявление о ремонте дороги и\u0306"  # и + combining breve: "й" in two code points
COMPOSED = "Заявление о ремонте дороги й"
REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069"]


def test_the_rule():
    assert clean_text(f"  {DECOMPOSED}\n ") == COMPOSED
    assert clean_text("one\r\ntwo\rthree\tfour", multiline=True) == "one\ntwo\nthree\tfour"
    for char in REFUSED + ["\t", "\n"]:
        with pytest.raises(UnsafeText, match=f"U\\+{ord(char):04X}"):
            clean_text(f"a{char}b")
    for char in REFUSED:
        with pytest.raises(UnsafeText):
            clean_text(f"a{char}b", multiline=True)
    with pytest.raises(UnsafeText, match="U\\+D800"):
        clean_text("a\ud800b")
    # Letters of any script, emoji, zero-width joiners in emoji and markup pass as they are.
    mixed = "Қазақстан Россия abc ١٢٣ 👍🏽 👨‍👩‍👧 <b>&amp;</b>"
    assert clean_text(mixed) == mixed


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_site_is_a_clean_form(app):
    forms = [cls for cls in _all_subclasses(FlaskForm) if cls.__module__.startswith("appeals.")]
    assert len(forms) > 40
    assert [cls for cls in forms if not issubclass(cls, CleanForm)] == []


def _argument_schemas(app):
    for view in app.view_functions.values():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            schema = argument["schema"]
            yield schema() if isinstance(schema, type) else schema


def _string_fields(field):
    if isinstance(field, fields.List):
        yield from _string_fields(field.inner)
    elif isinstance(field, fields.Nested):
        for inner in field.schema.fields.values():
            yield from _string_fields(inner)
    elif isinstance(field, fields.String):
        yield field


def test_every_string_the_api_takes_is_a_clean_string(app):
    schemas = list(_argument_schemas(app))
    assert len(schemas) > 15
    strings = [
        (type(schema).__name__, name, field)
        for schema in schemas
        for name, top in schema.fields.items()
        for field in _string_fields(top)
    ]
    assert len(strings) > 20
    assert [(s, n) for s, n, field in strings if not isinstance(field, CleanString)] == []


@pytest.fixture
def citizen(make_user, login):
    user = make_user()
    login(user)
    return user


def _appeal_form(subject: str, text: str) -> dict:
    return {
        "kind": "statement",
        "category_id": category_id("healthcare"),
        "region_id": region_id(ASTANA),
        "subject": subject,
        "text": text,
        "repeats_id": 0,
    }


TEXT = "I have been waiting for an appointment for two months.\r\nPlease help.\t(tab)"


@pytest.mark.parametrize("char", ["\x00", "\u202e", "\x1b", "\u2067"])
def test_the_appeal_form_refuses_hidden_characters_and_keeps_the_input(client, citizen, char):
    subject = f"Broken {char}road"
    response = client.post("/appeals/new", data=_appeal_form(subject, TEXT))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "invisible control or text-direction characters" in html
    assert f"U+{ord(char):04X}" in html
    assert "two months" in html  # what was typed stays in the form
    assert db.session.execute(select(Appeal)).first() is None


def test_the_appeal_form_keeps_text_in_nfc_trimmed(client, citizen):
    response = client.post("/appeals/new", data=_appeal_form(f"  {DECOMPOSED}  ", TEXT + "\n\n"))
    assert response.status_code == 302, response.get_data(as_text=True)
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert appeal.subject == COMPOSED
    assert appeal.text == TEXT.replace("\r\n", "\n")  # line breaks and the tab kept


def test_the_api_refuses_hidden_characters_with_a_422_naming_the_field(
    client,
    make_user,
    token_for,  # noqa: F811
):
    token = token_for(make_user())
    headers = {"Authorization": f"Bearer {token}"}
    for char in ["\x00", "\u202e"]:
        body = _appeal_form(f"Broken {char}road", TEXT)
        del body["repeats_id"]
        response = client.post("/api/v1/appeals", json=body, headers=headers)
        assert response.status_code == 422, response.get_json()
        assert "subject" in str(response.get_json())
        assert f"U+{ord(char):04X}" in str(response.get_json())
    body = _appeal_form(f" {DECOMPOSED} ", TEXT)
    del body["repeats_id"]
    response = client.post("/api/v1/appeals", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert appeal.subject == COMPOSED and "\r" not in appeal.text


def test_open311_refuses_hidden_characters_with_a_400(client, make_user, token_for):  # noqa: F811
    token = token_for(make_user())
    data = {
        "api_key": token,
        "service_code": "healthcare",
        "description": "The lift has not worked for a month\x00 in our block.",
    }
    response = client.post("/open311/v2/requests.json", data=data)
    assert response.status_code == 400
    assert "U+0000" in response.get_data(as_text=True)
    assert db.session.execute(select(Appeal)).first() is None


def test_a_staff_form_refuses_them_too(client, make_user, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = client.post(
        "/admin/users/invite",
        data={"email": "new@gov.kz", "full_name": "Evil\u202eName", "role": "citizen"},
    )
    assert "U+202E" in response.get_data(as_text=True)


def test_a_nul_in_any_address_is_a_400_not_a_500(app, client, make_user, login):
    """PostgreSQL refuses NUL in any text it compares: an id or code from the address with one
    would fail in the database. Every GET route, with a NUL in each text part of its path and
    in the query string, signed in and not."""
    login(make_user(Role.ADMIN))
    for signed_in in (True, False):
        if not signed_in:
            client.post("/logout")
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            values = {}
            for name in rule.arguments:
                converter = rule._converters[name]
                if hasattr(converter, "items"):
                    values[name] = sorted(converter.items)[0]
                elif type(converter).__name__ == "IntegerConverter":
                    values[name] = 1
                else:
                    values[name] = "a\x00b"
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            response = client.get(url, query_string={"q": "a\x00b", "search": "\x00"})
            assert response.status_code == 400, (url, response.status_code)
