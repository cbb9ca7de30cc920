"""End to end, below the window: form input → request model → client → real HTTP → what the person
reads.

First against the embedded demo Kombo service (the happy paths and Kombo-style refusals), then
through every fault the window must survive (issue 6's list), each on the local fault server.
Every body that reaches a server is checked against Kombo's published schema, every message the
person would read is checked for plain words, and the API key must appear in none of it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from kombo_desktop.core.catalog import ToolCatalog
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    InputRejectedError,
    IpNotAllowedError,
    KomboError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    TlsError,
    UnexpectedResponseError,
    UnsafeLinkError,
)
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import Category
from tests.support import openapi
from tests.support.client_limits import GENEROUS_TIMEOUT, SHORT_TIMEOUT
from tests.support.fault_server import FaultServer, Reply, closed_port

KEY = "sk_live_e2e_3c1f9a7b2d4e6f80a1b2"
LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJlMmUiOnRydWV9.c2ln"
CREATE_SCHEMA = "PostConnectCreateLinkRequestBody"
RELINK_SCHEMA = "PostIntegrationsIntegrationIdRelinkRequestBody"
# What a person at the screen should never have to read.
JARGON = re.compile(
    r"HTTP|JSON|SSL|TLS|[Ee]xception|Traceback|errno|None|httpx|socket|[<>{}]|\b[1-5]\d\d\b"
)


def assert_matches_schema(body: object, schema_name: str) -> None:
    assert openapi.schema_errors(schema_name, body) == []


def assert_plain(message: str) -> None:
    assert message[:1].isupper()
    assert message.endswith((".", "”"))
    assert JARGON.search(message) is None, message
    assert KEY not in message


def form_request() -> LinkRequest:
    """What the window builds from a filled-in form."""
    return LinkRequest.from_form(
        email=" anna.berg@example.com ",
        organization_name="Acme GmbH",
        origin_id="",
        category="HRIS",
        tool="personio",
        language="de",
        link_type="MAGIC_LINK",
        enable_filtering=True,
    )


@pytest.fixture(autouse=True)
def key_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    assert KEY not in caplog.text


# --- against the demo Kombo service -------------------------------------------------------------


def test_demo_service_round_trip_with_schema_valid_bodies() -> None:
    with (
        DemoKomboServer(api_key=KEY) as demo,
        KomboClient(demo.base_url, KEY) as client,
    ):
        assert client.check_api_key()
        tools = client.list_tools(Category.HRIS)
        link = client.create_link(form_request())
        relink = client.create_relink(
            RelinkRequest.from_form(integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d")
        )
        create_bodies = [r.json for r in demo.requests_to("POST", "/v1/connect/create-link")]
        relink_bodies = [
            r.json for r in demo.requests if r.method == "POST" and r.path.endswith("/relink")
        ]
    assert any(tool.id == "personio" for tool in tools)
    for created in (link, relink):
        assert created.is_demo
        assert created.url.startswith(demo.origin)
    assert len(create_bodies) == 1
    assert_matches_schema(create_bodies[0], CREATE_SCHEMA)
    assert create_bodies[0] == form_request().to_json()
    assert len(relink_bodies) == 1
    assert_matches_schema(relink_bodies[0], RELINK_SCHEMA)


def test_demo_service_refuses_a_wrong_key() -> None:
    with (
        DemoKomboServer(api_key=KEY) as demo,
        KomboClient(demo.base_url, "sk_live_someone_elses_key_000") as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.create_link(form_request())
    assert caught.value.detail.code == "PLATFORM.AUTHENTICATION_INVALID"
    assert_plain(caught.value.user_message)


def test_demo_service_does_not_know_an_integration() -> None:
    with (
        DemoKomboServer() as demo,
        KomboClient(demo.base_url, None) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client.create_relink(RelinkRequest.from_form(integration_id="notatool:abc123"))
    assert caught.value.detail.code == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert_plain(caught.value.user_message)


def test_a_refreshed_tool_list_feeds_the_form_validation() -> None:
    with DemoKomboServer() as demo, KomboClient(demo.base_url, None) as client:
        tools = client.list_tools(Category.ATS)
    catalog = ToolCatalog.bundled().with_category_tools(Category.ATS, tools)
    request = LinkRequest.from_form(
        email="ole@example.org",
        organization_name="Nordlicht",
        category="ATS",
        tool=tools[0].id,
        catalog=catalog,
    )
    assert request.integration_tool == tools[0].id


# --- the fault list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One way things go wrong, and what the person must see."""

    replies: tuple[Reply, ...] = ()
    expected: type[KomboError] = KomboError
    words: str = ""
    api_base: Callable[[FaultServer], str] | None = None  # default: the fault server itself
    tls: bool = False
    settings: tuple[tuple[str, float], ...] = ()
    attempts: int | None = None


def _kombo(status: int, code: str, message: str = "Refused.") -> Reply:
    return Reply.kombo_error(
        status, code, message, title="Title", log_url="https://app.kombo.dev/logs/1"
    )


# Only where the timeout is the fault: elsewhere the server answers at once, and a short timeout
# turned a loaded machine's slow server thread into "took too long" instead of the fault tested.
TIMING_OUT = (("timeout", SHORT_TIMEOUT),)

_BODY = json.dumps({"status": "success", "data": {"link": LINK}}).encode()
_JSON = (("Content-Type", "application/json"),)

