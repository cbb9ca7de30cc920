"""The embedded demo Kombo service, over real HTTP on 127.0.0.1.

Every answer is checked against Kombo's published schema (``tests/data/openapi-subset.json``)
where it has one, because other tests rely on the demo service behaving like Kombo.
"""

from __future__ import annotations

import copy
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.catalog import Tool, ToolCatalog
from kombo_desktop.core.demo_server import (
    CREATE_LINK_PATH,
    DEMO_ENVIRONMENT_ID,
    SERVER_THREAD_NAME,
    DemoKomboServer,
)
from kombo_desktop.core.messages import rejected_field_message
from kombo_desktop.core.refusals import fields_named
from kombo_desktop.core.vocabulary import Category
from tests.support import openapi

API_KEY = "demo-test-key-5f2c9e"
VALID_BODY: dict[str, object] = {
    "end_user_email": "anna@example.com",
    "end_user_organization_name": "Acme Ltd",
}


# --- schema helpers ---------------------------------------------------------------------------


_document = openapi.document
_schema_errors = openapi.schema_errors


def assert_matches(component: str, instance: object) -> None:
    schema = _document()["components"]["schemas"][component]
    errors = _schema_errors(schema, instance)
    assert errors == [], f"{instance} breaks {component}: {errors}"


def _error_schema(*, code_may_be_null: bool) -> dict[str, Any]:
    """Kombo's error body schema. Its ``code`` says "string or null" but its enum lists no null;
    the schema's own "Minimal Error Response" example has ``"code": null``, so a null code is
    allowed where asked for (the demo service's unknown-route answer, which no code fits)."""
    response = _document()["components"]["responses"]["ErrorResponseGeneral"]
    schema = copy.deepcopy(response["content"]["application/json"]["schema"])
    if code_may_be_null:
        code = schema["properties"]["error"]["properties"]["code"]
        code["enum"] = [*code["enum"], None]
    return cast(dict[str, Any], schema)


def test_a_null_code_is_what_the_schema_example_shows() -> None:
    response = _document()["components"]["responses"]["ErrorResponseGeneral"]
    example = response["content"]["application/json"]["examples"]["Minimal Error Response"]
    assert example["value"]["error"]["code"] is None
    assert _schema_errors(_error_schema(code_may_be_null=True), example["value"]) == []


def assert_kombo_error(response: httpx.Response, status: int, code: str | None) -> dict[str, Any]:
    """The answer is Kombo's error body with this status and code; returns ``error``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert _schema_errors(_error_schema(code_may_be_null=code is None), body) == []
    error = cast(dict[str, Any], body["error"])
    assert error["code"] == code
    assert error["title"]
    assert error["message"]
    assert_loopback_url(error["log_url"])
    return error


def assert_loopback_url(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme == "http"
    assert parts.hostname == "127.0.0.1"
    assert parts.port


# --- fixtures and calls -----------------------------------------------------------------------

# One client for the module: building a client sets up TLS trust each time, which would cost
# more than the requests themselves.
HTTP = httpx.Client(timeout=10)


@pytest.fixture(scope="module", autouse=True)
def _close_client() -> Iterator[None]:
    yield
    HTTP.close()


@pytest.fixture
def demo() -> Iterator[DemoKomboServer]:
    with DemoKomboServer() as server:
        yield server


@pytest.fixture
def keyed_demo() -> Iterator[DemoKomboServer]:
    with DemoKomboServer(api_key=API_KEY) as server:
        yield server


def call(
    demo: DemoKomboServer,
    method: str,
    path: str,
    *,
    body: object = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """One real request; ``path`` is below the API base (``/connect/create-link``) or, when it
    starts with ``/demo``, below the server's origin."""
    url = demo.origin + path if path.startswith("/demo") else demo.base_url + path
    if body is not None:
        content = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    return HTTP.request(method, url, content=content, headers=headers)


def create(demo: DemoKomboServer, body: object, **kwargs: Any) -> httpx.Response:
    return call(demo, "POST", "/connect/create-link", body=body, **kwargs)


def raw_request(
    demo: DemoKomboServer, method: str, path: str, headers: list[tuple[str, str]], body: bytes = b""
) -> tuple[int, dict[str, Any]]:
    """A request with headers httpx would not send (duplicates, lies about the length)."""
    connection = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


# --- starting and stopping --------------------------------------------------------------------


def test_starts_fast_on_a_random_loopback_port() -> None:
    timings = []
    ports = set()
    for _ in range(3):
        server = DemoKomboServer()
        started = time.perf_counter()
        server.start()
        timings.append(time.perf_counter() - started)
        try:
            assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
            assert server.origin == f"http://127.0.0.1:{server.port}"
            ports.add(server.port)
        finally:
            server.stop()
    assert min(timings) < 0.05, timings
    assert len(ports) == 3
    assert 0 not in ports


def test_two_services_run_side_by_side() -> None:
    with DemoKomboServer() as first, DemoKomboServer() as second:
        assert first.port != second.port
        assert call(first, "GET", "/check-api-key").status_code == 200
        assert call(second, "GET", "/check-api-key").status_code == 200
        assert len(first.requests) == len(second.requests) == 1


