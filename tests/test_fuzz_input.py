"""Hostile strings (markup and scripts, SQL, 100,000 characters, control characters, NUL,
bidirectional overrides, mixed scripts, emoji, decomposed letters) into every text field of
every form, and through the pages and the API that store appeals: no 5xx, no markup
reflected unescaped, nothing stored that the rule of appeals/cleantext.py would not keep.

Examples per field: FUZZ_EXAMPLES (25 unless set; e.g. FUZZ_EXAMPLES=500 for a deep run)."""

from __future__ import annotations

import inspect
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from appeals.accounts.models import Role, User
from appeals.cleantext import CleanForm, UnsafeText, clean_text
from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.factories import ASTANA, category_id, region_id
from tests.test_input_hygiene import _all_subclasses

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
fuzz = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one signed-in client for all the examples
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><b>bold</b>",
]
HOSTILE = MARKUP + [
    "javascript:alert(1)",
    "'; DROP TABLE appeals; --",
    "1' OR '1'='1",
    "\x00",
    "a\x00b",
    "\u202eevil.exe",
    "\u2066isolated\u2069",
    "\x1b[31mred",
    "\x7f\x85\x9f",
    "\ud800",
    "A" * 100_000,
    "Қазақстан Россия abc ١٢٣ 中文 ελληνικά",
    "👍🏽🇰🇿👨‍👩‍👧",
    "и\u0306 e\u0301",
    "  padded  ",
    "\r\nline\r\nbreaks\r\n",
    "\ttab",
    "%00 {{7*7}} ${7*7}",
]
piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
hostile = st.one_of(st.sampled_from(HOSTILE), st.lists(piece, min_size=1, max_size=4).map("".join))

# What a form can carry: a browser sends no lone surrogate (JSON can, as "\ud800").
postable = hostile.map(lambda value: value.encode("utf-8", "replace").decode("utf-8"))


def _kept(value: str, multiline: bool) -> bool:
    """Would the rule keep this text as it is (NFC, trimmed, nothing refused)?"""
    try:
        return clean_text(value, multiline) == value
    except UnsafeText:
        return False


def _no_markup_reflected(value: str, html: str) -> None:
    for sample in MARKUP:
        if sample in value:
            assert sample not in html, sample


# --- Every text field of every form -------------------------------------------------------


def _text_fields(form_class):
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField) and issubclass(unbound.field_class, StringField):
            if not issubclass(unbound.field_class, PasswordField):
                yield name, issubclass(unbound.field_class, TextAreaField)


FORM_FIELDS = [
    pytest.param(form_class, name, multiline, id=f"{form_class.__name__}.{name}")
    for form_class in _all_subclasses(CleanForm)
    for name, multiline in _text_fields(form_class)
    if name != "csrf_token"
]


def test_the_fuzz_covers_the_forms():
    forms = {param.values[0] for param in FORM_FIELDS}
    assert len(FORM_FIELDS) > 40 and len(forms) > 20, (len(FORM_FIELDS), len(forms))


# What the views give the forms that take more than the posted data.
FORM_ARGUMENTS = {"today": date(2026, 11, 25), "region_ids": None, "person": None}


def _arguments(form_class) -> dict:
    wanted = {
        name
        for cls in form_class.__mro__
        if "__init__" in vars(cls)
        for name in inspect.signature(vars(cls)["__init__"]).parameters
    }
    return {name: value for name, value in FORM_ARGUMENTS.items() if name in wanted}


@pytest.mark.parametrize(("form_class", "name", "multiline"), FORM_FIELDS)
@fuzz
@given(value=hostile)
def test_every_form_field(app, form_class, name, multiline, value):
    """The field's data, when the form accepts it, is text the rule keeps; a refused one has
    the rule's message; nothing raises."""
    with app.test_request_context("/", method="POST"):
        form = form_class(
            formdata=MultiDict({name: value}), meta={"csrf": False}, **_arguments(form_class)
        )
        field = form[name]
        # The field alone: some forms get their select's choices from the view.
        if not field.validate(form):
            return
        assert _kept(field.data or "", multiline), (field.data, field.errors)


# --- Through the pages and the API, into the database ---------------------------------------


def _appeal(subject: str, text: str) -> dict:
    return {
        "kind": "statement",
        "category_id": category_id("healthcare"),
        "region_id": region_id(ASTANA),
        "subject": subject,
        "text": text,
    }


VALID_SUBJECT = "No appointment with a doctor"
VALID_TEXT = "I have been waiting for an appointment for two months. Please help."


def _stored_appeals_are_clean() -> None:
    db.session.rollback()
    for subject, text in db.session.execute(select(Appeal.subject, Appeal.text)):
        assert _kept(subject, False), subject
        assert _kept(text, True), text


@pytest.fixture
def citizen_client(client, make_user, login):
    login(make_user())
    return client


@pytest.mark.parametrize("field", ["subject", "text"])
@fuzz
@given(value=postable)
def test_the_appeal_page(citizen_client, field, value):
    data = _appeal(VALID_SUBJECT, VALID_TEXT) | {field: value, "repeats_id": 0}
    response = citizen_client.post("/appeals/new", data=data)
    assert response.status_code in (200, 302), response.status_code
    _no_markup_reflected(value, response.get_data(as_text=True))
    _stored_appeals_are_clean()


@pytest.mark.parametrize("field", ["subject", "text"])
@fuzz
@given(value=postable)
def test_the_anonymous_appeal_page(client, field, value):
    data = _appeal(VALID_SUBJECT, VALID_TEXT) | {field: value}
    response = client.post("/appeals/anonymous", data=data)
    assert response.status_code in (200, 302), response.status_code
    _no_markup_reflected(value, response.get_data(as_text=True))
    _stored_appeals_are_clean()


@pytest.mark.parametrize("field", ["subject", "text"])
@fuzz
@given(value=hostile)
def test_the_api(client, make_user, token_for, field, value):  # noqa: F811
    headers = {"Authorization": f"Bearer {token_for(make_user())}"}
    body = _appeal(VALID_SUBJECT, VALID_TEXT) | {field: value}
    response = client.post("/api/v1/appeals", json=body, headers=headers)
    assert response.status_code in (201, 422), response.status_code
    assert response.mimetype == "application/json"
    _stored_appeals_are_clean()


@fuzz
@given(value=postable)
def test_open311(client, make_user, token_for, value):  # noqa: F811
    data = {"api_key": token_for(make_user()), "service_code": "healthcare"}
    response = client.post("/open311/v2/requests.json", data=data | {"description": value})
    assert response.status_code in (201, 400), response.status_code
    _stored_appeals_are_clean()


@fuzz
@given(value=postable)
def test_the_staff_invitation(client, make_user, login, value):
    login(make_user(Role.ADMIN))
    data = {"email": "new@gov.kz", "full_name": value, "role": "citizen"}
    response = client.post("/admin/users/invite", data=data)
    assert response.status_code < 500
    _no_markup_reflected(value, response.get_data(as_text=True))
    db.session.rollback()
    for name in db.session.execute(select(User.full_name)).scalars():
        assert _kept(name, False), name
