"""The client's address behind trusted proxies (the per-address limit counts the client, not
the proxy, and a client cannot pick its own address when no proxy is trusted), and the app's
refusal to start with the development SECRET_KEY."""

from __future__ import annotations

import pytest

from appeals import InsecureSecretKey, create_app
from config import DEVELOPMENT_SECRET_KEY


@pytest.fixture
def app_with(second_app):
    """Apps with rate limiting on, as in production (TestConfig turns it off)."""

    def make(**overrides):
        return second_app(
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            RATELIMIT_PUBLIC_FORMS="3 per minute",
            **overrides,
        )

    return make


def post_login(client, forwarded_for: str):
    return client.post(
        "/login",
        data={"email": "nobody@example.kz", "password": "whatever-it-is"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_behind_one_trusted_proxy_each_client_has_its_own_limit(app_with):
    client = app_with(TRUSTED_PROXIES=1).test_client()
    for _ in range(3):
        assert post_login(client, "203.0.113.5").status_code == 200

    assert post_login(client, "203.0.113.5").status_code == 429
    assert post_login(client, "203.0.113.6").status_code == 200  # another client, same proxy


def test_behind_two_proxies_the_address_the_outer_proxy_saw_counts(app_with):
    client = app_with(TRUSTED_PROXIES=2).test_client()
    for n in range(3):
        # The client forged the first entry; the outer proxy appended the client's address,
        # the inner one the outer proxy's.
        assert post_login(client, f"10.9.9.{n}, 203.0.113.5, 10.0.0.1").status_code == 200

    assert post_login(client, "10.9.9.99, 203.0.113.5, 10.0.0.1").status_code == 429
    assert post_login(client, "203.0.113.5, 203.0.113.7, 10.0.0.1").status_code == 200


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(app_with):
    client = app_with(TRUSTED_PROXIES=0).test_client()
    for n in range(3):
        assert post_login(client, f"198.51.100.{n}").status_code == 200

    assert post_login(client, "198.51.100.77").status_code == 429


@pytest.mark.parametrize("key", [DEVELOPMENT_SECRET_KEY, "", None])
def test_the_app_refuses_to_start_with_the_development_key(key):
    with pytest.raises(InsecureSecretKey, match="export SECRET_KEY="):
        create_app("config.Config", SECRET_KEY=key, DEBUG=False, TESTING=False)


def test_debug_and_tests_may_use_the_development_key(app_with):
    assert app_with(SECRET_KEY=DEVELOPMENT_SECRET_KEY).testing
    assert app_with(SECRET_KEY=DEVELOPMENT_SECRET_KEY, TESTING=False, DEBUG=True).debug


def test_a_real_key_starts(app_with):
    started = app_with(SECRET_KEY="4f1c0e8d9a", TESTING=False, DEBUG=False)

    assert started.secret_key == "4f1c0e8d9a"
