"""How a wait Kombo asks for is said.

Advice to come back sooner than Kombo asked only earns the same refusal, so every wait is
rounded up, never down, and a wait of minutes is said in minutes.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kombo_desktop.core.messages import rate_limited_message, wait_phrase
from kombo_desktop.core.retry_policy import parse_retry_after

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
    phrase = wait_phrase(seconds)
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
