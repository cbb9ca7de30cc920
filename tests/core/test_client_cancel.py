"""Cancelling stops a call promptly, wherever it is waiting.

The window's Cancel button and closing the window both rely on this: a call stuck on a server
that never answers must give its worker thread back within about a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from kombo_desktop.core.attempt_progress import AttemptProgress
from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.client import KomboClient, RetryListener
from kombo_desktop.core.errors import KomboError, RequestCancelled
from kombo_desktop.core.link_request import LinkRequest
from tests.support.fault_server import FaultServer, Reply

KEY = "sk_test_cancel_8899aabbccddeeff"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")
PROMPT = 1.0  # seconds from cancel() to the call returning


def time_to_return(
    client: KomboClient,
    token: CancelToken,
    ready: Callable[[], bool],
    on_retry: RetryListener | None = None,
) -> tuple[float, KomboError]:
    """Run create_link, cancel it as soon as ``ready()`` (which blocks until then) says it is
    waiting where the test wants it, and return (seconds from the cancel to the call returning,
    the error).

    ``ready`` waits for the call to get there rather than for a fixed time: on a loaded machine
    a call could still be on its way after a fixed 0.3 s (cancelled before it was waiting, it
    would prove nothing about the wait), and on a quiet one the pause only cost time. The time
    is counted from the cancel as it happened, not from a timer thread that may start late."""
    cancelled_at: list[float] = []
    was_ready: list[bool] = []

    def cancel() -> None:
        was_ready.append(ready())
        cancelled_at.append(time.monotonic())
        token.cancel()

    canceller = threading.Thread(target=cancel, name="test-canceller")
    canceller.start()
    try:
        with pytest.raises(KomboError) as caught:
            client.create_link(REQUEST, token, on_retry)
        returned = time.monotonic()
    finally:
        canceller.join()
    assert was_ready == [True], "the call never got where it was to be cancelled"
    return returned - cancelled_at[0], caught.value


def step_begun(monkeypatch: pytest.MonkeyPatch, step: str) -> Callable[[], bool]:
    """A ``ready`` for :func:`time_to_return`: waits until a request of the client's has begun
    httpcore's ``step`` (``http11.receive_response_headers``, say: the wait for the answer). The
    client hears each step through httpcore's trace hook (``AttemptProgress.trace``); that
    listener is wrapped here to tell the test too. Between a step's start and its wait on the
    socket nothing checks the cancel: only shutting the socket down can end that wait."""
    begun = threading.Event()
    listen = AttemptProgress.trace

    def trace(progress: AttemptProgress, name: str, info: Mapping[str, Any]) -> None:
        listen(progress, name, info)
        if name == f"{step}.started":
            begun.set()

    monkeypatch.setattr(AttemptProgress, "trace", trace)
    return lambda: begun.wait(timeout=5)


def test_cancel_interrupts_a_server_that_never_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    token = CancelToken()
    waiting = step_begun(monkeypatch, "http11.receive_response_headers")
    with FaultServer(Reply.never_answer()) as server, KomboClient(server.base_url, KEY) as client:
        waited, error = time_to_return(client, token, waiting)
    assert server.requests, "cancelled before the request was sent"
    assert type(error) is RequestCancelled
    assert waited < PROMPT
    assert error.detail.attempts == 1
    assert "may have acted" in (error.detail.message or "")


def test_cancel_interrupts_a_silent_server_before_any_http() -> None:
    """Accepted, then nothing: not even the first byte of a TLS handshake."""
    token = CancelToken()
    with FaultServer(silent=True) as server:
        https_base = f"https://127.0.0.1:{server.port}/v1"
        with KomboClient(https_base, KEY) as client:
            # Its hello has arrived: the handshake is under way, waiting for the server's answer.
            waited, error = time_to_return(
                client, token, lambda: server.wait_for_connections_heard(1)
            )
    assert type(error) is RequestCancelled
    assert waited < PROMPT


def test_cancel_interrupts_a_body_that_drips_in(monkeypatch: pytest.MonkeyPatch) -> None:
    token = CancelToken()
    drip = Reply(
        200, (("Content-Type", "application/json"),), b" " * 200, chunk_size=1, chunk_delay=0.05
    )
    reading = step_begun(monkeypatch, "http11.receive_response_body")
    with FaultServer(drip) as server, KomboClient(server.base_url, KEY) as client:
        waited, error = time_to_return(client, token, reading)
    assert type(error) is RequestCancelled
    assert waited < PROMPT


def test_cancel_interrupts_a_backoff_wait() -> None:
    token = CancelToken()
    busy = Reply.kombo_error(503, "PLATFORM.UNKNOWN_ERROR").with_headers(("Retry-After", "20"))
    with (
        FaultServer(busy, Reply.link("https://connect.kombo.dev/x")) as server,
        KomboClient(server.base_url, KEY) as client,
    ):
        # Told right before the wait, in the words the window shows.
        told = threading.Event()
        waited, error = time_to_return(
            client, token, lambda: told.wait(timeout=5), on_retry=lambda words: told.set()
        )
    assert type(error) is RequestCancelled
    assert waited < PROMPT
    assert len(server.requests) == 1


def test_a_call_cancelled_before_it_starts_sends_nothing() -> None:
    token = CancelToken()
    token.cancel()
    with (
        FaultServer(Reply.link("https://connect.kombo.dev/x")) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(RequestCancelled) as caught,
    ):
        client.create_link(REQUEST, token)
    assert server.connections == 0
    assert caught.value.user_message == RequestCancelled.default_message


def test_closing_the_client_from_another_thread_cancels_its_calls() -> None:
    with FaultServer(Reply.never_answer(), Reply.never_answer()) as server:
        client = KomboClient(server.base_url, KEY)
        errors: list[BaseException] = []

        def call() -> None:
            try:
                client.check_api_key()
            except BaseException as error:  # collected for the assertion below
                errors.append(error)

        workers = [threading.Thread(target=call) for _ in range(2)]
        for worker in workers:
            worker.start()
        assert server.wait_for_requests(2)
        started = time.monotonic()
        client.close()
        for worker in workers:
            worker.join(5)
        assert time.monotonic() - started < PROMPT
    assert [type(error) for error in errors] == [RequestCancelled, RequestCancelled]


def test_a_cancel_token_can_be_reused_by_a_later_call_only_if_not_cancelled() -> None:
    """A fresh token per call is the rule; the client never cancels the caller's token itself."""
    token = CancelToken()
    link = Reply.link("https://connect.kombo.dev/x")
    with FaultServer(link, link) as server, KomboClient(server.base_url, KEY) as client:
        client.create_link(REQUEST, token)
        client.create_link(REQUEST, token)
    assert not token.cancelled