def test_serves_in_a_named_thread_that_stop_ends() -> None:
    server = DemoKomboServer().start()
    names = [t.name for t in threading.enumerate()]
    assert names.count(SERVER_THREAD_NAME) == 1
    thread = next(t for t in threading.enumerate() if t.name == SERVER_THREAD_NAME)
    assert thread.daemon
    call(server, "GET", "/check-api-key")
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 1.0
    assert not thread.is_alive()
    assert not server.running
    assert [t.name for t in threading.enumerate() if t.name.startswith("kombo-demo")] == []


def test_stop_closes_the_listening_socket() -> None:
    server = DemoKomboServer().start()
    port = server.port
    server.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_start_and_stop_are_idempotent() -> None:
    server = DemoKomboServer()
    server.stop()  # before start: nothing to do
    assert server.start() is server
    port = server.port
    assert server.start() is server
    assert server.port == port
    assert sum(t.name == SERVER_THREAD_NAME for t in threading.enumerate()) == 1
    server.stop()
    server.stop()
    assert not server.running


def test_a_stopped_service_is_not_restarted() -> None:
    server = DemoKomboServer().start()
    server.stop()
    with pytest.raises(RuntimeError, match="create a new one"):
        server.start()


def test_context_manager_starts_and_stops() -> None:
    with DemoKomboServer() as server:
        assert server.running
        assert call(server, "GET", "/check-api-key").status_code == 200
    assert not server.running


def test_addresses_need_a_started_service() -> None:
    server = DemoKomboServer()
    with pytest.raises(RuntimeError, match="not been started"):
        _ = server.base_url
    assert "not started" in repr(server)


def test_stop_cuts_idle_connections_short() -> None:
    server = DemoKomboServer().start()
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        deadline = time.monotonic() + 5
        while not any(t.name == "kombo-demo-request" for t in threading.enumerate()):
            assert time.monotonic() < deadline, "the idle connection was never accepted"
            time.sleep(0.01)
        started = time.perf_counter()
        server.stop()
        assert time.perf_counter() - started < 1.0
        assert not any(t.name.startswith("kombo-demo") for t in threading.enumerate())
    finally:
        idle.close()


# --- delays -----------------------------------------------------------------------------------


def test_delay_holds_answers_back() -> None:
    with DemoKomboServer(delay_seconds=0.3) as server:
        started = time.perf_counter()
        response = call(server, "GET", "/check-api-key")
        assert response.status_code == 200
        assert time.perf_counter() - started >= 0.3


def test_delay_can_change_while_running(demo: DemoKomboServer) -> None:
    started = time.perf_counter()
    call(demo, "GET", "/check-api-key")
    fast = time.perf_counter() - started
    demo.delay_seconds = 0.3
    started = time.perf_counter()
    call(demo, "GET", "/check-api-key")
    assert time.perf_counter() - started >= 0.3 > fast


def test_delay_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        DemoKomboServer(delay_seconds=-1)


def test_stop_does_not_wait_for_a_delayed_answer() -> None:
    server = DemoKomboServer(delay_seconds=60).start()
    outcome: list[object] = []

    def ask() -> None:
        try:
            with urllib.request.urlopen(server.base_url + "/check-api-key", timeout=30) as answer:
                outcome.append(answer.status)
        except (OSError, http.client.HTTPException) as error:
            outcome.append(error)

    client = threading.Thread(target=ask, name="test-client")
    client.start()
    deadline = time.monotonic() + 5
    while not server.requests:
        assert time.monotonic() < deadline, "the request never arrived"
        time.sleep(0.01)
    assert server.requests[0].path == "/v1/check-api-key"  # recorded before the delay
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 1.0
    client.join(5)
    assert not client.is_alive()
    assert outcome, "the waiting client got neither an answer nor an error"


# --- POST /connect/create-link ----------------------------------------------------------------


