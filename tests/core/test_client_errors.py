"""Every way a call can fail ends as the right typed error, with plain words and support detail.

Each test provokes one failure for real on the local fault server and checks the error class, what
the person reads (``user_message``) and what support gets (``ErrorDetail``).
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest

from kombo_desktop.core import messages
from kombo_desktop.core.client import KomboClient
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
    ShortKeyError,
    UnexpectedResponseError,
    UnsafeLinkError,
    is_key_refused,
    is_unknown_integration,
)
from kombo_desktop.core.integrations import NOT_FOUND_TEXT
from kombo_desktop.core.link_check import created_link, link_problem
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.messages import input_rejected_message, rejected_field_message
from kombo_desktop.core.refusals import FORM_NAMES, fields_named
from kombo_desktop.core.safe_text import MAX_DETAIL_CHARS, MAX_SHORT_CHARS
from tests.support.fault_server import FaultServer, Framing, Reply, closed_port
from tests.support.refusal_words import INVALID_EMAIL_MARK, INVALID_EMAIL_SAID

KEY = "sk_test_errors_a1b2c3d4e5f6a7b8"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH", integration_tool="personio")
RELINK = RelinkRequest("personio:93fCvorjZ2jas7ZekX1V1n5d")
LOG_URL = "https://app.kombo.dev/env/logs/abc123"
JSON = (("Content-Type", "application/json"),)


@pytest.fixture(autouse=True)
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log line, httpx's and httpcore's included; none the program could write
    may ever hold the key.

    Read from the set-up's and the test's own records: after ``yield`` ``caplog.text`` holds
    only the tear-down's. Those below INFO are left out: the program's loggers stop at INFO
    (``logs.configure_logging``), and httpcore's DEBUG trace repeats the headers as received."""
    caplog.set_level(logging.DEBUG)
    yield caplog
    said = [
        record.getMessage()
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.levelno >= logging.INFO
    ]
    assert not [line for line in said if KEY in line]


def fail_with(*replies: Reply, relink: bool = False, **settings: float) -> KomboError:
    """Make one call against the scripted replies and return the error it raised."""
    settings.setdefault("max_retry_seconds", 0.0)  # retries are tested in test_client_retries
    with (
        FaultServer(*replies) as server,
        KomboClient(server.base_url, KEY, **settings) as client,  # type: ignore[arg-type]
        pytest.raises(KomboError) as caught,
    ):
        if relink:
            client.create_relink(RELINK)
        else:
            client.create_link(REQUEST)
    error = caught.value
    assert KEY not in str(error)
    assert KEY not in error.detail.as_support_text()
    return error


# --- Kombo's error bodies -----------------------------------------------------------------------


def test_kombo_error_body_fills_the_support_detail() -> None:
    error = fail_with(
        Reply.kombo_error(
            400,
            "PLATFORM.INPUT_INVALID",
            "end_user_email: Invalid email",
            title="Invalid input",
            log_url=LOG_URL,
        )
    )
    assert type(error) is InputRejectedError
    detail = error.detail
    assert detail.operation == "POST /connect/create-link"
    assert detail.http_status == 400
    assert detail.code == "PLATFORM.INPUT_INVALID"
    assert detail.title == "Invalid input"
    assert detail.message == "end_user_email: Invalid email"
    assert detail.log_url == LOG_URL
    assert detail.attempts == 1
    assert "Kombo log: " + LOG_URL in detail.as_support_text()


def test_kombo_error_body_with_nulls_keeps_what_is_there() -> None:
    error = fail_with(Reply.kombo_error(401, None, "Invalid API key."))
    assert type(error) is AuthenticationError
    assert (error.detail.code, error.detail.title, error.detail.log_url) == (None, None, None)
    assert error.detail.message == "Invalid API key."


def test_the_older_error_shape_with_only_a_message() -> None:
    error = fail_with(Reply.kombo_error(400, message="Missing end_user_email.", old_shape=True))
    assert type(error) is InputRejectedError
    assert error.detail.message == "Missing end_user_email."
    assert error.detail.code is None


# --- 401 / 403 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_an_authentication_error(status: int) -> None:
    error = fail_with(Reply.kombo_error(status, "PLATFORM.AUTHENTICATION_INVALID", "Bad key."))
    assert type(error) is AuthenticationError
    # Named as Settings names the regions; it said "(EU or US)".
    assert "other region (Europe or United States)" in error.user_message
    assert "Settings" in error.user_message


def test_a_401_without_a_body_is_still_an_authentication_error() -> None:
    assert type(fail_with(Reply(401))) is AuthenticationError


@pytest.mark.parametrize(
    "reply",
    [
        Reply.text(403, "Blocked by Zscaler: category Uncategorized"),
        Reply.json({"message": "Forbidden"}, 403),
        Reply(403),
    ],
    ids=["filter-text", "gateway-json", "empty"],
)
def test_a_403_not_in_kombos_words_is_not_blamed_on_the_key(reply: Reply) -> None:
    """Kombo refuses a key with its error body; a bare refusal comes from something on the way
    (a web filter), and sending the person to Settings for their key would mislead them."""
    error = fail_with(reply)
    assert type(error) is UnexpectedResponseError
    assert not is_key_refused(error)
    assert "Something between this computer and Kombo refused the request" in error.user_message
    assert "Settings" not in error.user_message
    assert error.detail.http_status == 403


PLAN_REFUSAL = "The field mapping feature is not enabled for your plan. Contact sales@kombo.dev."


@pytest.mark.parametrize(
    "reply",
    [
        Reply.kombo_error(403, "PLATFORM.FEATURE_NOT_ENABLED", PLAN_REFUSAL),
        # Kombo's older answers carry only a message.
        Reply.json({"status": "error", "error": {"message": PLAN_REFUSAL}}, 403),
    ],
    ids=["new-code", "no-code"],
)
def test_a_403_for_a_reason_of_kombos_own_is_said_in_its_words_not_blamed_on_the_key(
    reply: Reply,
) -> None:
    # It said "Kombo did not accept the API key ... Check the key in Settings." and offered
    # Settings: the person was sent to change a key that works.
    error = fail_with(reply)
    assert type(error) is KomboError
    assert not is_key_refused(error)
    assert error.user_message == messages.kombo_refusal_message(PLAN_REFUSAL, making_link=True)
    assert f"“{PLAN_REFUSAL}”" in error.user_message and "No link was made" in error.user_message
    assert "API key" not in error.user_message and "Settings" not in error.user_message
    assert error.detail.message == PLAN_REFUSAL


def test_a_403_with_a_new_code_and_no_words_to_quote_is_not_blamed_on_the_key() -> None:
    error = fail_with(Reply.kombo_error(403, "PLATFORM.FEATURE_NOT_ENABLED", '{"plan": "basic"}'))
    assert type(error) is KomboError
    assert not is_key_refused(error)
    assert error.user_message.startswith("Kombo could not do this and did not say why.")
    assert error.detail.code == "PLATFORM.FEATURE_NOT_ENABLED"  # for support


@pytest.mark.parametrize(
    "reply",
    [
        Reply.kombo_error(401, "PLATFORM.FEATURE_NOT_ENABLED", PLAN_REFUSAL),
        Reply.kombo_error(403, "PLATFORM.API_KEY_EXPIRED", "This key has expired."),
        Reply.kombo_error(403, "PLATFORM.FORBIDDEN", "Invalid API key."),
        Reply.json({"status": "error", "error": {"message": "Invalid API key"}}, 403),
        Reply.json({"status": "error", "error": {"message": "Forbidden"}}, 403),
    ],
    ids=["401", "key-code", "key-words", "no-code-key-words", "no-code-status-only"],
)
def test_a_kombo_refusal_about_the_key_is_still_the_keys(reply: Reply) -> None:
    error = fail_with(reply)
    assert type(error) is AuthenticationError
    assert is_key_refused(error)


def test_a_key_check_refused_for_a_reason_of_kombos_own_is_not_blamed_on_the_key() -> None:
    reply = Reply.kombo_error(403, "PLATFORM.FEATURE_NOT_ENABLED", PLAN_REFUSAL)
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(KomboError) as caught,
    ):
        client.check_api_key()
    assert not is_key_refused(caught.value)
    assert caught.value.user_message == messages.kombo_refusal_message(
        PLAN_REFUSAL, making_link=False
    )


def test_an_address_not_on_the_allow_list_is_told_apart() -> None:
    error = fail_with(
        Reply.kombo_error(403, "PLATFORM.IP_NOT_WHITELISTED", "IP 203.0.113.9 not allowed.")
    )
    assert type(error) is IpNotAllowedError
    assert isinstance(error, AuthenticationError)
    assert "allow list" in error.user_message
    assert error.detail.code == "PLATFORM.IP_NOT_WHITELISTED"


# --- 400 / 422 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 422])
def test_rejected_input_quotes_kombos_short_message(status: int) -> None:
    error = fail_with(
        Reply.kombo_error(status, "PLATFORM.INPUT_INVALID", "The tool is not enabled.")
    )
    assert type(error) is InputRejectedError
    assert "“The tool is not enabled.” Check the fields" in error.user_message
    assert error.user_message.startswith("Kombo did not accept these details")


def test_rejected_input_names_fields_as_the_form_does() -> None:
    error = fail_with(
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", "end_user_email: Invalid email")
    )
    assert f"{INVALID_EMAIL_SAID} Check the fields" in error.user_message
    assert "end_user_email" not in error.user_message
    assert error.detail.message == "end_user_email: Invalid email"  # support sees Kombo's words


def test_rejected_input_names_the_fields_kombo_named_for_the_form_to_mark() -> None:
    error = fail_with(
        Reply.kombo_error(
            400,
            "PLATFORM.INPUT_INVALID",
            "scope_config_id: Unknown scope config; end_user_email: Invalid email; "
            "scope_config_id: must belong to this account",
        )
    )
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("scope_config_id", "end_user_email")  # in order, each once


@pytest.mark.parametrize(
    ("kombo_message", "field", "mark"),
    [
        # Each field's own words, without its name (the field's label says it).
        ("end_user_email: Invalid email. link_type: Not allowed.", "link_type", "“Not allowed.”"),
        # A schema checker's verdict, in the program's words: its own sentence, not quoted.
        (
            "end_user_email: Invalid email. link_type: Not allowed.",
            "end_user_email",
            "it is not a valid e-mail address.",
        ),
        # Words before the first field's name are not that field's alone: said whole.
        (
            "Bad request: end_user_email: Invalid email",
            "end_user_email",
            "“Bad request: e-mail address: Invalid email”.",
        ),
        # A field named in another field's words: the whole refusal, in the form's names.
        (
            "end_user_email: must not be the one of integration_tool",
            "end_user_email",
            "“E-mail address: must not be the one of tool”.",
        ),
    ],
)
def test_a_marked_field_says_what_kombo_said_about_it(
    kombo_message: str, field: str, mark: str
) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError) and field in error.fields
    assert error.detail.message is not None
    assert rejected_field_message(error.detail.message, field) == (
        f"Kombo did not accept this: {mark}"
    )


def test_a_field_named_again_in_kombos_words_about_it_is_named_as_the_form_does_on_both_lines():
    # The status line said “E-mail address: e-mail address is already in use”, while under the
    # field it said “end_user_email is already in use”: the API's name for the same field.
    kombo_message = "end_user_email: end_user_email is already in use"
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == (
        "Kombo did not accept these details: “E-mail address: e-mail address is already in "
        "use”. Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        "Kombo did not accept this: “E-mail address is already in use”."
    )


def test_rejected_input_without_field_names_marks_no_field() -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", "The tool is not enabled."))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ()


# Double quotation marks a server's words may hold, each of which could end the program's own
# “...” around them on screen.
DOUBLE_QUOTE_MARKS = ['"', "”", "“", "„", "«", "»", "＂", "″", "〞", "❞"]


def _one_quotation(said: str) -> str:
    """The words between the one “ and the one ” of ``said``, which has nothing else that
    reads as a double quotation mark."""
    assert said.count("“") == 1 and said.count("”") == 1
    assert not any(mark in said for mark in DOUBLE_QUOTE_MARKS if mark not in "“”")
    return said[said.index("“") + 1 : said.index("”")]


@pytest.mark.parametrize("mark", DOUBLE_QUOTE_MARKS)
def test_a_quote_mark_in_kombos_words_cannot_end_the_quotation_early(mark: str) -> None:
    """Kombo's words are quoted in “...”: a closing mark of their own ended the quotation,
    and what followed read as the program's own words ('“Organisation name: too long.” Your
    link was e-mailed to the customer already. “”.')."""
    planted = "Your link was e-mailed to the customer already."
    kombo_message = f"end_user_organization_name: too long.{mark} {planted} {mark}"
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_organization_name",)
    said = error.user_message
    assert said.startswith("Kombo did not accept these details: “")
    assert said.endswith("” Check the fields and try again.") or said.endswith(
        "”. Check the fields and try again."
    )
    assert planted in _one_quotation(said)
    assert error.detail.message is not None
    mark_text = rejected_field_message(error.detail.message, "end_user_organization_name")
    assert mark_text.startswith("Kombo did not accept this: “")
    assert planted in _one_quotation(mark_text)
    assert error.detail.message == kombo_message  # support reads Kombo's words as they came


