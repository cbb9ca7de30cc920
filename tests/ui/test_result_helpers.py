"""Expiry wording, which links may be opened, and suggested file names."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kombo_desktop.core.link_check import link_problem
from kombo_desktop.core.vocabulary import LinkType, day_text
from kombo_desktop.ui.expiry import expired_text, expires_at, expiry_text
from kombo_desktop.ui.qr_image import save_qr
from kombo_desktop.ui.result_panel import file_stem_for, is_openable, link_refusal, qr_file_stem
from kombo_desktop.ui.save_names import name_to_save
from tests.support.time_zones import BERLIN, ONE_HOUR_EAST, computer_time_zone

CET = timezone(timedelta(hours=1))


@pytest.fixture(autouse=True)
def one_hour_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's time zone at CET's offset, without summer time."""
    with computer_time_zone(monkeypatch, ONE_HOUR_EAST):
        yield


def use_time_zone(monkeypatch: pytest.MonkeyPatch, rules: str) -> None:
    monkeypatch.setenv("TZ", rules)
    time.tzset()


def test_a_link_to_send_is_valid_for_a_year_by_date() -> None:
    made = datetime(2026, 11, 29, 13, 32, tzinfo=CET)
    assert expiry_text(LinkType.MAGIC_LINK, made) == "Valid until 29 Nov 2027"
    assert expires_at(LinkType.MAGIC_LINK, made) == made + timedelta(days=365)


def test_an_embedded_link_is_valid_for_an_hour_by_clock_time() -> None:
    made = datetime(2026, 5, 9, 13, 32, tzinfo=CET)
    assert expiry_text(LinkType.EMBEDDED, made, made) == "Valid for 1 hour, until 14:32"


def test_an_hour_across_the_change_to_summer_time_ends_at_the_clocks_new_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Made at 01:30 in Berlin the night clocks go from 02:00 to 03:00: it said "until 02:30",
    # a time that does not exist that night (one hour added to the offset of 01:30).
    use_time_zone(monkeypatch, BERLIN)
    made = datetime(2026, 3, 29, 1, 30).astimezone()
    assert made.utcoffset() == timedelta(hours=1)
    assert expiry_text(LinkType.EMBEDDED, made, made) == "Valid for 1 hour, until 03:30"
    until = expires_at(LinkType.EMBEDDED, made)
    assert expired_text(until, until + timedelta(minutes=5)) == "Expired at 03:30"


def test_an_embedded_link_shown_again_later_says_only_until_when() -> None:
    # Shown from the history 50 minutes after it was made, it said "Valid for 1 hour".
    made = datetime(2026, 5, 9, 13, 32, tzinfo=CET)
    later = made + timedelta(minutes=50)
    assert expiry_text(LinkType.EMBEDDED, made, later) == "Valid until 14:32"


def test_an_hour_ending_tomorrow_says_which_day() -> None:
    # Made at 23:50, it said "until 00:50", which reads as this night's past.
    made = datetime(2026, 11, 29, 23, 50, tzinfo=CET)
    assert expiry_text(LinkType.EMBEDDED, made, made) == (
        "Valid for 1 hour, until 00:50 on 30 Nov 2026"
    )
    later = made + timedelta(minutes=5)
    assert expiry_text(LinkType.EMBEDDED, made, later) == "Valid until 00:50 on 30 Nov 2026"
    after_midnight = made + timedelta(minutes=15)
    assert expiry_text(LinkType.EMBEDDED, made, after_midnight) == "Valid until 00:50"


def words_for_an_hour_from(now: datetime) -> str:
    until = now + timedelta(hours=1)
    day = "" if until.date() == now.date() else f" on {day_text(until)}"
    return f"Valid for 1 hour, until {until:%H:%M}{day}"


def test_expiry_defaults_to_now() -> None:
    # Read at the clock's time of day: between 23:00 and midnight the hour ends tomorrow, and
    # an earlier version of this test failed then (it expected the text to end in the time).
    before = datetime.now().astimezone()
    text = expiry_text(LinkType.EMBEDDED)
    after = datetime.now().astimezone()
    assert text in {words_for_an_hour_from(before), words_for_an_hour_from(after)}


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
        # What the client refuses in Kombo's answers is not opened from the history either.
        ("https://127.1/steal", False, False),
        ("https://%31%32%37.0.0.1/steal", False, False),
        ("https://localhost%2e/x", False, False),
        ("https://0x7f.0.0.1/x", False, False),
        ("https://2130706433/x", False, False),
        ("https://localhost./x", False, False),
        ("https://app.localhost/x", False, False),
        ("https://user:secret@connect.kombo.dev/x", False, False),
        ("https://user:secret@connect.kombo.dev/x", True, False),
        ("https://127.0.0.1\\.kombo.dev/", False, False),
        ("https://connect.kombo.dev/" + "a" * 3000, False, False),
        ("https://connect.kombo.dev/caf\u00e9", False, False),
        ("http://127.0.0.2:8000/demo", True, False),  # the demo service is at 127.0.0.1
    ],
)
def test_links_open_by_the_clients_rule_and_the_demo_services_own(
    url: str, is_demo: bool, openable: bool
) -> None:
    assert is_openable(url, is_demo) is openable
    assert (link_refusal(url, is_demo) is None) is openable
    assert (link_problem(url, loopback_api=is_demo, key=None) is None) is openable