FAULTS: dict[str, Fault] = {
    "connection refused": Fault(
        expected=ConnectionFailedError,
        words="Could not reach Kombo",
        api_base=lambda _: f"http://127.0.0.1:{closed_port()}/v1",
        attempts=2,
    ),
    "DNS failure": Fault(
        expected=ConnectionFailedError,
        words="Could not find Kombo's server",
        api_base=lambda _: "https://kombo-desktop-test.invalid/v1",
        attempts=2,
    ),
    "accepts and never answers": Fault(
        (Reply.never_answer(),),
        RequestTimeoutError,
        "took too long",
        settings=TIMING_OUT,
        attempts=1,
    ),
    "answers after the timeout": Fault(
        (replace(Reply.link(LINK), delay=1.5),),
        RequestTimeoutError,
        "took too long",
        settings=TIMING_OUT,
        attempts=1,
    ),
    "drops the connection mid-body": Fault(
        (Reply(200, _JSON, _BODY, drop_after=20),),
        ConnectionFailedError,
        "arrived incomplete",
        attempts=1,
    ),
    "429 with Retry-After beyond the budget": Fault(
        (_kombo(429, "PLATFORM.RATE_LIMIT_EXCEEDED").with_headers(("Retry-After", "300")),),
        RateLimitedError,
        "in about 5 minutes",
        attempts=1,
    ),
    "429 without Retry-After, persistently": Fault(
        (_kombo(429, "PLATFORM.RATE_LIMIT_EXCEEDED"),) * 2,
        RateLimitedError,
        "too many requests",
        attempts=2,
    ),
    "500 persistently": Fault(
        (_kombo(500, "PLATFORM.UNKNOWN_ERROR"),) * 2,
        ServerError,
        "problem on its side",
        attempts=2,
    ),
    "502 persistently": Fault(
        (Reply.text(502, "Bad Gateway"),) * 2, ServerError, "problem on its side", attempts=2
    ),
    "503 persistently": Fault(
        (_kombo(503, "PLATFORM.UNKNOWN_ERROR"),) * 2,
        ServerError,
        "problem on its side",
        attempts=2,
    ),
    "401 with Kombo's body": Fault(
        (_kombo(401, "PLATFORM.AUTHENTICATION_INVALID"),),
        AuthenticationError,
        "did not accept the API key",
    ),
    "403 IP not allow-listed": Fault(
        (_kombo(403, "PLATFORM.IP_NOT_WHITELISTED"),), IpNotAllowedError, "allow list"
    ),
    "400 input invalid": Fault(
        (_kombo(400, "PLATFORM.INPUT_INVALID", "This tool is not enabled in your account."),),
        InputRejectedError,
        "“This tool is not enabled in your account.”",
    ),
    "HTML page with status 200": Fault(
        (Reply.html(200, "Welcome to Airport WiFi"),), UnexpectedResponseError, "login page"
    ),
    "JSON cut short": Fault(
        (Reply(200, _JSON, b'{"status": "success", "data": '),),
        UnexpectedResponseError,
        "arrived incomplete",
    ),
    "invalid JSON": Fault(
        (Reply(200, _JSON, b"status=success; link=none"),),
        UnexpectedResponseError,
        "expected form",
    ),
    "JSON without a link": Fault(
        (Reply.json({"status": "success", "data": {}}),),
        UnexpectedResponseError,
        "did not contain a link",
    ),
    "javascript: link": Fault(
        (Reply.link("javascript:alert(1)"),), UnsafeLinkError, "not a secure web address"
    ),
    "file: link": Fault((Reply.link("file:///C:/Windows/win.ini"),), UnsafeLinkError, "not shown"),
    "http:// link": Fault(
        (Reply.link("http://connect.kombo.dev/v1?token=x"),), UnsafeLinkError, "not shown"
    ),
    "link of 100 kB": Fault(
        (Reply.link(LINK + "A" * 100_000),), UnsafeLinkError, "far too long to be a real Kombo"
    ),
    "link carrying the key": Fault(
        (Reply.link(f"{LINK}&key={KEY}"),), UnsafeLinkError, "contained an API key"
    ),
    "50 MB body": Fault(
        (Reply.huge(50_000_000, framing="chunked"),), UnexpectedResponseError, "far larger"
    ),
    "self-signed TLS certificate": Fault(
        (Reply.link(LINK),), TlsError, "could not be verified as secure", tls=True, attempts=1
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault(name: str) -> None:
    fault = FAULTS[name]
    settings: dict[str, Any] = {
        "timeout": GENEROUS_TIMEOUT,
        "max_attempts": 2,
        "max_retry_seconds": 5.0,
        "backoff_seconds": 0.02,
        **dict(fault.settings),
    }
    with FaultServer(*fault.replies, tls=fault.tls) as server:
        api_base = fault.api_base(server) if fault.api_base else server.base_url
        with (
            KomboClient(api_base, KEY, **settings) as client,
            pytest.raises(KomboError) as caught,
        ):
            client.create_link(form_request())
        received = server.requests
    error = caught.value
    assert type(error) is fault.expected
    assert fault.words.lower() in error.user_message.lower()
    assert_plain(error.user_message)
    assert KEY not in error.detail.as_support_text()
    assert error.detail.operation == "POST /connect/create-link"
    if fault.attempts is not None:
        assert error.detail.attempts == fault.attempts
    for request in received:
        assert request.header("Authorization") == f"Bearer {KEY}"
        assert_matches_schema(request.json(), CREATE_SCHEMA)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_passing_server_error_is_retried_and_one_link_is_shown(status: int) -> None:
    first = Reply.text(status, "Service Unavailable")
    with (
        FaultServer(first, Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
    ):
        created = client.create_link(form_request())
    assert created.url == LINK
    assert not created.is_demo
    assert [r.json() for r in server.requests] == [form_request().to_json()] * 2
