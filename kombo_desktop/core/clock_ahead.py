"""Links made while this computer's clock was ahead, and put right since: dated later than now.

Each link keeps the time this computer's clock gave when it was made, and its end is reckoned
from that time. A clock that was ahead then gave both too late: the link was made by now at the
latest, and ends no later than its lifetime from now. How much earlier it was made can't be
told, so a link valid less than a day "may have expired" (a clock two hours ahead, put right
since, leaves an hour-long link made 90 minutes ago dated 30 minutes from now, and expired). A
year-long one could have expired only by a clock more than a year ahead, with which the check
of Kombo's certificate (valid for a year at most) almost always refuses to make a link at all.

One decision for every place that speaks of such a link: the history's Status column and status
line, its CSV export, and the invitation offered for it, which promised the customer a time
that may have passed while the history said "May have expired".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

# How much later than now a link may be dated and still be taken as made now: clocks are put
# right by seconds at a time, and a link made a moment ago needs no explaining.
CLOCK_SLACK: Final = timedelta(minutes=1)

# What the history, on the screen and in its CSV export, says of such a link: made by now at the
# latest, how much of its lifetime is left can't be told.
MAY_HAVE_EXPIRED: Final = "May have expired"

# Lifetimes shorter than this can have run out while a clock that was ahead is put right.
_SHORT_LIFETIME: Final = timedelta(days=1)


def dated_ahead(made: datetime, now: datetime | None = None) -> bool:
    """Whether a link made at ``made``, by this computer's clock, is dated later than ``now``
    (default: the current time): the clock was ahead then, and has been put right since."""
    return made > (now or datetime.now(UTC)) + CLOCK_SLACK


def may_have_expired(made: datetime, lifetime: timedelta, now: datetime | None = None) -> bool:
    """Whether a link made at ``made`` and valid for ``lifetime`` may have stopped working
    although its own times say it works: valid less than a day, and dated later than ``now``
    (see the module's docstring). Nothing said of it may then promise a time it works until."""
    return lifetime < _SHORT_LIFETIME and dated_ahead(made, now)
