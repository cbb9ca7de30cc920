"""Expiry wording, which links may be opened, and suggested file names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kombo_desktop.core.vocabulary import LinkType
from kombo_desktop.ui.expiry import expired_text, expires_at, expiry_text
from kombo_desktop.ui.result_panel import file_stem_for, is_openable

CET = timezone(timedelta(hours=1))


def test_a_link_to_send_is_valid_for_a_year_by_date() -> None:
    made = datetime(2026, 11, 29, 13, 32, tzinfo=CET)
    assert expiry_text(LinkType.MAGIC_LINK, made) == "Valid until 29 Nov 2027"
    assert expires_at(LinkType.MAGIC_LINK, made) == made + timedelta(days=365)


def test_an_embedded_link_is_valid_for_an_hour_by_clock_time() -> None:
    made = datetime(2026, 5, 9, 13, 32, tzinfo=CET)
    assert expiry_text(LinkType.EMBEDDED, made, made) == "Valid for 1 hour, until 14:32"


def test_an_embedded_link_shown_again_later_says_only_until_when() -> None:
    # Shown from the history 50 minutes after it was made, it said "Valid for 1 hour".
    made = datetime(2026, 5, 9, 13, 32, tzinfo=CET)
    later = made + timedelta(minutes=50)
    assert expiry_text(LinkType.EMBEDDED, made, later) == "Valid until 14:32"


def test_expiry_defaults_to_now() -> None:
    text = expiry_text(LinkType.EMBEDDED)
    in_an_hour = datetime.now().astimezone() + timedelta(hours=1)
    assert text.endswith(in_an_hour.strftime("%H:%M")) or text.endswith(
        (in_an_hour + timedelta(minutes=1)).strftime("%H:%M")
    )


@pytest.mark.parametrize(
    ("url", "is_demo", "openable"),
    [
        ("https://connect.kombo.dev/v1?token=abc", False, True),
        ("https://connect.kombo.dev/v1?token=abc", True, True),
        ("http://connect.kombo.dev/v1?token=abc", False, False),
        ("http://127.0.0.1:8000/demo/connect?token=DEMO-1", True, True),
        ("http://localhost:8000/demo/connect?token=DEMO-1", True, True),
        ("http://[::1]:8000/demo/connect?token=DEMO-1", True, True),
        ("http://127.0.0.1:8000/demo/connect?token=DEMO-1", False, False),
        ("http://192.168.1.10/demo", True, False),
        ("javascript:alert(1)", True, False),
        ("file:///etc/passwd", True, False),
        ("https:///no-host", False, False),
        ("https://connect.kombo.dev/v1?token=a b", False, False),
    ],
)
def test_only_secure_links_and_the_demo_services_own_open(
    url: str, is_demo: bool, openable: bool
) -> None:
    assert is_openable(url, is_demo) is openable


def test_file_names_are_readable_and_safe() -> None:
    assert file_stem_for("Acme GmbH") == "kombo-link-acme-gmbh"
    assert file_stem_for("../../etc/passwd") == "kombo-link-etc-passwd"
    assert file_stem_for("株式会社") == "kombo-link"
    assert file_stem_for("", "kombo-relink") == "kombo-relink"


def test_an_expired_link_says_when_by_clock_time_that_day_and_by_date_later() -> None:
    until = datetime(2026, 5, 9, 14, 32, tzinfo=CET)
    assert expired_text(until, until + timedelta(hours=3)) == "Expired at 14:32"
    assert expired_text(until, until + timedelta(hours=10)) == "Expired on 9 May 2026"
    # "now" in another time zone is compared in the link's own
    assert expired_text(until, datetime(2026, 5, 9, 21, 0, tzinfo=UTC)) == ("Expired at 14:32")
