"""Whatever a server sends, the client answers with a safe link or a typed error, never a crash.

Hypothesis makes up statuses, headers and bodies (Kombo-shaped or not); one fault server serves
each in turn over real HTTP.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.api_address import LOOPBACK_HOSTS
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import KomboError
from kombo_desktop.core.link_request import LinkRequest
from tests.support.fault_server import FaultServer, RecordedRequest, Reply

KEY = "sk_test_fuzz_00ffee11dd22cc33"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")

_HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
_HEADER_NAMES = st.sampled_from(
    ["Content-Type", "Retry-After", "Content-Encoding", "Location", "Set-Cookie", "X-Note"]
)
_CONTENT_TYPES = st.sampled_from(
    ["application/json", "text/html", "text/plain", "application/problem+json", ""]
)
_LINKS = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda scheme, host, rest: scheme + host + rest,
        st.sampled_from(
            [
                "https://",
                "http://",
                "HTTPS://",
                "Http://",
                "javascript:",
                "file://",
                "//",
                " https://",
                "ftp://",
                "data:",
                "https:",
                "https:///",
            ]
        ),
        st.sampled_from(
            [
                "connect.kombo.dev",
                "127.0.0.1",
                "localhost",
                "[::1]",
                "127.0.0.2",
                "evil.example",
                "user:pw@connect.kombo.dev",
                "connect.kombo.dev:99999",
                "",
                "xn--kmbo-5qa.dev",
            ]
        ),
        st.text(st.characters(min_codepoint=1, max_codepoint=0x2FFF), max_size=40),
    ),
)
_JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30), _LINKS)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["status", "data", "link", "error", "code", "message", "log_url"]),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
_KOMBO_SHAPED = st.one_of(
    st.builds(lambda link: {"status": "success", "data": {"link": link}}, _LINKS),
    st.builds(
        lambda code, message, log_url: {
            "status": "error",
            "error": {"code": code, "title": None, "message": message, "log_url": log_url},
        },
        st.one_of(st.none(), st.text(max_size=40)),
        st.one_of(st.none(), st.text(max_size=80)),
        st.one_of(st.none(), _LINKS),
    ),
)
_BODIES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda data: json.dumps(data).encode(), st.one_of(_JSON, _KOMBO_SHAPED)),
)
_REPLIES = st.builds(
    lambda status, content_type, headers, body: Reply(
        status, (("Content-Type", content_type), *headers), body
    ),
    st.one_of(
        st.sampled_from([200, 201, 204, 302, 400, 401, 403, 404, 407, 422, 429, 500, 503]),
        st.integers(200, 599),
    ),
    _CONTENT_TYPES,
    st.lists(st.tuples(_HEADER_NAMES, _HEADER_TEXT), max_size=3),
    _BODIES,
)


def test_no_answer_crashes_the_client_or_yields_an_unsafe_link() -> None:
    current: list[Reply] = [Reply()]

    def respond(_: RecordedRequest) -> Reply:
        return current[0]

    with (
        FaultServer(fallback=respond) as server,
        KomboClient(
            server.base_url,
            KEY,
            timeout=1.0,
            max_attempts=2,
            max_retry_seconds=0.2,
            backoff_seconds=0.01,
        ) as client,
    ):

        @settings(
            max_examples=150,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(_REPLIES)
        def check(reply: Reply) -> None:
            current[0] = reply
            try:
                created = client.create_link(REQUEST)
            except KomboError as error:
                assert error.user_message
                assert KEY not in error.detail.as_support_text()
                return
            _assert_safe(created.url, created.is_demo)

        check()


def _assert_safe(url: str, is_demo: bool) -> None:
    parts = urlsplit(url)
    loopback = parts.hostname in LOOPBACK_HOSTS
    assert parts.scheme.lower() == "https" or (parts.scheme.lower() == "http" and loopback)
    assert parts.hostname
    assert parts.username is None
    assert url.isascii() and url.isprintable() and " " not in url
    assert is_demo == loopback


def test_no_link_in_a_success_answer_gets_through_unless_safe() -> None:
    current: list[Reply] = [Reply()]
    with (
        FaultServer(fallback=lambda _: current[0]) as server,
        KomboClient(server.base_url, KEY, max_attempts=1) as client,
    ):

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(_LINKS)
        def check(link: str) -> None:
            current[0] = Reply.link(link)
            try:
                created = client.create_link(REQUEST)
            except KomboError:
                return
            _assert_safe(created.url, created.is_demo)

        check()