def test_a_quote_mark_in_kombos_words_of_another_refusal_cannot_end_the_quotation_early() -> None:
    words = 'The plan “Basic” does not include this.” Call +1 555 0100 now. "'
    error = fail_with(Reply.kombo_error(403, "PLATFORM.FEATURE_NOT_ENABLED", words))
    assert type(error) is KomboError
    refusal, way_forward = error.user_message.split(" No link was made.")
    assert refusal.startswith("Kombo could not do this: “")
    assert "Call +1 555 0100 now." in _one_quotation(refusal)
    assert refusal.endswith("”.")
    assert way_forward.endswith("press “Copy details” and send them to support.")


# "Check the fields" alone, with none of them marked: the person had to guess which one.
EMAIL_NOT_ACCEPTED = (
    "Kombo did not accept the e-mail address. Check the marked field and try again; if it "
    "keeps happening, copy the details for support."
)


def test_a_technical_rejection_names_and_marks_its_field_in_plain_words() -> None:
    # Not quoted to the person (see below): the field it names is, in the program's words.
    technical = json.dumps([{"code": "invalid_type", "path": ["end_user_email"]}])
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", technical))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == EMAIL_NOT_ACCEPTED
    assert rejected_field_message(technical, "end_user_email") == (
        "Kombo did not accept this e-mail address."
    )


def test_rejected_input_does_not_quote_a_technical_message() -> None:
    technical = json.dumps([{"code": "invalid_type", "path": ["end_user_email"]}])
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", technical))
    assert type(error) is InputRejectedError
    assert "invalid_type" not in error.user_message
    assert error.detail.message == technical


@pytest.mark.parametrize(
    ("kombo_message", "relink", "said", "field", "mark"),
    [
        (
            "body.integration_tool: Invalid enum value. Expected 'personio' | 'bamboohr', "
            "received 'foo'",
            False,
            "Kombo did not accept the tool. Check the marked field",
            "integration_tool",
            "Kombo did not accept this tool.",
        ),
        (
            "language: Invalid enum value. Expected 'en' | 'de', received 'it'",
            True,
            "Kombo did not accept the language. Check the marked field",
            "language",
            "Kombo did not accept this language.",
        ),
    ],
    ids=["tool", "language"],
)
def test_a_field_refused_in_validation_words_is_named_in_plain_words(
    kombo_message: str, relink: bool, said: str, field: str, mark: str
) -> None:
    """Kombo's usual validation wording, with the allowed values listed for developers, is
    not shown; the field it names is said and marked in the program's own words."""
    error = fail_with(
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message), relink=relink
    )
    assert isinstance(error, InputRejectedError)
    assert error.fields == (field,)
    assert error.user_message.startswith(said)
    assert "Expected" not in error.user_message and "'" not in error.user_message
    assert rejected_field_message(kombo_message, field) == mark
    assert error.detail.message == kombo_message


PROXY_WORDS = (
    "Request blocked by company policy. Call the helpdesk on +1 555 0100 and give them your "
    "password."
)


@pytest.mark.parametrize(
    "reply",
    [
        Reply.text(400, PROXY_WORDS),
        Reply.text(400, "end_user_email: blocked by the mail filter of this network."),
        Reply.json({"message": "end_user_email: Upload blocked by DLP policy"}, 422),
        # An error object without Kombo's "status": "error" is not Kombo's answer either.
        Reply.json({"error": {"message": "end_user_email: blocked by the mail filter"}}, 400),
    ],
    ids=["proxy-text", "text-naming-a-field", "other-json-422", "error-without-status"],
)
def test_a_400_or_422_not_in_kombos_error_shape_is_not_said_as_kombos_words(
    reply: Reply,
) -> None:
    """Something on the way (a proxy, a filter) answered 400 or 422 in words of its own: they
    were quoted as "Kombo did not accept these details: “...”", and a field they named was
    marked red with them, as if Kombo had refused what was typed."""
    error = fail_with(reply)
    assert type(error) is UnexpectedResponseError
    assert error.user_message == messages.REFUSED_ON_THE_WAY_MESSAGE
    assert "Kombo did not accept" not in error.user_message
    assert "“" not in error.user_message
    assert not getattr(error, "fields", ())
    assert error.detail.http_status == reply.status
    assert error.detail.code is None
    assert error.detail.message is not None  # the answer's words, for support only
    assert error.detail.message in reply.body.decode()


# --- 404 ----------------------------------------------------------------------------------------


def test_an_unknown_integration_is_not_found() -> None:
    error = fail_with(
        Reply.kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "No such integration."),
        relink=True,
    )
    assert type(error) is NotFoundError
    assert error.user_message == NotFoundError.default_message
    assert error.detail.operation == "POST /integrations/personio:93fCvorjZ2jas7ZekX1V1n5d/relink"
    assert is_unknown_integration(error)


def test_an_unknown_integration_is_said_as_shortly_as_the_reconnection_tab_says_it() -> None:
    """Said where the reconnection tab does not speak (the log, a key check answered so): a
    long piece of advice with an example id ("it looks like personio:93fC…") the typed id
    already looked like."""
    error = fail_with(
        Reply.kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "No such integration."),
        relink=True,
    )
    assert error.user_message == NOT_FOUND_TEXT
    assert "personio:" not in error.user_message and "looks like" not in error.user_message


def test_a_404_from_a_wrong_address_points_at_the_settings() -> None:
    error = fail_with(Reply.text(404, "Cannot POST /v1/connect/create-link"))
    assert type(error) is NotFoundError
    assert "API address in Settings" in error.user_message
    assert error.detail.message == "Cannot POST /v1/connect/create-link"
    assert not is_unknown_integration(error)  # says nothing about an integration id


# --- 429 ----------------------------------------------------------------------------------------


def test_rate_limit_is_reported_with_the_wait_kombo_asks_for() -> None:
    error = fail_with(
        Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.").with_headers(
            ("Retry-After", "90")
        )
    )
    assert type(error) is RateLimitedError
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 90.0
    assert "in about 2 minutes" in error.user_message


def test_concurrency_limit_has_its_own_message() -> None:
    error = fail_with(Reply.kombo_error(429, "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", "Too many."))
    assert type(error) is RateLimitedError
    assert "at the same time" in error.user_message
    assert isinstance(error, RateLimitedError) and error.retry_after is None
    assert "Try again in a moment" in error.user_message


def test_kombos_own_limits_say_how_long_kombo_asks_to_wait() -> None:
    # Both said "wait a moment" / "in a minute" while Kombo asked for two minutes.
    busy = Reply.kombo_error(429, "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", "Too many.")
    error = fail_with(busy.with_headers(("Retry-After", "120")))
    assert "at the same time" in error.user_message and "in about 2 minutes" in error.user_message
    gave_up = Reply.kombo_error(500, "PLATFORM.TASK_TIMED_OUT", "Task timed out.")
    error = fail_with(gave_up.with_headers(("Retry-After", "120")))
    assert "took too long" in error.user_message and "in about 2 minutes" in error.user_message
    assert "in a minute" not in error.user_message


# --- 5xx ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(status: int) -> None:
    error = fail_with(Reply.kombo_error(status, "PLATFORM.UNKNOWN_ERROR", "Boom."))
    assert type(error) is ServerError
    assert error.detail.http_status == status
    assert error.user_message == ServerError.default_message


def test_a_plain_text_gateway_error_is_a_server_error() -> None:
    error = fail_with(Reply.text(502, "502 Bad Gateway"))
    assert type(error) is ServerError
    assert error.detail.message == "502 Bad Gateway"


def test_kombos_task_timeout_is_a_server_error_in_plain_words() -> None:
    error = fail_with(Reply.kombo_error(500, "PLATFORM.TASK_TIMED_OUT", "Task timed out."))
    assert type(error) is ServerError
    assert "took too long on its side" in error.user_message


def test_an_unavailable_service_says_when_to_try_again() -> None:
    reply = Reply.kombo_error(503, "PLATFORM.UNKNOWN_ERROR").with_headers(("Retry-After", "600"))
    error = fail_with(reply)
    assert type(error) is ServerError
    assert "in about 10 minutes" in error.user_message


def test_another_kombo_error_status_keeps_kombos_words_and_says_what_to_do() -> None:
    # It said "Kombo could not do this: “Already in progress.”", and nothing more.
    error = fail_with(Reply.kombo_error(409, "PLATFORM.CONFLICT", "Already in progress."))
    assert type(error) is KomboError
    assert error.user_message == (
        "Kombo could not do this: “Already in progress.” No link was made. Try again; if it "
        "keeps happening, press “Copy details” and send them to support."
    )
    assert error.detail.code == "PLATFORM.CONFLICT"


@pytest.mark.parametrize(
    ("status", "phrase"),
    [
        (409, "Conflict"),
        (409, "Request failed with status code 409"),
        (405, "Method Not Allowed"),
        (410, "410 Gone."),
        (409, "HTTP 409"),
    ],
)
def test_kombos_words_are_not_quoted_when_they_only_name_the_status(
    status: int, phrase: str
) -> None:
    # 'Kombo could not do this: “Conflict”' read like an explanation and was none.
    error = fail_with(Reply.kombo_error(status, None, phrase))
    assert type(error) is KomboError
    assert phrase not in error.user_message and "“" not in error.user_message.split(".")[0]
    assert error.user_message.startswith("Kombo could not do this and did not say why.")
    assert "Try again" in error.user_message and "“Copy details”" in error.user_message
    assert error.detail.message == phrase  # still there for support


def test_a_refusal_outside_making_a_link_does_not_speak_of_a_link() -> None:
    reply = Reply.kombo_error(410, None, "This endpoint is deprecated")
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(KomboError) as caught,
    ):
        client.check_api_key()
    words = caught.value.user_message
    # Settings, where a key is checked, has no "Copy details" button to name.
    assert words == (
        "Kombo could not do this: “This endpoint is deprecated”. Try again; if it keeps "
        "happening, tell support."
    )


def test_an_unknown_status_without_kombos_body_is_unexpected() -> None:
    error = fail_with(Reply.text(418, "I'm a teapot"))
    assert type(error) is UnexpectedResponseError


# --- timeouts and connections -------------------------------------------------------------------


def test_a_server_that_never_answers_times_out() -> None:
    started = time.monotonic()
    error = fail_with(Reply.never_answer(), timeout=0.3)
    assert type(error) is RequestTimeoutError
    assert time.monotonic() - started < 2.0
    assert "ReadTimeout" in (error.detail.message or "")
    assert_told_kombo_is_slow(error)


def assert_told_kombo_is_slow(error: KomboError) -> None:
    """The connection was made and no answer came in time: Kombo is slow, and the person's
    internet connection, which worked, is not blamed."""
    assert "Kombo is slow to answer right now" in error.user_message
    assert "Try again in a moment" in error.user_message
    assert "internet" not in error.user_message


def test_an_answer_slower_than_the_timeout_times_out() -> None:
    late = replace(Reply.link("https://connect.kombo.dev/x"), delay=1.0)
    error = fail_with(late, timeout=0.3)
    assert type(error) is RequestTimeoutError
    assert_told_kombo_is_slow(error)


def test_a_body_dripping_in_slowly_times_out_as_a_whole() -> None:
    """Each byte arrives within the read timeout, but the whole body takes far longer."""
    body = json.dumps({"status": "success", "data": {"link": "https://connect.kombo.dev/x"}})
    drip = Reply(200, JSON, body.encode(), chunk_size=1, chunk_delay=0.1)
    started = time.monotonic()
    error = fail_with(drip, timeout=0.4)
    assert type(error) is RequestTimeoutError
    assert time.monotonic() - started < 2.0
    assert error.detail.message == "answer body too slow"
    assert_told_kombo_is_slow(error)


@pytest.mark.parametrize(
    "stalling",
    [
        pytest.param({"head_drip": 0.1}, id="headers-one-byte-at-a-time"),
        pytest.param({"interim_every": 0.1}, id="endless-102-processing"),
    ],
)
def test_an_answer_that_never_completes_times_out_as_a_whole(stalling: dict[str, Any]) -> None:
    """Every read finishes within the timeout, but the answer's headers never end: only the
    body had a deadline, and the window said "Asking Kombo for the link…" for ever."""
    stalled = replace(Reply.link("https://connect.kombo.dev/x"), **stalling)
    started = time.monotonic()
    error = fail_with(stalled, timeout=0.4)
    assert type(error) is RequestTimeoutError
    assert time.monotonic() - started < 3.0
    assert error.detail.message == "no complete answer in time"
    assert_told_kombo_is_slow(error)


def test_a_connection_dropped_mid_body() -> None:
    body = json.dumps({"status": "success", "data": {"link": "https://connect.kombo.dev/x"}})
    error = fail_with(Reply(200, JSON, body.encode(), drop_after=12))
    assert type(error) is ConnectionFailedError
    assert_told_the_answer_was_incomplete(error)


def assert_told_the_answer_was_incomplete(error: KomboError) -> None:
    """Kombo's answer began and was cut short: a glitch on the way, said as such, not blamed
    on a network filter (for which the IT team is asked) nor on the person's connection."""
    assert "The answer from Kombo arrived incomplete" in error.user_message
    assert "Try again" in error.user_message
    assert "IT team" not in error.user_message and "Check your connection" not in (
        error.user_message
    )


def test_a_connection_reset_mid_body() -> None:
    body = json.dumps({"status": "success", "data": {"link": "https://connect.kombo.dev/x"}})
    error = fail_with(
        Reply(200, JSON, body.encode(), pause_after=5, pause=0.1, drop_after=12, reset=True)
    )
    assert type(error) is ConnectionFailedError


