"""The local Redis used by the dev stack and the fixtures is a real, isolated server."""

from __future__ import annotations

import os
import socket

import pytest
import redis

from appeals.localredis import LocalRedis, free_port, port_is_free, redis_server_binary


def client_for(server: LocalRedis) -> redis.Redis:
    """A client for the server, with short timeouts so a failure fails fast."""
    return redis.Redis.from_url(server.url, socket_timeout=2, socket_connect_timeout=2)


def test_binary_is_executable() -> None:
    assert os.access(redis_server_binary(), os.X_OK)


def test_server_answers_ping_and_keeps_values() -> None:
    with LocalRedis() as server:
        assert server.url == f"redis://127.0.0.1:{server.port}/0"
        client = client_for(server)
        assert client.ping() is True
        client.set("appeal:1:status", "registered")
        assert client.get("appeal:1:status") == b"registered"
        client.close()


def test_two_servers_run_side_by_side() -> None:
    with LocalRedis() as first, LocalRedis() as second:
        assert first.port != second.port
        a, b = client_for(first), client_for(second)
        a.set("key", "first")
        b.set("key", "second")
        assert a.get("key") == b"first"
        assert b.get("key") == b"second"
        a.close()
        b.close()


def test_stop_frees_the_port_and_is_idempotent() -> None:
    server = LocalRedis().start()
    port = server.port
    assert not port_is_free(port)
    server.stop()
    assert not server.running
    assert port_is_free(port)
    server.stop()


def test_explicit_port_and_persistence(tmp_path) -> None:
    port = free_port()
    with LocalRedis(port=port, data_dir=str(tmp_path), persist=True) as server:
        assert server.port == port
        client_for(server).set("kept", "yes")
    # SIGTERM makes a persisting server write its dump before exiting.
    assert (tmp_path / "dump.rdb").exists()
    with LocalRedis(port=port, data_dir=str(tmp_path), persist=True) as server:
        assert client_for(server).get("kept") == b"yes"


def test_busy_port_fails_with_the_server_output() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        server = LocalRedis(port=port)
        with pytest.raises(RuntimeError, match=rf"port {port} exited") as failure:
            server.start()
        assert "in use" in str(failure.value)
        assert not server.running