def test_create_link_answers_a_demo_link_to_itself(demo: DemoKomboServer) -> None:
    body = {**VALID_BODY, "integration_tool": "personio", "language": "de"}
    response = create(demo, body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert_matches("PostConnectCreateLinkPositiveResponse", document)
    link = document["data"]["link"]
    assert_loopback_url(link)
    parts = urlsplit(link)
    assert parts.port == demo.port
    assert parts.path == "/demo/connect"
    assert "DEMO" in link
    token = token_of(link)
    assert token.startswith("DEMO-")
    assert demo.links == {token: body}
    assert demo.link_records[0].url == link
    assert demo.link_records[0].operation == "create-link"


def test_every_create_link_call_makes_a_new_link(demo: DemoKomboServer) -> None:
    links = {create(demo, VALID_BODY).json()["data"]["link"] for _ in range(5)}
    assert len(links) == 5
    assert demo.create_link_count == 5
    assert len(demo.links) == 5


def test_every_field_at_once_is_accepted(demo: DemoKomboServer) -> None:
    body = {
        "end_user_email": "hr.team+kombo@example.co.uk",
        "end_user_organization_name": "Müller & Söhne GmbH",
        "end_user_origin_id": "customer-42",
        "remote_environment": "DEMO",
        "integration_category": "HRIS",
        "integration_tool": "haileyhr",
        "language": "fr",
        "scope_config_id": "9Pv6aCFwNDEzPNmwjSsY9SQx",
        "enable_filtering": True,
        "enable_field_mapping": True,
        "link_type": "MAGIC_LINK",
    }
    assert_matches("PostConnectCreateLinkRequestBody", body)
    assert create(demo, body).status_code == 200


@pytest.mark.parametrize(
    "extra",
    [
        {"end_user_origin_id": None},
        {"end_user_origin_id": "x"},
        {"remote_environment": None},
        {"integration_category": "ATS", "integration_tool": "lever"},
        {"integration_category": "ATS", "enable_filtering": False},
        {"integration_category": "LMS", "integration_tool": "moodle"},
        {"integration_category": "ASSESSMENT", "enable_field_mapping": True},
        {"integration_tool": "workday", "remote_environment": ""},
        {"scope_config_id": None},
        {"link_type": "EMBEDDED"},
        {"enable_filtering": True},
    ],
)
def test_valid_optional_fields_are_accepted(
    demo: DemoKomboServer, extra: dict[str, object]
) -> None:
    body = {**VALID_BODY, **extra}
    response = create(demo, body)
    assert response.status_code == 200, response.text
    assert demo.links[token_of(response.json()["data"]["link"])] == body


@pytest.mark.parametrize("tool", ["workday", "sandbox", "personio"])
def test_tools_in_several_categories_work_in_each(demo: DemoKomboServer, tool: str) -> None:
    known = ToolCatalog.bundled().get(tool)
    assert known is not None and len(known.categories) > 1
    for category in known.categories:
        body = {**VALID_BODY, "integration_category": category.value, "integration_tool": tool}
        assert create(demo, body).status_code == 200


# Each case: a body change and words the message must contain (naming the field).
INVALID_CREATE_BODIES: list[tuple[str, dict[str, object], str]] = [
    ("email missing", {"end_user_email": None}, "end_user_email is required"),
    ("email null", {"end_user_email": "<null>"}, "end_user_email must not be null"),
    ("email number", {"end_user_email": 42}, "end_user_email must be a string"),
    ("email without at", {"end_user_email": "anna.example.com"}, "end_user_email"),
    ("email without domain", {"end_user_email": "anna@"}, "end_user_email"),
    ("email without dot", {"end_user_email": "anna@example"}, "end_user_email"),
    ("email with space", {"end_user_email": "anna maria@example.com"}, "end_user_email"),
    ("email double dot", {"end_user_email": "anna@example..com"}, "end_user_email"),
    ("email leading dot", {"end_user_email": ".anna@example.com"}, "end_user_email"),
    ("email empty", {"end_user_email": ""}, "end_user_email"),
    ("email too long", {"end_user_email": "a" * 250 + "@example.com"}, "end_user_email"),
    ("org missing", {"end_user_organization_name": None}, "end_user_organization_name is required"),
    (
        "org empty",
        {"end_user_organization_name": ""},
        "end_user_organization_name must not be empty",
    ),
    ("org null", {"end_user_organization_name": "<null>"}, "end_user_organization_name"),
    (
        "org number",
        {"end_user_organization_name": 7},
        "end_user_organization_name must be a string",
    ),
    ("origin id empty", {"end_user_origin_id": ""}, "end_user_origin_id must not be an empty"),
    ("origin id number", {"end_user_origin_id": 123}, "end_user_origin_id must be a string"),
    (
        "category lower case",
        {"integration_category": "hris"},
        "integration_category must be one of",
    ),
    ("category unknown", {"integration_category": "CRM"}, "integration_category must be one of"),
    ("category null", {"integration_category": "<null>"}, "integration_category"),
    ("language upper case", {"language": "EN"}, "language must be one of"),
    ("language unknown", {"language": "pt"}, "language must be one of"),
    ("language number", {"language": 1}, "language must be one of"),
    ("language null", {"language": "<null>"}, "leave it out to use the default"),
    ("link type lower case", {"link_type": "magic_link"}, "link_type must be one of"),
    ("link type null", {"link_type": "<null>"}, "link_type"),
    ("tool unknown", {"integration_tool": "nosuchtool"}, 'integration_tool "nosuchtool" is not'),
    ("tool empty", {"integration_tool": ""}, "integration_tool"),
    ("tool number", {"integration_tool": 5}, "integration_tool must be a string"),
    ("tool null", {"integration_tool": "<null>"}, "integration_tool must not be null"),
    ("tool of another category", {"integration_tool": "lever"}, "cannot be used with"),
    (
        "tool outside the chosen category",
        {"integration_category": "LMS", "integration_tool": "personio"},
        "integration_category LMS",
    ),
    ("environment without tool", {"remote_environment": "DEMO"}, "remote_environment can only"),
    (
        "environment with a null tool",
        {"remote_environment": "DEMO", "integration_tool": "<null>"},
        "remote_environment can only",
    ),
    ("environment number", {"integration_tool": "haileyhr", "remote_environment": 1}, "remote_"),
    (
        "filtering outside HRIS",
        {"integration_category": "ATS", "enable_filtering": True},
        "enable_filtering is only available for integration_category HRIS",
    ),
    ("filtering as text", {"enable_filtering": "true"}, "enable_filtering must be true or false"),
    ("filtering as number", {"enable_filtering": 1}, "enable_filtering must be true or false"),
    ("filtering null", {"enable_filtering": "<null>"}, "enable_filtering must be true or false"),
    ("field mapping as text", {"enable_field_mapping": "yes"}, "enable_field_mapping must be"),
    ("scope config number", {"scope_config_id": 9}, "scope_config_id must be a string or null"),
    ("unknown field", {"end_user_mail": "anna@example.com"}, 'Unknown field "end_user_mail"'),
    ("two unknown fields", {"tool": "x", "lang": "en"}, 'Unknown fields "tool", "lang"'),
]


def _apply(change: dict[str, object]) -> dict[str, object]:
    """VALID_BODY with ``change``: None removes a key, "<null>" sends JSON null."""
    body = dict(VALID_BODY)
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = None if value == "<null>" else value
    return body


@pytest.mark.parametrize(
    ("change", "words"),
    [pytest.param(change, words, id=name) for name, change, words in INVALID_CREATE_BODIES],
)
def test_each_rule_is_enforced(
    demo: DemoKomboServer, change: dict[str, object], words: str
) -> None:
    response = create(demo, _apply(change))
    error = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")
    assert words in error["message"]
    assert demo.links == {}
    assert demo.create_link_count == 1


def test_all_problems_are_reported_at_once(demo: DemoKomboServer) -> None:
    body = {"end_user_email": "nope", "language": "xx", "enable_filtering": "no", "typo": 1}
    message = assert_kombo_error(create(demo, body), 400, "PLATFORM.INPUT_INVALID")["message"]
    for field in ("typo", "end_user_email", "end_user_organization_name", "language"):
        assert field in message
    assert "enable_filtering" in message


def test_an_unknown_field_is_refused_without_naming_the_fields_that_are_fine(
    demo: DemoKomboServer,
) -> None:
    # The refusal went on "Allowed fields: end_user_email, end_user_organization_name, ...",
    # and the program, which marks every form field a refusal names, marked them all.
    body = {**VALID_BODY, "end_user_email": "nope", "end_user_mail": "x"}
    message = assert_kombo_error(create(demo, body), 400, "PLATFORM.INPUT_INVALID")["message"]
    assert 'Unknown field "end_user_mail"' in message
    assert fields_named(message) == ("end_user_email",)
    # Kombo's double quotes become single ones inside the program's own.
    assert rejected_field_message(message, "end_user_email") == (
        "Kombo did not accept this: “E-mail address must be an e-mail address like "
        "anna@example.com (got 'nope').”"
    )
    only_unknown = {**VALID_BODY, "tool": "x"}
    error = assert_kombo_error(create(demo, only_unknown), 400, "PLATFORM.INPUT_INVALID")
    assert fields_named(error["message"]) == ()


def test_an_unknown_field_of_a_reconnection_names_no_field_it_has(demo: DemoKomboServer) -> None:
    response = call(
        demo, "POST", "/integrations/personio:abc/relink", body={"link_type": 1, "x": 1}
    )
    message = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert fields_named(message) == ("link_type",)  # not scope_config_id or language


def test_the_server_is_at_least_as_strict_as_the_schema(demo: DemoKomboServer) -> None:
    """Whatever Kombo's schema refuses, the demo service refuses too (tool ids aside: the
    bundled catalog also knows older ids the current enum dropped)."""
    schema = dict(_document()["components"]["schemas"]["PostConnectCreateLinkRequestBody"])
    schema["properties"] = {
        **schema["properties"],
        "integration_tool": {"type": "string"},
    }
    schema["additionalProperties"] = False
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-2, 2),
        st.sampled_from(
            [
                "",
                "anna@example.com",
                "HRIS",
                "ATS",
                "LMS",
                "hris",
                "en",
                "de",
                "xx",
                "DEMO",
                "MAGIC_LINK",
                "EMBEDDED",
                "personio",
                "lever",
                "moodle",
            ]
        ),
    )
    keys = st.sampled_from([*schema["properties"], "extra_field"])
    bodies = st.dictionaries(keys, values, max_size=6).map(lambda extra: {**VALID_BODY, **extra})

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(bodies)
    def check(body: dict[str, object]) -> None:
        status = create(demo, body).status_code
        if _schema_errors(schema, body):
            assert status == 400, body
        else:
            assert status in (200, 400), body

    check()


