"""What the client sends and what it accepts, over real HTTP to the local fault server."""

from __future__ import annotations

import gzip
import json

import pytest

from kombo_desktop import __version__
from kombo_desktop.core.catalog import MAX_TOOLS_PER_CATEGORY, Tool, ToolCatalog
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
from kombo_desktop.core.link_check import CreatedLink
from kombo_desktop.core.link_request import (
    INTEGRATION_ID,
    ORGANIZATION_NAME,
    SCOPE_CONFIG_ID,
    FieldError,
    InvalidRequest,
    LinkRequest,
    RelinkRequest,
)
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from tests.support import openapi
from tests.support.fault_server import FaultServer, Reply

KEY = "sk_test_requests_9f8e7d6c5b4a3210"
LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJkZW1vIjpmYWxzZX0.c2lnbmF0dXJl"


def assert_matches_schema(body: object, schema_name: str) -> None:
    errors = openapi.schema_errors(schema_name, body)
    assert errors == [], errors


FULL_REQUEST = LinkRequest(
    end_user_email="anna.berg@example.com",
    end_user_organization_name="Acme GmbH",
    end_user_origin_id="crm-4711",
    integration_category=Category.HRIS,
    integration_tool="haileyhr",
    remote_environment="DEMO",
    language=Language.DE,
    scope_config_id="9Pv6aCFwNDEzPNmwjSsY9SQx",
    enable_filtering=True,
    enable_field_mapping=True,
    link_type=LinkType.MAGIC_LINK,
)


def test_create_link_sends_a_schema_valid_body_with_bearer_auth() -> None:
    with FaultServer(Reply.link(LINK)) as server, KomboClient(server.base_url, KEY) as client:
        link = client.create_link(FULL_REQUEST)
    assert link == CreatedLink(url=LINK, is_demo=False)
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/connect/create-link"
    assert request.header_values("Authorization") == [f"Bearer {KEY}"]
    assert request.header("Content-Type") == "application/json"
    assert request.header("Accept") == "application/json"
    assert request.header("User-Agent") == f"KomboDesktop/{__version__}"
    assert request.json() == FULL_REQUEST.to_json()
    assert len(request.json()) == 11
    assert_matches_schema(request.json(), "PostConnectCreateLinkRequestBody")


def test_a_minimal_request_is_schema_valid_too() -> None:
    minimal = LinkRequest.from_form(email="ole@example.org", organization_name="  Nordlicht AS ")
    with FaultServer(Reply.link(LINK)) as server, KomboClient(server.base_url, KEY) as client:
        client.create_link(minimal)
    body = server.requests[0].json()
    assert body["end_user_organization_name"] == "Nordlicht AS"
    assert "end_user_origin_id" not in body
    assert body["link_type"] == "MAGIC_LINK"
    assert_matches_schema(body, "PostConnectCreateLinkRequestBody")


def test_create_relink_posts_to_the_integration_with_a_schema_valid_body() -> None:
    relink = RelinkRequest.from_form(
        integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d",
        language="fr",
        scope_config_id="9Pv6aCFwNDEzPNmwjSsY9SQx",
    )
    with FaultServer(Reply.link(LINK)) as server, KomboClient(server.base_url, KEY) as client:
        link = client.create_relink(relink)
    assert link.url == LINK
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/integrations/personio:93fCvorjZ2jas7ZekX1V1n5d/relink"
    assert request.header("Authorization") == f"Bearer {KEY}"
    assert request.json() == {
        "language": "fr",
        "link_type": "MAGIC_LINK",
        "scope_config_id": "9Pv6aCFwNDEzPNmwjSsY9SQx",
    }
    assert_matches_schema(request.json(), "PostIntegrationsIntegrationIdRelinkRequestBody")


