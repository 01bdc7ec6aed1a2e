"""Tokens and a client for the API tests; people and appeals as in the workspace tests."""

from __future__ import annotations

import pytest

from appeals.api.tokens import issue_token
from appeals.extensions import db
from tests.work.conftest import appeal, assigned, people  # noqa: F401  (fixtures)


@pytest.fixture
def token_for():
    """A committed token of a user: (token, its row id)."""

    def make(user, scopes=("read", "write"), days: int = 30) -> str:
        _row, token = issue_token(user, "test", scopes, days)
        db.session.commit()
        return token

    return make


class Api:
    """The test client with a token: every call sends it as a Bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url, **kwargs):
        return self.client.post(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def step(self, url, appeal_id: int, etag: str | None = None, **kwargs):
        """A step under If-Match: the appeal's present ETag unless one is given."""
        if etag is None:
            etag = self.get(f"/api/v1/appeals/{appeal_id}").headers["ETag"]
        return self.post(url, headers={"If-Match": etag}, **kwargs)


@pytest.fixture
def api_as(client, token_for):
    """An API client for a user (with both scopes unless told)."""

    def make(user, scopes=("read", "write")) -> Api:
        return Api(client, token_for(user, scopes))

    return make