def test_a_refused_connection() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with (
        KomboClient(url, KEY, max_retry_seconds=0) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.check_api_key()
    error = caught.value
    assert type(error) is ConnectionFailedError
    assert error.user_message == ConnectionFailedError.default_message
    assert "refused" in (error.detail.message or "").lower()


def test_a_name_that_does_not_resolve() -> None:
    with (
        KomboClient("https://api.kombo.invalid/v1", KEY, max_retry_seconds=0) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.create_link(REQUEST)
    error = caught.value
    assert type(error) is ConnectionFailedError
    assert "Could not find Kombo's server" in error.user_message
    assert error.detail.http_status is None


def test_the_details_and_the_log_name_the_address_that_was_used(
    all_logs: pytest.LogCaptureFixture,
) -> None:
    # A mistyped custom address left only "ConnectError: Name or service not known".
    with (
        KomboClient("https://api.kombo-typo.invalid/v1", KEY, max_retry_seconds=0) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.create_link(REQUEST)
    address_line = "API address: https://api.kombo-typo.invalid/v1"
    assert address_line in caught.value.detail.as_support_text().splitlines()
    (failure_line,) = failures_logged(all_logs)
    assert address_line in failure_line


def test_the_address_is_logged_once_when_the_first_request_goes_out(
    all_logs: pytest.LogCaptureFixture,
) -> None:
    with (
        FaultServer(Reply.environment("env-1"), Reply.environment("env-1")) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        address = server.base_url
        client.check_api_key()
        client.check_api_key()
    said = [r.getMessage() for r in all_logs.records if r.name == "kombo_desktop.core.client"]
    assert sum(address in message for message in said) == 1


# --- answers that are not Kombo's ---------------------------------------------------------------


@pytest.mark.parametrize("status", [200, 403, 404])
def test_an_html_page_from_a_portal_or_proxy(status: int) -> None:
    error = fail_with(Reply.html(status, "Hotel WiFi login"))
    assert type(error) is UnexpectedResponseError
    assert "login page" in error.user_message
    assert error.detail.message == "HTML page instead of JSON (title: Hotel WiFi login)"
    assert error.detail.http_status == status


def test_an_html_page_without_a_content_type_is_recognised() -> None:
    error = fail_with(Reply(200, (), b"  <html><body>Blocked by policy</body></html>"))
    assert type(error) is UnexpectedResponseError
    assert (error.detail.message or "").startswith("HTML page")


def test_an_html_error_page_blames_neither_side_alone() -> None:
    error = fail_with(Reply.html(502, "502 Bad Gateway"))
    assert type(error) is UnexpectedResponseError
    assert "error page came back" in error.user_message


def test_a_proxy_asking_for_a_login() -> None:
    error = fail_with(Reply.html(407, "Proxy Authentication Required"))
    assert type(error) is ConnectionFailedError
    assert "proxy server asks for a login" in error.user_message


def test_a_redirect_is_not_followed() -> None:
    redirect = Reply(302, (("Location", "https://portal.example/login"),))
    with (
        FaultServer(redirect) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(UnexpectedResponseError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 1
    assert caught.value.detail.message == "redirect to https://portal.example/login"


@pytest.mark.parametrize("location", ["A:0", "x:y", "mailto:0"])
def test_a_redirect_to_an_unreadable_address_is_still_a_redirect(location: str) -> None:
    # httpx reads a redirect's Location even when it does not follow it; one it cannot parse
    # once escaped the client as httpx.InvalidURL (found by test_client_fuzz).
    error = fail_with(Reply(302, (("Location", location),)))
    assert type(error) is UnexpectedResponseError
    assert "somewhere other than Kombo" in error.user_message
    assert error.detail.message == "redirect to an address that cannot be read"


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\x00garbage"])
def test_invalid_json(body: bytes) -> None:
    error = fail_with(Reply(200, JSON, body))
    assert type(error) is UnexpectedResponseError
    assert (error.detail.message or "").startswith("invalid JSON")
    assert error.user_message == UnexpectedResponseError.default_message


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "success", "data": {"link": "https://x"}',
        b'{"status": "success", "data": {"link": "https://connect.kombo.dev/v1?tok',
        b'{"status": "success", "data": ',
    ],
    ids=["object-not-closed", "unterminated-string", "value-missing"],
)
def test_json_cut_short_is_said_to_be_incomplete(body: bytes) -> None:
    error = fail_with(Reply(200, JSON, body))
    assert type(error) is UnexpectedResponseError
    assert (error.detail.message or "").startswith("invalid JSON")
    assert_told_the_answer_was_incomplete(error)


def test_an_empty_success_body() -> None:
    error = fail_with(Reply(200, JSON, b""))
    assert type(error) is UnexpectedResponseError
    assert error.detail.message == "empty answer"


@pytest.mark.parametrize("payload", [[], ["https://connect.kombo.dev/x"], "text", 42, True])
def test_json_that_is_not_an_object(payload: object) -> None:
    error = fail_with(Reply.json(payload))
    assert type(error) is UnexpectedResponseError
    assert "not an object" in (error.detail.message or "")


def test_json_nested_too_deeply_does_not_crash() -> None:
    error = fail_with(Reply(200, JSON, b"[" * 200_000 + b"]" * 200_000))
    assert type(error) is UnexpectedResponseError


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "success"},
        {"status": "success", "data": None},
        {"status": "success", "data": {}},
        {"status": "success", "data": {"link": None}},
        {"status": "success", "data": {"link": ""}},
        {"status": "success", "data": {"link": 42}},
        {"status": "success", "data": {"url": "https://connect.kombo.dev/x"}},
    ],
)
def test_a_success_without_a_link(payload: object) -> None:
    error = fail_with(Reply.json(payload))
    assert type(error) is UnexpectedResponseError
    assert "did not contain a link" in error.user_message


def test_check_api_key_without_an_environment() -> None:
    with (
        FaultServer(Reply.json({"status": "success", "data": {}})) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(UnexpectedResponseError),
    ):
        client.check_api_key()


def test_list_tools_without_a_list() -> None:
    with (
        FaultServer(Reply.json({"status": "success", "data": {"tools": {}}})) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(UnexpectedResponseError),
    ):
        client.list_tools(REQUEST.integration_category)


# --- links that are refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "file:///etc/passwd",
        "http://connect.kombo.dev/v1?token=abc",
        "ftp://connect.kombo.dev/x",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "https:///path-only",
        "//connect.kombo.dev/v1",
        "connect.kombo.dev/v1?token=abc",
        "https://connect.kombo.dev@evil.example/v1",
        "https://connect.kombo.dev/v1?token=a b",
        "https://connect.kombo.dev/v1?token=a\u202eb",
        "https://cönnect.kombo.dev/v1",
        "https://connect.kombo.dev:99999/v1",
        # Browsers read "\\" as "/" and open 127.0.0.1; Python sees one odd host name.
        "https://127.0.0.1\\.kombo.dev/x",
        # Characters no web address may hold (RFC 3986): markup, drawn as a big heading in
        # the link's tooltip, words for the customer to read in a link sent to them.
        "https://connect.kombo.dev/v1?token=<h1>Call_+49_30_1234_to_finish</h1>",
        *(f"https://connect.kombo.dev/v1?token=abc{ch}def" for ch in '<>"{}|^`'),
        "https://connect.kombo.dev/<b>v1</b>?token=abc",
    ],
)
def test_a_link_that_is_not_a_safe_https_address_is_refused(link: str) -> None:
    error = fail_with(Reply.link(link))
    assert type(error) is UnsafeLinkError
    assert "not a secure web address" in error.user_message
    assert "not shown" in error.user_message
    detail = error.detail.message or ""
    assert detail.startswith("link refused")
    assert len(detail) < 120  # says what is wrong without repeating the link


@pytest.mark.parametrize(
    "link",
    [
        "https://127.0.0.1/x",
        "https://127.1/x",
        "https://127.0.0.2/x",
        "https://0x7f.1/x",
        "https://0177.0.0.1/x",
        "https://2130706433/x",
        "https://0.0.0.0/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://localhost./x",
        "https://app.localhost/x",
    ],
)
def test_a_link_to_this_computer_in_any_spelling_is_refused_from_kombo(link: str) -> None:
    # Only the exact spellings 127.0.0.1, ::1 and localhost were caught; browsers open all of
    # these on this computer. (The demo service on this computer may hand out such links.)
    problem = link_problem(link, loopback_api=False, key=None)
    assert problem is not None
    assert problem.technical == "points at this computer although Kombo is not"
    kombo = "https://connect.kombo.dev/v1?token=abc"
    assert link_problem(kombo, loopback_api=False, key=None) is None


@pytest.mark.parametrize(
    "link",
    [
        "https://%31%32%37.0.0.1/x",
        "https://localhost%2e:8443/admin",
        "https://%6c%6fcalhost/",
        "https://127.0.0.1%2e/",
        "https://connect%2ekombo.dev/v1?token=abc",
    ],
)
@pytest.mark.parametrize("loopback_api", [False, True])
def test_a_link_whose_host_is_written_with_escapes_is_refused(
    link: str, loopback_api: bool
) -> None:
    # A browser decodes them first: the first four open this computer. No Kombo link and no
    # demo link has one, so it is refused whoever answered, without quoting it.
    problem = link_problem(link, loopback_api=loopback_api, key=None)
    assert problem is not None
    assert problem.technical == "host written with %-escapes"
    assert problem.user_message is None  # UnsafeLinkError's own words


@pytest.mark.parametrize("key", ["Qz7xYw3p", "Lm4pRt8wQz"])
def test_a_link_carrying_the_clients_own_key_is_refused_from_the_shortest_key_taken(
    key: str,
) -> None:
    # Not registered, so only the comparison with the client's own key can find it; and a
    # false alarm here only keeps a link back, where a miss hands the key to a customer.
    link = f"https://connect.kombo.dev/v1?token=abc&k={quote(key)}"
    problem = link_problem(link, loopback_api=False, key=key)
    assert problem is not None and problem.technical == "contains an API key"
    assert link_problem(link, loopback_api=False, key="Lm4pRt8xYz") is None


@pytest.mark.parametrize("key", ["Qz7xYw3", "k"])
def test_a_key_shorter_than_any_taken_gets_no_link_to_carry_it(key: str) -> None:
    # Keys under 8 characters are not compared with a link (a key "k" is in every Kombo
    # link): the client sends none, so Kombo never answers one with a link to hand on.
    link = f"https://connect.kombo.dev/v1?token=abc&k={quote(key)}"
    with (
        FaultServer(Reply.link(link)) as server,
        KomboClient(server.base_url, key, max_attempts=1) as client,
        pytest.raises(ShortKeyError),
    ):
        client.create_link(REQUEST)
    assert server.requests == []


def test_the_demo_services_links_to_this_computer_are_still_accepted() -> None:
    demo_link = "http://127.0.0.1:8765/demo/connect?token=abc%2Edef"
    assert link_problem(demo_link, loopback_api=True, key=None) is None
    assert created_link(demo_link).is_demo


@pytest.mark.parametrize("length", [2049, 100_000])
def test_a_link_far_too_long_is_refused_in_words_that_fit(length: int) -> None:
    link = "https://connect.kombo.dev/v1?token="
    link += "A" * (length - len(link))
    error = fail_with(Reply.link(link))
    assert type(error) is UnsafeLinkError
    assert "far too long to be a real Kombo link" in error.user_message
    assert "not shown" in error.user_message and "try again" in error.user_message.lower()
    assert "secure" not in error.user_message  # https:// was never the problem
    assert error.detail.message == f"link refused: {length} characters long"


# Kombo's own example answer (create-link-seed.txt): a JWT in the query.
KOMBO_EXAMPLE_LINK = (
    "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.SWYgeW91IGFyZSByZW"
    "FkaW5nIHRoaXMsIHdlIHdvdWxkIGxpa2UgdG8gbGV0IHlvdSBrbm93IHRoYXQgd2UgYXJlIGhpcmluZyBwZW9wbGUgbG"
    "lrZSB5b3UgOikuIFJlYWNoIG91dCB0byBhbGV4QGtvbWJvLmRldiB0byBnZXQgaW4gY29udGFjdCBhbmQgdGVsbCBoaW"
    "0geW91IGNvbWUgZnJvbSB0aGUgSldUIDsp._hhX5YTtHfLn9ZC806dZceRn2whzxHyrhft1ONzNgOE"
)


@pytest.mark.parametrize(
    "link",
    [
        KOMBO_EXAMPLE_LINK,
        "https://connect.kombo.dev/v1?token=abc%3Ch1%3E%22%7B%7D%7C%5E%60&lang=de#step-2",
        "https://connect.kombo.dev/v1/a~b_c.d-e?token=a+b&x=(1)!*'$,;=:@/?",
    ],
    ids=["kombo's example", "percent-encoded", "every other character a link may hold"],
)
def test_a_link_with_only_characters_web_addresses_may_hold_is_shown(link: str) -> None:
    with FaultServer(Reply.link(link)) as server, KomboClient(server.base_url, KEY) as client:
        assert client.create_link(REQUEST).url == link


def test_a_link_of_the_longest_allowed_length_is_shown() -> None:
    link = "https://connect.kombo.dev/v1?token="
    link += "A" * (2048 - len(link))
    with FaultServer(Reply.link(link)) as server, KomboClient(server.base_url, KEY) as client:
        assert client.create_link(REQUEST).url == link


