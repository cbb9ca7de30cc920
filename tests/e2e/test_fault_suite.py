"""The window under every network fault issue 6 lists, one test per case.

Each test builds the real window with ``--api-base`` pointing at a misbehaving server on
127.0.0.1 (``tests.support.fault_server``), fills every field of the form by object name,
clicks ``createButton`` and checks what the person sees: a plain sentence in ``statusLabel``
with a way forward, the form exactly as typed, and no link where none was made. Where the
client's policy decides (retries, size caps, TLS), the server's own records prove it: how many
requests arrived, how many bytes were sent before the client hung up, whether a handshake
failed.

Retry policy asserted here (``kombo_desktop.core.retry_policy``'s docstring): a ``POST`` is
repeated when it cannot have reached Kombo (connection failures before sending) or when the answer
is an error (429, 500, 502, 503, 504), honouring ``Retry-After``, bounded by attempts and total
time; only the link of the attempt that succeeded is ever shown, so the customer gets one link. A
request that was sent and then timed out or lost its connection is *not* repeated.
"""

from __future__ import annotations

import logging
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.made_link import MadeLink
from kombo_desktop.ui.main_window import MainWindow
from tests.e2e.conftest import (
    CLIENT_LIMITS,
    EXPECTED_FORM,
    PostScript,
    WindowFactory,
    assert_plain_failure,
    fill_whole_form,
    link_text,
    log_file_text,
    named,
    posts,
    press_create,
    read_form,
    status_text,
)
from tests.support.client_limits import SHORT_TIMEOUT
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, closed_port
from tests.support.forwarding import KOMBO_API, ForwardingTransport

GOOD_LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.fault-suite.signature"
MAX_ATTEMPTS = int(CLIENT_LIMITS["max_attempts"])


def assert_failed_cleanly(window: MainWindow) -> str:
    """Plain words, the form as typed, no link and nothing to copy; returns the message."""
    message = assert_plain_failure(window)
    assert read_form(window) == EXPECTED_FORM, "the failure changed what was typed"
    assert link_text(window) == ""
    for name in ("copyButton", "openButton", "exportQrButton"):
        assert not named(window, QPushButton, name).isEnabled(), f"{name} usable without a link"
    assert named(window, QPushButton, "createButton").isEnabled(), "cannot try again"
    return message


def made_links(window: MainWindow) -> list[MadeLink]:
    made: list[MadeLink] = []
    window.link_made.connect(made.append)
    return made


def run_against(
    qtbot: QtBot, kombo_window: WindowFactory, server: FaultServer, **client: object
) -> tuple[MainWindow, str]:
    window = kombo_window(server.base_url, **client)
    fill_whole_form(window)
    return window, press_create(qtbot, window)


# --- reaching the server at all -----------------------------------------------------------------


