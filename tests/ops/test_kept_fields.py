"""Form fields are rendered once per state and language in each process (kept_fields.py): a
kept field is the HTML Bootstrap-Flask renders for that state, a field in another state
(value, errors, choices, language) is rendered anew, and every reader still gets a CSRF token
of their own."""

from __future__ import annotations

import re

from flask import g, get_template_attribute
from flask_babel import force_locale

from appeals.accounts.models import Role
from appeals.kept_fields import _kept, kept_field
from appeals.work.defect_forms import DefectsForm
from appeals.work.defect_rules import DEFECT_LABELS
from appeals.work.forms import InboxFilterForm
from tests.conftest import PASSWORD
from tests.factories import category_id
from tests.samples import appeal_fields

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _bootstrap(field) -> str:
    return str(get_template_attribute("bootstrap5/form.html", "render_field")(field))


def test_a_kept_field_is_the_html_of_its_state_and_language(app):
    health, police = category_id("healthcare"), category_id("police")
    shown = {}
    for state, args in {
        "health": {"category_id": str(health)},
        "police": {"category_id": str(police)},
        "health again": {"category_id": str(health)},
    }.items():
        with app.test_request_context("/work/", query_string=args):
            form = InboxFilterForm(formdata=None, data=args)
            shown[state] = kept_field(form.category_id)
            assert shown[state] == _bootstrap(form.category_id)  # as the library renders it
    assert f'<option selected value="{health}">' in shown["health"]
    assert f'<option selected value="{police}">' in shown["police"]
    assert shown["health again"] is shown["health"]  # kept: not rendered again
    assert shown["police"] != shown["health"]

    with app.test_request_context("/work/"):
        form = InboxFilterForm(formdata=None)
        form.q.errors = ["Too long."]
        with_error = kept_field(form.q)
        form.q.errors = []
        assert "Too long." in with_error and "Too long." not in kept_field(form.q)
        with force_locale("ru"):
            assert "Категория" in kept_field(form.category_id)
        assert "Категория" not in kept_field(form.category_id)


def test_a_kept_group_of_checkboxes_shows_its_own_choices_and_errors(app):
    def group(chosen: list[str], errors: list[str]) -> str:
        form = DefectsForm(formdata=None, data={"defects": chosen})
        form.defects.errors = errors
        return str(get_template_attribute("forms.html", "render_check_options")(form.defects))

    first, second = list(DEFECT_LABELS)[:2]
    with app.test_request_context("/work/"):
        one = group([first], [])
        both = group([first, second], [])
        refused = group([], ["Choose at least one."])
        kept = len(_kept)
        assert group([first], []) == one and len(_kept) == kept  # kept: not rendered again
    assert one.count("checked") == 1 and both.count("checked") == 2
    assert "is-invalid" not in one and "Choose at least one." not in one
    assert refused.count("is-invalid") == len(DEFECT_LABELS) and "Choose at least one." in refused
    assert "checked" not in refused


def test_every_reader_gets_a_csrf_token_of_their_own(app, make_user, monkeypatch):
    """The new-appeal form's fields are kept and shared; its token is not."""
    tokens = {}
    clients = {}
    for name in ("dana", "ermek"):
        user = make_user(Role.CITIZEN, email=f"{name}@example.kz")
        clients[name] = client = app.test_client()
        assert (
            client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code
            == 302
        )
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for name, client in clients.items():
        # The test's requests share one app context, where Flask-WTF keeps the token it made
        # last; a real request starts without it.
        g.pop("csrf_token", None)
        page = client.get("/appeals/new").get_data(as_text=True)
        tokens[name] = CSRF.findall(page)
        assert len(tokens[name]) == 1
    assert tokens["dana"] != tokens["ermek"]

    # Another reader's token is refused; one's own is taken.
    refused = clients["ermek"].post(
        "/appeals/new", data=appeal_fields(csrf_token=tokens["dana"][0])
    )
    assert refused.status_code == 400
    taken = clients["ermek"].post("/appeals/new", data=appeal_fields(csrf_token=tokens["ermek"][0]))
    assert taken.status_code == 302 and "/receipt" in taken.headers["Location"]


def test_what_a_person_typed_is_never_kept(client, login, make_user):
    """A password or an appeal's text sent back on a refused form, or a search, is rendered
    for that request only: the process keeps no copy of it."""
    citizen = make_user(Role.CITIZEN, email="dana@example.kz")
    refused = client.post("/login", data={"email": citizen.email, "password": "typed-secret-42"})
    assert refused.status_code == 200
    login(citizen)
    client.post("/appeals/new", data=appeal_fields(subject="Typed by Dana", text="Too short."))
    login(make_user(Role.OFFICIAL, body_code="health-71"))
    assert client.get("/work/", query_string={"q": "typed search words"}).status_code == 200

    kept = repr(list(_kept.items()))
    assert "typed-secret-42" not in kept
    assert "Typed by Dana" not in kept and "Too short." not in kept
    assert "typed search words" not in kept
