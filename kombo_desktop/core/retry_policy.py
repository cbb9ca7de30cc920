"""Which failed calls to Kombo are repeated, how long the client waits, and where it stops.

Retries, and why only these
---------------------------
Kombo does not deduplicate: every successful ``create-link`` or ``relink`` call makes a new link
on Kombo's side. That alone does no harm, though: a link nobody ever sees cannot become an
integration. Only a link the customer opens and completes does, and the client shows only the
link of the attempt that succeeded (a failed attempt's answer is never shown, whatever Kombo did
with it). So a request is repeated automatically when it certainly did not reach Kombo, or when
the answer is an error, because the person then sees exactly one link or none:

* the connection failed before any byte of the request was written (DNS failure, refused or timed
  out connection, reset before sending): nothing can have happened on Kombo's side;
* ``429`` (rate or concurrency limit) and ``500``/``502``/``503``/``504``: Kombo, or the gateway
  in front of it, turned the request away or failed on it. Kombo may have got halfway, or (for a
  ``504``) even finished after the gateway gave up; the link of that attempt is never shown, so
  repeating after a server error cannot give a customer two links;
* for the read-only ``GET`` calls, a connection that broke at any point (they change nothing).

No call is repeated after a *read timeout*: a server that stayed silent for a whole timeout is
unlikely to answer the next time, and the person would wait a multiple of it. That holds for a
proxy that never answers the request to open a tunnel to Kombo too, and for a server (mostly a
firewall or filter in between) that took the connection and never answered the TLS handshake:
httpx calls that a *connect* timeout, but nothing about it "never got going".

A ``POST`` whose request was sent and then timed out or lost its connection while waiting for the
answer is *not* repeated either. A repeat would be harmless to the customer (see above: they only
ever see one link), but the person has already waited a whole timeout, and a silent Kombo may be
busy with that very request; another full wait without a word is worse than a plain "took too
long" message, after which they decide whether to try again. HTTP advises the same for
non-idempotent requests (RFC 9110, section 9.2.2).

Repeats wait with exponential backoff and jitter, or exactly as long as ``Retry-After`` asks
(seconds or an HTTP date; a date is counted from the answer's own ``Date``, since this computer's
clock may be minutes off). They are bounded twice: at most ``max_attempts`` attempts, and no wait
may end later than ``max_retry_seconds`` after the first attempt began. When Kombo asks for a wait
beyond that budget, the call fails at once with the error's ``retry_after`` set, instead of
keeping the window busy (the window then holds link requests back for that wait).

This module only decides; ``kombo_desktop.core.client`` asks it and does the waiting. It needs
neither httpx nor Qt.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
from datetime import UTC, datetime
from typing import Final

__all__ = [
    "BACKOFF_CAP",
    "RETRY_STATUSES",
    "UNSAID_RATE_LIMIT_PAUSE",
    "answer_date",
    "backoff_delay",
    "broken_connection_is_repeatable",
    "parse_retry_after",
    "timeout_is_repeatable",
    "wait_before_repeat",
]

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

# The longest backoff step, however many attempts came before.
BACKOFF_CAP = 8.0

# How long to hold back the next link request after Kombo's rate limit turned the last one
# away without saying how long to wait (no ``Retry-After``): the client's own repeats have
# already waited a few seconds by then, and pressing again at once would only be turned away
# too. Short, since it is a guess: Kombo publishes no limits.
UNSAID_RATE_LIMIT_PAUSE = 30.0

# Methods that change nothing on Kombo's side, so a broken connection may simply be tried again.
_READ_ONLY_METHODS: Final = frozenset({"GET"})


def timeout_is_repeatable(
    method: str,
    *,
    before_sending: bool,
    request_sent: bool,
    while_writing: bool,
    tunnel_requested: bool = False,
    handshake_unanswered: bool = False,
) -> bool:
    """Whether a call that timed out may be repeated.

    ``before_sending``: the connect or pool timeout, before anything was sent. ``request_sent``:
    the request's headers went out. ``while_writing``: the timeout came while sending the body.
    ``tunnel_requested``: a proxy was asked to open a tunnel to Kombo; if the request itself did
    not follow, the proxy stayed silent, a read timeout like any other (not repeated).
    ``handshake_unanswered``: the connection was made, and the connect timeout ran out in the
    TLS handshake: the other side stayed silent for a whole timeout (not repeated).
    """
    if handshake_unanswered:
        return False
    if before_sending:
        return True
    if request_sent:
        return method in _READ_ONLY_METHODS and while_writing
    return not tunnel_requested


def broken_connection_is_repeatable(method: str, *, request_sent: bool) -> bool:
    """Whether a call whose connection broke (reset, closed, protocol error) may be repeated."""
    return method in _READ_ONLY_METHODS or not request_sent


def backoff_delay(attempt: int, base: float) -> float:
    """Exponential backoff with "equal jitter": never zero, never in lock-step with others.

    The wait after attempt ``n`` is drawn from ``[b/2, b]`` with ``b = base * 2**(n-1)``, capped
    at ``BACKOFF_CAP``.
    """
    ceiling = min(BACKOFF_CAP, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def wait_before_repeat(attempt: int, retry_after: float | None, base: float) -> float:
    """The wait before the attempt after ``attempt``: what ``Retry-After`` asked, or backoff."""
    return retry_after if retry_after is not None else backoff_delay(attempt, base)


def answer_date(value: str | None) -> datetime | None:
    """The time an answer was given, from its ``Date`` header; ``None`` if missing or unreadable.

    A ``Retry-After`` date is on the server's clock, so it is counted from this rather than
    from this computer's clock: a laptop ten minutes off would otherwise wait eleven minutes,
    or not at all.
    """
    if value is None or not value.strip():
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP date), or ``None``.

    A date is counted from ``now``: the answer's ``answer_date`` where it has one, else this
    computer's clock. Decimal seconds are accepted too (lenient, and lets tests use short
    waits); anything unreadable, negative or infinite is ignored, so the normal backoff applies.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
