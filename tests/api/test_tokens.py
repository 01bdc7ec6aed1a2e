"""Personal access tokens: made on the page (shown once, stored hashed), revoked, expired;
the API refuses without one (401), without the scope (403); errors are JSON everywhere under
/api; a page of a list carries its links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from appeals.api.models import ApiToken
from appeals.api.tokens import hash_token, issue_token
from appeals.extensions import db
from appeals.timeutil import now_utc
from tests.factories import submit
from tests.pages import page_text


def _made_token(response) -> str:
    found = re.search(r"(eap_[A-Za-z0-9_\-]+)", response.get_data(as_text=True))
    assert found, "the new token is shown"
    return found.group(1)


def test_a_token_made_on_the_page_is_shown_once_and_kept_hashed(client, login, people):
    login(people.citizen)
    response = client.post(
        "/api/tokens/",
        data={"name": "my 311 app", "scopes": ["read"], "lifetime_days": "30"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    token = _made_token(response)

    row = db.session.execute(select(ApiToken)).scalar_one()
    assert row.token_hash == hash_token(token) and token not in (row.prefix, row.token_hash)
    assert row.scopes == "read" and row.user_id == people.citizen.id
    assert timedelta(days=29) < row.expires_at - now_utc() <= timedelta(days=30)
    db.session.commit()
    listed = client.get("/api/tokens/").get_data(as_text=True)
    assert token not in listed and row.prefix in listed and "my 311 app" in listed

    answer = client.get("/api/v1/appeals", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_the_form_refuses_no_scope_and_keeps_what_was_typed(client, login, people):
    login(people.citizen)
    response = client.post("/api/tokens/", data={"name": "typed name", "lifetime_days": "30"})
    assert response.status_code == 400
    assert "typed name" in response.get_data(as_text=True)
    assert "Choose at least one scope" in page_text(response.get_data(as_text=True))
    assert db.session.execute(select(ApiToken)).first() is None


def test_the_token_page_keeps_csrf(app, client, login, people, monkeypatch):
    login(people.citizen)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(
        "/api/tokens/", data={"name": "x", "scopes": ["read"], "lifetime_days": "30"}
    )
    assert response.status_code == 400
    assert db.session.execute(select(ApiToken)).first() is None


def test_the_token_page_needs_a_sign_in(client):
    assert client.get("/api/tokens/").status_code == 302


def test_a_revoked_token_is_refused_and_another_users_cannot_be_revoked(
    client, login, people, token_for
):
    token = token_for(people.citizen)
    row_id = db.session.execute(select(ApiToken.id)).scalar_one()
    db.session.commit()
    login(people.other_citizen)
    assert client.post(f"/api/tokens/{row_id}/revoke").status_code == 404
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/appeals", headers=headers).status_code == 200

    login(people.citizen)
    assert client.post(f"/api/tokens/{row_id}/revoke").status_code == 302
    refused = client.get("/api/v1/appeals", headers=headers)
    assert refused.status_code == 401
    assert refused.get_json()["status"] == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(client, people):
    _row, token = issue_token(people.citizen, "old", ["read"], 7, now=now_utc() - timedelta(days=8))
    db.session.commit()
    response = client.get("/api/v1/appeals", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_no_token_a_wrong_one_or_a_session_cookie_is_not_enough(client, login, people):
    login(people.citizen)  # a signed-in browser: the API still wants a token
    assert client.get("/api/v1/appeals").status_code == 401
    wrong = client.get("/api/v1/appeals", headers={"Authorization": "Bearer eap_nope"})
    assert wrong.status_code == 401
    assert wrong.get_json()["message"]


def test_a_missing_scope_is_403(api_as, people):
    reader = api_as(people.citizen, scopes=("read",))
    response = reader.post("/api/v1/appeals/1/withdraw", json={})
    assert response.status_code == 403
    assert "write" in response.get_json()["message"]
    writer = api_as(people.citizen, scopes=("write",))
    assert writer.get("/api/v1/appeals").status_code == 403


def test_errors_under_api_are_json(api_as, people):
    api = api_as(people.citizen)
    unknown = api.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and unknown.get_json()["status"] == 404
    wrong_method = api.client.delete("/api/v1/appeals", headers=api.headers())
    assert wrong_method.status_code == 405 and wrong_method.get_json()["status"] == 405
    appeal, _code = submit(people.citizen)
    malformed = api.post(
        f"/api/v1/appeals/{appeal.id}/withdraw",
        data="{not json",
        headers={"Content-Type": "application/json", "If-Match": f'"{appeal.id}-1"'},
    )
    assert malformed.status_code == 400 and malformed.get_json()["status"] == 400
    bad_page = api.get("/api/v1/appeals?page=0")
    assert bad_page.status_code == 422
    assert "page" in bad_page.get_json()["fields"]


def test_lists_are_paginated_with_links(api_as, people):
    for n in range(3):
        submit(people.citizen, subject=f"Appeal number {n}")
    api = api_as(people.citizen)
    first = api.get("/api/v1/appeals?per_page=2")
    body = first.get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (3, 2, 2)
    assert body["links"]["prev"] is None and "page=2" in body["links"]["next"]
    assert 'rel="next"' in first.headers["Link"]
    second = api.get(body["links"]["next"])
    assert [item["subject"] for item in second.get_json()["items"]] == ["Appeal number 0"]
    assert second.get_json()["links"]["next"] is None


def test_the_openapi_document_and_its_reference_page(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/appeals" in document["paths"]
    assert "bearerAuth" in document["components"]["securitySchemes"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


@pytest.fixture
def limited_app(second_app):
    """An app with rate limiting on, as in production (TestConfig turns it off)."""
    return second_app(
        API_RATE_LIMIT="3 per minute", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://"
    )


def test_the_rate_limit_is_per_token(limited_app, people, token_for):
    first, second = token_for(people.citizen), token_for(people.citizen)
    client = limited_app.test_client()  # one address for both tokens

    def call(token):
        return client.get("/api/v1/appeals", headers={"Authorization": f"Bearer {token}"})

    assert [call(first).status_code for _ in range(3)] == [200, 200, 200]
    refused = call(first)
    assert refused.status_code == 429 and refused.get_json()["status"] == 429
    assert call(second).status_code == 200


def test_a_locked_database_does_not_refuse_a_call_for_its_last_used_mark(
    client, people, token_for, monkeypatch
):
    """SQLite may refuse a reader's lock upgrade: the mark is skipped, the call answered."""
    token = token_for(people.citizen)
    real_commit = db.session.commit
    calls = []

    def locked_once():
        if not calls and db.session.dirty:  # the mark's commit, not the test client's
            calls.append(1)
            raise OperationalError("UPDATE api_tokens", {}, Exception("database is locked"))
        real_commit()

    monkeypatch.setattr(db.session, "commit", locked_once)
    response = client.get("/api/v1/appeals", headers={"Authorization": f"Bearer {token}"})
    monkeypatch.undo()
    assert response.status_code == 200 and calls == [1]