def test_check_api_key_returns_the_environment_id() -> None:
    with (
        FaultServer(Reply.environment("2Uev1YUTqLFdvMPD3Jtrg2FX")) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        assert client.check_api_key() == "2Uev1YUTqLFdvMPD3Jtrg2FX"
    (request,) = server.requests
    assert (request.method, request.path, request.body) == ("GET", "/v1/check-api-key", b"")
    assert request.header("Authorization") == f"Bearer {KEY}"


def test_list_tools_reads_the_category_in_lower_case_and_skips_odd_entries() -> None:
    answer = {
        "status": "success",
        "data": {
            "tools": [
                {"id": "personio", "label": "Personio", "assets": {}},
                {"id": "factorial", "label": "Factorial\u202e\n HR"},
                {"id": "no label"},
                {"label": "no id"},
                "not an object",
                {"id": "bamboohr"},
            ]
        },
    }
    with FaultServer(Reply.json(answer)) as server, KomboClient(server.base_url, KEY) as client:
        tools = client.list_tools(Category.ATS)
    assert server.requests[0].path == "/v1/tools/ats"
    assert tools == [
        Tool("personio", "Personio", (Category.ATS,)),
        Tool("factorial", "Factorial HR", (Category.ATS,)),
        Tool("bamboohr", "", (Category.ATS,)),  # no name: the catalog keeps the one it knows
    ]
    refreshed = ToolCatalog.bundled().with_category_tools(Category.ATS, tools)
    assert refreshed.belongs("factorial", Category.ATS)


def test_list_tools_leaves_out_every_tool_that_echoes_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Tool names go on screen and into the catalog cache on disk: never with the key."""
    answer = {
        "status": "success",
        "data": {
            "tools": [
                {"id": KEY, "label": "Harmless"},
                {"id": "workday", "label": f"Workday {KEY}"},
                {"id": "hibob", "label": f"HiBob {'x' * 70}{KEY}"},  # cut short: a piece left
                {"id": "lever", "label": "Lever\u200b" + KEY},  # the key once cleaned
                {"id": "bamboohr", "label": "Bearer " + KEY[::-1]},  # shaped like a credential
                {"id": "personio", "label": "Personio"},
            ]
        },
    }
    with FaultServer(Reply.json(answer)) as server, KomboClient(server.base_url, KEY) as client:
        tools = client.list_tools(Category.HRIS)
    assert tools == [Tool("personio", "Personio", (Category.HRIS,))]
    assert "left out tools" in caplog.text and KEY not in caplog.text


def test_list_tools_allows_a_larger_answer_than_a_link() -> None:
    tools = [(f"tool{i}", f"Tool number {i} " + "x" * 400) for i in range(MAX_TOOLS_PER_CATEGORY)]
    reply = Reply.tools(tools)
    assert 100_000 < len(reply.body) < 8 * 100_000
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, KEY, max_body_bytes=100_000) as client,
    ):
        assert len(client.list_tools(Category.HRIS)) == MAX_TOOLS_PER_CATEGORY


@pytest.mark.parametrize("listed", [MAX_TOOLS_PER_CATEGORY + 1, 2000])
def test_list_tools_cuts_a_list_longer_than_any_accounts(
    listed: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Kombo has about 200 tools in all. 2,000 per category (the earlier limit) stopped the
    # window for about a second as they arrived, and every key press in the tool box took a
    # quarter of a second after; longer lists were refused, and the account's never shown.
    tools = [(f"tool{i}", f"Tool {i}") for i in range(listed)]
    with (
        FaultServer(Reply.tools(tools)) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        kept = client.list_tools(Category.HRIS)
    assert MAX_TOOLS_PER_CATEGORY <= 500  # a few hundred: more than any account has
    assert [(tool.id, tool.label) for tool in kept] == tools[:MAX_TOOLS_PER_CATEGORY]
    assert (
        f"GET /tools/hris: listed {listed} tools, more than any account has; kept the first "
        f"{MAX_TOOLS_PER_CATEGORY}"
    ) in caplog.text


def test_the_demo_service_needs_no_key_and_gets_no_authorization_header() -> None:
    demo_link = "http://127.0.0.1:9/demo/connect?token=DEMO-abc"
    with FaultServer(Reply.link(demo_link)) as server, KomboClient(server.base_url, None) as client:
        link = client.create_link(FULL_REQUEST)
    assert link == CreatedLink(url=demo_link, is_demo=True)
    assert server.requests[0].header("Authorization") is None


@pytest.mark.parametrize(
    "demo_link",
    [
        "http://localhost:8080/demo/connect?token=DEMO-1",
        "http://[::1]:8080/demo/connect?token=DEMO-1",
        "https://127.0.0.1:8443/demo/connect?token=DEMO-1",
    ],
)
def test_loopback_links_from_a_loopback_service_are_demo_links(demo_link: str) -> None:
    with FaultServer(Reply.link(demo_link)) as server, KomboClient(server.base_url, KEY) as client:
        assert client.create_link(FULL_REQUEST) == CreatedLink(demo_link, is_demo=True)


def test_a_key_with_surrounding_whitespace_is_sent_trimmed() -> None:
    with (
        FaultServer(Reply.link(LINK)) as server,
        KomboClient(server.base_url, f"  {KEY}\n") as client,
    ):
        client.create_link(FULL_REQUEST)
    assert server.requests[0].header("Authorization") == f"Bearer {KEY}"


def test_a_gzip_compressed_answer_is_understood() -> None:
    body = gzip.compress(json.dumps({"status": "success", "data": {"link": LINK}}).encode())
    reply = Reply(200, (("Content-Type", "application/json"), ("Content-Encoding", "gzip")), body)
    with FaultServer(reply) as server, KomboClient(server.base_url, KEY) as client:
        assert client.create_link(FULL_REQUEST).url == LINK
    assert "gzip" in (server.requests[0].header("Accept-Encoding") or "")


def test_cookies_set_by_anything_on_the_way_are_never_sent_back() -> None:
    first = Reply.kombo_error(503, "PLATFORM.UNKNOWN_ERROR").with_headers(
        ("Set-Cookie", "portal_session=abc123; Path=/"), ("Retry-After", "0")
    )
    with (
        FaultServer(first, Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        client.create_link(FULL_REQUEST)
    assert [r.header("Cookie") for r in server.requests] == [None, None]


def test_each_request_uses_its_own_connection() -> None:
    """No keep-alive: every request has a socket the cancel can shut down (see client.py)."""
    with (
        FaultServer(Reply.link(LINK), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        client.create_link(FULL_REQUEST)
        client.create_link(FULL_REQUEST)
    assert server.connections == 2


def test_an_api_base_with_a_path_prefix_is_kept() -> None:
    with (
        FaultServer(Reply.environment("env-1")) as server,
        KomboClient(server.origin + "/proxy/kombo/v1/", KEY) as client,
    ):
        client.check_api_key()
    assert server.requests[0].path == "/proxy/kombo/v1/check-api-key"


# --- a key the program learns only as the request goes out ---------------------------------------


def _holding(key: str, where: str) -> tuple[LinkRequest | RelinkRequest | str, str]:
    """A request made before ``key`` was known, holding it where the person pasted it, and the
    field that is refused for it."""
    if where == ORGANIZATION_NAME:
        return LinkRequest("anna@example.com", key), where
    if where == SCOPE_CONFIG_ID:
        return LinkRequest("anna@example.com", "Acme GmbH", scope_config_id=key), where
    if where == "relink":
        return RelinkRequest(f"personio:{key}"), INTEGRATION_ID
    # A reconnection tab's lookup, the key percent-encoded as copied out of an address.
    return "personio:" + "".join(f"%{byte:02X}" for byte in key.encode()), INTEGRATION_ID


@pytest.mark.parametrize("where", [ORGANIZATION_NAME, SCOPE_CONFIG_ID, "relink", "lookup"])
def test_nothing_holding_the_key_the_client_was_made_with_is_sent(where: str) -> None:
    # The form is checked when its button is pressed; the key is read from the password store
    # only after, on the worker thread, for the client (the first click after the start or a
    # switch of profile). A key pasted into the form before then went to Kombo as customer
    # data, or in the address of a reconnection, and its link into the history.
    key = f"sk_live_READ_AT_THE_CLICK_{where}_0c9e4f2a"
    request, field = _holding(key, where)
    with (
        FaultServer(fallback=Reply.link(LINK)) as server,
        KomboClient(server.base_url, key) as client,  # reads nothing: given the key
        pytest.raises(InvalidRequest) as caught,
    ):
        if isinstance(request, LinkRequest):
            client.create_link(request)
        elif isinstance(request, RelinkRequest):
            client.create_relink(request)
        else:
            client.get_integration(request)
    assert server.requests == []
    assert caught.value.errors == (FieldError(field, KEY_IN_FIELD_PROBLEM),)


def test_a_key_learned_while_a_request_waits_to_be_repeated_stops_the_repeat() -> None:
    # Another key read meanwhile (a profile's, by the window's key check) is known before the
    # next attempt: that attempt is not sent with it.
    key = "sk_live_LEARNED_MEANWHILE_5d1c7b3e9a20"
    request = LinkRequest("anna@example.com", "Acme GmbH", end_user_origin_id=key)
    busy = Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Too many requests.")
    with (
        FaultServer(busy, Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
        pytest.raises(InvalidRequest) as caught,
    ):
        client.create_link(request, on_retry=lambda _words: register_secret(key))
    assert len(server.requests) == 1  # sent while the key was not known: no one could tell
    assert caught.value.fields == ("end_user_origin_id",)