def test_connection_refused(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    window = kombo_window(f"http://127.0.0.1:{closed_port()}/v1")
    fill_whole_form(window)
    message = press_create(qtbot, window)
    assert_failed_cleanly(window)
    assert "Could not reach Kombo" in message
    # Refused before anything was sent: retried, and the support text says how often.
    assert f"Attempts: {MAX_ATTEMPTS}" in window.statusPanel.support_text


def test_dns_failure(
    qtbot: QtBot, kombo_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)  # a proxy would do the lookup instead
    window = kombo_window("https://nonexistent.invalid/v1")
    fill_whole_form(window)
    message = press_create(qtbot, window)
    assert_failed_cleanly(window)
    assert "Could not find Kombo's server" in message
    # The address came with --api-base, which wins over the region and address in Settings.
    assert "given with --api-base" in message and "Settings" not in message


def test_server_accepts_and_never_answers(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    with FaultServer(silent=True) as server:
        window, message = run_against(qtbot, kombo_window, server, timeout=SHORT_TIMEOUT)
        assert_failed_cleanly(window)
        assert "took too long" in message
        # The request may have reached Kombo: it is never sent a second time. (The window's
        # background tool-list refresh opens connections of its own; it gives up after one.)
        assert "Attempts: 1" in window.statusPanel.support_text


def test_answer_arrives_after_the_timeout(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    """A link that comes too late is never shown: the person was already told to try again.

    The server holds the answer back until the window has given up, then sends it, so the
    window cannot have waited for it. Timing it raced the window's own pace instead: giving
    up after a 0.4 s timeout had to be over within 1.1 s, which a loaded machine's window
    could miss without waiting for anything; and the fixed wait meant to outlast the answer's
    delay proved nothing if the server's thread was slower still."""
    script = PostScript(then=Reply.link(GOOD_LINK))
    let_go = threading.Event()
    answering: list[threading.Thread] = []

    def held_back(request: RecordedRequest) -> Reply:
        if request.method == "POST":
            answering.append(threading.current_thread())
            let_go.wait(30)
        return script(request)

    with FaultServer(fallback=held_back) as server:
        window = kombo_window(server.base_url, timeout=SHORT_TIMEOUT)
        made = made_links(window)
        fill_whole_form(window)
        try:
            message = press_create(qtbot, window)  # over while the answer is still held back
        finally:
            let_go.set()  # (also so that a failure does not leave the server waiting)
        assert_failed_cleanly(window)
        assert "took too long" in message
        # A slow server thread may take the request only after the window gave up on it.
        qtbot.waitUntil(lambda: len(answering) == 1)
        (answerer,) = answering
        answerer.join(timeout=10)
        assert not answerer.is_alive(), "the late answer was never sent"
        qtbot.waitUntil(lambda: not window.runner.active)
        QCoreApplication.processEvents()  # a turn for anything the late answer set off
        assert status_text(window) == message
        assert link_text(window) == "" and made == []
        assert len(posts(server.requests)) == 1


def test_answer_body_drips_past_the_timeout(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    """Headers on time, then a byte now and then: each read is quick, the whole is too slow."""
    link = Reply.link(GOOD_LINK)
    dripping = Reply(link.status, link.headers, link.body, chunk_size=4, chunk_delay=0.05)
    with FaultServer(fallback=PostScript(dripping)) as server:
        window, message = run_against(qtbot, kombo_window, server, timeout=SHORT_TIMEOUT)
        assert_failed_cleanly(window)
        assert "took too long" in message
        qtbot.waitUntil(lambda: posts(server.requests) != [])  # (a slow server thread)
        assert len(posts(server.requests)) == 1


def test_connection_dropped_mid_body(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    link = Reply.link(GOOD_LINK)
    cut = Reply(link.status, link.headers, link.body, drop_after=25)
    with FaultServer(fallback=PostScript(cut, Reply.link(GOOD_LINK))) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "The answer from Kombo arrived incomplete" in message
        # Sent and half answered: Kombo may have made the link, so it is not asked again.
        assert len(posts(server.requests)) == 1


# --- rate limits and server errors ---------------------------------------------------------------


def test_429_with_retry_after_waits_as_asked_then_shows_the_link(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    limited = Reply.kombo_error(
        429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.", headers=[("Retry-After", "0.4")]
    )
    with FaultServer(fallback=PostScript(limited, Reply.link(GOOD_LINK))) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        press_create(qtbot, window)
        assert link_text(window) == GOOD_LINK and len(made) == 1
        first, second = posts(server.requests)
        assert second.received_at - first.received_at >= 0.4
        assert window.statusPanel.kind == "success"


def test_a_wait_before_trying_again_is_told_while_it_lasts(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    # Four "too many requests" kept the status at "Asking Kombo…" for half a minute.
    limited = Reply.kombo_error(
        429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.", headers=[("Retry-After", "1.5")]
    )
    with FaultServer(fallback=PostScript(limited, Reply.link(GOOD_LINK))) as server:
        window = kombo_window(server.base_url)
        fill_whole_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: "tries again by itself" in status_text(window), timeout=5000)
        assert status_text(window).startswith(
            "Kombo is receiving too many requests right now, so the program waits 2 seconds"
        )
        assert window.statusPanel.kind == "busy"
        assert window.cancelButton.isVisible()
        qtbot.waitUntil(lambda: link_text(window) == GOOD_LINK, timeout=8000)
        assert window.statusPanel.kind == "success"


def test_what_a_cancelled_request_said_stays_with_it(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    limited = Reply.kombo_error(
        429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.", headers=[("Retry-After", "1")]
    )
    with FaultServer(fallback=PostScript(limited, then=Reply.link(GOOD_LINK))) as server:
        window = kombo_window(server.base_url)
        fill_whole_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: "tries again by itself" in status_text(window), timeout=5000)
        request = window.link_making._request
        assert request is not None
        window.cancelButton.click()
        assert status_text(window) == "Cancelled. Nothing was changed."
        # As a late signal would:
        window.runner._deliver_progress(request, "words of the cancelled request")
        assert status_text(window) == "Cancelled. Nothing was changed."


def test_429_without_retry_after_backs_off_then_shows_the_link(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    limited = Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.")
    with FaultServer(fallback=PostScript(limited, Reply.link(GOOD_LINK))) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        press_create(qtbot, window)
        assert link_text(window) == GOOD_LINK and len(made) == 1
        first, second = posts(server.requests)
        # Equal jitter: at least half the first backoff step.
        assert second.received_at - first.received_at >= float(CLIENT_LIMITS["backoff_seconds"]) / 2


def test_429_retry_after_beyond_the_budget_says_when_to_try(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    limited = Reply.kombo_error(
        429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.", headers=[("Retry-After", "300")]
    )
    with FaultServer(fallback=PostScript(limited, Reply.link(GOOD_LINK))) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "too many requests" in message and "in about 5 minutes" in message
        assert len(posts(server.requests)) == 1  # not kept busy for five minutes


def test_429_without_retry_after_persistently(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    limited = Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.")
    with FaultServer(fallback=PostScript(then=limited)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "too many requests" in message
        assert len(posts(server.requests)) == MAX_ATTEMPTS


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_then_success_is_retried_and_shows_one_link(
    qtbot: QtBot, kombo_window: WindowFactory, status: int
) -> None:
    failing = Reply.kombo_error(status, "PLATFORM.UNKNOWN_ERROR", "Try later.")
    with FaultServer(fallback=PostScript(failing, Reply.link(GOOD_LINK))) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert link_text(window) == GOOD_LINK
        assert len(made) == 1 and made[0].url == GOOD_LINK
        assert len(posts(server.requests)) == 2
        assert window.statusPanel.kind == "success" and "ready" in message
        assert read_form(window) == EXPECTED_FORM


@pytest.mark.parametrize("status", [500, 503])
def test_persistent_server_error_stops_after_the_allowed_attempts(
    qtbot: QtBot, kombo_window: WindowFactory, status: int
) -> None:
    failing = Reply.kombo_error(
        status,
        "PLATFORM.UNKNOWN_ERROR",
        "Down for maintenance.",
        log_url="https://app.kombo.dev/logs/1",
    )
    with FaultServer(fallback=PostScript(then=failing)) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        started = time.monotonic()
        message = press_create(qtbot, window)
        assert time.monotonic() - started < float(CLIENT_LIMITS["max_retry_seconds"]) + 1
        assert_failed_cleanly(window)
        assert "problem on its side" in message
        assert len(posts(server.requests)) == MAX_ATTEMPTS and made == []
        support = window.statusPanel.support_text
        assert f"Attempts: {MAX_ATTEMPTS}" in support
        assert "https://app.kombo.dev/logs/1" in support


def test_persistent_failure_is_bounded_by_time_too(
    qtbot: QtBot, kombo_window: WindowFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Many attempts allowed, little time: the time budget ends it, not the count.

    How many attempts fit in the budget depends on how fast the server answers (one, when a
    loaded machine's server thread took most of a second): the client's own log says which
    limit ended it."""
    caplog.set_level(logging.INFO, logger="kombo_desktop.core.client")
    failing = Reply.kombo_error(
        503, "PLATFORM.UNKNOWN_ERROR", "Down.", headers=[("Retry-After", "0.3")]
    )
    with FaultServer(fallback=PostScript(then=failing)) as server:
        window = kombo_window(server.base_url, max_attempts=50, max_retry_seconds=1.0)
        fill_whole_form(window)
        started = time.monotonic()
        press_create(qtbot, window)
        assert time.monotonic() - started < 2.0
        assert_failed_cleanly(window)
        assert 1 <= len(posts(server.requests)) <= 5
        assert "would exceed the 1.0 s budget" in caplog.text


# --- Kombo says no -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (401, "PLATFORM.AUTHENTICATION_INVALID", "did not accept the API key"),
        (403, "PLATFORM.AUTHENTICATION_INVALID", "did not accept the API key"),
        (403, "PLATFORM.IP_NOT_WHITELISTED", "not on the account's allow list"),
    ],
)
def test_key_refused(
    qtbot: QtBot, kombo_window: WindowFactory, status: int, code: str, words: str
) -> None:
    refused = Reply.kombo_error(
        status,
        code,
        "The API key is invalid.",
        title="Unauthorized",
        log_url="https://app.kombo.dev/logs/abc",
    )
    with FaultServer(fallback=PostScript(refused)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert words in message
        assert "Settings" in message or "Ask" in message
        if code == "PLATFORM.AUTHENTICATION_INVALID":  # another address than Kombo's regions
            assert "at 127.0.0.1" in message and "region" not in message
        support = window.statusPanel.support_text
        assert code in support and "https://app.kombo.dev/logs/abc" in support
        assert len(posts(server.requests)) == 1


def test_input_rejected_quotes_kombo_plainly(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    rejected = Reply.kombo_error(
        400,
        "PLATFORM.INPUT_INVALID",
        "The scope config does not exist.",
        title="Invalid input",
        log_url="https://app.kombo.dev/logs/400",
    )
    with FaultServer(fallback=PostScript(rejected)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "did not accept these details" in message
        assert "The scope config does not exist." in message
        assert "PLATFORM.INPUT_INVALID" in window.statusPanel.support_text
        assert len(posts(server.requests)) == 1


@pytest.mark.parametrize("status", [400, 200])
def test_a_refusal_quoting_the_customer_keeps_them_out_of_the_log_file(
    qtbot: QtBot, kombo_window: WindowFactory, isolated_home: Path, status: int
) -> None:
    """Kombo's refusals may quote what was sent: the customer's e-mail and organisation. The
    person reads them, but the log file goes to support and holds no customer. Sent with 400,
    Kombo's words were left out of it; the same refusal sent with 200 was written in full."""
    quoting = (
        f"{EXPECTED_FORM.email} of {EXPECTED_FORM.organization} is already connected to "
        "another integration."
    )
    log_link = "https://app.kombo.dev/logs/refusal-1042"
    refusal = Reply.kombo_error(status, "PLATFORM.INPUT_INVALID", quoting, log_url=log_link)
    with FaultServer(fallback=PostScript(refusal)) as server:
        window = kombo_window(server.base_url)
        # The log file opens in this test's folder with the window's start-up steps; until
        # then an earlier test's window in this process may still hold its own, and a record
        # logged meanwhile went there (seen in whole runs, never alone).
        qtbot.waitUntil(lambda: window.start_up.done, timeout=15_000)
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert_failed_cleanly(window)
        assert quoting in message
        qtbot.waitUntil(
            lambda: "Request failed (InputRejectedError)" in log_file_text(isolated_home),
            timeout=15_000,
        )
    logged = log_file_text(isolated_home)
    assert EXPECTED_FORM.email not in logged
    assert EXPECTED_FORM.organization not in logged
    # What finds the request for support is still there.
    assert "PLATFORM.INPUT_INVALID" in logged and log_link in logged


# --- answers that are not Kombo's ------------------------------------------------------------


def test_html_page_with_status_200(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    with FaultServer(fallback=PostScript(Reply.html(200, "Hotel WiFi login"))) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "did not come from Kombo" in message
        assert "Hotel WiFi login" in window.statusPanel.support_text


def test_json_cut_short(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    # A glitch on the way: "a network filter or login page may be in the way ... ask your IT
    # team" sent the person to the wrong people.
    broken = Reply.text(200, '{"status": "success", "data": {"link": ', "application/json")
    with FaultServer(fallback=PostScript(broken)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "The answer from Kombo arrived incomplete" in message
        assert "IT team" not in message


def test_invalid_json(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    broken = Reply.text(200, "status=success; link=none", "application/json")
    with FaultServer(fallback=PostScript(broken)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "did not come from Kombo in the expected form" in message


def test_json_without_a_link(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    empty = Reply.json({"status": "success", "data": {"token": "abc"}})
    with FaultServer(fallback=PostScript(empty)) as server:
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "did not contain a link" in message


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(document.cookie)",
        "JavaScript://connect.kombo.dev/%0Aalert(1)",
        "file:///etc/passwd",
        "file://connect.kombo.dev/share/link",
        "http://connect.kombo.dev/v1?token=abc",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_unsafe_link_is_refused_and_never_reaches_the_clipboard(
    qtbot: QtBot, kombo_window: WindowFactory, hostile: str
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("what the person copied before")
    with FaultServer(fallback=PostScript(Reply.link(hostile))) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert_failed_cleanly(window)
        assert "not a secure web address" in message
        named(window, QPushButton, "copyButton").click()  # disabled: nothing happens
        assert clipboard.text() == "what the person copied before"
        assert made == []
        assert hostile not in window.statusPanel.support_text
        assert hostile not in window.linkField.toolTip()


@pytest.mark.parametrize(
    "link",
    [
        # A browser decodes the escapes in a host before it reads it: each is this computer.
        "https://%31%32%37.0.0.1/x",
        "https://localhost%2e:8443/admin",
        "https://%6c%6fcalhost/",
        "https://127.0.0.1%2e/",
    ],
)
def test_a_link_to_this_computer_written_with_escapes_is_refused_from_kombo(
    qtbot: QtBot, kombo_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, link: str
) -> None:
    """Kombo far away answered with a link to this computer spelled with %-escapes: it was
    "Link ready" with Copy, Open and QR code, while "https://localhost/x" was refused. Opened,
    it reaches whatever runs on the customer's own computer."""
    for variable in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(variable, raising=False)  # a proxy would take the requests instead
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("what the person copied before")
    with FaultServer(fallback=PostScript(Reply.link(link))) as server:
        window = kombo_window(KOMBO_API, transport=ForwardingTransport(server.origin))
        made = made_links(window)
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert len(posts(server.requests)) == 1, "the answer did not come from the server"
        assert_failed_cleanly(window)
        assert "not a secure web address" in message
        named(window, QPushButton, "copyButton").click()  # disabled: nothing happens
        assert clipboard.text() == "what the person copied before"
        assert made == []
        assert link not in window.statusPanel.support_text


def test_a_link_from_kombo_far_away_is_shown(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    """The way the test above reaches the program works: Kombo's own link is ready."""
    with FaultServer(fallback=PostScript(Reply.link(GOOD_LINK))) as server:
        window = kombo_window(KOMBO_API, transport=ForwardingTransport(server.origin))
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert window.statusPanel.kind == "success", message
        assert link_text(window) == GOOD_LINK
        assert len(posts(server.requests)) == 1


def test_link_of_100_kb_is_refused(qtbot: QtBot, kombo_window: WindowFactory) -> None:
    huge_link = "https://connect.kombo.dev/v1?token=" + "A" * 100_000
    with FaultServer(fallback=PostScript(Reply.link(huge_link))) as server:
        window = kombo_window(server.base_url)
        made = made_links(window)
        fill_whole_form(window)
        message = press_create(qtbot, window)
        assert_failed_cleanly(window)
        assert made == []
        # The truth in plain words: https:// was not the problem, the length was.
        assert "far too long to be a real Kombo link" in message
        assert "secure" not in message
        assert "characters long" in window.statusPanel.support_text
        assert len(window.statusPanel.support_text) < 2000


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_50_mb_body_is_read_only_up_to_the_cap(
    qtbot: QtBot, kombo_window: WindowFactory, framing: str
) -> None:
    size = 50_000_000
    cap = 1_000_000
    huge = Reply.huge(size, framing=framing)  # type: ignore[arg-type]
    with FaultServer(fallback=PostScript(huge)) as server:
        window = kombo_window(server.base_url, max_body_bytes=cap)
        fill_whole_form(window)
        # Measure the request alone: once the window's start-up (imports, QR encoder) has
        # run and its background work (tool lists, key check) is over. A fixed wait after the
        # tool-list refresh's request could end with start-up still at work on a loaded
        # machine, its allocations counted as the request's.
        qtbot.waitUntil(lambda: window.start_up.done and not window.runner.active, timeout=10_000)
        QCoreApplication.processEvents()
        tracemalloc.start()
        try:
            message = press_create(qtbot, window, timeout_ms=15_000)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert_failed_cleanly(window)
        assert "far larger than one from Kombo" in message
        # The client hung up early: what the server managed to send is the cap plus what the
        # sockets' buffers swallowed, nowhere near 50 MB; and the client never held it all.
        assert server.bytes_sent < 16_000_000, f"{server.bytes_sent} bytes were sent"
        assert peak < 2 * cap, f"{peak} bytes allocated while reading"
        assert len(posts(server.requests)) == 1


def test_self_signed_certificate_is_refused_never_bypassed(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    with FaultServer(tls=True, fallback=PostScript(Reply.link(GOOD_LINK))) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        window, message = run_against(qtbot, kombo_window, server)
        assert_failed_cleanly(window)
        assert "could not be verified as secure" in message
        assert "nothing was sent" in message
        # The server notes the failed handshake on its own thread, maybe after the window spoke.
        qtbot.waitUntil(lambda: server.tls_failures >= 1, timeout=3000)
        assert posts(server.requests) == []  # not one byte of the request got through
        assert "Attempts: 1" in window.statusPanel.support_text  # a bad certificate stays bad


# --- a failure after an earlier success --------------------------------------------------------


def test_a_failed_request_does_not_leave_the_previous_customers_link_on_show(
    qtbot: QtBot, kombo_window: WindowFactory
) -> None:
    """Staff make a link for one customer, then for the next; the second request fails. The
    first customer's link must not stay in the result (with Copy enabled) under an error: it
    would be copied and sent to the wrong customer."""
    first_link = "https://connect.kombo.dev/v1?token=first-customer"
    refused = Reply.kombo_error(503, "PLATFORM.UNKNOWN_ERROR", "Down.")
    with FaultServer(fallback=PostScript(Reply.link(first_link), then=refused)) as server:
        window = kombo_window(server.base_url)
        fill_whole_form(window)
        press_create(qtbot, window)
        assert link_text(window) == first_link
        # Another customer altogether (origin id too), so the duplicate warning has no reason
        # to hold the request back: it goes to the server and fails there.
        named(window, QLineEdit, "emailEdit").setText("bob@example.org")
        named(window, QLineEdit, "organizationEdit").setText("Globex AG")
        named(window, QLineEdit, "originIdEdit").setText("CUST-2077")
        # The first customer's options are this one's too (else the form holds them back).
        named(window, QPushButton, "keepOptionsButton").click()
        message = press_create(qtbot, window)
        assert len(posts(server.requests)) == 1 + MAX_ATTEMPTS, "the second request was not sent"
        assert_plain_failure(window, message)
        assert link_text(window) == "", "the previous customer's link is still shown"
        for name in ("copyButton", "openButton", "exportQrButton"):
            assert not named(window, QPushButton, name).isEnabled(), f"{name} still usable"
