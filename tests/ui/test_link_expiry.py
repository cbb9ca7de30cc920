"""A link that expires while it is on screen says so, and its QR code is taken away: a customer
on the call must not be handed a code that no longer works."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core import invitation
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, LinkType
from kombo_desktop.ui import expiry, result_panel
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.shown_link import ShownLink
from tests.support.found import named
from tests.support.history_helpers import UrlCatcher, catch_urls
from tests.ui.conftest import fill_form, make_link, wait_until_drawn_or_not

URL = "https://connect.kombo.dev/v1?token=abc"


def embedded_link(expires_in: timedelta) -> ShownLink:
    lifetime = LINK_LIFETIMES[LinkType.EMBEDDED]
    made = datetime.now().astimezone() - lifetime + expires_in
    return ShownLink(URL, LinkType.EMBEDDED, is_demo=False, created=made)


def link_actions(window: MainWindow, own_only: bool = False) -> dict[str, bool]:
    """Whether the buttons that hand the shown link on are enabled (with the invitation's,
    which need a customer to address, unless ``own_only``)."""
    names = ["openButton", "exportQrButton", "copyQrButton"]
    if not own_only:
        names += ["copyInvitationButton", "emailButton"]
    return {name: named(window, QPushButton, name).isEnabled() for name in names}


def its_hour_passes_on_screen(window: MainWindow) -> None:
    """The link shown, made an hour ago as far as its expiry goes: the window's next look at
    it (soon, see ``look_again_soon``) finds it expired. A link really made to last seconds
    expired on a loaded machine before its code was drawn, and the test failed waiting for it."""
    shown = window.resultPanel.shown
    assert shown is not None
    window.resultPanel.shown = replace(shown, created=shown.created - timedelta(hours=1))


@pytest.fixture
def look_again_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window looks at the expiry of the link shown every 0.2 s, not every 30 s."""
    monkeypatch.setattr(expiry, "RECHECK_SOON", timedelta(milliseconds=200))


def test_a_link_that_expires_on_screen_says_so_and_its_code_goes(
    qtbot: QtBot, demo_window: MainWindow, look_again_soon: None
) -> None:
    # A link for the customer's session, made as a person does; it lasts an hour.
    fill_form(demo_window)
    combo = demo_window.linkTypeCombo
    combo.setCurrentIndex(combo.findData(LinkType.EMBEDDED.value))
    link = make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: not demo_window.qrView.pixmap().isNull())
    assert demo_window.expiryLabel.text().startswith("Valid for")
    assert all(link_actions(demo_window).values())

    its_hour_passes_on_screen(demo_window)
    # The window's own timer notices. "Expired on 1 Dec" in the first minutes of a day.
    expired_words = ("Expired at", "Expired on")
    qtbot.waitUntil(lambda: demo_window.expiryLabel.text().startswith(expired_words))
    assert demo_window.qrView.pixmap().isNull()
    assert "expired" in demo_window.qrView.text()
    assert not named(demo_window, QLabel, "qrHint").isVisible()  # nothing to scan
    assert not any(link_actions(demo_window).values())
    said = ("The link on screen expired at", "The link on screen expired on")
    assert demo_window.statusLabel.text().startswith(said)
    assert demo_window.linkField.text() == link
    demo_window.copyButton.click()  # still there to quote, e.g. to support
    assert QGuiApplication.clipboard().text() == link
    assert "expired" in demo_window.statusLabel.text()

    # The next link is shown as usual.
    combo.setCurrentIndex(combo.findData(LinkType.MAGIC_LINK.value))
    fill_form(demo_window, email="bo@initech.example", organization="Initech")
    make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: not demo_window.qrView.pixmap().isNull())
    assert demo_window.expiryLabel.text().startswith("Valid until")
    assert all(link_actions(demo_window).values())
    assert named(demo_window, QLabel, "qrHint").isVisible()


def test_a_link_shown_after_it_expired_has_no_code(qtbot: QtBot, demo_window: MainWindow) -> None:
    demo_window.show_link(embedded_link(expires_in=-timedelta(minutes=5)))
    wait_until_drawn_or_not(qtbot, demo_window)  # the code would have been drawn by now
    # "Expired on 29 Nov" in the first five minutes of a day (it failed then, on CI).
    assert demo_window.expiryLabel.text().startswith(("Expired at", "Expired on"))
    assert demo_window.qrView.pixmap().isNull()
    assert not any(link_actions(demo_window, own_only=True).values())