@pytest.mark.parametrize(
    "link",
    [
        f"https://connect.kombo.dev/v1?token={KEY}",
        f"https://connect.kombo.dev/v1?token=abc&echo=x{KEY}x",
        "https://connect.kombo.dev/v1?token=" + quote(KEY, safe=""),
        f"https://{KEY}.kombo.dev/v1",
        "https://connect.kombo.dev/v1?api_key=sk_other_0123456789",
        f"javascript:alert('{KEY}')",
    ],
)
@pytest.mark.parametrize("relink", [False, True])
def test_a_link_carrying_the_key_is_never_shown(link: str, relink: bool) -> None:
    error = fail_with(Reply.link(link), relink=relink)
    assert type(error) is UnsafeLinkError
    assert "contained an API key" in error.user_message
    assert "not shown" in error.user_message
    assert error.detail.message == "link refused: contains an API key"
    for text in (str(error), error.detail.as_support_text()):
        assert KEY not in text and quote(KEY, safe="") not in text


def test_a_link_carrying_another_registered_key_is_never_shown() -> None:
    other = "sk_live_other_profile_9d8c7b6a5f"
    register_secret(other)
    error = fail_with(Reply.link(f"https://connect.kombo.dev/v1?token={other}"))
    assert type(error) is UnsafeLinkError
    assert "contained an API key" in error.user_message


# --- big and hostile bodies ----------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_50_mb_body_is_refused_without_reading_it(framing: Framing) -> None:
    tracemalloc.start()
    try:
        with (
            FaultServer(Reply.huge(50_000_000, framing=framing)) as server,
            KomboClient(server.base_url, KEY) as client,
        ):
            with pytest.raises(UnexpectedResponseError) as caught:
                client.create_link(REQUEST)
            sent = server.bytes_sent
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "far larger" in caught.value.user_message
    assert peak < 8_000_000
    assert sent < 20_000_000


def test_a_compressed_bomb_is_refused() -> None:
    bomb = gzip.compress(b"{" + b" " * 30_000_000 + b"}")
    assert len(bomb) < 100_000
    reply = Reply(200, (*JSON, ("Content-Encoding", "gzip")), bomb)
    error = fail_with(reply)
    assert type(error) is UnexpectedResponseError
    assert "far larger" in error.user_message


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress"])
def test_an_unsupported_content_encoding(encoding: str) -> None:
    error = fail_with(Reply(200, (*JSON, ("Content-Encoding", encoding)), b"\x00\x01\x02"))
    assert type(error) is UnexpectedResponseError
    assert f"(Content-Encoding {encoding})" in (error.detail.message or "")


def test_a_content_encoding_the_program_does_not_know_is_not_repeated() -> None:
    # Quoted, a key echoed there reached the details lower-cased and cut to 40 characters,
    # where the masking (looking for the key as sent) did not find it.
    error = fail_with(Reply(200, (*JSON, ("Content-Encoding", f"gzip, {KEY}")), b"{}"))
    assert type(error) is UnexpectedResponseError
    assert error.detail.message == (
        "answer packed in a way this program cannot read (an unknown Content-Encoding)"
    )


def test_a_hostile_error_message_is_cleaned_and_shortened() -> None:
    hostile = "\x1b[2J\x1b[31mALERT\u202e\r\nCall +1 555 0100 now " + "A" * 5000
    error = fail_with(
        Reply.kombo_error(
            400,
            "PLATFORM.INPUT_INVALID\n\x07",
            hostile,
            title="T\x00itle" * 100,
            log_url="javascript:alert(1)",
        )
    )
    detail = error.detail
    assert detail.message is not None and detail.title is not None and detail.code is not None
    for text in (detail.message, detail.title, detail.code, error.user_message):
        assert not any(ord(ch) < 32 or ch == "\u202e" for ch in text)
    assert len(detail.message) == MAX_DETAIL_CHARS
    assert len(detail.title) <= 200
    assert detail.log_url is None
    assert error.user_message == InputRejectedError.default_message  # too long to quote


# --- what the log keeps for support --------------------------------------------------------------


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The client's warnings about failed requests, as written to the log."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "kombo_desktop.core.client" and record.levelno == logging.WARNING
    ]


# Kombo's error shape sent with 200 is a refusal too, quoting the customer just the same.
@pytest.mark.parametrize("status", [400, 200])
def test_a_rejected_request_leaves_its_support_details_in_the_log_once(
    all_logs: pytest.LogCaptureFixture, status: int
) -> None:
    # The log held only "attempt 1: HTTP 400 after 0.00 s" and "failed after 1 attempt(s)".
    quoted = "end_user_email: anna.berg@bigcustomer.example already belongs to Big Customer"
    fail_with(Reply.kombo_error(status, "PLATFORM.INPUT_INVALID", quoted, log_url=LOG_URL))
    (line,) = failures_logged(all_logs)
    for part in (
        "Request: POST /connect/create-link",
        f"HTTP status: {status}",
        "Kombo error code: PLATFORM.INPUT_INVALID",
        f"Kombo log: {LOG_URL}",
        "Attempts: 1",
    ):
        assert part in line
    # Kombo's own words quote what was sent: a customer's details stay out of the log file,
    # which support asks for (its log link finds the request).
    assert "anna.berg" not in line and "Big Customer" not in line


def test_a_failed_connection_leaves_its_reason_in_the_log(
    all_logs: pytest.LogCaptureFixture,
) -> None:
    # The log said only "ConnectError", not why the connection failed.
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with (
        KomboClient(url, KEY, max_attempts=2, backoff_seconds=0) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.check_api_key()
    (line,) = failures_logged(all_logs)  # once for the request, not once per attempt
    assert caught.value.detail.message is not None
    assert "refused" in caught.value.detail.message.lower()
    assert caught.value.detail.message in line


def test_a_failure_found_in_a_successful_answer_is_logged_too(
    all_logs: pytest.LogCaptureFixture,
) -> None:
    fail_with(Reply.link("http://example.com/not-https"))
    (line,) = failures_logged(all_logs)
    assert "HTTP status: 200" in line and "link refused" in line


# --- the key never leaks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        Reply.kombo_error(
            401,
            "PLATFORM.AUTHENTICATION_INVALID",
            f"Key {KEY} is revoked",
            title=f"Bad {KEY}",
            log_url=f"https://app.kombo.dev/logs?key={KEY}",
        ),
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", f"Echo: Authorization: Bearer {KEY}"),
        Reply.kombo_error(409, f"CODE_{KEY}", f"You sent {KEY}"),
        Reply.text(500, f"Traceback: header Bearer {KEY}"),
        Reply.html(200, f"Login {KEY}"),
        Reply(200, JSON, f'{{"oops": "{KEY}"'.encode()),
        Reply.link(f"javascript:alert('{KEY}')"),
        Reply(302, (("Location", f"https://portal.example/?k={KEY}"),)),
    ],
)
def test_a_key_echoed_back_by_the_server_is_never_repeated(reply: Reply) -> None:
    error = fail_with(reply)  # fail_with and the log fixture check str(), detail and logs
    assert KEY not in repr(error.detail)
    assert KEY not in error.user_message


def test_text_checked_as_a_key_is_not_registered_yet_is_never_repeated(
    all_logs: pytest.LogCaptureFixture,
) -> None:
    """Settings checks what was typed in its key field without taking it for a key first
    (``register_key=False``: it may be an e-mail address typed there by mistake); the client
    masks it in what it reports all the same, should the server echo it."""
    from kombo_desktop.core.errors import AuthenticationError
    from kombo_desktop.core.logs import holds_registered_secret

    checked = "typed_in_settings_not_yet_a_key"
    reply = Reply.kombo_error(
        401, "PLATFORM.AUTHENTICATION_INVALID", f"Key {checked} is unknown", title=checked
    )
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, checked, register_key=False) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.check_api_key()
    assert server.requests[0].header("Authorization") == f"Bearer {checked}"
    assert not holds_registered_secret(checked)
    error = caught.value
    shown = f"{error}\n{error.user_message}\n{error.detail.as_support_text()}\n{error.detail!r}"
    assert checked not in shown
    assert checked not in all_logs.text


# Text Settings checks that is not shaped like a key (no digits), so nothing else masks it.
WORD_KEY = "Pineapple-Harbour-Meadow-Lantern"
_PORTAL = "https://portal.example/login?x="
# The key echoed where the client shortens what the server sent: a page's title is cut at 100
# characters, a redirect's address at 200. Each ends a character after the key starts to be cut.
ECHOED_ACROSS_A_CUT = {
    "html title": Reply.html(200, "A" * (100 - len(WORD_KEY)) + WORD_KEY + " sign in"),
    "redirect": Reply(
        302,
        (("Location", _PORTAL + "y" * (200 - len(_PORTAL) - len(WORD_KEY)) + WORD_KEY + "&m=1"),),
    ),
}


@pytest.mark.parametrize("shape", list(ECHOED_ACROSS_A_CUT))
def test_text_checked_as_a_key_echoed_across_a_cut_leaves_no_piece_of_it(shape: str) -> None:
    """The title of a page and a redirect's address were shortened before the key was masked,
    so the key, one character short, no longer matched and reached the log file and "Copy
    details" all but whole. Now the key is masked first, whatever its shape."""
    from kombo_desktop.core.logs import configure_logging, stop_logging
    from kombo_desktop.core.paths import AppPaths

    paths = AppPaths.from_environment()
    configure_logging(paths)
    try:
        with (
            FaultServer(ECHOED_ACROSS_A_CUT[shape]) as server,
            KomboClient(server.base_url, WORD_KEY, max_attempts=1, register_key=False) as client,
            pytest.raises(UnexpectedResponseError) as caught,
        ):
            client.check_api_key()
    finally:
        stop_logging()
    assert server.requests[0].header("Authorization") == f"Bearer {WORD_KEY}"
    logged = "".join(p.read_text("utf-8") for p in paths.log_dir.glob("kombo-desktop.log*"))
    assert "Request failed" in logged and "[hidden]" in logged
    support = caught.value.detail.as_support_text()
    assert "[hidden]" in support
    pieces = {WORD_KEY[start : start + 12] for start in range(len(WORD_KEY) - 11)}
    assert [piece for piece in pieces if piece in logged or piece in support] == []


@pytest.mark.parametrize("status", [401, 403])
def test_a_local_service_asking_for_a_key_none_was_sent_says_none_is_saved(status: int) -> None:
    """Without a saved key, requests to an address on this computer go without one (a local
    test service may need none). Its refusal is no refused key: there is none to mend."""
    from kombo_desktop.core.errors import MissingApiKeyError, is_key_refused

    refusal = Reply.kombo_error(status, "PLATFORM.AUTHENTICATION_INVALID", "Missing API key.")
    with (
        FaultServer(refusal) as server,
        KomboClient(server.base_url, None) as client,
        pytest.raises(MissingApiKeyError) as caught,
    ):
        client.create_link(REQUEST)
    assert server.requests[0].header("Authorization") is None
    error = caught.value
    assert not is_key_refused(error)
    assert error.user_message.startswith(
        "The service at 127.0.0.1 asks for an API key, and no key is saved for this profile."
    )
    assert error.user_message == messages.no_key_saved_message("127.0.0.1")
    assert error.detail.http_status == status
    assert error.detail.attempts == 1


def test_a_local_service_refusing_the_network_address_without_a_key_says_so() -> None:
    from kombo_desktop.core.errors import IpNotAllowedError

    refusal = Reply.kombo_error(403, "PLATFORM.IP_NOT_WHITELISTED", "IP not allowed.")
    with (
        FaultServer(refusal) as server,
        KomboClient(server.base_url, None) as client,
        pytest.raises(IpNotAllowedError),
    ):
        client.create_link(REQUEST)


@pytest.mark.parametrize("offset", [0, 480, 495, 5000])
def test_a_key_near_the_cut_is_masked_before_the_text_is_shortened(offset: int) -> None:
    """Shortening first could leave the start of the key just before the cut."""
    body = "\x00" * 3000 + "A" * offset + KEY + " and more text " * 50
    error = fail_with(Reply.text(500, body))
    assert KEY[:6] not in (error.detail.message or "")


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\x00", "\u2060"])
@pytest.mark.parametrize("kombo_body", [False, True])
def test_a_key_broken_up_by_invisible_characters_is_still_masked(
    hidden: str, kombo_body: bool
) -> None:
    """Cleaning drops invisible characters, which would put a key split by them back together
    on screen; the key must be masked in what is left, not only in what arrived."""
    split = hidden.join([KEY[:5], KEY[5:12], KEY[12:]])
    text = f"Your request with key {split} was refused."
    reply = Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", text) if kombo_body else None
    error = fail_with(reply or Reply.text(500, text))
    shown = f"{error.user_message}\n{error.detail.as_support_text()}"
    assert KEY not in shown
    assert KEY[:5] + KEY[5:12] not in shown


# A field may be named by its path in the request, as schema checkers write it: nested
# ("end_user.organization_name"), under the body ("body.end_user_email"), or with an index
# ("integration_tool.0"). Each is the form's field, named and marked as the flat name is.
PATHS_OF_FIELDS = [
    (
        "body.end_user_organization_name: Too long",
        "end_user_organization_name",
        "Organisation name: Too long",
        "Too long",
    ),
    ("integration_tool[0]: Expected string", "integration_tool", "Tool: Expected string", None),
    (
        "end_user.origin_id: Already linked",
        "end_user_origin_id",
        "Customer id: Already linked",
        None,
    ),
    # A nested path's last part, of two words or more, names the field too.
    (
        "origin_id: must not contain spaces",
        "end_user_origin_id",
        "Customer id: must not contain spaces",
        "Must not contain spaces",  # the mark starts a sentence
    ),
]


