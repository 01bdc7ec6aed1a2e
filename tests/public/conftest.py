"""Fixtures of the public pages' tests."""

import flask_babel
import pytest


@pytest.fixture
def client(client):
    """The test client, with the language decided afresh for each request as in production.
    Flask-Babel keeps the locale on `g`, and the tests' app context (with its `g`) outlives
    the requests, where a real server gives each request a new one."""
    opener = client.open

    def open_afresh(*args, **kwargs):
        flask_babel.refresh()
        return opener(*args, **kwargs)

    client.open = open_afresh
    return client
