"""The client's parts that need no server: addresses, Retry-After, text cleaning, cancelling."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from kombo_desktop.core.api_address import is_loopback_url, normalize_api_base
from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import (
    MalformedKeyError,
    MissingApiKeyError,
    is_key_refused,
)
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.retry_policy import parse_retry_after
from kombo_desktop.core.safe_text import clean_text

KEY = "sk_live_basics_0123456789abcdef"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")


# --- API base -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.kombo.dev/v1", "https://api.kombo.dev/v1"),
        ("https://api.kombo.dev/v1/", "https://api.kombo.dev/v1"),
        ("  https://api.us.kombo.dev/v1//  ", "https://api.us.kombo.dev/v1"),
        ("HTTPS://API.Kombo.DEV/v1", "https://api.kombo.dev/v1"),
        ("https://kombo.example.com:8443/api/v1", "https://kombo.example.com:8443/api/v1"),
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1"),
        ("http://localhost:9/v1/", "http://localhost:9/v1"),
        ("http://[::1]:8000/v1", "http://[::1]:8000/v1"),
        ("https://127.0.0.1/v1", "https://127.0.0.1/v1"),
        ("https://api.kombo.dev/v1\n", "https://api.kombo.dev/v1"),  # a pasted line break
    ],
)
def test_normalize_api_base_accepts_https_and_loopback_http(given: str, expected: str) -> None:
    assert normalize_api_base(given) == expected


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("", "Enter the API address"),
        ("   ", "Enter the API address"),
        ("http://api.kombo.dev/v1", "must start with https://"),
        ("http://192.168.1.10/v1", "must start with https://"),
        ("http://127.0.0.2/v1", "must start with https://"),
        ("ftp://api.kombo.dev/v1", "starting with https://"),
        ("api.kombo.dev/v1", "starting with https://"),
        ("https://", "starting with https://"),
        ("https://user:secret@api.kombo.dev/v1", "user name or password"),
        ("https://api.kombo.dev/v1?x=1", "can't contain ? or #"),
        ("https://api.kombo.dev/v1#top", "can't contain ? or #"),
        ("https://api.kombo.dev:99999/v1", "not a valid web address"),
        ("https://xn--.com/v1", "not a valid web address"),
        ("https://\U0001f600.example/v1", "not a valid web address"),
        ("https://api.kombo.dev/v 1", "spaces"),
        ("https://api.kombo.dev/\u200bv1", "invisible"),
    ],
)
def test_normalize_api_base_refuses_with_plain_words(given: str, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        normalize_api_base(given)
    message = str(caught.value)
    assert words in message
    assert "secret" not in message
    assert message.endswith(".")


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:5000/v1", True),
        ("http://localhost/v1", True),
        ("http://LOCALHOST:1/x", True),
        ("http://[::1]:80/", True),
        ("https://api.kombo.dev/v1", False),
        ("http://127.0.0.1.example.com/", False),
        ("http://[::1", False),
        ("not a url", False),
    ],
)
def test_is_loopback_url(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


# --- Retry-After --------------------------------------------------------------------------------


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("0.25") == 0.25


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(90.0)
    assert parse_retry_after(earlier, now=now) == 0.0
    assert parse_retry_after("Fri, 01 May 2026 12:00:30 GMT", now=now) == pytest.approx(30.0)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1e9999", "inf", "nan", "12 s", "0x10"])
def test_unreadable_retry_after_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value) is None


# --- cleaning text from the network ---------------------------------------------------------------


def test_clean_text_strips_control_and_format_characters() -> None:
    hostile = "Bad\x1b[31m input\r\nline\ttwo \u202egnp.exe\u200b \x00end\ud800"
    cleaned = clean_text(hostile)
    assert cleaned == "Bad[31m input line two gnp.exe end"


def test_clean_text_truncates_long_text() -> None:
    cleaned = clean_text("word " * 1000, limit=500)
    assert len(cleaned) == 500
    assert cleaned.endswith("…")


def test_clean_text_masks_the_key_and_bearer_values() -> None:
    text = f"key {KEY} rejected; header was Bearer {KEY[:12]}xyz"
    cleaned = clean_text(text, secrets=(KEY,))
    assert KEY not in cleaned
    assert KEY[:12] not in cleaned
    assert "[hidden]" in cleaned


@pytest.mark.parametrize(
    "broken",
    [
        f"{KEY[:10]}\n{KEY[10:]}",
        f"{KEY[:10]} {KEY[10:]}",
        f"{KEY[:10]}\r\n\t{KEY[10:]}",
        f"{KEY[:10]}\u200b\n{KEY[10:]}",  # invisible and a line break
        f"{KEY[:10]}\u00a0{KEY[10:]}",  # a no-break space
    ],
)
def test_clean_text_hides_a_text_with_a_key_broken_across_lines(broken: str) -> None:
    # The filter put a space where the line broke: neither half matched the key, both shown.
    assert clean_text(f"Echo: Authorization: Bearer {broken}", secrets=(KEY,)) == "[hidden]"
    assert clean_text(f"Your key {broken} is not valid.", secrets=(KEY,)) == "[hidden]"


def test_clean_text_hides_a_registered_key_broken_across_lines() -> None:
    key = "sk_live_REGISTERED_" + secrets.token_hex(8)
    register_secret(key)
    assert clean_text(f"Key {key[:12]}\n{key[12:]} refused.") == "[hidden]"


def test_clean_text_masks_a_whole_key_in_place_and_keeps_the_other_words() -> None:
    assert clean_text(f"Your key\n{KEY} is\nnot valid.", secrets=(KEY,)) == (
        "Your key [hidden] is not valid."
    )


# --- cancel token -------------------------------------------------------------------------------


def test_cancel_token_runs_each_listener_once_and_unsubscribes() -> None:
    token = CancelToken()
    calls: list[str] = []
    token.on_cancel(lambda: calls.append("a"))
    unsubscribe = token.on_cancel(lambda: calls.append("b"))
    unsubscribe()
    assert not token.cancelled
    token.cancel()
    token.cancel()
    assert token.cancelled
    assert calls == ["a"]
    # A listener added after the fact runs at once.
    token.on_cancel(lambda: calls.append("late"))
    assert calls == ["a", "late"]


def test_cancel_token_survives_a_failing_listener(caplog: pytest.LogCaptureFixture) -> None:
    token = CancelToken()
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("listener broke")

    token.on_cancel(broken)
    token.on_cancel(lambda: calls.append("after"))
    token.cancel()
    assert calls == ["after"]
    assert "cancel listener failed" in caplog.text


def test_cancel_token_wakes_a_waiting_thread_at_once() -> None:
    token = CancelToken()
    cancelled_at: list[float] = []

    def cancel() -> None:
        cancelled_at.append(time.monotonic())
        token.cancel()

    threading.Timer(0.1, cancel).start()
    assert token.wait(10.0) is True
    # Counted from the cancel itself: a timer firing late on a loaded machine is not the wait's.
    assert time.monotonic() - cancelled_at[0] < 1.0
    assert CancelToken().wait(0.01) is False


# --- client set-up without a network --------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"max_attempts": 0},
        {"max_retry_seconds": -1},
        {"max_body_bytes": 0},
        {"backoff_seconds": -0.1},
    ],
)
def test_client_refuses_nonsense_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        KomboClient("https://api.kombo.dev/v1", KEY, **kwargs)  # type: ignore[arg-type]


def test_client_refuses_an_insecure_api_base() -> None:
    with pytest.raises(ValueError, match="https://"):
        KomboClient("http://api.kombo.dev/v1", KEY)


def test_client_repr_never_shows_the_key() -> None:
    client = KomboClient("https://api.kombo.dev/v1/", KEY)
    assert KEY not in repr(client)
    assert client.api_base == "https://api.kombo.dev/v1"
    client.close()


def test_missing_key_fails_before_any_network_use() -> None:
    with (
        KomboClient("https://api.kombo.dev/v1", None) as client,
        pytest.raises(MissingApiKeyError) as caught,
    ):
        client.create_link(REQUEST)
    assert caught.value.detail.operation == "POST /connect/create-link"
    assert "Settings" in caught.value.user_message


@pytest.mark.parametrize("bad_key", ["sk live with spaces", "sk_schlüssel_1234", "sk_\x00_null"])
def test_a_key_with_impossible_characters_is_refused_without_showing_it(bad_key: str) -> None:
    with (
        KomboClient("https://api.kombo.dev/v1", bad_key) as client,
        pytest.raises(MalformedKeyError) as caught,
    ):
        client.check_api_key()
    error = caught.value
    assert is_key_refused(error)  # mended where a refused key is: Settings or KOMBO_API_KEY
    assert bad_key not in str(error)
    assert bad_key not in error.detail.as_support_text()
    assert "Paste the key again" in error.user_message


def test_a_key_too_short_to_be_hidden_in_the_log_is_never_sent() -> None:
    """Such a key is not masked in the log, and was not compared with the links Kombo sent
    either: one that came back in a link was shown and copied. Stored outside the program or
    given in KOMBO_API_KEY, it is refused before anything goes out, in words that say why."""
    from kombo_desktop.core.errors import ShortKeyError, is_key_unknown
    from tests.support.fault_server import FaultServer, Reply

    short_key = "Qz7xYw3"
    with (
        FaultServer(fallback=Reply.environment("env-1")) as server,
        KomboClient(server.base_url, short_key) as client,
        pytest.raises(ShortKeyError) as caught,
    ):
        client.check_api_key()
    assert server.requests == []
    error = caught.value
    assert is_key_refused(error) and is_key_unknown(error)  # said at once, at the start too
    assert error.user_message.startswith("The saved API key is too short to be a Kombo API key.")
    assert short_key not in f"{error} {error.detail.as_support_text()}"


def test_a_closed_client_refuses_new_calls() -> None:
    client = KomboClient("https://api.kombo.dev/v1", KEY)
    client.close()
    client.close()
    with pytest.raises(RuntimeError):
        client.check_api_key()


def test_importing_tls_or_the_core_does_not_load_httpx() -> None:
    script = (
        "import json, sys\n"
        "import kombo_desktop.core, kombo_desktop.core.tls\n"
        "kombo_desktop.core.tls.ssl_context()\n"
        "print(json.dumps('httpx' in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert json.loads(result.stdout) is False


# --- the client's parts ---------------------------------------------------------------------------


def test_the_parts_of_the_client_load_no_http_library() -> None:
    """Only the client itself needs httpx; the window can use the rest (e.g. CancelToken) at
    start-up without paying for it."""
    parts = [
        "answers",
        "attempt_progress",
        "cancel",
        "link_check",
        "messages",
        "retry_policy",
        "safe_text",
    ]
    script = (
        "import importlib, json, sys\n"
        f"for part in {parts!r}: importlib.import_module('kombo_desktop.core.' + part)\n"
        "print(json.dumps(sorted(m for m in ('httpx', 'httpcore', 'kombo_desktop.core.client') "
        "if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert json.loads(result.stdout) == []