@pytest.mark.parametrize(("kombo_message", "field", "said", "mark"), PATHS_OF_FIELDS)
def test_a_field_named_by_its_path_is_the_forms_field(
    kombo_message: str, field: str, said: str, mark: str | None
) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == (field,)
    assert f"“{said}”. Check the fields" in error.user_message
    for raw in ("end_user", "body.", "integration_tool", "[0]", ".0"):
        assert raw not in error.user_message
    assert error.detail.message == kombo_message  # support sees Kombo's words
    # The mark says Kombo's reason without the field's name, which the field's label says.
    reason = mark or said.split(": ", 1)[1]
    assert rejected_field_message(kombo_message, field) == f"Kombo did not accept this: “{reason}”."


# A field named by its path, with a schema checker's verdict the program says in its own words:
# on the status line, and (after "it") under the field.
PATHS_OF_FIELDS_IN_OWN_WORDS = [
    (
        "end_user.organization_name: String must contain at least 1 character(s)",
        "end_user_organization_name",
        "the organisation name cannot be empty.",
        "cannot be empty",
    ),
    (
        "end_user.email: Invalid email",
        "end_user_email",
        INVALID_EMAIL_SAID,
        "is not a valid e-mail address",
    ),
    (
        "end_user.origin_id: Required",
        "end_user_origin_id",
        "the customer id cannot be empty.",
        "cannot be empty",
    ),
    (
        "end_user.origin_id: String must contain at most 64 character(s)",
        "end_user_origin_id",
        "the customer id is too long (at most 64 characters).",
        "is too long (at most 64 characters)",
    ),
]


@pytest.mark.parametrize(
    ("kombo_message", "field", "said", "predicate"), PATHS_OF_FIELDS_IN_OWN_WORDS
)
def test_a_field_named_by_its_path_is_the_forms_field_in_the_programs_words(
    kombo_message: str, field: str, said: str, predicate: str
) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == (field,)
    assert f"{said} Check the fields" in error.user_message
    for raw in ("end_user", "body.", "integration_tool", "[0]", ".0"):
        assert raw not in error.user_message
    assert error.detail.message == kombo_message  # support sees Kombo's words
    assert rejected_field_message(kombo_message, field) == (
        f"Kombo did not accept this: it {predicate}."
    )


@pytest.mark.parametrize(
    ("verdict", "predicate"),
    [
        ("String must contain at most 100 character(s)", "is too long (at most 100 characters)"),
        ("String must contain at most 1 character(s)", "is too long (at most 1 character)"),
        ("String must contain at least 1 character(s)", "cannot be empty"),
        ("String must contain at least 3 character(s)", "is too short (at least 3 characters)"),
        ("String must contain exactly 8 character(s)", "must have exactly 8 characters"),
        ("Invalid email", "is not a valid e-mail address"),
        ("Required", "cannot be empty"),
    ],
)
def test_a_schema_checkers_verdict_on_a_field_is_said_in_the_programs_own_words(
    verdict: str, predicate: str
) -> None:
    # "character(s)" and "received number" are a developer's shorthand, quoted in red under
    # the field on a screen the customer watches; the numbers are what the person needs. Said
    # plainly, the words are the program's, and were quoted after "Kombo did not accept this:"
    # as if Kombo had said them.
    kombo_message = f"body.end_user_origin_id: {verdict}"
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_origin_id",)
    assert error.user_message == (
        f"Kombo did not accept these details: the customer id {predicate}. Check the fields "
        "and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_origin_id") == (
        f"Kombo did not accept this: it {predicate}."
    )
    assert error.detail.message == kombo_message  # support sees Kombo's words


@pytest.mark.parametrize(
    "kombo_message", ["end_user_email: Invalid email", "body.end_user_email: Invalid email address"]
)
def test_a_refused_e_mail_address_is_named_once_on_the_status_line(kombo_message: str) -> None:
    # "“E-mail address: Not a valid e-mail address”": the field's name, then the same words
    # again as its reason.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        "Kombo did not accept these details: the e-mail address is not valid. Check the fields "
        "and try again."
    )
    assert error.user_message.lower().count("e-mail address") == 1
    assert rejected_field_message(kombo_message, "end_user_email") == INVALID_EMAIL_MARK
    assert error.detail.message == kombo_message  # support sees Kombo's words


@pytest.mark.parametrize(
    "kombo_message",
    [
        "body.end_user_origin_id: Expected string, received number",
        "end_user_origin_id: Expected boolean, received null",
        "integration_tool.0: Expected string, received number",
        "end_user_organization_name: Expected string, received null",
        json.dumps(
            [{"path": ["integration_tool", 0], "message": "Expected string, received number"}]
        ),
        # The same verdict said twice, after a full stop or a comma: it was quoted as jargon,
        # the field marked and "Check the fields" said.
        "end_user_email: Expected string, received number. Expected string, received number",
        "end_user_email: Expected string, received number, Expected string, received number",
    ],
)
def test_a_field_sent_in_the_wrong_form_is_the_programs_problem(kombo_message: str) -> None:
    # "the customer id is not in the form Kombo expects. Check the fields and try again.": the
    # program chose the kind of value it sent, and nothing typed into the field could mend it.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == messages.PROGRAM_INPUT_REJECTED_MESSAGE
    assert "Check the fields" not in error.user_message
    assert error.fields == ()  # no field is marked for the person to change
    assert error.detail.message == " ".join(kombo_message.split())  # support sees Kombo's words


def test_a_field_sent_in_the_wrong_form_beside_a_field_to_correct_is_sent_to_support() -> None:
    kombo_message = (
        "end_user_email: Invalid email; end_user_origin_id: Expected string, received number"
    )
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields. Kombo also "
        "refused something the program sent, which cannot be changed here: press “Copy details” "
        "and send them to support."
    )
    assert error.fields == ("end_user_email",)
    assert error.detail.message == kombo_message


def test_the_programs_words_and_kombos_are_told_apart() -> None:
    # Kombo's own words about a field stay quoted, after the program's sentence: only they are
    # what Kombo said.
    kombo_message = (
        "end_user_organization_name: String must contain at most 100 character(s). It is "
        "shown on the login page; scope_config_id: Unknown scope config"
    )
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        "Kombo did not accept these details: the organisation name is too long (at most 100 "
        "characters). Kombo also said about the organisation name: “It is shown on the login "
        "page”. It also said: “Scope config id: Unknown scope config”. Check the fields and try "
        "again."
    )
    marks = {field: rejected_field_message(kombo_message, field) for field in error.fields}
    assert marks == {
        "end_user_organization_name": (
            "Kombo did not accept this: it is too long (at most 100 characters). Kombo also "
            "said: “It is shown on the login page”."
        ),
        "scope_config_id": "Kombo did not accept this: “Unknown scope config”.",
    }
    assert error.detail.message == kombo_message  # support sees Kombo's words


def test_kombos_further_words_about_a_field_already_named_are_quoted_as_kombo_said_them() -> None:
    # "the e-mail address is not valid. Kombo also said: “E-mail address: Please use a company
    # address.”": the field was named twice, and the label the program put before Kombo's
    # words stood inside Kombo's quotes, as if Kombo had said it.
    kombo_message = "end_user_email: Invalid email. Please use a company address."
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: “Please use "
        "a company address.” Check the fields and try again."
    )
    assert error.user_message.lower().count("e-mail address") == 1
    assert error.detail.message == kombo_message  # support sees Kombo's words


def test_kombos_further_words_about_several_fields_say_which_field_each_is_about() -> None:
    # Two fields each with a verdict and words of Kombo's: quoted one after the other without
    # the field's name, the person could not tell which words were about which field.
    kombo_message = (
        "end_user_email: Invalid email. Please use a company address; "
        "end_user_organization_name: String must contain at least 1 character(s). It is shown "
        "to your staff."
    )
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        "Kombo did not accept these details: the e-mail address is not valid; the organisation "
        "name cannot be empty. Kombo also said about the e-mail address: “Please use a company "
        "address”; about the organisation name: “It is shown to your staff.” Check the fields "
        "and try again."
    )


def test_kombos_further_words_about_one_of_two_fields_named_say_which_field() -> None:
    # "the e-mail address is not valid; the organisation name cannot be empty. Kombo also said:
    # “Please use a company address.”" would leave the person to guess which field it meant.
    kombo_message = (
        "end_user_email: Invalid email. Please use a company address; "
        "end_user_organization_name: String must contain at least 1 character(s)"
    )
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        "Kombo did not accept these details: the e-mail address is not valid; the organisation "
        "name cannot be empty. Kombo also said about the e-mail address: “Please use a company "
        "address”. Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "quoted"),
    [
        # A comma before a field's path was taken for the start of a new point: the quote
        # had Kombo's comma turned into a semicolon ("…address; e-mail address: bad").
        (
            "Error: Invalid email, end_user_email: bad",
            "“Error: Invalid email, e-mail address: bad”",
        ),
        # A verdict parted from what followed its comma quoted the punctuation alone ("“, ,”").
        (
            "end_user_email: Invalid email,, ,",
            "“E-mail address: Invalid email,, ,”",
        ),
        # A comma goes on about the same point: "unlike …" is no point of its own.
        (
            "end_user_email: Must be a company address, unlike end_user_organization_name",
            "“E-mail address: Must be a company address, unlike organisation name”",
        ),
    ],
)
def test_a_comma_in_a_refusal_is_quoted_as_kombo_wrote_it(kombo_message: str, quoted: str) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == (
        f"Kombo did not accept these details: {quoted}. Check the fields and try again."
    )


def test_a_comma_not_followed_by_a_field_does_not_cut_a_refusal() -> None:
    # "…, as a rule" goes on about the same point.
    kombo_message = "end_user_email: Must differ from end_user_organization_name, as a rule"
    assert rejected_field_message(kombo_message, "end_user_email") == (
        "Kombo did not accept this: “E-mail address: Must differ from organisation name, as a "
        "rule”."
    )
    assert rejected_field_message(
        "end_user_email: Must be a company address, unlike end_user_organization_name",
        "end_user_email",
    ) == (
        "Kombo did not accept this: “E-mail address: Must be a company address, unlike "
        "organisation name”."
    )


def test_kombos_further_words_about_a_field_named_again_go_with_its_other_words() -> None:
    # "Kombo also said: “E-mail address: Must not be a free mail address”. About the e-mail
    # address, it said: “Please use a company address.”": a second point about the e-mail
    # address was quoted with the field's name, before Kombo's first words about it.
    kombo_message = (
        "end_user_email: Invalid email. Please use a company address. "
        "end_user_email: Must not be a free mail address"
    )
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: “Please use "
        "a company address. Must not be a free mail address”. Check the fields and try again."
    )


def test_verdicts_about_one_field_are_said_together_and_its_words_without_its_name() -> None:
    # "the e-mail address is not valid; the e-mail address is too long …. Kombo also said about
    # the e-mail address: “…”": one field named twice, as if two were refused.
    kombo_message = (
        "end_user_email: Invalid email. Please use a company address; "
        "end_user_email: String must contain at most 5 character(s)"
    )
    assert input_rejected_message(kombo_message) == (
        "Kombo did not accept these details: the e-mail address is not valid and is too long (at "
        "most 5 characters). Kombo also said: “Please use a company address”. Check the fields "
        "and try again."
    )


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_organization_name: Required",
        "body.end_user.organization_name: Required.",
        json.dumps([{"path": ["end_user_organization_name"], "message": "Required"}]),
    ],
)
def test_a_field_kombo_calls_required_is_said_to_be_empty_in_the_programs_words(
    kombo_message: str,
) -> None:
    # "Kombo did not accept these details: “Organisation name: Required”.": a schema checker's
    # word for a field left out or empty, quoted at a customer watching the screen, where
    # "String must contain at least 1 character(s)" for the same field was said plainly.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_organization_name",)
    assert error.user_message == (
        "Kombo did not accept these details: the organisation name cannot be empty. Check the "
        "fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name") == (
        "Kombo did not accept this: it cannot be empty."
    )
    assert error.detail.message == " ".join(kombo_message.split())  # support sees Kombo's words


def test_a_field_kombo_calls_required_beside_its_other_words_is_said_in_the_programs_words() -> (
    None
):
    # "It also said: “Organisation name: Required. organisation name: must be unique”": the
    # schema checker's word was quoted between verdicts the program said plainly.
    kombo_message = (
        "end_user_email: Invalid email. Please use a company address. "
        "end_user_organization_name: Required. end_user_organization_name: must be unique"
    )
    sent = ("anna@example.com", "Acme GmbH")
    assert input_rejected_message(kombo_message, sent) == (
        "Kombo did not accept these details: the e-mail address is not valid; the organisation "
        "name cannot be empty. Kombo also said about the e-mail address: “Please use a company "
        "address.”; about the organisation name: “Must be unique”. Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name", sent) == (
        "Kombo did not accept this: it cannot be empty. Kombo also said: “Must be unique”."
    )


