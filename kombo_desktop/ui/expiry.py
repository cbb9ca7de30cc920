"""How long a new link stays valid, in the words staff repeat to a customer.

Kombo documents the lifetimes (``LINK_LIFETIMES``): a link to send lasts a year, an embedded
one an hour. The text is computed from the moment the link was made, in local time, with month
names spelled out so "03/04" can never be read two ways.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kombo_desktop.core.clock_ahead import MAY_HAVE_EXPIRED as MAY_HAVE_EXPIRED
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, LinkType, day_text

# How often a link's expiry is looked at again: a timer's clock stands still while a laptop
# sleeps, the wall clock does not, so one timer set for the moment of expiry is not enough.
RECHECK_SOON = timedelta(seconds=30)  # links that expire within a day
RECHECK_LATER = timedelta(hours=1)


def _duration(lifetime: timedelta) -> str:
    hours = round(lifetime.total_seconds() / 3600)
    if hours < 1:
        minutes = round(lifetime.total_seconds() / 60)
        return f"{minutes} minute" + ("" if minutes == 1 else "s")
    return f"{hours} hour" + ("" if hours == 1 else "s")


def expires_at(link_type: LinkType, created: datetime) -> datetime:
    return created + LINK_LIFETIMES[link_type]


def expired_text(
    until: datetime, now: datetime | None = None, *, at_the_latest: bool = False
) -> str:
    """ "Expired at 14:32" on the day it expired, "Expired on 29 Nov 2026" later (in the
    computer's time zone, like ``expiry_text``); ``at_the_latest`` (the end of a link made
    while the clock was ahead, see ``latest_expiry_text``): "Expired by 14:32"."""
    until, now = until.astimezone(), (now or datetime.now()).astimezone()
    if until.date() == now.date():
        return f"Expired {'by' if at_the_latest else 'at'} {until:%H:%M}"
    return f"Expired {'by' if at_the_latest else 'on'} {day_text(until)}"


def expiry_text(
    link_type: LinkType, created: datetime | None = None, now: datetime | None = None
) -> str:
    """ "Valid until 29 Nov 2027" for long-lived links; "Valid for 1 hour, until 14:32" for a
    short-lived one just made, and "Valid until 14:32" when it is shown again later (from the
    history, or instead of a second link), which no longer has its whole hour; with " on 30 Nov
    2026" when that is not today."""
    now = now or datetime.now().astimezone()
    created = created or now
    lifetime = LINK_LIFETIMES[link_type]
    # In the computer's time zone with its summer-time rules: ``created`` carries the offset
    # of its own moment, and an hour after 01:30 on the night clocks go forward is 03:30.
    until = (created + lifetime).astimezone()
    if lifetime >= timedelta(days=1):
        return f"Valid until {day_text(until)}"
    # An hour ending after midnight says on which day: "until 00:50" reads as tonight's past.
    day = "" if until.date() == now.astimezone().date() else f" on {day_text(until)}"
    if now - created >= timedelta(minutes=1):
        return f"Valid until {until:%H:%M}{day}"
    return f"Valid for {_duration(lifetime)}, until {until:%H:%M}{day}"


def latest_expiry_text(
    link_type: LinkType, latest_made: datetime, now: datetime | None = None
) -> str:
    """What is said of a link made while this computer's clock was ahead (its time is later
    than now), made at ``latest_made`` at the latest: "Valid until 29 Nov 2027 at the latest";
    for a link valid an hour, which may have ended before it was shown, "May have expired
    (valid until 14:32 at the latest)". Its stored time, hours ahead, gave "Valid for 1 hour,
    until 17:32"."""
    now = now or datetime.now().astimezone()
    lifetime = LINK_LIFETIMES[link_type]
    until = (latest_made + lifetime).astimezone()
    if lifetime >= timedelta(days=1):
        return f"Valid until {day_text(until)} at the latest"
    day = "" if until.date() == now.astimezone().date() else f" on {day_text(until)}"
    return f"{MAY_HAVE_EXPIRED} (valid until {until:%H:%M}{day} at the latest)"


def next_look_ms(left: timedelta) -> int:
    """Milliseconds until a link ``left`` from expiring is looked at again: just after its
    moment, but no later than ``RECHECK_SOON`` (within a day of it) or ``RECHECK_LATER``. A
    timer may fire a little early: the look then simply sets the next one."""
    longest = RECHECK_SOON if left < timedelta(days=1) else RECHECK_LATER
    just_after = max(left, timedelta(0)) + timedelta(milliseconds=1)
    return int(min(just_after, longest).total_seconds() * 1000)
