"""Which failures are repeated, how long the client waits, and where it stops.

Budgets are small (fractions of a second) so the suite stays fast; the rules are the same as with
the defaults. See the module docstring of ``kombo_desktop.core.retry_policy`` for why only these
cases are retried.
"""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise

import pytest

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import (
    ConnectionFailedError,
    KomboError,
    RateLimitedError,
    RequestCancelled,
    RequestTimeoutError,
    ServerError,
)
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from tests.support.fault_server import FaultServer, Reply, closed_port

KEY = "sk_test_retries_0011223344556677"
LINK = "https://connect.kombo.dev/v1?token=retried"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")


def busy(status: int = 503, retry_after: str | None = None) -> Reply:
    code = "PLATFORM.RATE_LIMIT_EXCEEDED" if status == 429 else "PLATFORM.UNKNOWN_ERROR"
    reply = Reply.kombo_error(status, code, "Try later.")
    return reply.with_headers(("Retry-After", retry_after)) if retry_after is not None else reply


def gaps(server: FaultServer) -> list[float]:
    times = [request.received_at for request in server.requests]
    return [later - earlier for earlier, later in pairwise(times)]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_a_turned_away_request_is_repeated_and_one_link_comes_back(status: int) -> None:
    with (
        FaultServer(busy(status), busy(status), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
    ):
        assert client.create_link(REQUEST).url == LINK
    requests = server.requests
    assert len(requests) == 3
    assert all(r.body == requests[0].body for r in requests)


def test_a_500_is_repeated_for_a_relink_too() -> None:
    """Only the link of the attempt that succeeded is shown, so the customer gets one link."""
    with (
        FaultServer(busy(500), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
    ):
        created = client.create_relink(RelinkRequest("personio:93fCvorjZ2jas7ZekX1V1n5d"))
    assert created.url == LINK
    assert [r.path for r in server.requests] == [
        "/v1/integrations/personio:93fCvorjZ2jas7ZekX1V1n5d/relink"
    ] * 2


def test_a_persistent_500_stops_after_max_attempts() -> None:
    with (
        FaultServer(fallback=busy(500)) as server,
        KomboClient(server.base_url, KEY, max_attempts=3, backoff_seconds=0.02) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 3
    assert caught.value.detail.attempts == 3
    assert caught.value.user_message == ServerError.default_message


def test_persistent_failure_stops_after_max_attempts() -> None:
    with (
        FaultServer(fallback=busy(503)) as server,
        KomboClient(server.base_url, KEY, max_attempts=3, backoff_seconds=0.02) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 3
    assert caught.value.detail.attempts == 3
    assert caught.value.detail.http_status == 503


def test_retries_stop_when_the_time_budget_is_spent() -> None:
    started = time.monotonic()
    with (
        FaultServer(fallback=busy(503, retry_after="0.5")) as server,
        KomboClient(server.base_url, KEY, max_attempts=50, max_retry_seconds=1.75) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.create_link(REQUEST)
    elapsed = time.monotonic() - started
    # Attempts at about 0, 0.5, 1.0 and 1.5 s; the next would start after the 1.75 s budget.
    # The budget lies halfway between the fourth attempt and the fifth, so that a busy machine's
    # slow answers (up to about 80 ms each) do not change the count; with a budget of 1 s and
    # waits of 0.3 s, four answers slower than 25 ms left out the fourth attempt.
    assert len(server.requests) == 4
    assert caught.value.detail.attempts == 4
    assert 1.5 <= elapsed < 2.5


def test_backoff_grows_exponentially_with_jitter() -> None:
    with (
        FaultServer(fallback=busy(502)) as server,
        KomboClient(server.base_url, KEY, max_attempts=4, backoff_seconds=0.1) as client,
        pytest.raises(ServerError),
    ):
        client.create_link(REQUEST)
    first, second, third = gaps(server)
    # Waits are drawn from [b/2, b] for b = 0.1, 0.2, 0.4 s.
    slack = 0.15  # scheduling on a busy machine
    assert 0.05 <= first < 0.1 + slack
    assert 0.1 <= second < 0.2 + slack
    assert 0.2 <= third < 0.4 + slack


def test_retry_after_in_seconds_is_honoured() -> None:
    with (
        FaultServer(busy(429, retry_after="0.5"), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
    ):
        assert client.create_link(REQUEST).url == LINK
    (gap,) = gaps(server)
    assert 0.5 <= gap < 1.0


def test_retry_after_as_a_date_is_honoured() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    with (
        FaultServer(busy(503, retry_after=when), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
    ):
        assert client.create_link(REQUEST).url == LINK
    (gap,) = gaps(server)
    assert 0.9 <= gap < 2.5  # HTTP dates have whole seconds


@pytest.mark.parametrize("skew", [600, -600], ids=["clock-behind", "clock-ahead"])
def test_retry_after_as_a_date_is_measured_against_the_answers_date(skew: int) -> None:
    """This computer's clock may be minutes off; the server's Date header is on the same clock
    as its Retry-After date, so the wait it asks for is the difference between the two."""
    server_now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=skew)
    reply = busy(429, retry_after=format_datetime(server_now + timedelta(seconds=2), usegmt=True))
    with (
        FaultServer(
            reply.with_headers(("Date", format_datetime(server_now, usegmt=True))),
            Reply.link(LINK),
        ) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
    ):
        assert client.create_link(REQUEST).url == LINK
    (gap,) = gaps(server)
    assert 1.9 <= gap < 2.5


def test_a_wait_beyond_the_budget_fails_at_once_with_the_wait() -> None:
    started = time.monotonic()
    with (
        FaultServer(busy(429, retry_after="120"), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, max_retry_seconds=30) as client,
        pytest.raises(RateLimitedError) as caught,
    ):
        client.create_link(REQUEST)
    assert time.monotonic() - started < 1.0
    assert len(server.requests) == 1
    error = caught.value
    assert error.retry_after == 120.0
    assert "in about 2 minutes" in error.user_message


def test_rate_limit_without_retry_after_backs_off_then_succeeds() -> None:
    with (
        FaultServer(busy(429), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.05) as client,
    ):
        assert client.create_link(REQUEST).url == LINK
    assert len(server.requests) == 2


def test_rate_limit_to_the_last_attempt_carries_the_last_wait() -> None:
    with (
        FaultServer(fallback=busy(429, retry_after="0.05")) as server,
        KomboClient(server.base_url, KEY, max_attempts=2) as client,
        pytest.raises(RateLimitedError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 2
    assert caught.value.retry_after == 0.05
    assert caught.value.detail.attempts == 2


@pytest.mark.parametrize("retry_after", ["0.05", "120"])
def test_unavailable_to_the_last_attempt_carries_the_wait_it_named(retry_after: str) -> None:
    """Within the budget or beyond it: the window holds the next request back for it."""
    with (
        FaultServer(fallback=busy(503, retry_after=retry_after)) as server,
        KomboClient(server.base_url, KEY, max_attempts=2) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.create_link(REQUEST)
    assert caught.value.retry_after == caught.value.pause == float(retry_after)


def test_unavailable_without_a_wait_named_holds_nothing_back() -> None:
    with (
        FaultServer(fallback=busy(503)) as server,
        KomboClient(server.base_url, KEY, max_attempts=1) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.create_link(REQUEST)
    assert caught.value.pause is None


# --- never repeat a POST that may have been acted on -------------------------------------------


def test_a_post_that_timed_out_waiting_for_the_answer_is_not_repeated() -> None:
    """Kombo may have made the link; a second POST would make another (see retry_policy.py)."""
    with (
        FaultServer(Reply.never_answer(), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, timeout=0.3, backoff_seconds=0.01) as client,
        pytest.raises(RequestTimeoutError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 1
    assert server.pending_replies == 1
    assert caught.value.detail.attempts == 1


def test_a_post_whose_connection_closed_after_sending_is_not_repeated() -> None:
    with (
        FaultServer(Reply(disconnect=True), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 1
    assert "broke before its answer arrived" in caught.value.user_message


def test_a_post_cut_off_mid_answer_is_not_repeated() -> None:
    cut = Reply(200, (("Content-Type", "application/json"),), b'{"status": "succ', drop_after=8)
    with (
        FaultServer(cut, Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
        pytest.raises(ConnectionFailedError),
    ):
        client.create_link(REQUEST)
    assert len(server.requests) == 1


def test_a_get_whose_connection_broke_is_repeated() -> None:
    """Reading changes nothing on Kombo's side, so a broken read is simply tried again."""
    with (
        FaultServer(Reply(disconnect=True), Reply.environment("env-42")) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
    ):
        assert client.check_api_key() == "env-42"
    assert len(server.requests) == 2


def test_a_get_that_timed_out_is_not_repeated() -> None:
    with (
        FaultServer(Reply.never_answer(), Reply.environment("env-42")) as server,
        KomboClient(server.base_url, KEY, timeout=0.3, backoff_seconds=0.01) as client,
        pytest.raises(RequestTimeoutError),
    ):
        client.check_api_key()
    assert len(server.requests) == 1


# --- connection failures before sending are safe to repeat --------------------------------------


def test_a_refused_connection_is_repeated_up_to_max_attempts() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with (
        KomboClient(url, KEY, max_attempts=3, backoff_seconds=0.02) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.create_link(REQUEST)
    assert caught.value.detail.attempts == 3


def test_a_post_is_repeated_when_the_first_connection_was_refused() -> None:
    """Nothing reached the server the first time, so repeating cannot make a second link."""
    port = closed_port()
    server = FaultServer(Reply.link(LINK), port=port)
    told: list[str] = []

    def start_while_waiting(words: str) -> None:
        # The server comes up while the client waits to repeat: a timer started it after a
        # fixed 0.15 s, which on a loaded machine came after the repeat (refused again) or
        # before the first attempt (not refused at all).
        if not told:
            server.start()
        told.append(words)

    try:
        with KomboClient(
            f"http://127.0.0.1:{port}/v1", KEY, max_attempts=2, backoff_seconds=0.05
        ) as client:
            assert client.create_link(REQUEST, on_retry=start_while_waiting).url == LINK
    finally:
        server.stop()
    assert len(told) == 2  # refused once: the wait before the repeat, then the repeat
    assert len(server.requests) == 1


def test_a_failed_name_lookup_is_repeated_within_the_budget() -> None:
    with (
        KomboClient(
            "https://api.kombo.invalid/v1", KEY, max_attempts=3, backoff_seconds=0.02
        ) as client,
        pytest.raises(ConnectionFailedError) as caught,
    ):
        client.check_api_key()
    assert caught.value.detail.attempts == 3


def test_each_wait_before_a_repeat_is_told_while_it_lasts() -> None:
    # Four "too many requests" answers kept the window saying only "Asking Kombo…" for half
    # a minute, then "Try again in a few seconds".
    told: list[str] = []
    with (
        FaultServer(busy(429, "1"), busy(503), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
    ):
        assert client.create_link(REQUEST, on_retry=told.append).url == LINK
    assert len(server.requests) == 3
    assert told == [
        "Kombo is receiving too many requests right now, so the program waits 1 second and "
        "tries again by itself (try 2 of at most 4). To stop waiting, press Cancel or Esc.",
        # The wait is over: the sentence about it must not stay on show during the try.
        "Asking Kombo again (try 2 of at most 4)… To stop waiting, press Cancel or Esc.",
        "Kombo had a problem on its side, so the program waits a moment and tries again by "
        "itself (try 3 of at most 4). To stop waiting, press Cancel or Esc.",
        "Asking Kombo again (try 3 of at most 4)… To stop waiting, press Cancel or Esc.",
    ]


def test_a_listener_that_fails_does_not_stop_the_repeats() -> None:
    def broken(_text: str) -> None:
        raise RuntimeError("the window went away")

    with (
        FaultServer(busy(503), Reply.link(LINK)) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.02) as client,
    ):
        assert (
            client.create_relink(
                RelinkRequest("personio:93fCvorjZ2jas7ZekX1V1n5d"), on_retry=broken
            ).url
            == LINK
        )


def test_the_wait_after_all_connections_stayed_busy_says_kombo_is_slow_to_answer() -> None:
    # Every connection the client may open was taken by a request Kombo had not answered
    # yet, so the next one gave up waiting for a free one (a pool timeout): repeated, its
    # wait said Kombo "could not be reached", though Kombo was reached and only slow.
    timeout = 1.0  # the wait for a free connection; the busy ones are held for longer
    busy_requests = 20  # as many connections as the client opens at once
    with (
        FaultServer(fallback=Reply(interim_every=0.05)) as server,  # "102 Processing" for ever
        KomboClient(server.base_url, KEY, timeout=timeout, backoff_seconds=0.02) as client,
    ):
        holding = [
            threading.Thread(target=_ends_anyhow, args=(client,), daemon=True)
            for _ in range(busy_requests)
        ]
        for thread in holding:
            thread.start()
        assert server.wait_for_requests(busy_requests)
        token = CancelToken()
        told: list[str] = []

        def hear(words: str) -> None:
            told.append(words)
            token.cancel()  # the first wait said is what this test is about

        with pytest.raises(RequestCancelled):
            client.create_link(REQUEST, token, on_retry=hear)
    assert told == [
        "Kombo is slow to answer right now, so the program waits a moment and tries again by "
        "itself (try 2 of at most 4). To stop waiting, press Cancel or Esc."
    ]
    assert len(server.requests) == busy_requests  # the repeated request never went out


def _ends_anyhow(client: KomboClient) -> None:
    """A request that holds one of the client's connections until it ends, in any way."""
    with contextlib.suppress(KomboError):
        client.create_link(REQUEST)