@pytest.mark.parametrize(
    ("kombo_message", "said", "mark"),
    [
        (
            "end_user_organization_name: Required for HRIS links",
            "Organisation name: Required for HRIS links",
            "Required for HRIS links",
        ),
        (
            "end_user_organization_name: Required to show on the login page",
            "Organisation name: Required to show on the login page",
            "Required to show on the login page",
        ),
    ],
)
def test_required_within_more_of_kombos_words_about_a_field_stays_kombos(
    kombo_message: str, said: str, mark: str
) -> None:
    # Only "Required" as a sentence of its own is the schema checker's verdict: within a
    # longer sentence it is Kombo's, quoted as Kombo wrote it.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: “{said}”. Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name") == (
        f"Kombo did not accept this: “{mark}”."
    )


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_organization_name: Required. Ask your customer for it",
        "end_user_organization_name: Field required. Ask your customer for it",
        "end_user_organization_name: Required, ask your customer for it",
    ],
)
def test_required_followed_by_kombos_words_quotes_only_what_follows(kombo_message: str) -> None:
    # "the organisation name cannot be empty" was said plainly only for "Required" alone;
    # with Kombo's advice after it the whole was quoted, "Required" and all, in the schema
    # checker's word the person does not use.
    assert input_rejected_message(kombo_message) == (
        "Kombo did not accept these details: the organisation name cannot be empty. Kombo also "
        "said: “Ask your customer for it”. Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name") == (
        "Kombo did not accept this: it cannot be empty. Kombo also said: “Ask your customer for "
        "it”."
    )


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_email: Invalid email, please use a company address",
        "body.end_user_email: Invalid email address, please use a company address",
    ],
)
def test_a_verdict_kombo_goes_on_from_with_a_comma_is_not_quoted_again(
    kombo_message: str,
) -> None:
    # "Kombo did not accept these details: “E-mail address: Not a valid e-mail address,
    # please use a company address”": the program's own words for "Invalid email" stood
    # inside Kombo's quotes, and the person read the verdict in both voices. Only what Kombo
    # went on to say is quoted now.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: “Please use "
        "a company address”. Check the fields and try again."
    )
    assert error.user_message.lower().count("valid") == 1
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"{INVALID_EMAIL_MARK} Kombo also said: “Please use a company address”."
    )
    assert error.detail.message == " ".join(kombo_message.split())  # support sees Kombo's words


@pytest.mark.parametrize(
    ("kombo_message", "quoted"),
    [
        # After the verdict's comma comes another part of the request: no rule says whether
        # Kombo meant it as a point of its own.
        (
            "end_user_email: Invalid email, foo_bar: bad",
            "“E-mail address: Invalid email, foo_bar: bad”",
        ),
        # The comma comes after words of Kombo's own, not after a verdict.
        (
            "end_user_email: Please use a company address, not a valid e-mail address",
            "“E-mail address: Please use a company address, not a valid e-mail address”",
        ),
    ],
)
def test_a_refusal_not_parted_at_its_comma_is_quoted_whole_as_kombo_wrote_it(
    kombo_message: str, quoted: str
) -> None:
    # The refusal is quoted whole, as any refusal the program does not part: a verdict in it
    # ("Invalid email") as Kombo wrote it, not in the program's words inside Kombo's quotes.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {quoted}. Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "field", "status_line_said", "under_the_field"),
    [
        (
            "end_user_email: Invalid email, Invalid email",
            "end_user_email",
            INVALID_EMAIL_SAID,
            INVALID_EMAIL_MARK,
        ),
        (
            "end_user_email: Invalid email; end_user_email: Invalid email",
            "end_user_email",
            INVALID_EMAIL_SAID,
            INVALID_EMAIL_MARK,
        ),
        (
            "end_user_origin_id: String must contain at most 5 character(s), String must contain "
            "at most 5 character(s)",
            "end_user_origin_id",
            "the customer id is too long (at most 5 characters).",
            "Kombo did not accept this: it is too long (at most 5 characters).",
        ),
    ],
)
def test_a_verdict_kombo_says_twice_is_said_once(
    kombo_message: str, field: str, status_line_said: str, under_the_field: str
) -> None:
    # "the e-mail address is not valid and is not valid.", nothing of it quoted as well.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {status_line_said} Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, field) == under_the_field


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_email: value is not a valid email address: An email address must have an @-sign.",
        json.dumps(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "end_user_email"],
                    "msg": "value is not a valid email address: An email address must have an "
                    "@-sign.",
                }
            ]
        ),
    ],
)
def test_pydantics_email_verdict_and_its_explanation_after_a_colon_are_told_apart(
    kombo_message: str,
) -> None:
    # "“E-mail address: Not a valid e-mail address: An email address must have an @-sign.”":
    # pydantic's verdict, said in the program's words, stood inside Kombo's quotes.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: “An email "
        "address must have an @-sign.” Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"{INVALID_EMAIL_MARK} Kombo also said: “An email address must have an @-sign.”"
    )


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_email: This value is not a valid email address.",  # Symfony's
        "end_user_email: The value is not a valid email address",
    ],
)
def test_a_validators_sentence_that_the_value_is_no_e_mail_address_is_its_verdict(
    kombo_message: str,
) -> None:
    # "“E-mail address: This Not a valid e-mail address.”": the program's words for the
    # verdict were swapped into the middle of Symfony's sentence.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == INVALID_EMAIL_MARK


def test_a_value_said_to_be_no_e_mail_address_within_kombos_sentence_stays_kombos() -> None:
    kombo_message = "end_user_email: Kombo says the value is not a valid email address here"
    assert input_rejected_message(kombo_message) == (
        "Kombo did not accept these details: “E-mail address: Kombo says the value is not a "
        "valid email address here”. Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "quoted"),
    [
        # zod's verdict that Kombo carries on: the program's words for it stood inside
        # Kombo's quotes, as if Kombo had written them.
        (
            "end_user_email: Invalid email, unless it is a test account",
            "“E-mail address: Invalid email, unless it is a test account”.",
        ),
        (
            "end_user_email: Invalid email address, unless it is a test account",
            "“E-mail address: Invalid email address, unless it is a test account”.",
        ),
        # After the verdict's comma, another part of the request.
        (
            "end_user_email: Invalid email, foo_bar: bad",
            "“E-mail address: Invalid email, foo_bar: bad”.",
        ),
        # After it, a schema checker's bare verdict: jargon when quoted alone (it was
        # "…is not valid. Kombo also said: “Required”").
        (
            "end_user_email: Invalid email. Required",
            "“E-mail address: Invalid email. Required”.",
        ),
        # zod's type verdict is a bare verdict too: quoted with the e-mail verdict before it,
        # not said as the program's second verdict on a field no typing can mend.
        (
            "end_user_email: Invalid email, Expected string, received number",
            "“E-mail address: Invalid email, Expected string, received number”.",
        ),
        # The same after a full stop: the type verdict was said in the program's words and
        # the e-mail verdict quoted alone after it ("Kombo also said: “Invalid email.”").
        (
            "end_user_email: Invalid email. Expected string, received number",
            "“E-mail address: Invalid email. Expected string, received number”.",
        ),
    ],
)
def test_zods_email_verdict_quoted_in_kombos_sentence_stays_as_kombo_wrote_it(
    kombo_message: str, quoted: str
) -> None:
    # "Kombo did not accept these details: “E-mail address: Not a valid e-mail address, unless
    # it is a test account”": the quotes said Kombo wrote words the program chose.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {quoted} Check the fields and try again."
    )
    said_of_the_field = kombo_message.removeprefix("end_user_email: ")
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"Kombo did not accept this: “{said_of_the_field}”."
    )


@pytest.mark.parametrize(
    "kombo_message",
    ["end_user_email: Invalid email", "end_user_email: Invalid email address."],
)
def test_zods_email_verdict_alone_is_said_in_the_programs_words(kombo_message: str) -> None:
    # All Kombo said of the field: the program says it plainly, on both lines alike, and
    # quotes nothing, since Kombo said nothing more.
    status_line = input_rejected_message(kombo_message)
    under_the_field = rejected_field_message(kombo_message, "end_user_email")
    assert (status_line, under_the_field) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields and try again.",
        INVALID_EMAIL_MARK,
    )
    assert "nvalid email" not in f"{status_line} {under_the_field}"


def _quotations(text: str) -> list[str]:
    """The words ``text`` puts in quotation marks: those it says are Kombo's."""
    return re.findall(r"“(.*?)”", text)


@pytest.mark.parametrize(
    ("kombo_message", "field"),
    [
        # zod's length verdict that Kombo carries on with a condition, in the same sentence or
        # the next: the program's words for it ("At most 100 characters, unless …") stood
        # inside Kombo's quotes, as if Kombo had written them.
        (
            "end_user_organization_name: String must contain at most 100 character(s), unless "
            "you use an embedded link",
            "end_user_organization_name",
        ),
        (
            "end_user_origin_id: String must contain at least 1 character(s). Only for HRIS links",
            "end_user_origin_id",
        ),
        (
            "end_user_origin_id: String must contain exactly 8 character(s), or leave it out",
            "end_user_origin_id",
        ),
        # zod's type verdict carried on: "Not in the form Kombo expects, unless …" in quotes.
        (
            "end_user_origin_id: Expected string, received number, unless you use an embedded link",
            "end_user_origin_id",
        ),
        # zod's type verdict after another verdict's full stop, a bare verdict: parted, the
        # verdict before it was quoted alone ("Kombo also said: “Required.”") or said as the
        # program's second verdict on a field no typing can mend.
        (
            "end_user_email: Required. Expected string, received number",
            "end_user_email",
        ),
        (
            "end_user_organization_name: String must contain at most 5 character(s). Expected "
            "string, received number",
            "end_user_organization_name",
        ),
        # After the verdict, another part of the request, or a scrap after its colon.
        (
            "end_user_organization_name: String must contain at most 100 character(s), "
            "foo_bar: bad",
            "end_user_organization_name",
        ),
        (
            "end_user_organization_name: String must contain at most 100 character(s): The name",
            "end_user_organization_name",
        ),
    ],
)
def test_zods_length_and_type_verdicts_quoted_in_kombos_sentence_stay_as_kombo_wrote_them(
    kombo_message: str, field: str
) -> None:
    # "Kombo did not accept these details: “Organisation name: At most 100 characters, unless
    # you use an embedded link”": words Kombo never said, inside its quotes.
    status_line = input_rejected_message(kombo_message)
    assert status_line is not None
    under_the_field = rejected_field_message(kombo_message, field)
    said_of_the_field = kombo_message.split(": ", 1)[1]
    form_name = FORM_NAMES[field].capitalize()
    assert status_line == (
        f"Kombo did not accept these details: “{form_name}: {said_of_the_field}”. Check the "
        "fields and try again."
    )
    assert under_the_field == f"Kombo did not accept this: “{said_of_the_field}”."
    # Whatever is quoted, on either line, is Kombo's words as written.
    for quoted in [*_quotations(status_line), *_quotations(under_the_field)]:
        assert quoted.removeprefix(f"{form_name}: ") in kombo_message


@pytest.mark.parametrize(
    ("kombo_message", "field", "predicate", "further", "status_line_said"),
    [
        # Kombo goes on with a sentence of its own, after a full stop, a comma or a semicolon:
        # only that sentence is Kombo's to quote.
        (
            "end_user_organization_name: String must contain at most 100 character(s). Please "
            "shorten it",
            "end_user_organization_name",
            "is too long (at most 100 characters)",
            "Please shorten it",
            "the organisation name is too long (at most 100 characters)",
        ),
        (
            "end_user_organization_name: String must contain at most 100 character(s), please "
            "shorten it",
            "end_user_organization_name",
            "is too long (at most 100 characters)",
            "Please shorten it",
            "the organisation name is too long (at most 100 characters)",
        ),
        (
            "end_user_organization_name: String must contain at least 1 character(s); please "
            "fill it in",
            "end_user_organization_name",
            "cannot be empty",
            "Please fill it in",
            "the organisation name cannot be empty",
        ),
        (
            "end_user_origin_id: Expected string, received number. Please send it as text",
            "end_user_origin_id",
            "is not in the form Kombo expects",
            "Please send it as text",
            "the customer id is not in the form Kombo expects",
        ),
        # Another verdict of zod's after the first: both in the program's words.
        (
            "end_user_email: Invalid email, String must contain at most 5 character(s)",
            "end_user_email",
            "is not a valid e-mail address and is too long (at most 5 characters)",
            "",
            "the e-mail address is not valid and is too long (at most 5 characters)",
        ),
    ],
)
def test_zods_length_and_type_verdicts_before_a_sentence_of_kombos_own_are_said_plainly(
    kombo_message: str, field: str, predicate: str, further: str, status_line_said: str
) -> None:
    # The verdict is the program's sentence; Kombo's own sentence after it is quoted alone.
    also = f" Kombo also said: “{further}”." if further else ""
    assert rejected_field_message(kombo_message, field) == (
        f"Kombo did not accept this: it {predicate}.{also}"
    )
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {status_line_said}.{also} Check the fields and "
        "try again."
    )


def test_zods_length_verdicts_said_plainly_are_not_too_long_to_say_in_zods_wording() -> None:
    # Three fields too long, each in zod's wording: longer than a refusal quoted to the person
    # may be, though all of it is said in the program's shorter words. "Kombo did not accept
    # the organisation name, customer id and e-mail address" would leave out the lengths.
    kombo_message = (
        "body.end_user.organization_name: String must contain at most 100 character(s); "
        "body.end_user.origin_id: String must contain at most 64 character(s); "
        "body.end_user.email: String must contain at most 254 character(s)"
    )
    assert len(kombo_message) > MAX_SHORT_CHARS
    assert input_rejected_message(kombo_message) == (
        "Kombo did not accept these details: the organisation name is too long (at most 100 "
        "characters); the customer id is too long (at most 64 characters); the e-mail address "
        "is too long (at most 254 characters). Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        "Kombo did not accept this: it is too long (at most 254 characters)."
    )