def test_a_link_far_from_expiring_keeps_its_code(
    qtbot: QtBot, demo_window: MainWindow, look_again_soon: None
) -> None:
    link = embedded_link(expires_in=timedelta(minutes=59))
    demo_window.show_link(link)
    qtbot.waitUntil(lambda: not demo_window.qrView.pixmap().isNull())
    # Made a minute before it was shown, it no longer has its whole hour.
    shown_first = demo_window.expiryLabel.text()
    assert shown_first.startswith("Valid until ")

    # Half an hour passes on screen: the window's next look at it (a fixed wait proved
    # nothing, the look could come after it) says when it ends, and keeps its code.
    demo_window.resultPanel.shown = replace(link, created=link.created - timedelta(minutes=30))
    qtbot.waitUntil(lambda: demo_window.expiryLabel.text() != shown_first)
    assert demo_window.expiryLabel.text().startswith("Valid until ")
    assert not demo_window.qrView.pixmap().isNull()
    assert all(link_actions(demo_window, own_only=True).values())


def test_a_link_that_expires_while_the_save_dialog_is_open_is_not_saved(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its code was written, and "QR code saved" said, after the link had stopped working.
    panel = demo_window.resultPanel
    demo_window.show_link(embedded_link(expires_in=timedelta(minutes=5)))

    def save_dialog(*_args: object) -> tuple[str, str]:
        panel._show_expired(announce=False)  # the person took their time: its hour ran out
        return str(tmp_path / "code.png"), "PNG picture (*.png)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    panel.export_qr()
    assert not (tmp_path / "code.png").exists()
    assert "no QR code was saved" in demo_window.statusLabel.text()


def test_a_code_is_not_saved_for_a_link_no_longer_shown(
    demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = demo_window.resultPanel
    demo_window.show_link(embedded_link(expires_in=timedelta(minutes=30)))

    def save_dialog(*_args: object) -> tuple[str, str]:
        demo_window.show_link(embedded_link(expires_in=timedelta(minutes=40)))  # another one
        return str(tmp_path / "code.png"), "PNG picture (*.png)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    panel.export_qr()
    assert not (tmp_path / "code.png").exists()
    assert "Another link is shown now" in demo_window.statusLabel.text()


def test_the_expiry_words_follow_the_time_on_screen(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written once when shown: 50 minutes on, an embedded link still said "Valid for 1 hour",
    # and "Expired at 14:32" stayed when that was days ago.
    monkeypatch.setattr(expiry, "RECHECK_SOON", timedelta(milliseconds=200))
    monkeypatch.setattr(expiry, "RECHECK_LATER", timedelta(milliseconds=200))
    link = embedded_link(expires_in=timedelta(minutes=59, seconds=59))
    demo_window.show_link(link)
    assert demo_window.expiryLabel.text().startswith("Valid for 1 hour")
    later = replace(link, created=link.created - timedelta(minutes=50))
    demo_window.resultPanel.shown = later  # as if 50 minutes had passed on screen
    qtbot.waitUntil(lambda: demo_window.expiryLabel.text().startswith("Valid until"))

    just_now = replace(link, created=link.created - timedelta(hours=1))  # expired a second ago
    demo_window.resultPanel.shown = just_now
    qtbot.waitUntil(lambda: demo_window.expiryLabel.text().startswith("Expired at"))
    days_ago = replace(link, created=link.created - timedelta(days=3))  # as if days had passed
    demo_window.resultPanel.shown = days_ago
    qtbot.waitUntil(lambda: demo_window.expiryLabel.text().startswith("Expired on"))


def test_a_link_made_while_the_clock_was_ahead_ends_by_its_latest_end(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Shown from the history, made by the time it was shown at the latest: no more than its
    # lifetime from then, and when that has passed it has expired "by" then, not "at" then,
    # as it may have ended before.
    shown_at = datetime.now().astimezone()
    link = ShownLink(
        URL, LinkType.EMBEDDED, is_demo=False, created=shown_at, made_by_a_clock_ahead=True
    )
    demo_window.show_link(link)
    until = shown_at + LINK_LIFETIMES[LinkType.EMBEDDED]
    label = demo_window.expiryLabel.text()
    assert label.startswith(f"May have expired (valid until {until:%H:%M}")
    assert label.endswith(" at the latest)")
    qtbot.waitUntil(lambda: not demo_window.qrView.pixmap().isNull())

    demo_window.resultPanel.shown = replace(link, created=shown_at - timedelta(hours=1))
    demo_window.resultPanel.link_has_expired()  # as the next action or the timer would ask
    assert demo_window.expiryLabel.text().startswith("Expired by ")
    assert demo_window.statusLabel.text().startswith("The link on screen expired by")
    year_long = replace(link, link_type=LinkType.MAGIC_LINK)
    demo_window.show_link(year_long)
    a_year_on = expiry.day_text(shown_at + LINK_LIFETIMES[LinkType.MAGIC_LINK])
    assert demo_window.expiryLabel.text() == f"Valid until {a_year_on} at the latest"


# --- after a laptop slept ------------------------------------------------------------------------


def clock_moved_on(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """The wall clock ``by`` later at once, as for a laptop woken from sleep: Qt's timers stood
    still meanwhile, so none of them has fired for the time that passed."""

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return datetime.now(tz) + by

    for module in (result_panel, expiry, invitation):
        monkeypatch.setattr(module, "datetime", Later)


@pytest.fixture
def handed_on() -> Iterator[UrlCatcher]:
    """Catches what the window gives to a browser or an e-mail program."""
    yield from catch_urls("http", "https", "mailto")


def slept_past_its_hour(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> str:
    """An hour-long link made and shown with its code; then the laptop sleeps for 90 minutes."""
    fill_form(window)
    window.linkTypeCombo.setCurrentIndex(window.linkTypeCombo.findData(LinkType.EMBEDDED.value))
    link = make_link(qtbot, window)
    qtbot.waitUntil(lambda: window.resultPanel.qrView.has_code)
    assert all(link_actions(window).values())
    clock_moved_on(monkeypatch, timedelta(minutes=90))
    QGuiApplication.clipboard().clear()
    return link


HANDING_ON = ["openButton", "exportQrButton", "copyQrButton", "copyInvitationButton", "emailButton"]


@pytest.mark.parametrize("button", HANDING_ON)
def test_after_sleep_an_expired_link_is_not_handed_on_before_the_timer_wakes(
    qtbot: QtBot,
    demo_window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    handed_on: UrlCatcher,
    button: str,
) -> None:
    # For up to 30 seconds it was saved, copied, opened and e-mailed as if it still worked
    # (the e-mail said "valid until 02:19" at 03:49). "Expired on": 90 minutes may cross
    # midnight.
    slept_past_its_hour(qtbot, demo_window, monkeypatch)
    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: asked.append(args))
    named(demo_window, QPushButton, button).click()

    assert demo_window.statusLabel.text().startswith("The link on screen expired")
    assert demo_window.expiryLabel.text().startswith(("Expired at", "Expired on"))
    assert not any(link_actions(demo_window).values())
    assert handed_on.urls == []
    assert asked == []  # no save dialog
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == "" and clipboard.image().isNull()


def test_after_sleep_copy_says_the_link_has_expired(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = slept_past_its_hour(qtbot, demo_window, monkeypatch)
    demo_window.copyButton.click()
    assert QGuiApplication.clipboard().text() == link  # still there to quote, e.g. to support
    assert demo_window.statusLabel.text().startswith("Link copied, but it has expired")
    assert not any(link_actions(demo_window).values())


def test_after_sleep_the_large_code_is_not_shown(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept_past_its_hour(qtbot, demo_window, monkeypatch)
    demo_window.resultPanel.show_large_qr()
    assert demo_window.resultPanel._large_qr is None
    assert demo_window.statusLabel.text().startswith("The link on screen expired")


def test_the_large_code_used_again_after_sleep_closes_as_expired(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The large code is the window in front when a customer scans: used again after sleep,
    # it kept showing the expired code with "Valid for 1 hour" until the timer woke.
    fill_form(demo_window)
    demo_window.linkTypeCombo.setCurrentIndex(
        demo_window.linkTypeCombo.findData(LinkType.EMBEDDED.value)
    )
    make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: demo_window.resultPanel.qrView.has_code)
    demo_window.resultPanel.show_large_qr()
    large = demo_window.resultPanel._large_qr
    assert large is not None
    qtbot.waitUntil(large.isVisible)
    clock_moved_on(monkeypatch, timedelta(minutes=90))
    QApplication.sendEvent(large, QEvent(QEvent.Type.WindowActivate))
    assert demo_window.resultPanel._large_qr is None
    assert demo_window.statusLabel.text().startswith("The link on screen expired")


def test_a_window_used_again_shows_an_expired_link_as_expired(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = QWidget()  # the person was in another program's window meanwhile
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not demo_window.isActiveWindow())
    slept_past_its_hour(qtbot, demo_window, monkeypatch)
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    assert demo_window.expiryLabel.text().startswith(("Expired at", "Expired on"))
    assert not demo_window.resultPanel.qrView.has_code
    assert not any(link_actions(demo_window).values())
