"""Proxy settings come from the environment, as on a company network; the demo never uses them."""

from __future__ import annotations

import logging
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import ConnectionFailedError, RequestTimeoutError
from kombo_desktop.core.link_request import LinkRequest
from tests.support.fault_server import FaultServer, Reply, closed_port

KEY = "sk_test_proxy_5566778899aabbcc"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")
KOMBO = "https://api.kombo.dev/v1"


def _clear_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize(
    ("status", "words"),
    [(407, "asks for a login"), (403, "did not let the connection to Kombo through")],
)
def test_https_goes_through_the_proxy_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, status: int, words: str
) -> None:
    _clear_proxies(monkeypatch)
    with FaultServer(Reply.text(status, "no")) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.origin)
        with KomboClient(KOMBO, KEY) as client, pytest.raises(ConnectionFailedError) as caught:
            client.create_link(REQUEST)
    (tunnel,) = proxy.requests
    assert tunnel.method == "CONNECT"
    assert tunnel.path == "api.kombo.dev:443"
    # The key travels inside the tunnel's TLS, never in the clear to the proxy.
    assert tunnel.header("Authorization") is None
    assert KEY.encode() not in tunnel.body
    assert words in caught.value.user_message
    assert caught.value.detail.attempts == 1


def test_the_local_demo_service_bypasses_any_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_proxies(monkeypatch)
    dead_proxy = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)
    monkeypatch.setenv("ALL_PROXY", dead_proxy)
    with (
        FaultServer(Reply.environment("demo-environment")) as server,
        KomboClient(server.base_url, None) as client,
    ):
        assert client.check_api_key() == "demo-environment"


def test_unusable_proxy_settings_are_reported_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_proxies(monkeypatch)
    monkeypatch.setenv("HTTPS_PROXY", "gopher://proxy.example:70")
    with KomboClient(KOMBO, KEY) as client, pytest.raises(ConnectionFailedError) as caught:
        client.check_api_key()
    assert "proxy settings could not be used" in caught.value.user_message
    assert (caught.value.detail.message or "").startswith("proxy settings:")


@pytest.mark.parametrize(
    ("value", "named"),
    [
        # A "#" in the password ends the address for a URL reader, which then takes the start
        # of the password for the port ("Invalid port: 'Winter'").
        ("http://alice:Winter#2024@proxy.corp.example:3128", "http://proxy.corp.example:3128"),
        ("http://alice:Winter2024@proxy.corp.example:80a", None),
        ("gopher://alice:Winter2024@proxy.corp.example:70", "gopher://proxy.corp.example:70"),
        ("http://alice:Winter#2024@proxy corp:3128", None),
    ],
)
def test_unusable_proxy_settings_never_show_the_proxy_password(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    value: str,
    named: str | None,
) -> None:
    _clear_proxies(monkeypatch)
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("HTTPS_PROXY", value)
    with KomboClient(KOMBO, KEY) as client, pytest.raises(ConnectionFailedError) as caught:
        client.create_link(REQUEST)
    error = caught.value
    shown = f"{error.user_message}\n{error.detail.as_support_text()}\n{caplog.text}"
    assert "Winter" not in shown
    assert "alice" not in shown
    assert "HTTPS_PROXY" in (error.detail.message or "")
    if named is not None:  # the proxy is named where its address can be read safely
        assert named in (error.detail.message or "")


