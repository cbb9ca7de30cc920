"""The QR code shown large, for a customer to scan from a shared screen: click the code, or
Enter on it; Esc returns. Nothing but the code, the instruction and the link's notes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core.vocabulary import LinkType
from kombo_desktop.ui import expiry, theme
from kombo_desktop.ui.main_window import MINIMUM_SIZE, MainWindow
from kombo_desktop.ui.qr_large import TITLE_BAR, LargeQrDialog, code_side
from kombo_desktop.ui.qr_view import QR_HINT_SHOWN_LARGE
from kombo_desktop.ui.result_panel import (
    MIN_MODULE_PIXELS,
    QR_SHOW_LARGE_TEXT,
    QR_TOO_LARGE_TEXT,
)
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.found import named
from tests.support.laid_out import wait_until_laid_out
from tests.support.python_run import last_line_printed
from tests.support.qr_decode import decode_pixmap, decode_qimage, has_demo_band
from tests.ui.conftest import WindowFactory, fill_form, make_link, wait_until_settled


def settled(qtbot: QtBot, window: MainWindow) -> None:
    """Until the window has nothing left to do and nothing in it moves any more: the code's
    room follows the window's layout, which can change it (and draw the code again, or put
    words in its place) over a few turns after the link is shown. A fixed wait could end
    before on a loaded machine."""
    wait_until_settled(qtbot, window)
    wait_until_laid_out(qtbot)


def link_with_code(qtbot: QtBot, window: MainWindow, **form: str) -> str:
    fill_form(window, **form)
    link = make_link(qtbot, window)
    qtbot.waitUntil(lambda: window.qrView.has_code)
    return link


def large_view() -> LargeQrDialog | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, LargeQrDialog)]
    visible = [w for w in shown if w.isVisible()]
    return visible[0] if visible else None


def test_clicking_the_code_shows_it_large(qtbot: QtBot, demo_window: MainWindow) -> None:
    link = link_with_code(qtbot, demo_window, organization="Acme GmbH")
    assert large_view() is None
    QTest.mouseClick(demo_window.qrView, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: large_view() is not None)
    dialog = large_view()
    assert dialog is not None

    code = dialog.largeQrView.pixmap()
    assert decode_pixmap(code) == link
    assert code.width() > 1.3 * demo_window.qrView.pixmap().width()
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Scan this code" in texts and "Valid until" in texts
    assert "Acme" not in texts and "anna@" not in texts  # no customer on the shared screen
    assert has_demo_band(code.toImage())  # a demo link's code says so (see the next test)

    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: large_view() is None)


def test_a_demo_links_large_code_has_the_demo_band_of_its_saved_picture_and_scans(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The view made for a customer to scan said "demo" only in a small grey line under the
    # code ("Demo link: it connects nothing."), while the saved and copied pictures carry the
    # amber "DEMO — connects nothing" band.
    link = link_with_code(qtbot, demo_window)
    demo_window.resultPanel.show_large_qr()
    qtbot.waitUntil(lambda: large_view() is not None)
    dialog = large_view()
    assert dialog is not None
    view = dialog.largeQrView
    code = view.pixmap()

    assert has_demo_band(code.toImage())
    assert decode_pixmap(code) == link
    assert decode_qimage(view.grab().toImage()) == link  # what the screen shows scans
    # Code and band are whole on the screen: within the room the view was given.
    assert code.deviceIndependentSize().width() <= view.minimumWidth()
    assert code.deviceIndependentSize().height() <= view.minimumHeight()
    assert "demo" in view.accessibleName().lower()
    dialog.reject()


def test_a_real_links_large_code_has_no_band(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    link = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBY21lIn0"
    dialog = LargeQrDialog(link, ["Valid until 12 May 2027"], parent)
    code = dialog.largeQrView.pixmap()
    assert code.width() == code.height() and not has_demo_band(code.toImage())
    assert decode_pixmap(code) == link
    assert "demo" not in dialog.largeQrView.accessibleName().lower()


def test_enter_on_the_code_shows_it_large(qtbot: QtBot, demo_window: MainWindow) -> None:
    link_with_code(qtbot, demo_window)
    demo_window.qrView.setFocus()
    assert demo_window.qrView.hasFocus()  # a tab stop once it shows a code
    QTest.keyClick(demo_window.qrView, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: large_view() is not None)
    large_view().reject()  # type: ignore[union-attr]


# About 2,000 characters: the program takes links up to 2,048.
LONG_LINK = "https://connect.kombo.dev/v1?token=" + "Ab9-_xYz" * 246


def long_link_in_the_smallest_window(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
    window = open_window("--api-base", kombo.base_url)
    window.resize(*MINIMUM_SIZE)
    fill_form(window)
    assert make_link(qtbot, window) == LONG_LINK
    qtbot.waitUntil(lambda: window.qrView.text() == QR_TOO_LARGE_TEXT, timeout=5000)
    assert not window.qrView.has_code
    return window


def assert_shows_the_whole_code_on_the_screen(dialog: LargeQrDialog, link: str) -> None:
    available = dialog.screen().availableGeometry()
    assert dialog.height() + TITLE_BAR <= available.height()
    assert dialog.width() <= available.width()
    assert decode_pixmap(dialog.largeQrView.pixmap()) == link


@pytest.mark.parametrize("how", ["click", "Enter"])
def test_a_code_too_large_for_the_window_is_shown_large_on_a_click_or_enter(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # In a small window a long link's code gave way to "too large for the window", and the
    # words did nothing when clicked: the view took clicks and Enter only while it drew a code.
    with FaultServer(fallback=tools_or(Reply.link(LONG_LINK))) as kombo:
        window = long_link_in_the_smallest_window(qtbot, open_window, kombo, monkeypatch)
        view = window.qrView
        assert "Click here to show it large" in view.text()
        assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus  # reachable with Tab
        if how == "click":
            QTest.mouseClick(view, Qt.MouseButton.LeftButton)
        else:
            view.setFocus()
            assert view.hasFocus()
            QTest.keyClick(view, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: large_view() is not None)
        dialog = large_view()
        assert dialog is not None
        assert_shows_the_whole_code_on_the_screen(dialog, LONG_LINK)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: large_view() is None)


# A link as Kombo makes it (the create-link example): 352 characters, five times the demo's.
KOMBO_LINK = (
    "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.SWYgeW91IGFyZSBy"
    "ZWFkaW5nIHRoaXMsIHdlIHdvdWxkIGxpa2UgdG8gbGV0IHlvdSBrbm93IHRoYXQgd2UgYXJlIGhpcmluZyBwZW9wbG"
    "UgbGlrZSB5b3UgOikuIFJlYWNoIG91dCB0byBhbGV4QGtvbWJvLmRldiB0byBnZXQgaW4gY29udGFjdCBhbmQgdGVs"
    "bCBoaW0geW91IGNvbWUgZnJvbSB0aGUgSldUIDsp._hhX5YTtHfLn9ZC806dZceRn2whzxHyrhft1ONzNgOE"
)
assert len(KOMBO_LINK) == 352


def module_pixels_of(code: QPixmap) -> int:
    """Device pixels per module of a drawn code, measured on it: the top-left finder pattern
    is the first dark run of the first row with any, seven modules wide."""
    image = code.toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    for y in range(image.height()):
        dark = [x for x in range(image.width()) if image.pixelColor(x, y).lightness() < 128]
        if dark:
            run = 0
            while (
                dark[0] + run < image.width()
                and image.pixelColor(dark[0] + run, y).lightness() < 128
            ):
                run += 1
            assert run % 7 == 0, "modules must be whole pixels"
            return run // 7
    raise AssertionError("no code drawn")


def test_a_real_link_in_a_half_screen_window_is_offered_large_not_drawn_too_small(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Snapped to half a 1366x768 screen, beside the call, the window drew a 352-character
    # link's code at one screen pixel per module (81 pixels in a 158-pixel box) and said
    # customers could scan it; after a screen share scaled it to 90 % no phone could.
    with FaultServer(fallback=tools_or(Reply.link(KOMBO_LINK))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        window.resize(683, 768)  # the window keeps its smallest width
        fill_form(window)
        assert make_link(qtbot, window) == KOMBO_LINK
        view = window.qrView
        qtbot.waitUntil(lambda: view.can_enlarge, timeout=5000)
        settled(qtbot, window)
        assert not view.has_code
        assert view.text() == QR_SHOW_LARGE_TEXT
        hint = named(window, QLabel, "qrHint")
        assert hint.text() == QR_HINT_SHOWN_LARGE  # not "Customers can scan it"
        assert view.focusPolicy() == Qt.FocusPolicy.StrongFocus
        assert "shown large" in view.accessibleDescription()

        QTest.mouseClick(view, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: large_view() is not None)
        dialog = large_view()
        assert dialog is not None
        assert_shows_the_whole_code_on_the_screen(dialog, KOMBO_LINK)
        assert module_pixels_of(dialog.largeQrView.pixmap()) >= MIN_MODULE_PIXELS
        dialog.reject()


@pytest.mark.parametrize(
    "size", [MINIMUM_SIZE, (683, 768), (1093, 614), (1180, 712), (1366, 900)], ids=str
)
def test_a_code_in_the_window_is_never_drawn_too_small_to_scan(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    with FaultServer(fallback=tools_or(Reply.link(KOMBO_LINK))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        window.resize(*size)
        fill_form(window)
        assert make_link(qtbot, window) == KOMBO_LINK
        view = window.qrView
        qtbot.waitUntil(lambda: view.can_enlarge, timeout=5000)
        settled(qtbot, window)
        if view.has_code:
            assert module_pixels_of(view.pixmap()) >= MIN_MODULE_PIXELS
            assert decode_pixmap(view.pixmap()) == KOMBO_LINK
        else:
            assert view.text() == QR_SHOW_LARGE_TEXT
        if size == (1366, 900):
            assert view.has_code  # room enough: the code is drawn


def test_a_real_link_gets_three_pixels_a_module_where_a_laptop_at_125_percent_gives_two(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1366x768 laptop at 125 % gives the code about 228 screen pixels at the window's first
    # size. A 352-character link's code at error correction M has 81 modules: two pixels each,
    # too few for a shared screen, so words stood in its place. At L it has 73: three each.
    with FaultServer(fallback=tools_or(Reply.link(KOMBO_LINK))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        assert make_link(qtbot, window) == KOMBO_LINK
        view = window.qrView
        for height in range(500, 700, 5):  # the code's room follows the window's height
            window.resize(1180, height)
            wait_until_laid_out(qtbot)
            if 3 * 73 <= view.width() - 4 < 3 * 81:
                break
        else:
            pytest.fail("no window height gives the code 219 to 242 pixels")
        qtbot.waitUntil(lambda: view.has_code, timeout=5000)
        assert module_pixels_of(view.pixmap()) == MIN_MODULE_PIXELS
        assert decode_pixmap(view.pixmap()) == KOMBO_LINK


def test_without_a_code_there_is_nothing_to_enlarge(qtbot: QtBot, demo_window: MainWindow) -> None:
    view: QWidget = demo_window.qrView
    assert view.focusPolicy() == Qt.FocusPolicy.NoFocus
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    wait_until_settled(qtbot, demo_window)
    assert large_view() is None


def test_the_large_code_goes_when_the_link_expires(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window looks at the link's expiry every 0.2 s here, not every 30 s. The link lasts
    # its hour until the large code is shown: one made to last seconds expired on a loaded
    # machine before its code was drawn, and no large code was ever shown.
    monkeypatch.setattr(expiry, "RECHECK_SOON", timedelta(milliseconds=200))
    combo = demo_window.linkTypeCombo
    combo.setCurrentIndex(combo.findData(LinkType.EMBEDDED.value))
    link_with_code(qtbot, demo_window)
    demo_window.resultPanel.show_large_qr()
    qtbot.waitUntil(lambda: large_view() is not None)
    shown = demo_window.resultPanel.shown
    assert shown is not None
    # Its hour passes on screen; the window's own timer notices.
    demo_window.resultPanel.shown = replace(shown, created=shown.created - timedelta(hours=1))
    qtbot.waitUntil(lambda: large_view() is None)
    assert demo_window.expiryLabel.text().startswith("Expired")


def test_the_large_view_fits_on_the_screen(qtbot: QtBot, demo_window: MainWindow) -> None:
    # A 1366x768 laptop at 125 %, less its task bar, leaves about 570 pixels of height; the
    # window's title bar takes some too. Nothing of the view may end up below the screen.
    link_with_code(qtbot, demo_window)
    demo_window.resultPanel.show_large_qr()
    qtbot.waitUntil(lambda: large_view() is not None)
    dialog = large_view()
    assert dialog is not None
    available = dialog.screen().availableGeometry()
    assert dialog.height() + TITLE_BAR <= available.height()
    assert dialog.width() <= available.width()
    assert decode_pixmap(dialog.largeQrView.pixmap()) == demo_window.linkField.text()
    dialog.reject()


@pytest.mark.parametrize(
    ("width", "height"),
    [(1366, 728), (1093, 574), (1280, 688), (1920, 1040), (800, 800)],
    ids=["1366x768", "1366x768 at 125 %", "1920x1080 at 150 %", "1920x1080", "small"],
)
def test_on_laptop_screens_the_view_stays_on_screen(width: int, height: int) -> None:
    rest = 210  # the words, the notes and the button (about 200 px at 125 %)
    side = code_side(width, height, rest)
    assert side + rest + TITLE_BAR <= height
    assert side >= min(width, height) // 2  # still large


@pytest.mark.parametrize("demo", [False, True], ids=["real", "demo"])
@pytest.mark.parametrize(("width", "height"), [(1093, 574), (1366, 768)])
def test_what_the_large_view_shows_scans_on_a_laptop_screen(
    tmp_path: Path, width: int, height: int, demo: bool
) -> None:
    # The instruction wrapped to two lines after the code was given its height, which then
    # squeezed the code's label below the code: its edges were cut off, and a 1,000-character
    # link no longer scanned from what the screen showed.
    screen = {
        "screens": [{"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}],
    }
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screen), encoding="utf-8")
    link = "https://connect.kombo.dev/v1?token=" + "Ab9-_" * 193
    printed = last_line_printed(
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        f"app = QApplication(['x', '-platform', 'offscreen:configfile={config}'])\n"
        "from kombo_desktop.ui.qr_large import LargeQrDialog\n"
        "from tests.support.pause import pause\n"
        "from tests.support.qr_decode import decode_qimage, has_demo_band\n"
        "parent = QWidget()\n"
        "parent.show()\n"
        f"dialog = LargeQrDialog({link!r}, ['Valid until 12 May 2027', 'A note'], parent, "
        f"demo={demo})\n"
        "dialog.open()\n"
        # Until nothing in it moves over two turns of the event loop: the instruction's
        # lines, then the code's room, are laid out over several (see tests.support.laid_out).
        "def places():\n"
        "    parts = (dialog, *dialog.findChildren(QWidget))\n"
        "    return [(part.geometry(), part.isVisible()) for part in parts]\n"
        "seen = [places()]\n"
        "while len(seen) < 3 or not seen[0] == seen[1] == seen[2]:\n"
        "    pause(10)\n"
        "    seen = [*seen[-2:], places()]\n"
        "shown = dialog.largeQrView.grab().toImage()\n"
        "room = dialog.screen().availableGeometry().height()\n"
        "print(decode_qimage(shown) == " + repr(link) + ", dialog.height() + 40 <= room, "
        "has_demo_band(dialog.largeQrView.pixmap().toImage()))\n",
        tmp_path,
    )
    assert printed == f"True True {demo}"


def test_the_instruction_is_in_the_larger_title_size(qtbot: QtBot, demo_window: MainWindow) -> None:
    # It asked for 13 pt with setFont, and the window's style sheet (11 pt for everything)
    # won: the one sentence on the view was in body size.
    link_with_code(qtbot, demo_window)
    demo_window.resultPanel.show_large_qr()
    qtbot.waitUntil(lambda: large_view() is not None)
    dialog = large_view()
    assert dialog is not None
    instruction = named(dialog, QLabel, "largeQrInstruction")
    assert instruction.font().pointSizeF() == pytest.approx(theme.text_sizes().title)
    assert instruction.font().pointSizeF() > demo_window.emailEdit.font().pointSizeF()
    dialog.reject()