@pytest.mark.parametrize(
    "body",
    [[], ["end_user_email"], "text", 3, None, True],
    ids=["empty list", "list", "string", "number", "null", "boolean"],
)
def test_body_must_be_a_json_object(demo: DemoKomboServer, body: object) -> None:
    response = call(
        demo,
        "POST",
        "/connect/create-link",
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    message = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert "must be a JSON object" in message


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"end_user_email": "a@b.co",}', b'{"x": NaN}', b"\xff\xfe{}", b"'single'"],
    ids=["broken", "trailing comma", "NaN", "not UTF-8", "single quotes"],
)
def test_body_that_is_not_json_is_refused(demo: DemoKomboServer, content: bytes) -> None:
    response = call(
        demo,
        "POST",
        "/connect/create-link",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    message = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert "not valid JSON" in message
    assert demo.requests[-1].json is None
    assert demo.requests[-1].body == content


def test_empty_body_is_refused(demo: DemoKomboServer) -> None:
    response = call(demo, "POST", "/connect/create-link")
    assert "no body" in assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_json_must_be_labelled_as_json(demo: DemoKomboServer, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = call(
        demo,
        "POST",
        "/connect/create-link",
        content=json.dumps(VALID_BODY).encode(),
        headers=headers,
    )
    message = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert "Content-Type: application/json" in message


def test_json_with_a_charset_is_fine(demo: DemoKomboServer) -> None:
    response = call(
        demo,
        "POST",
        "/connect/create-link",
        content=json.dumps(VALID_BODY).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def test_oversized_body_is_refused_without_reading_it(demo: DemoKomboServer) -> None:
    status, body = raw_request(
        demo,
        "POST",
        CREATE_LINK_PATH,
        [("Content-Type", "application/json"), ("Content-Length", "5000000")],
    )
    assert status == 400
    assert body["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert "larger than" in body["error"]["message"]


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_broken_content_length_is_refused(demo: DemoKomboServer, length: str) -> None:
    status, body = raw_request(
        demo,
        "POST",
        CREATE_LINK_PATH,
        [("Content-Type", "application/json"), ("Content-Length", length)],
    )
    assert status == 400
    assert "Content-Length" in body["error"]["message"]


def test_chunked_body_is_refused_plainly(demo: DemoKomboServer) -> None:
    status, body = raw_request(
        demo,
        "POST",
        CREATE_LINK_PATH,
        [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
        b"2\r\n{}\r\n0\r\n\r\n",
    )
    assert status == 400
    assert "chunked" in body["error"]["message"]


# --- POST /integrations/{integration_id}/relink -----------------------------------------------


@pytest.mark.parametrize(
    "integration_id", ["personio:93fCvorjZ2jas7ZekX1V1n5d", "360learning:a_b-c"]
)
@pytest.mark.parametrize("encode", [False, True], ids=["plain", "percent-encoded"])
def test_relink_answers_a_demo_link(
    demo: DemoKomboServer, integration_id: str, encode: bool
) -> None:
    segment = quote(integration_id, safe="") if encode else integration_id
    body = {"language": "it", "link_type": "MAGIC_LINK", "scope_config_id": "abc"}
    assert_matches("PostIntegrationsIntegrationIdRelinkRequestBody", body)
    response = call(demo, "POST", f"/integrations/{segment}/relink", body=body)
    assert response.status_code == 200, response.text
    assert_matches("PostIntegrationsIntegrationIdRelinkPositiveResponse", response.json())
    link = response.json()["data"]["link"]
    assert_loopback_url(link)
    assert token_of(link).startswith("DEMO-")
    record = demo.link_records[0]
    assert record.operation == "relink"
    assert record.integration_id == integration_id
    assert demo.links == {record.token: body}
    assert demo.create_link_count == 0


@pytest.mark.parametrize("body", [{}, None, {"scope_config_id": None}])
def test_relink_fields_are_all_optional(demo: DemoKomboServer, body: object) -> None:
    response = call(demo, "POST", "/integrations/personio:abc/relink", body=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"language": "pt"}, "language must be one of"),
        ({"link_type": "magic"}, "link_type must be one of"),
        ({"link_type": None}, "link_type"),
        ({"language": None}, "leave it out to use the default"),
        ({"scope_config_id": 1}, "scope_config_id must be a string or null"),
        ({"end_user_email": "anna@example.com"}, 'Unknown field "end_user_email"'),
        (["language"], "must be a JSON object"),
    ],
)
def test_relink_body_is_validated(demo: DemoKomboServer, body: object, words: str) -> None:
    response = call(demo, "POST", "/integrations/personio:abc/relink", body=body)
    assert words in assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert demo.links == {}


@pytest.mark.parametrize(
    "segment",
    ["personio", "nosuchtool:abc", "personio:", ":abc", "personio:a%20b", "personio%2Fabc", "%20"],
)
def test_relink_of_an_unknown_integration_is_not_found(demo: DemoKomboServer, segment: str) -> None:
    response = call(demo, "POST", f"/integrations/{segment}/relink", body={})
    error = assert_kombo_error(response, 404, "PLATFORM.INTEGRATION_NOT_FOUND")
    assert "personio:93fCvorjZ2jas7ZekX1V1n5d" in error["message"]
    assert demo.links == {}


# --- GET /integrations/{integration_id} --------------------------------------------------------


def test_an_integration_is_described_as_kombo_describes_one(demo: DemoKomboServer) -> None:
    response = call(demo, "GET", "/integrations/personio:93fCvorjZ2jas7ZekX1V1n5d")
    assert response.status_code == 200, response.text
    assert_matches("GetIntegrationsIntegrationIdPositiveResponse", response.json())
    data = response.json()["data"]
    assert data["id"] == "personio:93fCvorjZ2jas7ZekX1V1n5d"
    assert data["tool"]["label"] == "Personio"
    assert data["status"] == "INVALID"  # what a reconnection link is for
    assert demo.links == {}


@pytest.mark.parametrize("segment", ["nosuchtool:abc", "personio:", "personio%2Fabc"])
def test_an_unknown_integration_is_not_found(demo: DemoKomboServer, segment: str) -> None:
    response = call(demo, "GET", f"/integrations/{segment}")
    error = assert_kombo_error(response, 404, "PLATFORM.INTEGRATION_NOT_FOUND")
    assert "personio:93fCvorjZ2jas7ZekX1V1n5d" in error["message"]


# --- GET /check-api-key and GET /tools/{category} ---------------------------------------------


def test_check_api_key_names_the_demo_environment(demo: DemoKomboServer) -> None:
    response = call(demo, "GET", "/check-api-key")
    assert response.status_code == 200
    assert_matches("GetCheckApiKeyPositiveResponse", response.json())
    assert response.json()["data"] == {
        "environment_id": DEMO_ENVIRONMENT_ID,
        "customer_id": DEMO_ENVIRONMENT_ID,
    }
    assert DEMO_ENVIRONMENT_ID == "demo-environment"


@pytest.mark.parametrize("category", list(Category))
def test_tools_lists_the_catalog_category(demo: DemoKomboServer, category: Category) -> None:
    response = call(demo, "GET", f"/tools/{category.value.lower()}")
    assert response.status_code == 200
    document = response.json()
    assert_matches("GetToolsCategoryPositiveResponse", document)
    tools = document["data"]["tools"]
    expected = ToolCatalog.bundled().in_category(category)
    assert [(t["id"], t["label"]) for t in tools] == [(t.id, t.label) for t in expected]
    for tool in tools:
        assert tool["internal_label"] is None
        for url in tool["assets"].values():
            assert_loopback_url(url)


def test_tools_use_the_catalog_given() -> None:
    catalog = ToolCatalog(
        [Tool("alpha", "Alpha HR", (Category.HRIS,)), Tool("beta", "Beta", (Category.ATS,))]
    )
    with DemoKomboServer(catalog=catalog) as server:
        tools = call(server, "GET", "/tools/hris").json()["data"]["tools"]
        assert [t["id"] for t in tools] == ["alpha"]
        refused = create(server, {**VALID_BODY, "integration_tool": "personio"})
        assert_kombo_error(refused, 400, "PLATFORM.INPUT_INVALID")
        assert create(server, {**VALID_BODY, "integration_tool": "alpha"}).status_code == 200


@pytest.mark.parametrize("category", ["HRIS", "Ats", "crm", "%20"])
def test_tools_category_must_be_lower_case_and_known(demo: DemoKomboServer, category: str) -> None:
    response = call(demo, "GET", f"/tools/{category}")
    message = assert_kombo_error(response, 400, "PLATFORM.INPUT_INVALID")["message"]
    assert "hris, ats, assessment, lms" in message


@pytest.mark.parametrize("picture", ["logo.svg", "icon.svg", "icon-black.svg"])
def test_tool_pictures_are_served_locally(demo: DemoKomboServer, picture: str) -> None:
    tools = call(demo, "GET", "/tools/hris").json()["data"]["tools"]
    personio = next(t for t in tools if t["id"] == "personio")
    key = {"logo.svg": "logo_url", "icon.svg": "icon_url", "icon-black.svg": "icon_black_url"}
    url = personio["assets"][key[picture]]
    response = HTTP.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.startswith("<svg")
    assert "P" in response.text


@pytest.mark.parametrize(
    "path", ["/demo/assets/nosuchtool/logo.svg", "/demo/assets/personio/x.svg"]
)
def test_unknown_pictures_are_not_found(demo: DemoKomboServer, path: str) -> None:
    assert call(demo, "GET", path).status_code == 404


# --- routes that do not exist -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/connect/create-link"),
        ("PUT", "/v1/connect/create-link"),
        ("POST", "/v1/check-api-key"),
        ("DELETE", "/v1/tools/hris"),
        ("GET", "/v1/integrations/personio:abc/relink"),
        ("DELETE", "/v1/integrations/personio:abc"),
        ("PATCH", "/v1/nothing"),
        ("GET", "/v1/tools/"),
        ("GET", "/v1/check-api-key/"),
        ("GET", "/v2/check-api-key"),
        ("GET", "/"),
        ("OPTIONS", "/v1/check-api-key"),
        ("POST", "/demo/connect"),
    ],
)
def test_unknown_routes_get_a_kombo_404(demo: DemoKomboServer, method: str, path: str) -> None:
    response = HTTP.request(method, demo.origin + path)
    error = assert_kombo_error(response, 404, None)
    assert "no endpoint" in error["message"]