def test_a_proxy_that_never_answers_the_tunnel_request_is_waited_for_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A silent proxy is a read timeout like a silent Kombo: repeating it would only make the
    person wait a whole timeout again."""
    _clear_proxies(monkeypatch)
    with FaultServer(fallback=Reply.never_answer()) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.origin)
        with (
            KomboClient(KOMBO, KEY, timeout=0.5, backoff_seconds=0.01) as client,
            pytest.raises(RequestTimeoutError) as caught,
        ):
            client.create_link(REQUEST)
        assert [request.method for request in proxy.requests] == ["CONNECT"]
        proxy_address = f"127.0.0.1:{proxy.port}"
    assert caught.value.detail.attempts == 1
    # The proxy kept silent, not Kombo, which never heard of the request.
    assert f"proxy server ({proxy_address}) did not answer" in caught.value.user_message
    assert f"via proxy {proxy_address}" in (caught.value.detail.message or "")


@contextmanager
def socks5_proxy_that_refuses(targets: list[str]) -> Iterator[str]:
    """A SOCKS5 proxy on 127.0.0.1 that notes where each client wants to go (``host:port``)
    and answers "connection refused"; yields its ``socks5://`` address."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        with listener, listener.accept()[0] as client:
            client.settimeout(10)
            methods = client.recv(2)[1]
            client.recv(methods)
            client.sendall(b"\x05\x00")  # no authentication
            _version, _command, _reserved, kind = client.recv(4)
            host = client.recv(client.recv(1)[0]).decode() if kind == 3 else "(not a name)"
            (port,) = struct.unpack("!H", client.recv(2))
            targets.append(f"{host}:{port}")
            client.sendall(b"\x05\x05\x00\x01" + bytes(6))  # connection refused

    thread = threading.Thread(target=serve, name="socks5-proxy")
    thread.start()
    try:
        yield f"socks5://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(timeout=15)


def test_a_socks_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """ALL_PROXY=socks5://... is common where a VPN client or SSH tunnel provides the proxy;
    without SOCKS support every call failed with "proxy settings could not be used"."""
    _clear_proxies(monkeypatch)
    targets: list[str] = []
    with socks5_proxy_that_refuses(targets) as address:
        monkeypatch.setenv("ALL_PROXY", address)
        with (
            KomboClient(KOMBO, KEY, max_attempts=1) as client,
            pytest.raises(ConnectionFailedError) as caught,
        ):
            client.check_api_key()
    assert targets == ["api.kombo.dev:443"]
    assert "did not let the connection to Kombo through" in caught.value.user_message


@pytest.mark.parametrize(
    ("value", "proxy"),
    [
        ("http://127.0.0.1:{closed}", "127.0.0.1:{closed}"),  # nothing listens: refused
        # Off the VPN, the company's proxy has no address; its login stays out of every text.
        ("http://alice:Winter2024@proxy.corp.invalid:3128", "proxy.corp.invalid:3128"),
    ],
    ids=["refused", "unknown-host"],
)
def test_an_unreachable_proxy_is_named_instead_of_kombo(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str, proxy: str
) -> None:
    _clear_proxies(monkeypatch)
    caplog.set_level(logging.DEBUG)
    closed = closed_port()
    proxy = proxy.format(closed=closed)
    monkeypatch.setenv("HTTPS_PROXY", value.format(closed=closed))
    with (
        KomboClient(KOMBO, KEY, backoff_seconds=0.01) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.create_link(REQUEST)
    error = caught.value
    assert f"Could not reach your network's proxy server ({proxy})" in error.user_message
    assert "VPN" in error.user_message
    assert "Kombo's server" not in error.user_message
    assert f"via proxy {proxy}" in (error.detail.message or "")
    shown = f"{error.user_message}\n{error.detail.as_support_text()}\n{caplog.text}"
    assert "Winter" not in shown


def test_a_proxy_that_hangs_up_on_the_tunnel_request_is_blamed_not_kombo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_proxies(monkeypatch)
    with FaultServer(fallback=Reply(disconnect=True)) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.origin)
        with (
            KomboClient(KOMBO, KEY, backoff_seconds=0.01) as client,
            pytest.raises(ConnectionFailedError) as caught,
        ):
            client.create_link(REQUEST)
        assert {request.method for request in proxy.requests} == {"CONNECT"}
        assert f"via proxy 127.0.0.1:{proxy.port}" in (caught.value.detail.message or "")
    assert "proxy server did not let the connection to Kombo through" in caught.value.user_message
