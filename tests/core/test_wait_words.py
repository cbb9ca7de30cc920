"""How a wait Kombo asks for is said, and how long the window holds link requests back.

Advice to come back sooner than Kombo asked only earns the same refusal, so every wait is
rounded up, never down, and a wait of minutes is said in minutes.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kombo_desktop.core.error_detail import ErrorDetail
from kombo_desktop.core.errors import (
    CONCURRENCY_LIMIT_EXCEEDED,
    TASK_TIMED_OUT,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)
from kombo_desktop.core.messages import (
    held_back_reason,
    paused_press_message,
    rate_limited_message,
    time_left_phrase,
    wait_phrase,
)
from kombo_desktop.core.retry_policy import UNSAID_RATE_LIMIT_PAUSE, parse_retry_after

_UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600}


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (3, "in a few seconds"),
        (9, "in about 9 seconds"),  # was "in a few seconds"
        (45, "in about 45 seconds"),
        (59.5, "in about 1 minute"),  # was "in about 60 seconds"
        (61, "in about 2 minutes"),
        (185, "in about 4 minutes"),
        (900, "in about 15 minutes"),
        (3599, "in about 1 hour"),  # was "in about 60 minutes"
        (5400, "in about 2 hours"),
    ],
)
def test_a_wait_is_said_as_a_person_would_say_it(seconds: float, said: str) -> None:
    assert wait_phrase(seconds) == said


@pytest.mark.parametrize("seconds", [5.5, 7.2, 10, 44.1, 59.01, 60.5, 119, 180.2, 3000, 3700])
def test_a_wait_is_never_said_shorter_than_it_is(seconds: float) -> None:
    for phrase in (wait_phrase(seconds), time_left_phrase(seconds)):
        found = re.search(r"(\d+) (seconds?|minutes?|hours?)", phrase)
        assert found is not None, phrase
        assert int(found.group(1)) * _UNITS[found.group(2)] >= math.floor(seconds), phrase


def test_a_retry_after_date_minutes_ahead_is_said_in_minutes() -> None:
    answered = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    header = format_datetime(answered + timedelta(minutes=3), usegmt=True)
    seconds = parse_retry_after(header, answered)
    assert seconds == 180
    assert rate_limited_message(seconds) == (
        "Kombo is receiving too many requests right now. Try again in about 3 minutes."
    )


def test_a_press_during_the_wait_is_told_what_is_left() -> None:
    # Says what the program knows: Kombo asked for the wait. It does not ask Kombo again, so
    # "Kombo is still receiving too many requests" claimed what nobody had checked.
    assert paused_press_message(12.2, "Create link") == (
        "Nothing was sent: Kombo asked for a pause. Press “Create link” again in 13 seconds. "
        "What you typed is kept."
    )
    assert "again in 1 second." in paused_press_message(0.2, "Create link")
    assert "again in about 3 minutes." in paused_press_message(150, "Create link")


@pytest.mark.parametrize("seconds", [61, 119.5, 185, 900, 3599, 5400])
def test_a_press_at_once_after_a_wait_of_minutes_says_the_refusals_wait(seconds: float) -> None:
    """Both round up to the next whole minute or hour (185 s is "about 4 minutes"): saying
    "about 3 minutes" would tell a shorter wait than the button is held, and a press after
    three minutes would only be held back again."""
    refused = rate_limited_message(seconds)
    when = refused.removeprefix("Kombo is receiving too many requests right now. Try again ")
    pressed_at_once = paused_press_message(seconds - 0.1, "Create link")
    assert f"“Create link” again {when} What you typed is kept." in pressed_at_once


def test_without_a_wait_named_the_advice_matches_the_pause() -> None:
    limited = RateLimitedError(detail=ErrorDetail(code="PLATFORM.RATE_LIMIT_EXCEEDED"))
    assert limited.pause == UNSAID_RATE_LIMIT_PAUSE
    assert rate_limited_message(None).endswith(f"{wait_phrase(UNSAID_RATE_LIMIT_PAUSE)}.")
    asked = RateLimitedError(detail=ErrorDetail(code=CONCURRENCY_LIMIT_EXCEEDED), retry_after=7)
    assert asked.pause == 7
    # Requests at the same time: over as soon as the others are done, so nothing is held back.
    running = RateLimitedError(detail=ErrorDetail(code=CONCURRENCY_LIMIT_EXCEEDED))
    assert running.pause is None


def test_a_press_held_back_after_unavailable_says_what_the_refusal_said() -> None:
    """A 503 that named a wait was shown as "Kombo is unavailable for a moment"; a press
    during that wait says the same, not that Kombo asked for a pause (it did not)."""
    unavailable = ServerError(retry_after=2)
    assert unavailable.pause == 2
    assert paused_press_message(1.5, "Create link", held_back_reason(unavailable)) == (
        "Nothing was sent: Kombo said it is unavailable for a moment. Press “Create link” "
        "again in 2 seconds. What you typed is kept."
    )
    assert held_back_reason(RateLimitedError(retry_after=5)) == "Kombo asked for a pause"
    # Without Retry-After the pause is the program's own: Kombo asked for none.
    assert held_back_reason(RateLimitedError()) == "Kombo was busy with too many requests"
    # An error page may come from a device on the way: not put in Kombo's mouth.
    page = UnexpectedResponseError(retry_after=60)
    assert not held_back_reason(page).startswith("Kombo")


def test_a_press_held_back_after_kombo_took_too_long_says_so() -> None:
    """Kombo's "took too long on its side" (a 5xx with ``PLATFORM.TASK_TIMED_OUT``) that named
    a wait: a press during it said "Kombo said it is unavailable for a moment" under a message
    that had said something else."""
    timed_out = ServerError(detail=ErrorDetail(code=TASK_TIMED_OUT), retry_after=30)
    said = paused_press_message(20, "Create link", held_back_reason(timed_out))
    assert said.startswith("Nothing was sent: Kombo said it took too long on its side. ")
    assert "unavailable" not in said


def test_an_answer_that_named_no_wait_holds_nothing_back() -> None:
    assert ServerError().pause is None
    assert UnexpectedResponseError().pause is None