def test_head_gets_headers_only(demo: DemoKomboServer) -> None:
    response = HTTP.head(demo.base_url + "/nothing")
    assert response.status_code == 404
    assert response.content == b""


# --- the API key ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        f"Bearer {API_KEY}x",
        f"bearer {API_KEY}",
        f"Bearer  {API_KEY}",
        API_KEY,
        f"Basic {API_KEY}",
        "Bearer",
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/connect/create-link", VALID_BODY),
        ("POST", "/integrations/personio:abc/relink", {}),
        ("GET", "/check-api-key", None),
        ("GET", "/tools/hris", None),
        ("GET", "/nothing", None),
    ],
    ids=["create-link", "relink", "check-api-key", "tools", "unknown"],
)
def test_wrong_or_missing_key_is_refused(
    keyed_demo: DemoKomboServer,
    authorization: str | None,
    method: str,
    path: str,
    body: object,
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = call(keyed_demo, method, path, body=body, headers=headers)
    assert_kombo_error(response, 401, "PLATFORM.AUTHENTICATION_INVALID")
    assert keyed_demo.links == {}
    assert API_KEY not in response.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/connect/create-link", VALID_BODY),
        ("POST", "/integrations/personio:abc/relink", {}),
        ("GET", "/check-api-key", None),
        ("GET", "/tools/ats", None),
    ],
)
def test_the_right_key_is_accepted(
    keyed_demo: DemoKomboServer, method: str, path: str, body: object
) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    assert call(keyed_demo, method, path, body=body, headers=headers).status_code == 200