def test_kombos_further_words_about_a_field_read_as_written_on_both_lines() -> None:
    # The status line quoted "…; Must not be a free mailer", a capital Kombo never wrote, inside
    # its quotes, while the line under the field quoted "…; must not be a free mailer".
    kombo_message = (
        "end_user_email: Invalid email, please use a company address; end_user_email: must not "
        "be a free mailer"
    )
    kombo_said = "Kombo also said: “Please use a company address; must not be a free mailer”."
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} {kombo_said} Check the fields "
        "and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"{INVALID_EMAIL_MARK} {kombo_said}"
    )


def test_zods_verdicts_kombo_carries_on_too_long_to_quote_give_way_to_the_fields_named() -> None:
    # Three fields, each with zod's verdict carried on by a condition: quoted as Kombo wrote
    # them, the status line quoted 227 characters, past what a quote to the person may be.
    kombo_message = (
        "end_user_email: String must contain at most 100 character(s), unless embedded; "
        "end_user_organization_name: String must contain at most 100 character(s), unless "
        "embedded; end_user_origin_id: String must contain at most 50 character(s), unless X"
    )
    assert len(kombo_message) > MAX_SHORT_CHARS
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert error.user_message == (
        "Kombo did not accept the e-mail address, organisation name and customer id. Check the "
        "marked fields and try again; if it keeps happening, copy the details for support."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        "Kombo did not accept this e-mail address."
    )


def test_a_verdict_kombo_carries_on_and_another_said_plainly_read_the_same_on_both_lines() -> None:
    # Under the field the program's "It cannot be empty" stood inside Kombo's quotes, after
    # its carried-on length verdict, while the status line said it as the program's sentence.
    kombo_message = (
        "end_user_organization_name: String must contain at most 100 character(s), unless "
        "embedded; end_user_organization_name: Required"
    )
    kombo_said = "Kombo also said: “String must contain at most 100 character(s), unless embedded”."
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: the organisation name cannot be empty. {kombo_said} "
        "Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name") == (
        f"Kombo did not accept this: it cannot be empty. {kombo_said}"
    )


def test_zods_length_verdict_in_a_refusal_about_no_field_is_quoted_as_kombo_wrote_it() -> None:
    # "Kombo did not accept these details: “Too long: At most 100 characters”": the program's
    # words inside Kombo's quotes, about no field the person could mend by them.
    kombo_message = "Too long: String must contain at most 100 character(s)"
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: “{kombo_message}”. Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "field", "said", "mark"),
    [
        # pydantic's or Symfony's verdict that Kombo carries on, or that stands within a
        # sentence of Kombo's: the program's words for it stood inside Kombo's quotes.
        (
            "end_user_email: value is not a valid email address, unless it is a test account",
            "end_user_email",
            "E-mail address: value is not a valid email address, unless it is a test account",
            "Value is not a valid email address, unless it is a test account",
        ),
        (
            "end_user_email: value is not a valid email address: the domain example.com is blocked",
            "end_user_email",
            "E-mail address: value is not a valid email address: the domain example.com is blocked",
            "Value is not a valid email address: the domain example.com is blocked",
        ),
        (
            "end_user_email: This value is not a valid email address, unless verified",
            "end_user_email",
            "E-mail address: This value is not a valid email address, unless verified",
            "This value is not a valid email address, unless verified",
        ),
        (
            "end_user_email: Kombo says: the value is not a valid email address here",
            "end_user_email",
            "E-mail address: Kombo says: the value is not a valid email address here",
            "Kombo says: the value is not a valid email address here",
        ),
        # Kombo's condition on the verdict in a sentence of its own, or after a colon or a
        # comma: said alone, the verdict left the condition out.
        (
            "end_user_organization_name: Required. Unless you make an embedded link.",
            "end_user_organization_name",
            "Organisation name: Required. Unless you make an embedded link.",
            "Required. Unless you make an embedded link.",
        ),
        (
            "end_user_organization_name: Required. Only for HRIS links",
            "end_user_organization_name",
            "Organisation name: Required. Only for HRIS links",
            "Required. Only for HRIS links",
        ),
        (
            "end_user_origin_id: Exactly 5 characters. Unless you make an embedded link.",
            "end_user_origin_id",
            "Customer id: Exactly 5 characters. Unless you make an embedded link.",
            "Exactly 5 characters. Unless you make an embedded link.",
        ),
        (
            "end_user_origin_id: Exactly 5 characters: It may also be left empty",
            "end_user_origin_id",
            "Customer id: Exactly 5 characters: It may also be left empty",
            "Exactly 5 characters: It may also be left empty",
        ),
        (
            "end_user_organization_name: Required: This applies only to HRIS links",
            "end_user_organization_name",
            "Organisation name: Required: This applies only to HRIS links",
            "Required: This applies only to HRIS links",
        ),
        (
            "end_user_organization_name: Required, please, unless you make an embedded link",
            "end_user_organization_name",
            "Organisation name: Required, please, unless you make an embedded link",
            "Required, please, unless you make an embedded link",
        ),
        (
            "end_user_organization_name: Required, please fill it in unless you make an "
            "embedded link",
            "end_user_organization_name",
            "Organisation name: Required, please fill it in unless you make an embedded link",
            "Required, please fill it in unless you make an embedded link",
        ),
        (
            "end_user_organization_name: Required, use case dependent",
            "end_user_organization_name",
            "Organisation name: Required, use case dependent",
            "Required, use case dependent",
        ),
        # Kombo's words after the verdict carry it on: what they add is a condition on it,
        # which the program's sentence alone would leave out.
        (
            "end_user_organization_name: Required, unless you make an embedded link",
            "end_user_organization_name",
            "Organisation name: Required, unless you make an embedded link",
            "Required, unless you make an embedded link",
        ),
        (
            "end_user_origin_id: Exactly 5 characters, or leave it empty",
            "end_user_origin_id",
            "Customer id: Exactly 5 characters, or leave it empty",
            "Exactly 5 characters, or leave it empty",
        ),
        (
            "end_user_organization_name: Required, but only for HRIS",
            "end_user_organization_name",
            "Organisation name: Required, but only for HRIS",
            "Required, but only for HRIS",
        ),
        # "Inc." ends the customer's name, no sentence of Kombo's starts there: parted, the
        # program said the organisation name was empty.
        (
            "end_user_organization_name: Required, Inc. already has a link",
            "end_user_organization_name",
            "Organisation name: Required, Inc. already has a link",
            "Required, Inc. already has a link",
        ),
        # After the comma, punctuation alone, or another part of the request.
        (
            "end_user_organization_name: Required, ...",
            "end_user_organization_name",
            "Organisation name: Required, ...",
            "Required, ...",
        ),
        (
            "end_user_organization_name: Required, foo_bar: bad",
            "end_user_organization_name",
            "Organisation name: Required, foo_bar: bad",
            "Required, foo_bar: bad",
        ),
        # After the comma, a schema checker's bare verdict, jargon when quoted alone.
        (
            "end_user_email: Invalid email, Required",
            "end_user_email",
            "E-mail address: Invalid email, Required",
            "Invalid email, Required",
        ),
        # After the verdict, only a word of advice, or a scrap of a sentence after its colon.
        (
            "end_user_organization_name: Required, please.",
            "end_user_organization_name",
            "Organisation name: Required, please.",
            "Required, please.",
        ),
        (
            "end_user_email: Invalid email: The address",
            "end_user_email",
            "E-mail address: Invalid email: The address",
            "Invalid email: The address",
        ),
    ],
)
def test_a_verdict_kombo_carries_on_or_leaves_a_scrap_after_is_quoted_whole(
    kombo_message: str, field: str, said: str, mark: str
) -> None:
    # "the organisation name cannot be empty. Kombo also said: “Only for HRIS links”": the
    # program stated a verdict Kombo had limited; "Kombo also said: “please.”" and “The
    # address” quoted scraps; "Kombo did not accept this: “It cannot be empty, foo_bar: bad”"
    # had the program's words in Kombo's quotes under the field, while the status line quoted
    # "Required". Kombo's words are quoted whole, as Kombo wrote them.
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: “{said}”{'' if said.endswith('.') else '.'} "
        "Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, field) == (
        f"Kombo did not accept this: “{mark}”{'' if mark.endswith('.') else '.'}"
    )


@pytest.mark.parametrize(
    ("kombo_message", "field", "said", "predicate"),
    [
        (
            "end_user_organization_name: Field required",
            "end_user_organization_name",
            "the organisation name cannot be empty.",
            "cannot be empty",
        ),
        (
            "body.end_user_origin_id: field required",
            "end_user_origin_id",
            "the customer id cannot be empty.",
            "cannot be empty",
        ),
        (
            json.dumps(
                [
                    {
                        "type": "missing",
                        "loc": ["body", "end_user_organization_name"],
                        "msg": "Field required",
                    }
                ]
            ),
            "end_user_organization_name",
            "the organisation name cannot be empty.",
            "cannot be empty",
        ),
        (
            "end_user_email: value is not a valid email address",
            "end_user_email",
            INVALID_EMAIL_SAID,
            "is not a valid e-mail address",
        ),
        (
            json.dumps(
                [{"loc": ["body", "end_user_email"], "msg": "value is not a valid email address"}]
            ),
            "end_user_email",
            INVALID_EMAIL_SAID,
            "is not a valid e-mail address",
        ),
    ],
)
def test_another_validators_wording_of_a_verdict_is_said_in_the_programs_own_words(
    kombo_message: str, field: str, said: str, predicate: str
) -> None:
    # "Kombo did not accept these details: “Organisation name: Field required”": the same
    # verdict as zod's "Required", in pydantic's words, was quoted as it came.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == (field,)
    assert error.user_message == (
        f"Kombo did not accept these details: {said} Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, field) == (
        f"Kombo did not accept this: it {predicate}."
    )


def test_a_fields_name_starting_a_sentence_in_kombos_words_takes_a_capital() -> None:
    # "“E-mail address: Already in use. organisation name: must be unique”": the field's
    # form name starting Kombo's second sentence stayed in lower case, where the first one
    # took a capital.
    kombo_message = "end_user_email: Already in use. end_user_organization_name: must be unique"
    assert input_rejected_message(kombo_message) == (
        "Kombo did not accept these details: “E-mail address: Already in use. Organisation "
        "name: must be unique”. Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "said"),
    [
        # After a semicolon the sentence goes on.
        (
            "end_user_email: Already in use; end_user_organization_name: must be unique",
            "E-mail address: Already in use; organisation name: must be unique",
        ),
        # Within a sentence the name stays as Kombo wrote its words around it.
        (
            "end_user_email: must differ from end_user_organization_name! Use another",
            "E-mail address: must differ from organisation name! Use another",
        ),
    ],
)
def test_a_fields_name_within_a_sentence_of_kombos_stays_in_lower_case(
    kombo_message: str, said: str
) -> None:
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: “{said}”. Check the fields and try again."
    )


def test_a_mark_quoting_kombos_words_whole_starts_each_sentence_with_a_capital() -> None:
    # Each point names both fields, so the mark under each quotes Kombo's words whole.
    kombo_message = (
        "end_user_email: must differ from end_user_organization_name. "
        "end_user_organization_name: must differ from end_user_email"
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        "Kombo did not accept this: “E-mail address: must differ from organisation name. "
        "Organisation name: must differ from e-mail address”."
    )


@pytest.mark.parametrize("words", ["e.g. foo: bar", "http://acme.example is not allowed"])
def test_kombos_words_quoted_after_a_verdict_keep_their_first_letter(words: str) -> None:
    # "Kombo also said: “E.g. foo: bar”": made to start a sentence, Kombo's words were changed
    # inside the quotes that say they are Kombo's.
    kombo_message = f"end_user_email: Invalid email. {words}"
    assert input_rejected_message(kombo_message) == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: "
        f"“{words}”. Check the fields and try again."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"{INVALID_EMAIL_MARK} Kombo also said: “{words}”."
    )
    assert rejected_field_message(f"end_user_email: {words}", "end_user_email") == (
        f"Kombo did not accept this: “{words}”."
    )


def test_an_ordinary_first_word_of_kombos_is_still_said_with_a_capital() -> None:
    kombo_message = "end_user_email: Invalid email. please use a company address"
    assert rejected_field_message(kombo_message, "end_user_email") == (
        f"{INVALID_EMAIL_MARK} Kombo also said: “Please use a company address”."
    )


def test_several_fields_named_by_their_paths_each_get_their_own_words() -> None:
    message = "end_user.email: Invalid email; end_user.organization_name: Required"
    assert fields_named(message) == ("end_user_email", "end_user_organization_name")
    assert rejected_field_message(message, "end_user_organization_name") == (
        "Kombo did not accept this: it cannot be empty."
    )


@pytest.mark.parametrize(
    "kombo_message",
    [
        "end_user_emails: Invalid value",  # near misses of the form's names
        "my_integration_id: Invalid value",
        "end_user.mail: Invalid value",
        "end_user_email_x.0: Invalid value",
    ],
)
def test_near_misses_of_a_fields_path_are_not_taken_for_it(kombo_message: str) -> None:
    assert fields_named(kombo_message) == ()


@pytest.mark.parametrize(
    "kombo_message",
    [
        "foo_bar: Expected string, received number",
        "end_user.name: Required",
        "Invalid input: request.extra_options: Unrecognized key(s) in object",
        "end_user_emails: Invalid value; foo_bar: Required",
    ],
)
def test_a_refusal_of_a_field_the_form_does_not_have_says_the_typed_details_look_fine(
    kombo_message: str,
) -> None:
    # The person was told to check the fields, none was marked, and Kombo's own names for
    # the request's parts were quoted at them: re-sending the same form was all they could do.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ()
    assert error.user_message == messages.PROGRAM_INPUT_REJECTED_MESSAGE
    assert "look fine" in error.user_message and "“Copy details”" in error.user_message
    assert "Check the fields" not in error.user_message
    for raw in ("foo_bar", "end_user", "extra_options", "_"):
        assert raw not in error.user_message
    assert error.detail.message == kombo_message  # support still sees Kombo's words