def test_file_names_are_readable_and_safe() -> None:
    assert file_stem_for("Acme GmbH") == "kombo-link-acme-gmbh"
    assert file_stem_for("../../etc/passwd") == "kombo-link-etc-passwd"
    # Accented letters keep their base letter (they became "m-ller-s-hne").
    assert file_stem_for("Müller & Söhne GmbH") == "kombo-link-muller-sohne-gmbh"
    assert file_stem_for("Société Générale") == "kombo-link-societe-generale"
    assert file_stem_for("Straße AG") == "kombo-link-strasse-ag"
    assert file_stem_for("Søren Ørsted ApS") == "kombo-link-soren-orsted-aps"
    assert file_stem_for("Łódź Sp. z o.o.") == "kombo-link-lodz-sp-z-o-o"
    assert file_stem_for("Ærø Æble") == "kombo-link-aero-aeble"
    assert file_stem_for("Işık Yazılım") == "kombo-link-isik-yazilim"
    assert file_stem_for("Þór ehf") == "kombo-link-thor-ehf"
    assert file_stem_for("株式会社") == "kombo-link"
    assert file_stem_for("", "kombo-relink") == "kombo-relink"


def test_a_code_is_named_for_the_organisation_else_the_integration() -> None:
    assert qr_file_stem("Acme GmbH", "personio:93fC") == "kombo-link-acme-gmbh"
    assert qr_file_stem(None, "personio:93fC") == "kombo-link-personio-93fc"
    assert qr_file_stem("", "株式会社") == "kombo-relink"
    assert qr_file_stem(None) == "kombo-link"


def test_an_organisation_a_file_name_cannot_spell_leaves_the_integration_to_name_the_code() -> None:
    # Every such customer's code was offered as "kombo-link", one replacing another's.
    assert qr_file_stem("ООО Ромашка", "personio:93fC") == "kombo-link-personio-93fc"
    assert qr_file_stem("株式会社", "bamboohr:x1") == "kombo-link-bamboohr-x1"
    assert qr_file_stem("ООО Ромашка") == "kombo-link"


def test_an_expired_link_says_when_by_clock_time_that_day_and_by_date_later() -> None:
    until = datetime(2026, 5, 9, 14, 32, tzinfo=CET)
    assert expired_text(until, until + timedelta(hours=3)) == "Expired at 14:32"
    assert expired_text(until, until + timedelta(hours=10)) == "Expired on 9 May 2026"
    # "now" given in another time zone is compared in the computer's
    assert expired_text(until, datetime(2026, 5, 9, 21, 0, tzinfo=UTC)) == ("Expired at 14:32")


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("links", "links.csv"),
        ("links.csv", "links.csv"),
        ("links.CSV", "links.CSV"),
        ("links.txt", "links.txt"),  # an extension chosen on purpose is kept
        ("Acme Inc. links", "Acme Inc. links.csv"),  # ". links" is no extension
        ("Acme Inc.", "Acme Inc..csv"),
        ("v2.0 export", "v2.0 export.csv"),
        ("Acme S.A", "Acme S.A.csv"),  # a legal form, not an extension
        ("History 12.05.2024", "History 12.05.2024.csv"),  # a date
    ],
)
def test_a_typed_file_name_gets_the_extension_it_lacks(typed: str, saved: str) -> None:
    kept = (".csv", ".txt", ".tsv")
    assert name_to_save(Path("/somewhere") / typed, ".csv", kept) == Path("/somewhere") / saved


def test_a_qr_code_name_with_a_dot_is_saved_as_png(tmp_path: Path) -> None:
    # "Acme Inc. QR code" was refused: "not as '. QR code'. Please choose one of these two."
    written = save_qr("https://connect.kombo.dev/v1?token=abc", tmp_path / "Acme Inc. QR code")
    assert written == tmp_path / "Acme Inc. QR code.png"
    assert written.is_file()
    for typed in ("Acme S.A", "QR 12.05.2024", "Acme.io"):  # "not as '.A'" before
        assert save_qr("https://connect.kombo.dev/v1?token=abc", tmp_path / typed).suffix == ".png"
    with pytest.raises(ValueError, match="PNG picture"):
        save_qr("https://connect.kombo.dev/v1?token=abc", tmp_path / "qr.jpeg")