def test_a_second_authorization_header_is_refused(keyed_demo: DemoKomboServer) -> None:
    good = f"Bearer {API_KEY}"
    status, body = raw_request(
        keyed_demo, "GET", "/v1/check-api-key", [("Authorization", good), ("Authorization", good)]
    )
    assert status == 401
    assert body["error"]["code"] == "PLATFORM.AUTHENTICATION_INVALID"


def test_without_a_key_configured_any_key_or_none_works(demo: DemoKomboServer) -> None:
    assert call(demo, "GET", "/check-api-key").status_code == 200
    headers = {"Authorization": "Bearer anything"}
    assert call(demo, "GET", "/check-api-key", headers=headers).status_code == 200


def test_demo_pages_need_no_key(keyed_demo: DemoKomboServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    link = create(keyed_demo, VALID_BODY, headers=headers).json()["data"]["link"]
    assert HTTP.get(link).status_code == 200


def test_the_key_is_never_recorded(keyed_demo: DemoKomboServer) -> None:
    create(keyed_demo, VALID_BODY, headers={"Authorization": f"Bearer {API_KEY}"})
    call(keyed_demo, "GET", "/check-api-key", headers={"Authorization": f"Bearer {API_KEY}x"})
    call(keyed_demo, "GET", "/check-api-key", headers={"Authorization": API_KEY})
    call(keyed_demo, "GET", "/check-api-key", headers={"Proxy-Authorization": f"Basic {API_KEY}"})
    requests = keyed_demo.requests
    assert requests[0].header("Authorization") == "Bearer [redacted]"
    assert requests[2].header("authorization") == "[redacted]"
    assert requests[3].header("Proxy-Authorization") == "Basic [redacted]"
    assert API_KEY not in repr(requests)
    assert API_KEY not in repr(keyed_demo.link_records)


# --- error logs -------------------------------------------------------------------------------


def test_log_url_opens_a_page_about_the_failed_request(demo: DemoKomboServer) -> None:
    error = assert_kombo_error(create(demo, {"end_user_email": "x"}), 400, "PLATFORM.INPUT_INVALID")
    log_url = error["log_url"]
    assert urlsplit(log_url).port == demo.port
    assert urlsplit(log_url).path.startswith("/demo/logs/")
    page = HTTP.get(log_url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "DEMO" in page.text
    assert "PLATFORM.INPUT_INVALID" in page.text
    assert "POST /v1/connect/create-link" in page.text
    assert "end_user_organization_name is required" in page.text


def test_every_error_has_its_own_log(demo: DemoKomboServer) -> None:
    first = assert_kombo_error(create(demo, {}), 400, "PLATFORM.INPUT_INVALID")["log_url"]
    second = assert_kombo_error(create(demo, {}), 400, "PLATFORM.INPUT_INVALID")["log_url"]
    assert first != second


def test_unknown_log_is_not_found(demo: DemoKomboServer) -> None:
    response = call(demo, "GET", "/demo/logs/0123456789abcdef")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


# --- the page a demo link opens ---------------------------------------------------------------


def test_demo_link_page_says_it_is_a_demo(demo: DemoKomboServer) -> None:
    body = {
        **VALID_BODY,
        "end_user_organization_name": "Bäckerei Groß",
        "integration_tool": "personio",
        "language": "de",
        "link_type": "MAGIC_LINK",
    }
    link = create(demo, body).json()["data"]["link"]
    page = HTTP.get(link)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    text = page.text
    assert "DEMO" in text
    assert "demo mode" in text
    assert "No real system will be connected" in text
    assert "Bäckerei Groß" in text
    assert "Personio" in text
    assert "Deutsch" in text
    assert "valid 1 year" in text


def test_demo_link_page_is_self_contained(demo: DemoKomboServer) -> None:
    link = create(demo, VALID_BODY).json()["data"]["link"]
    page = HTTP.get(link)
    for outside in ("://", "src=", "<link", "url(", "@import", "<script"):
        assert outside not in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"


def test_demo_link_page_escapes_what_was_typed(demo: DemoKomboServer) -> None:
    hostile = '<script>alert("x")</script> & <b>Co</b>'
    body = {**VALID_BODY, "end_user_organization_name": hostile}
    link = create(demo, body).json()["data"]["link"]
    text = HTTP.get(link).text
    assert "<script>" not in text
    assert "<b>Co</b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in text


def test_demo_link_page_without_a_tool_says_the_customer_chooses(demo: DemoKomboServer) -> None:
    link = create(demo, {**VALID_BODY, "integration_category": "ATS"}).json()["data"]["link"]
    text = HTTP.get(link).text
    assert "The customer chooses" in text
    assert "Recruiting system (ATS)" in text
    assert "English" in text  # Kombo's default language


def test_relink_page_names_the_integration(demo: DemoKomboServer) -> None:
    response = call(demo, "POST", "/integrations/workday:abc123/relink", body={"language": "es"})
    text = HTTP.get(response.json()["data"]["link"]).text
    assert "reconnection link" in text
    assert "workday:abc123" in text
    assert "Workday" in text
    assert "Español" in text
    assert "No real system will be connected" in text


@pytest.mark.parametrize(
    "query", ["?token=DEMO-unknown", "?token=", "", "?other=1", "?token=%3Cb%3E"]
)
def test_unknown_demo_link_gets_a_friendly_404(demo: DemoKomboServer, query: str) -> None:
    create(demo, VALID_BODY)
    page = call(demo, "GET", "/demo/connect" + query)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "This demo link is not known" in page.text
    assert "forgets its links when the program closes" in page.text
    assert "<b>" not in page.text


def test_demo_links_are_forgotten_by_a_new_service() -> None:
    with DemoKomboServer() as first:
        link = create(first, VALID_BODY).json()["data"]["link"]
    with DemoKomboServer() as second:
        page = call(second, "GET", "/demo/connect?token=" + token_of(link))
        assert page.status_code == 404


def test_other_demo_addresses_are_not_found(demo: DemoKomboServer) -> None:
    for path in ("/demo", "/demo/", "/demo/elsewhere", "/demo/logs/"):
        page = call(demo, "GET", path)
        assert page.status_code == 404
        assert "DEMO" in page.text


def test_a_browser_can_open_a_link_with_urllib(demo: DemoKomboServer) -> None:
    link = create(demo, VALID_BODY).json()["data"]["link"]
    with urllib.request.urlopen(link, timeout=10) as page:
        assert page.status == 200
        assert b"demo" in page.read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(demo.origin + "/demo/connect?token=DEMO-gone", timeout=10)
    assert missing.value.code == 404
    missing.value.close()


# --- what tests can inspect -------------------------------------------------------------------


def test_requests_are_recorded_in_order(demo: DemoKomboServer) -> None:
    create(demo, VALID_BODY)
    call(demo, "GET", "/check-api-key?verbose=1")
    create(demo, {"bad": True})
    link = demo.link_records[0].url
    HTTP.get(link)
    recorded = demo.requests
    assert [(r.method, r.path) for r in recorded] == [
        ("POST", CREATE_LINK_PATH),
        ("GET", "/v1/check-api-key"),
        ("POST", CREATE_LINK_PATH),
        ("GET", "/demo/connect"),
    ]
    assert recorded[0].json == VALID_BODY
    assert recorded[0].header("Content-Type") == "application/json"
    assert recorded[1].json is None
    assert recorded[1].query == "verbose=1"
    assert recorded[2].json == {"bad": True}
    assert recorded[3].query.startswith("token=DEMO-")
    assert demo.create_link_count == 2  # the refused one counts: it was received
    assert len(demo.links) == 1
    assert demo.requests_to("get", "/v1/check-api-key") == [recorded[1]]


def test_recorded_data_cannot_be_changed_from_outside(demo: DemoKomboServer) -> None:
    create(demo, VALID_BODY)
    demo.requests.clear()
    links = demo.links
    next(iter(links.values()))["end_user_email"] = "changed@example.com"
    assert len(demo.requests) == 1
    assert next(iter(demo.links.values()))["end_user_email"] == "anna@example.com"


def test_clear_records_keeps_links_working(demo: DemoKomboServer) -> None:
    link = create(demo, VALID_BODY).json()["data"]["link"]
    demo.clear_records()
    assert demo.requests == []
    assert demo.create_link_count == 0
    assert HTTP.get(link).status_code == 200


def test_parallel_requests_are_all_answered(demo: DemoKomboServer) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def make() -> None:
        status = create(demo, VALID_BODY).status_code
        with lock:
            results.append(status)

    workers = [threading.Thread(target=make, name=f"test-client-{i}") for i in range(20)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert results == [200] * 20
    assert demo.create_link_count == 20
    assert len(demo.links) == 20


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}", "127.0.0.1:1", ""])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/v1/connect/create-link", VALID_BODY), ("GET", "/demo/connect?token=x", None)],
)
def test_requests_addressed_to_another_host_get_nothing(
    demo: DemoKomboServer, host: str, method: str, path: str, body: object
) -> None:
    """A web page whose name was pointed at 127.0.0.1 (DNS rebinding) reaches the port but
    names its own host; the demo service neither makes a link for it nor shows it a page."""
    response = httpx.request(
        method,
        f"http://127.0.0.1:{demo.port}{path}",
        json=body,
        headers={"Host": host.format(port=demo.port)},
    )
    assert response.status_code == 421
    assert "only requests addressed to this computer" in response.text
    assert demo.links == {}


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_loopback_names_with_the_right_port_are_served(demo: DemoKomboServer, name: str) -> None:
    response = httpx.get(
        f"http://127.0.0.1:{demo.port}/v1/check-api-key",
        headers={"Host": f"{name}:{demo.port}"},
    )
    assert response.status_code == 200