def test_a_refusal_in_plain_words_about_no_field_is_still_quoted() -> None:
    # "Bad request: ..." and "The tool is not enabled." are not names of the request's parts.
    for message in ("The tool is not enabled.", "Error: the tool is not enabled."):
        error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", message))
        assert f"“{message}” Check the fields" in error.user_message


@pytest.mark.parametrize(
    "kombo_message",
    [
        "Bad Request",
        "400 Bad Request",
        "Request failed with status code 400",
        "Unprocessable Entity.",
        "Expected string, received null",
        "Invalid input: Expected object, received array",
        "Required",
        "Field required",
    ],
)
@pytest.mark.parametrize("code", ["PLATFORM.INPUT_INVALID", None])
def test_a_refusal_that_gives_no_reason_is_not_quoted_as_one(
    kombo_message: str, code: str | None
) -> None:
    # "Kombo did not accept these details: “Bad Request”. Check the fields and try again.":
    # the status phrase (or a schema checker's verdict naming no field, "received null") read
    # as the reason, and was none.
    error = fail_with(Reply.kombo_error(400, code, kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == InputRejectedError.default_message
    assert "“" not in error.user_message and kombo_message not in error.user_message
    assert error.fields == ()
    assert error.detail.message == kombo_message  # support still sees Kombo's words


@pytest.mark.parametrize(
    "kombo_message",
    [
        "Unrecognized key(s) in object: 'foo_bar'",
        "Unrecognized key(s) in object: 'extra'",
        '"extra_options" is not allowed',
        "Unknown property ‘link_style’.",
        "must NOT have additional properties",
    ],
)
def test_a_refusal_quoting_a_part_the_form_does_not_have_says_the_typed_details_look_fine(
    kombo_message: str,
) -> None:
    # It quoted "Unrecognized key(s) in object: 'foo_bar'" under "Check the fields": "key(s)"
    # reads like the API key, and nothing the person typed was wrong.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == messages.PROGRAM_INPUT_REJECTED_MESSAGE
    assert error.fields == ()
    assert "key" not in error.user_message
    assert error.detail.message == kombo_message


def test_a_value_the_person_sent_quoted_in_a_refusal_is_not_taken_for_a_part_of_the_request() -> (
    None
):
    # An organisation typed as "acme_gmbh" looks like an API name when Kombo quotes it.
    request = LinkRequest("anna@example.com", "acme_gmbh", integration_tool="personio")
    refusal = "The organization 'acme_gmbh' is blocked."
    reply = Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", refusal)
    with (
        FaultServer(reply) as server,
        KomboClient(server.base_url, KEY, max_retry_seconds=0.0) as client,
        pytest.raises(InputRejectedError) as caught,
    ):
        client.create_link(request)
    assert caught.value.user_message == (
        f"Kombo did not accept these details: “{refusal}” Check the fields and try again."
    )


@pytest.mark.parametrize(
    ("kombo_message", "said", "mark"),
    [
        (
            "end_user_email: Invalid email; foo_bar: Unrecognized key",
            INVALID_EMAIL_SAID,
            INVALID_EMAIL_MARK,
        ),
        (
            "end_user_email: Invalid email. Unrecognized key(s) in object: 'extra_options'",
            INVALID_EMAIL_SAID,
            INVALID_EMAIL_MARK,
        ),
        (
            "Unrecognized key(s) in object: 'extra_options'. end_user_email: Invalid email",
            INVALID_EMAIL_SAID,
            INVALID_EMAIL_MARK,
        ),
        (
            "request.extra_options: Expected string. end_user_email: Invalid email. "
            "It must have an @.",
            f"{INVALID_EMAIL_SAID} Kombo also said: “It must have an @.”",
            f"{INVALID_EMAIL_MARK} Kombo also said: “It must have an @.”",
        ),
    ],
)
def test_a_refusal_of_a_field_and_of_a_part_the_form_does_not_have_quotes_only_the_field(
    kombo_message: str, said: str, mark: str
) -> None:
    # "Kombo did not accept these details: “E-mail address: Invalid email; foo_bar:
    # Unrecognized key”": the part the person cannot change was quoted at them by its API
    # name, in the status line and under the e-mail field, as if typing could mend it.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == (
        f"Kombo did not accept these details: {said} Check the fields. Kombo also refused "
        "something the program sent, which cannot be changed here: press “Copy details” and "
        "send them to support."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == mark
    for raw in ("foo_bar", "extra_options", "request.", "_", "key"):
        assert raw not in error.user_message
        assert raw not in rejected_field_message(kombo_message, "end_user_email")
    assert error.detail.message == kombo_message  # support still sees Kombo's words


def _zod_issue(path: list[str | int], message: str, **more: object) -> dict[str, object]:
    return {"code": "custom", **more, "message": message, "path": path}


EMAIL_ISSUE = _zod_issue(["end_user_email"], "Invalid email", validation="email")
UNKNOWN_KEY_ISSUE = {
    "code": "unrecognized_keys",
    "keys": ["extra_options"],
    "path": [],
    "message": "Unrecognized key(s) in object: 'extra_options'",
}

LISTS_OF_ISSUES = [
    pytest.param(json.dumps([EMAIL_ISSUE]), id="zod"),
    pytest.param(json.dumps([EMAIL_ISSUE], indent=2), id="zod-pretty-printed"),
    pytest.param(json.dumps({"issues": [EMAIL_ISSUE], "name": "ZodError"}), id="zod-error"),
    pytest.param('[{"path":["end_user_email"],"message":"Invalid email"}]', id="bare"),
    pytest.param('[{"path":"end_user.email","message":"Invalid email"}]', id="dotted-path"),
    pytest.param('[{"instancePath":"/end_user_email","message":"Invalid email"}]', id="ajv"),
    pytest.param('[{"dataPath":".end_user_email","message":"Invalid email"}]', id="ajv-older"),
    pytest.param(
        '[{"loc":["body","end_user_email"],"msg":"Invalid email","type":"value_error"}]',
        id="pydantic",
    ),
    pytest.param('["end_user_email: Invalid email"]', id="sentences"),
]


@pytest.mark.parametrize("kombo_message", LISTS_OF_ISSUES)
def test_a_refusal_listing_its_issues_as_json_marks_the_fields_it_names(
    kombo_message: str,
) -> None:
    # Kombo's message is a JSON list of a schema checker's issues: it is not a plain sentence,
    # so only the general sentence was said and no field was marked, though it named the field.
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields and try again."
    )
    assert error.detail.message is not None
    assert rejected_field_message(error.detail.message, "end_user_email") == INVALID_EMAIL_MARK
    # Support still sees Kombo's words (on one line).
    assert error.detail.message == " ".join(kombo_message.split())


def test_each_field_of_a_json_list_of_issues_gets_its_own_reason() -> None:
    issues = [
        EMAIL_ISSUE,
        _zod_issue(["end_user", "organization_name"], "Required"),
        _zod_issue(["integration_tool", 0], "Expected string, received number"),
    ]
    kombo_message = json.dumps(issues)
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    # The tool was sent as the wrong kind of value: the program's doing, for support.
    assert error.fields == ("end_user_email", "end_user_organization_name")
    assert error.user_message == (
        "Kombo did not accept these details: the e-mail address is not valid; the organisation "
        "name cannot be empty. Check the fields. Kombo also refused something the program "
        "sent, which cannot be changed here: press “Copy details” and send them to support."
    )
    marks = {field: rejected_field_message(kombo_message, field) for field in error.fields}
    assert marks == {
        "end_user_email": INVALID_EMAIL_MARK,
        "end_user_organization_name": "Kombo did not accept this: it cannot be empty.",
    }


@pytest.mark.parametrize(
    ("field_path", "whole_request_path"),
    [
        (["end_user_organization_name"], []),  # zod's path for the request as a whole
        (["body", "end_user_organization_name"], ["body"]),  # pydantic's (FastAPI's) loc
    ],
)
def test_an_issue_about_the_whole_request_is_not_said_of_the_field_listed_before_it(
    field_path: list[str | int], whole_request_path: list[str | int]
) -> None:
    # "the organisation name is too long (at most 100 characters) and is too long (at most 5
    # characters)": the issue about no field was read as going on about the one before it.
    kombo_message = json.dumps(
        [
            _zod_issue(field_path, "String must contain at most 100 character(s)"),
            _zod_issue(whole_request_path, "String must contain at most 5 character(s)"),
        ]
    )
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_organization_name",)
    # A length verdict about no field says nothing the form can mend: for support.
    assert error.user_message == (
        "Kombo did not accept these details: the organisation name is too long (at most 100 "
        "characters). Check the fields. Kombo also refused something the program sent, which "
        "cannot be changed here: press “Copy details” and send them to support."
    )
    assert rejected_field_message(kombo_message, "end_user_organization_name") == (
        "Kombo did not accept this: it is too long (at most 100 characters)."
    )


def test_a_json_list_of_issues_about_a_field_and_an_unknown_key_marks_only_the_field() -> None:
    kombo_message = json.dumps([UNKNOWN_KEY_ISSUE, EMAIL_ISSUE])
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message is not None
    assert error.user_message.startswith(
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields. Kombo also "
        "refused something the program sent"
    )
    assert "extra_options" not in error.user_message
    assert rejected_field_message(kombo_message, "end_user_email") == INVALID_EMAIL_MARK


WHOLE_REQUEST_VERDICTS = [
    ["Required"],
    ["Invalid input"],
    ["Expected object, received string"],
    ["String must contain at most 5 character(s)"],
    # Listed together, they were quoted as one: “Required; Expected object, received string”.
    ["Required", "Expected object, received string"],
    ["Required", "Invalid input"],
    ["Invalid input", "String must contain at most 5 character(s)"],
]


@pytest.mark.parametrize("whole_request_verdicts", WHOLE_REQUEST_VERDICTS, ids=" + ".join)
def test_a_bare_verdict_about_the_whole_request_is_sent_to_support_not_quoted(
    whole_request_verdicts: list[str],
) -> None:
    # "the e-mail address is not valid. Kombo also said: “Required”. Check the fields and try
    # again.": a schema checker's verdict about the request as a whole, quoted alone, is
    # jargon, and nothing on the form mends it.
    issues = [_zod_issue([], verdict) for verdict in whole_request_verdicts]
    kombo_message = json.dumps([EMAIL_ISSUE, *issues])
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.fields == ("end_user_email",)
    assert error.user_message == (
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Check the fields. Kombo also "
        "refused something the program sent, which cannot be changed here: press “Copy "
        "details” and send them to support."
    )
    assert rejected_field_message(kombo_message, "end_user_email") == INVALID_EMAIL_MARK


@pytest.mark.parametrize("whole_request_verdicts", WHOLE_REQUEST_VERDICTS, ids=" + ".join)
def test_bare_verdicts_about_the_whole_request_alone_give_no_reason_to_quote(
    whole_request_verdicts: list[str],
) -> None:
    # "Kombo did not accept these details: “Required; Invalid input”. Check the fields and try
    # again.": schema checkers' verdicts about no field, quoted, read as the reason and were
    # none; "At most 5 characters" said about no field pointed at no field to shorten.
    kombo_message = json.dumps([_zod_issue([], verdict) for verdict in whole_request_verdicts])
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == InputRejectedError.default_message
    assert error.fields == ()
    assert error.detail.message == kombo_message  # support still sees Kombo's words


def test_a_json_list_of_issues_about_unknown_keys_only_says_the_typed_details_look_fine() -> None:
    error = fail_with(
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", json.dumps([UNKNOWN_KEY_ISSUE]))
    )
    assert isinstance(error, InputRejectedError)
    assert error.user_message == messages.PROGRAM_INPUT_REJECTED_MESSAGE
    assert error.fields == ()


@pytest.mark.parametrize(
    "kombo_message",
    [
        '{"end_user_email": "Invalid email"}',  # not a list of issues
        '[{"path": ["end_user_email"]}]',  # an issue without its reason
        '[{"path": ["end_user_email"], "message": "<b>Invalid</b>"}]',  # no plain sentence
        '[{"path": ["end_user_email"], "message": "Invalid email"}',  # cut short
    ],
)
def test_json_that_is_not_a_list_of_plain_issues_names_its_field_in_plain_words(
    kombo_message: str,
) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == EMAIL_NOT_ACCEPTED
    assert error.fields == ("end_user_email",)


@pytest.mark.parametrize("kombo_message", ["[1, 2]", "[]"])
def test_json_that_names_no_field_gets_the_general_sentence(kombo_message: str) -> None:
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert isinstance(error, InputRejectedError)
    assert error.user_message == InputRejectedError.default_message
    assert error.fields == ()


def test_a_key_hidden_by_json_escapes_in_a_list_of_issues_is_never_shown() -> None:
    # Decoded, "\u0073k_..." is the key that the masking of Kombo's words did not see.
    hidden = "\\u0073" + KEY[1:]
    kombo_message = f'[{{"path":["end_user_email"],"message":"Key {hidden} may not do this"}}]'
    error = fail_with(Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", kombo_message))
    assert error.user_message == EMAIL_NOT_ACCEPTED  # nothing of it quoted
    assert isinstance(error, InputRejectedError) and error.fields == ("end_user_email",)
