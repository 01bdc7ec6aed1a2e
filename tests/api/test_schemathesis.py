"""schemathesis over the whole OpenAPI document, with a citizen's and an official's token:
no 5xx, and every response matches the document (status, content type, body, headers).
Examples are bounded so the whole run stays well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from appeals.extensions import db
from tests.factories import submit

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def citizen_token(people, token_for):
    """A token of the citizen, who has an appeal."""
    submit(people.citizen)
    return token_for(people.citizen)


@pytest.fixture
def official_token(people, token_for):
    """A token of the official of the body that holds the citizen's appeal."""
    submit(people.citizen)
    return token_for(people.official)


BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def check_every_operation(app, token: str) -> int:
    """Run bounded examples of every operation of the document with the token; returns how
    many operations were run. (schemathesis' pytest loader does not run under pytest 9, so
    each operation's strategy is driven by hypothesis here.)"""
    api_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @BOUNDED
        def run(case):
            db.session.commit()  # hold no transaction while the request writes
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            db.session.rollback()

        run()
    return len(operations)


def test_the_api_matches_its_document_for_a_citizen(app, citizen_token):
    assert check_every_operation(app, citizen_token) >= 24


def test_the_api_matches_its_document_for_an_official(app, official_token):
    assert check_every_operation(app, official_token) >= 24


@pytest.fixture
def prosecutor_token(people, token_for):
    """A token of the prosecutor whose region holds the citizen's appeal."""
    submit(people.citizen)
    return token_for(people.prosecutor)


def test_the_api_matches_its_document_for_a_prosecutor(app, prosecutor_token):
    assert check_every_operation(app, prosecutor_token) >= 24
