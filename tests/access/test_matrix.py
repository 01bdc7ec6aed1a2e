"""The access matrix (tests/access/matrix.py) tried cell by cell against one world, and the
table held to `app.url_map`: a route without a row, or a row without a route, fails."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from appeals.extensions import db
from tests.access.cells import ALLOW, Row
from tests.access.matrix import MATRIX
from tests.access.world import STANDINGS
from tests.conftest import WRITTEN_TABLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Columns a refused request may touch without changing anything a person relies on.
VOLATILE = {("api_tokens", "last_used_at")}


def fill(text: str, ids) -> str:
    return text.format_map(ids)


def _key(row: Row) -> str:
    return f"{row.method} {row.path}"


CELLS = [
    pytest.param(row, standing, id=f"{_key(row)} [{standing}]")
    for row in MATRIX
    for standing in STANDINGS
    if row.cells.get(standing) != ALLOW
]
# A GET on a route that takes only POST: 405 for everyone, before any access check.
POST_ONLY = [
    row
    for row in MATRIX
    if row.method == "POST" and not any(o.method == "GET" and o.path == row.path for o in MATRIX)
]
GET_ON_POST_ONLY = [
    pytest.param(row, standing, id=f"GET {row.path} [{standing}]")
    for row in POST_ONLY
    for standing in STANDINGS
]
API_WRITES = [row for row in MATRIX if row.method == "POST" and row.auth != "session"]
# The site's forms; the API and Open311 (their unknown addresses included) take a token, not
# a cookie, and are exempt from CSRF.
FORM_POSTS = [
    row
    for row in MATRIX
    if row.method == "POST"
    and row.auth == "session"
    and not row.path.startswith(("/api/", "/open311/"))
]


def test_every_route_has_a_row_and_every_row_a_route(app):
    """The table covers `app.url_map` exactly: each rule and method has a row, each row's path
    reaches the endpoint it names, and each row has a cell for every standing."""
    adapter = app.url_map.bind("localhost")
    dummy = defaultdict(lambda: "1")
    covered, wrong = set(), []
    for row in MATRIX:
        assert set(row.cells) == set(STANDINGS), row
        path = fill(row.path, dummy).partition("?")[0]
        rule, _args = adapter.match(path, method=row.method, return_rule=True)
        if rule.endpoint != row.endpoint:
            wrong.append((row.endpoint, row.method, row.path, rule.endpoint))
        covered.add((rule.endpoint, rule.rule, row.method))
    routes = {
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    assert not wrong, f"rows whose path reaches another endpoint (a route gone?): {wrong}"
    assert not sorted(routes - covered), f"routes without a row: {sorted(routes - covered)}"
    assert not sorted(covered - routes), f"rows without a route: {sorted(covered - routes)}"


def fingerprint(app) -> dict:
    """Everything a request could have written: every row of the tables the app writes, and
    the uploaded files."""
    with app.app_context():
        tables = {}
        for name in WRITTEN_TABLES:
            table = db.metadata.tables[name]
            columns = [c for c in table.columns if (name, c.name) not in VOLATILE]
            tables[name] = sorted(map(tuple, db.session.execute(select(*columns)).all()), key=repr)
    uploads = Path(app.config["UPLOAD_DIR"])
    tables["files"] = sorted(str(p) for p in uploads.rglob("*")) if uploads.exists() else []
    return tables


def send(row: Row, standing: str, world, clients, *, method: str | None = None, token=None):
    ids = world.ids
    method = method or row.method
    path = fill(row.path, ids)
    data = {k: fill(v, ids) if isinstance(v, str) else v for k, v in row.data.items()}
    headers = {}
    if row.auth == "session":
        client = clients[standing]
        kwargs = {"data": data} if method == "POST" else {}
    else:
        client = clients["anonymous"]  # the API never reads a session
        token = token or world.tokens.get(standing)
        if row.auth == "bearer":
            if token:
                headers["Authorization"] = f"Bearer {token}"
            if row.if_match:
                appeal = ids[row.if_match]
                headers["If-Match"] = f'"{appeal}-{ids["version_" + row.if_match]}"'
            kwargs = {"json": data} if method == "POST" else {}
        else:  # Open311: the token is a form field
            kwargs = {"data": data | ({"api_key": token} if token else {})}
            kwargs = kwargs if method == "POST" else {}
    return client.open(path, method=method, headers=headers, **kwargs)


def outcome_of(response) -> int | str:
    if response.status_code in (301, 302, 303):
        return f"{response.status_code} {urlsplit(response.headers['Location']).path}"
    return response.status_code


@pytest.mark.parametrize(("row", "standing"), CELLS)
def test_cell(row: Row, standing: str, app, world, clients):
    expected = row.cells[standing]
    expected = fill(expected, world.ids) if isinstance(expected, str) else expected
    if row.method == "GET":
        response = send(row, standing, world, clients)
        assert outcome_of(response) == expected
        return
    before = fingerprint(app)
    response = send(row, standing, world, clients)
    assert outcome_of(response) == expected
    assert fingerprint(app) == before, "a refused request changed the database"


@pytest.mark.parametrize(("row", "standing"), GET_ON_POST_ONLY)
def test_get_on_a_post_route(row: Row, standing: str, world, clients):
    assert send(row, standing, world, clients, method="GET").status_code == 405


@pytest.mark.parametrize("row", API_WRITES, ids=_key)
def test_read_only_token_writes_nothing(row: Row, app, world, clients):
    """A token without the write scope is refused every step, whoever holds it."""
    before = fingerprint(app)
    for standing in STANDINGS[1:]:
        response = send(row, standing, world, clients, token=world.read_tokens[standing])
        assert response.status_code == 403, standing
    assert fingerprint(app) == before


@pytest.mark.parametrize("row", FORM_POSTS, ids=_key)
def test_a_form_post_without_its_csrf_token_is_refused(row: Row, app, world, clients, monkeypatch):
    """CSRF is on in production and off in the other tests: every form's post, sent by a user
    it is allowed to (or the last standing) without the token, is refused with the token's
    message, never a 500, and writes nothing. Flask-WTF names each view it protects; the
    officials' steps, once registered as functools.partial objects, were a 500 for every
    post."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    standing = next((s for s in STANDINGS if row.cells[s] == ALLOW), STANDINGS[-1])
    before = fingerprint(app)

    response = send(row, standing, world, clients)

    assert response.status_code == 400, (standing, response.status_code)
    assert "security token" in response.get_data(as_text=True)
    assert fingerprint(app) == before


def test_the_count(app):
    """How many route x standing pairs the matrix checks (run with -s to read it)."""
    routes = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    pairs = len(MATRIX) * len(STANDINGS)
    print(
        f"\n{len(routes)} routes (rule x method) in {len(MATRIX)} rows x {len(STANDINGS)} "
        f"standings = {pairs} pairs: {len(CELLS)} sent, {pairs - len(CELLS)} allowed steps not "
        f"sent; also {len(GET_ON_POST_ONLY)} GETs on POST-only routes and "
        f"{len(API_WRITES) * (len(STANDINGS) - 1)} writes with read-only tokens"
    )
