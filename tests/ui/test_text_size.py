"""Text as large as the person's system makes it.

Someone who made the system's text larger (Windows' "Text size", a larger font on Linux) did it
to be able to read. The window's style sheet gave every text a fixed 11 pt, so they got the
same small text as everyone else. The window's sizes now grow in step with the system's text,
never below their usual size, and the window's pages still fit across.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import theme
from kombo_desktop.ui.main_window import MINIMUM_SIZE, MainWindow
from kombo_desktop.ui.relink_form import RELINK_SHORT_TEXT, RELINK_TEXT
from kombo_desktop.ui.request_form import RequestForm
from kombo_desktop.ui.result_panel import QR_MIN_SIZE
from kombo_desktop.ui.screen_sharing import PRIVACY_ON_SHORT_TEXT
from kombo_desktop.ui.settings_dialog import SettingsDialog
from kombo_desktop.ui.widgets import WINDOW_FRAME
from tests.support.found import central_of, named
from tests.support.history_helpers import history_of, open_history
from tests.support.laid_out import wait_until_laid_out
from tests.ui.conftest import SystemText, WindowFactory, fill_form, make_link, settings_of

USUAL = theme.usual_system_points()
LARGER = 1.4  # e.g. Windows' "Text size" at 140 %, or 15 pt instead of 11 on Linux


LAPTOP_AT_125 = QRect(0, 0, 1093, 582)  # a 1366x768 laptop at 125 %, task bar off


@pytest.fixture
def laptop_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen a 1366x768 laptop at 125 % leaves a window (task bar off): the window keeps
    within it. The tests' own screen is 800 pixels wide, narrower than the usual window."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(LAPTOP_AT_125))


def on_a_screen(
    monkeypatch: pytest.MonkeyPatch, system_text: SystemText, screen: QRect, points: float
) -> None:
    """The window opens on ``screen`` (the room a laptop's screen leaves it) with the system's
    text at ``points``."""
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(screen))
    system_text(points)


def opened_on_reconnect(qtbot: QtBot, open_window: WindowFactory) -> MainWindow:
    """The demo window started on "Reconnect", laid out: what it looks like there is what
    a window started on "New link" must look like once it gets there."""
    window = open_window("--demo")
    window.tabs.setCurrentWidget(window.relinkForm)
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    return window


@pytest.mark.parametrize(
    ("platform", "usual"), [("win32", 9), ("darwin", 13), ("linux", 10), ("linux", 11)]
)
def test_the_usual_system_text_or_a_smaller_one_keeps_the_usual_sizes(
    platform: str, usual: float
) -> None:
    for points in (usual, usual - 2):
        assert theme.text_scale(points, platform) == 1
        assert theme.text_sizes(points, platform) == theme.TextSizes()


def test_windows_text_size_setting_makes_every_size_larger_in_step() -> None:
    # "Text size" at 150 % makes Segoe UI 9 pt 13.5 pt.
    sizes = theme.text_sizes(13.5, "win32")
    assert sizes.base == pytest.approx(1.5 * theme.BASE_POINT_SIZE)
    assert sizes.title == pytest.approx(1.5 * theme.TITLE_POINT_SIZE)
    assert sizes.link == pytest.approx(1.5 * theme.LINK_POINT_SIZE)
    assert sizes.heading == pytest.approx(1.5 * theme.HEADING_POINT_SIZE)


def test_very_large_system_text_is_capped_so_the_window_still_fits_a_screen() -> None:
    for platform in ("win32", "darwin", "linux"):
        assert theme.text_scale(40, platform) == theme.LARGEST_TEXT_SCALE


def test_a_system_font_given_in_pixels_changes_nothing() -> None:
    assert theme.text_scale(-1, "win32") == 1  # QFont.pointSizeF() of a font set in pixels


def test_larger_system_text_makes_every_text_of_the_window_larger(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    qtbot.waitExposed(window)

    def points(widget: QWidget) -> float:
        return widget.font().pointSizeF()

    for widget in (window.emailEdit, window.statusLabel, window.createButton, window.toolCombo):
        assert points(widget) == pytest.approx(LARGER * theme.BASE_POINT_SIZE), widget
    heading = named(window, QLabel, "headerTitle")
    assert points(heading) == pytest.approx(LARGER * theme.HEADING_POINT_SIZE)
    assert points(window.linkField) == pytest.approx(LARGER * theme.LINK_POINT_SIZE)
    banner = window.demoBanner.findChild(QLabel)
    assert banner is not None, "the demo banner says nothing"
    assert points(banner) == pytest.approx(LARGER * theme.TITLE_POINT_SIZE)


def cut_off_at_the_right(window: MainWindow) -> list[str]:
    """Widgets of the form and the result that reach past their page's right edge: the pages
    scroll up and down only, so whatever is past it cannot be seen."""
    page = named(window, QScrollArea, "resultPage")
    form = window.linkForm.scrollArea
    widgets = {
        page: (window.linkField, window.copyButton, window.openButton, window.qrView),
        form: (window.emailEdit, window.organizationEdit, window.toolCombo),
    }
    cut = []
    for area, inside in widgets.items():
        for widget in inside:
            right = widget.mapTo(area.viewport(), QPoint(widget.width(), 0)).x()
            if right > area.viewport().width():
                cut.append(widget.objectName())
    return cut


@pytest.mark.usefixtures("laptop_screen")
def test_with_larger_text_the_smallest_window_cuts_nothing_off(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    window.resize(*MINIMUM_SIZE)  # as small as a person can make it
    fill_form(window)
    make_link(qtbot, window)
    wait_until_laid_out(qtbot)
    assert cut_off_at_the_right(window) == []


@pytest.mark.usefixtures("laptop_screen")
def test_with_larger_text_the_history_beside_the_form_cuts_nothing_off(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    # A 1366x768 laptop, 15 pt text: the history docked beside a window content only as wide
    # as it is at 11 pt, and the fields and the result's buttons lost their right edges.
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    window.resize(1342, 712)  # as wide as the laptop's screen lets it grow for the history
    fill_form(window)
    make_link(qtbot, window)
    open_history(qtbot, window)
    wait_until_laid_out(qtbot)
    assert cut_off_at_the_right(window) == []


MUCH_LARGER = 1.5  # e.g. 16.5 pt instead of 11 on Linux


def widest_allowed(window: MainWindow) -> int:
    """The window content's least width may not pass the screen (less the window's frame);
    below the usual smallest window it never goes."""
    available = window.screen().availableGeometry().width() - WINDOW_FRAME[0]
    return max(available, MINIMUM_SIZE[0])


@pytest.mark.usefixtures("laptop_screen")
@pytest.mark.parametrize("scale", [MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_with_much_larger_text_the_window_never_gets_wider_than_the_screen(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory, scale: float
) -> None:
    # A 1366x768 laptop at 125 %, 16.5 pt text: after a second link for the same e-mail the
    # duplicate warning widened the window past the screen, its buttons out of reach; with
    # the largest text making a link did.
    system_text(USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    content = central_of(window)
    assert content.minimumSizeHint().width() <= widest_allowed(window)

    fill_form(window)
    make_link(qtbot, window)
    wait_until_laid_out(qtbot)
    assert content.minimumSizeHint().width() <= widest_allowed(window)

    window.createButton.click()  # the same customer again
    banner = history_of(window).banner
    qtbot.waitUntil(banner.isVisible)
    window.resize(100, window.height())  # as narrow as it goes
    wait_until_laid_out(qtbot)
    assert window.width() <= widest_allowed(window)
    screen = window.screen().availableGeometry()
    # Those the warning shows ("Change the customer id" is only for a customer id shared
    # with another organisation).
    for button in (b for b in banner.findChildren(QPushButton) if b.isVisible()):
        seen = QRect(button.mapToGlobal(QPoint(0, 0)), button.size())
        inside = QRect(banner.mapToGlobal(QPoint(0, 0)), banner.size())
        # Wrapped onto lines, not squeezed nor cut off.
        assert button.width() >= button.minimumSizeHint().width(), button.objectName()
        assert inside.contains(seen), button.objectName()
        assert seen.right() <= screen.right(), button.objectName()


class ShownWhile(QObject):
    """Notes, each time a watched button is shown, whether Cancel is still shown with it."""

    def __init__(self, cancel: QWidget) -> None:
        super().__init__()
        self.cancel = cancel
        self.with_cancel: list[bool] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.with_cancel.append(self.cancel.isVisible())
        return False


@pytest.mark.usefixtures("laptop_screen")
def test_cancel_is_gone_before_the_forms_other_buttons_come_back(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    # Shown for a moment beside Create and Cancel, "Clear the form" widened the form, and
    # with larger text the window grew to hold them all and stayed wider than the screen.
    system_text(USUAL * MUCH_LARGER)
    window = open_window("--demo")
    form = window.linkForm
    watcher = ShownWhile(form.cancelButton)
    form.clearButton.installEventFilter(watcher)
    fill_form(window)
    make_link(qtbot, window)
    assert watcher.with_cancel == [False]
    assert form.clearButton.isVisible() and not form.cancelButton.isVisible()


AT_150 = QRect(0, 0, 911, 485)  # a 1366x768 laptop at 150 %, less the task bar


@pytest.mark.parametrize("scale", [MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_with_larger_text_settings_never_gets_wider_than_the_screen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # A 1366x768 laptop at 150 % with larger text: Settings was 976 pixels wide at least, on a
    # screen 911 wide. "Close" and the ends of its lines ran off the right edge.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    window = open_window()
    dialog = settings_of(qtbot, window)
    qtbot.waitExposed(dialog)
    wait_until_laid_out(qtbot)

    widest = AT_150.width() - WINDOW_FRAME[0]
    assert dialog.minimumSizeHint().width() <= widest
    assert dialog.minimumWidth() <= widest
    assert dialog.width() <= widest
    close = named(dialog, QPushButton, "closeSettingsButton")
    assert close is not None
    assert close.visibleRegion().boundingRect() == close.rect()  # whole, not cut at the side
    assert dialog.rect().contains(QRect(close.mapTo(dialog, QPoint(0, 0)), close.size()))
    # Nor wider inside than it is: see the next test.
    area = dialog.scrollArea
    content = area.widget()
    assert content is not None
    assert content.width() <= area.viewport().width()
    key = dialog.key.apiKeyEdit
    assert key.visibleRegion().boundingRect().width() == key.width()


def cut_at_the_right_or_squeezed(dialog: SettingsDialog) -> list[str]:
    """What Settings shows past the right edge of its view (reached only by scrolling
    sideways), buttons narrower than their words, and wrapped lines lower than their text."""
    area = dialog.scrollArea
    viewport = area.viewport()
    problems = []
    for widget in area.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, SEEN_WHOLE):
            continue
        name = widget.objectName() or (widget.text() if isinstance(widget, QLabel) else "")
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        if right > viewport.width():
            problems.append(f"{name}: its right edge at {right} of {viewport.width()}")
        if isinstance(widget, QPushButton) and widget.width() < widget.sizeHint().width():
            problems.append(f"{name}: {widget.width()} of {widget.sizeHint().width()} wide")
        wrapped = isinstance(widget, QLabel) and widget.wordWrap() and widget.text()
        if wrapped and widget.height() < widget.heightForWidth(widget.width()):
            problems.append(f"{name}: lines cut at the bottom")
    return problems


SEEN_WHOLE = (QLabel, QPushButton, QLineEdit, QComboBox, QListWidget)


@pytest.mark.parametrize("scale", [MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_with_larger_text_settings_fits_across_and_scrolls_only_up_and_down(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # With the text at twice its size on a 1366x768 laptop at 150 %, Settings scrolled
    # sideways: the region's list and the key's buttons side by side made its rows 190 pixels
    # wider than its view, the ends of the lines and fields out of sight until scrolled to.
    # Its labels and lines wrap and its fields give way, as in the window.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    dialog = settings_of(qtbot, open_window())
    qtbot.waitExposed(dialog)
    wait_until_laid_out(qtbot)

    area = dialog.scrollArea
    assert not area.horizontalScrollBar().isVisible()
    assert area.horizontalScrollBar().maximum() == 0
    assert cut_at_the_right_or_squeezed(dialog) == []
    # The same with a key refused (its longer sentence) and "Save without checking" offered.
    dialog.key.saveAnywayButton.show()
    dialog.key.keyStatusLabel.setText("Kombo did not accept this key. " * 4)
    wait_until_laid_out(qtbot)
    assert not area.horizontalScrollBar().isVisible()
    assert cut_at_the_right_or_squeezed(dialog) == []
    dialog.reject()


def test_settings_grows_no_wider_than_the_screen_for_a_long_message(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # Growing for a longer message (wider first, so that it wraps onto fewer lines) stays
    # within the screen, and a dialog wider than the screen comes back within it.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * MUCH_LARGER)
    dialog = settings_of(qtbot, open_window())
    qtbot.waitExposed(dialog)
    dialog.resize(AT_150.width() + 200, dialog.height())
    dialog.key.keyStatusLabel.setText("A very long message that keeps going. " * 40)
    wait_until_laid_out(qtbot)

    assert dialog.width() <= AT_150.width() - WINDOW_FRAME[0]


@pytest.fixture
def steady_cursor() -> Iterator[None]:
    """The text cursor drawn without blinking, so that two pictures of a field differ only in
    their text, never in whether the cursor happened to be shown."""
    before = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)
    yield
    QApplication.setCursorFlashTime(before)


def shows_the_underscore(qtbot: QtBot, field: QLineEdit, shown: str) -> bool:
    """Whether ``field``, with the focus, shows the underscores of ``shown``: a picture of it
    differs from one with spaces in their place (as it would not, were the bottom of the text,
    where an underscore is drawn, cut off)."""
    field.window().activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    pictures = []
    for text in (shown, shown.replace("_", " ")):
        field.setText(text)
        field.setCursorPosition(0)
        pictures.append(field.grab().toImage())
    return pictures[0] != pictures[1]


@pytest.mark.usefixtures("steady_cursor")
@pytest.mark.parametrize("scale", [1, LARGER])
def test_a_field_with_the_focus_shows_underscores(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory, scale: float
) -> None:
    # Right after a link was made, the link field has the focus: its 2 px focus border, taken
    # from the text's room instead of the padding, cut the bottom off the link, and a link read
    # out or typed from a shared screen had spaces for its underscores.
    system_text(USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    assert window.linkField.hasFocus()
    assert shows_the_underscore(qtbot, window.linkField, "DEMO-8iyx1hX_S205JRcnIgjnoJuG")

    # Every other field a person types into or reads, the history's search and Settings' too.
    feature = open_history(qtbot, window)
    fields = [window.emailEdit, window.organizationEdit, feature.panel.historySearchEdit]
    hidden = [f.objectName() for f in fields if not shows_the_underscore(qtbot, f, "sc_a_b")]
    dialog = settings_of(qtbot, window)
    qtbot.waitExposed(dialog)
    name = dialog.profiles.profileNameEdit
    if not shows_the_underscore(qtbot, name, "a_b"):
        hidden.append(name.objectName())
    dialog.reject()
    assert hidden == []


def shown_whole_or_with_a_tip(label: QLabel, whole: str) -> bool:
    """The label's text fits its width, and where it is cut the whole is in its tooltip."""
    fits = label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    return fits and (label.text() == whole or whole in label.toolTip())


def test_with_twice_the_text_on_a_laptop_at_150_the_programs_name_is_never_cut_unseen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # On a 1366x768 laptop at 150 % (911 pixels across) with twice the usual text, the header
    # showed "Kombo Deskt", the rest cut off at the edge of its room beside the buttons.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * theme.LARGEST_TEXT_SCALE)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    title = named(window, QLabel, "headerTitle")
    assert shown_whole_or_with_a_tip(title, "Kombo Desktop"), title.text()
    assert title.text().startswith("Kombo")
    # The screen-sharing switch took its shorter words before the name was cut.
    assert window.screen_sharing.privacySwitch.text() == PRIVACY_ON_SHORT_TEXT


def test_at_the_usual_text_size_the_programs_name_is_whole(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, open_window: WindowFactory
) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(AT_150))
    window = open_window("--demo")
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    title = named(window, QLabel, "headerTitle")
    assert title.text() == "Kombo Desktop"
    assert title.toolTip() == ""
    assert shown_whole_or_with_a_tip(title, "Kombo Desktop")


@pytest.mark.parametrize("scale", [1.0, theme.LARGEST_TEXT_SCALE])
def test_on_a_laptop_at_150_the_reconnection_button_keeps_its_words_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # With twice the usual text, "Create reconnection link" was wider than the reconnection
    # form (449 pixels of 412): Qt squeezed it and cut its words at both ends.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    window = open_window("--demo")
    window.tabs.setCurrentWidget(window.relinkForm)
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    button = window.relinkButton
    footer = window.relinkForm.footer
    assert button.width() >= button.sizeHint().width(), button.text()
    assert footer.rect().contains(QRect(button.mapTo(footer, QPoint(0, 0)), button.size()))
    assert button.accessibleName() == RELINK_TEXT
    if scale == 1.0:
        assert button.text() == RELINK_TEXT
    else:
        assert button.text() == RELINK_SHORT_TEXT
        assert button.toolTip() == RELINK_TEXT
    assert window.relinkForm.submit_text == button.text()  # as sentences name it


def test_on_a_laptop_at_150_going_to_reconnect_shows_the_short_words_in_a_narrow_column(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # Started on "New link", the hidden "Create reconnection link" kept the form column wide
    # enough for its whole words, so on reaching "Reconnect" they always fitted: the column
    # stayed 66 pixels wider than when started there, the result panel and QR code narrower.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * theme.LARGEST_TEXT_SCALE)
    started_there = opened_on_reconnect(qtbot, open_window)
    narrow = started_there.tabs.width()
    started_there.close()

    window = open_window("--demo")
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    window.linkForm.focus_first_field()
    QTest.keyClick(
        window.focusWidget() or window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier
    )
    wait_until_laid_out(qtbot)
    assert window.tabs.currentWidget() is window.relinkForm
    button = window.relinkButton
    assert button.text() == RELINK_SHORT_TEXT
    assert button.toolTip() == RELINK_TEXT
    assert button.width() >= button.sizeHint().width()
    assert window.tabs.width() == narrow


def test_on_a_laptop_at_150_the_first_screen_has_the_narrow_column_and_the_larger_qr_code(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # Started on "New link", as it usually is, the hidden "Reconnect" form kept its labels
    # beside its fields and so the tabs 66 pixels wider than the form on show needed: until
    # "Reconnect" had been shown once, the customer saw a QR code 66 pixels smaller.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * theme.LARGEST_TEXT_SCALE)
    started_there = opened_on_reconnect(qtbot, open_window)
    narrow = started_there.tabs.width()
    code = started_there.qrView.width()
    started_there.close()

    window = open_window("--demo")
    qtbot.waitExposed(window)
    wait_until_laid_out(qtbot)
    assert window.tabs.currentWidget() is window.linkForm
    assert window.tabs.width() == narrow
    assert window.qrView.width() >= code
    for form in (window.relinkForm, window.linkForm):  # and it stays so, tab after tab
        window.tabs.setCurrentWidget(form)
        wait_until_laid_out(qtbot)
        assert window.tabs.width() == narrow


NARROW_SCREEN = QRect(0, 0, 800, 600)


@pytest.mark.parametrize("scale", [1.0, theme.LARGEST_TEXT_SCALE])
def test_on_a_narrow_screen_the_settings_footer_keeps_its_words_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # On a screen 800 pixels wide with twice the usual text, "Open the log folder" was
    # squeezed narrower than its words beside the version and Close, cut at both ends.
    on_a_screen(monkeypatch, system_text, NARROW_SCREEN, USUAL * scale)
    dialog = settings_of(qtbot, open_window())
    qtbot.waitExposed(dialog)
    wait_until_laid_out(qtbot)
    close = named(dialog, QPushButton, "closeSettingsButton")
    version = named(dialog, QLabel, "settingsVersionLabel")
    for widget in (dialog.logFolderButton, close, version):
        assert widget.width() >= widget.sizeHint().width(), widget.objectName()
        place = QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size())
        assert dialog.rect().contains(place), widget.objectName()
    if scale == 1.0:  # all on one line, Close at the right

        def middle(widget: QWidget) -> QPoint:
            return widget.mapTo(dialog, widget.rect().center())

        assert abs(middle(close).y() - middle(dialog.logFolderButton).y()) <= 1
        assert middle(close).x() > dialog.width() * 3 // 4
    dialog.reject()


def fields_cut_at_the_right(form: RequestForm) -> list[str]:
    """The fields and labels of ``form`` that reach past its page's right edge."""
    viewport = form.scrollArea.viewport()
    cut = []
    for widget in form.scrollArea.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QLineEdit | QComboBox):
            continue
        if widget.mapTo(viewport, QPoint(widget.width(), 0)).x() > viewport.width():
            cut.append(widget.objectName() or widget.metaObject().className())
    return cut


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_on_a_laptop_at_150_with_larger_text_the_forms_fields_are_never_cut(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # On a 1366x768 laptop at 150 % with 1.5 times the usual text, the forms were 402 pixels
    # wide and their labels and fields side by side 458: the fields' right ends were cut off
    # (at twice the text 145 pixels of them). Their labels now go above them.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    for form in (window.linkForm, window.relinkForm):
        window.tabs.setCurrentWidget(form)
        wait_until_laid_out(qtbot)
        assert fields_cut_at_the_right(form) == [], type(form).__name__
        stacked = [grid.stacked for grid in form.field_forms]
        assert stacked == [scale > 1] * len(stacked)  # beside their fields at the usual size
    # Typing goes on where it was: the same fields, in the same order.
    window.tabs.setCurrentWidget(window.linkForm)
    window.emailEdit.setFocus()
    qtbot.keyClicks(window.emailEdit, "anna@example.com")
    assert window.emailEdit.text() == "anna@example.com"


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_the_more_options_opened_in_a_narrow_form_place_their_labels_as_the_rest(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # The folded "More options" are measured for their labels' place only once they are
    # shown (not before the first frame): opened in a narrow form with larger text, their
    # labels go above their fields too, and nothing is cut.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    form = window.linkForm
    form.advanced.toggle.click()
    qtbot.waitUntil(window.scopeConfigEdit.isVisible)
    wait_until_laid_out(qtbot)
    assert fields_cut_at_the_right(form) == []
    stacked = [grid.stacked for grid in form.field_forms]
    assert stacked == [scale > 1] * len(stacked)


def result_cut_at_the_right(window: MainWindow) -> list[str]:
    """What the result panel shows past its page's right edge (the page scrolls only up and
    down), buttons narrower than their words or drawn over each other, and an expiry cut."""
    page = window.findChild(QScrollArea, "resultPage")
    assert page is not None
    viewport = page.viewport()
    problems = []
    for widget in window.resultPanel.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QLineEdit | QPushButton):
            continue
        name = widget.objectName() or widget.metaObject().className()
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        if right > viewport.width():
            problems.append(f"{name}: its right edge at {right} of {viewport.width()}")
        if isinstance(widget, QPushButton) and widget.width() < widget.sizeHint().width():
            problems.append(f"{name}: {widget.width()} of {widget.sizeHint().width()} wide")
    buttons = [b for b in window.resultPanel.findChildren(QPushButton) if b.isVisible()]
    places = {b.objectName(): QRect(b.mapTo(viewport, QPoint(0, 0)), b.size()) for b in buttons}
    for index, (name, place) in enumerate(places.items()):
        for other, other_place in list(places.items())[index + 1 :]:
            if place.intersects(other_place):
                problems.append(f"{name} over {other}")
    expiry = window.resultPanel.expiryLabel
    if expiry.wordWrap():
        whole = expiry.height() >= expiry.heightForWidth(expiry.width())
    else:
        whole = expiry.fontMetrics().horizontalAdvance(expiry.text()) <= expiry.width()
    if not whole:
        problems.append(f"expiryLabel: {expiry.text()!r} cut off")
    return problems


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
def test_on_a_laptop_at_150_with_larger_text_the_result_is_never_cut(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    scale: float,
) -> None:
    # On a 1366x768 laptop at 150 % with twice the usual text, the result panel was 427 pixels
    # wide inside, and the code at its smallest (150) beside the widest button (269) did not
    # fit: the link field and "Open in browser" and "Copy invitation" reached 29 pixels past
    # its right edge (at 1.5 times the text, 2 pixels). The code now goes below the buttons.
    on_a_screen(monkeypatch, system_text, AT_150, USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    wait_until_laid_out(qtbot)
    assert result_cut_at_the_right(window) == []
    panel = window.resultPanel
    assert panel.qrView.width() >= QR_MIN_SIZE
    # Under the actions, the last of them included; beside them at the usual size.
    last = panel.copyQrButton
    under_the_actions = last.mapTo(panel, QPoint(0, last.height())).y()
    code_below = panel.qrView.mapTo(panel, QPoint(0, 0)).y() > under_the_actions
    assert code_below == (scale > 1)
    page = window.findChild(QScrollArea, "resultPage")
    assert page is not None
    assert not page.horizontalScrollBar().isVisible()


AT_125 = QRect(0, 0, 1280, 680)  # a 1600x900 laptop at 125 %, less the task bar


def code_is_beside_the_buttons(window: MainWindow) -> bool:
    """Whether the QR code is beside the result's buttons (rather than below them)."""
    panel = window.resultPanel
    last = panel.copyQrButton
    under_the_actions = last.mapTo(panel, QPoint(0, last.height())).y()
    return panel.qrView.mapTo(panel, QPoint(0, 0)).y() < under_the_actions


def test_in_the_narrowest_window_the_duplicate_warning_leaves_the_code_beside_the_buttons(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # With 1.5 times the text on a 1600x900 laptop at 125 %, the window at its narrowest, the
    # warning appeared in the form's column and took 5 pixels of the result's width: the code
    # jumped from beside the buttons to below them, out of view, while the customer watched,
    # and back when the warning closed.
    on_a_screen(monkeypatch, system_text, AT_125, USUAL * MUCH_LARGER)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    window.resize(600, window.height())  # as narrow as the window goes
    wait_until_laid_out(qtbot)
    assert code_is_beside_the_buttons(window)
    code_width = window.qrView.width()

    window.createButton.click()  # the same customer and tool again: the warning
    banner = history_of(window).banner
    qtbot.waitUntil(banner.isVisible)
    wait_until_laid_out(qtbot)
    assert code_is_beside_the_buttons(window)
    assert window.qrView.width() >= code_width  # as large, or larger
    assert result_cut_at_the_right(window) == []
    for button in (banner.useExistingButton, banner.relinkInsteadButton, banner.dismissButton):
        assert button.width() >= button.sizeHint().width(), button.objectName()

    banner.dismissButton.click()
    wait_until_laid_out(qtbot)
    assert code_is_beside_the_buttons(window)
    assert window.qrView.width() >= code_width  # as large, or larger


FULL_HD = QRect(0, 0, 1920, 1040)  # a 1920x1080 screen at 100 %, less the task bar


def test_in_the_narrowest_window_with_twice_the_text_the_demo_links_expiry_is_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # With twice the usual text on a 1920x1080 screen, the window at its narrowest (the code
    # still beside the buttons), the expiry beside the "Demo link" badge was cut off on its
    # one line: "Valid until 30 Nov 202".
    on_a_screen(monkeypatch, system_text, FULL_HD, USUAL * 2.0)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    window.resize(600, window.height())  # as narrow as the window goes
    wait_until_laid_out(qtbot)
    assert code_is_beside_the_buttons(window)
    assert window.resultPanel.demoNote.isVisible()
    assert result_cut_at_the_right(window) == []
    # Wrapped only where it must be: at the usual width it keeps to one line.
    window.resize(FULL_HD.width() - WINDOW_FRAME[0], window.height())
    wait_until_laid_out(qtbot)
    expiry = window.resultPanel.expiryLabel
    assert expiry.height() < 2 * expiry.fontMetrics().height()
    assert result_cut_at_the_right(window) == []


LAPTOP = QRect(0, 0, 1366, 728)  # a 1366x768 laptop at 100 %, less the task bar


def hint_problems(window: MainWindow) -> list[str]:
    """What is wrong with the hint under the QR code, if it shows: part of it below the
    window's visible area, or a word reaching past the code's column."""
    hint = named(window, QLabel, "qrHint")
    if not hint.isVisible():
        return []
    problems = []
    if hint.visibleRegion().boundingRect() != QRect(QPoint(0, 0), hint.size()):
        problems.append("cut off")
    code = window.qrView
    left = hint.mapTo(window, QPoint(0, 0)).x()
    code_left = code.mapTo(window, QPoint(0, 0)).x()
    if left < code_left or left + hint.width() > code_left + code.width():
        problems.append("wider than the code")
    room = hint.contentsRect().width()
    metrics = hint.fontMetrics()
    problems += [
        f"{word!r} wider than its column"
        for word in hint.text().split()
        if metrics.horizontalAdvance(word) > room
    ]
    return problems


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
@pytest.mark.parametrize("screen", [FULL_HD, LAPTOP, AT_150], ids=["1920", "1366", "911"])
def test_in_the_narrowest_window_the_qr_hint_is_whole_or_left_out(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    scale: float,
) -> None:
    # With twice the usual text on a 1920x1080 screen, the window at its narrowest and the
    # duplicate warning open, the hint under the code ("Customers can scan it ...") ran below
    # the window, its last line cut in half, and "Customers" reached past the code's column.
    on_a_screen(monkeypatch, system_text, screen, USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    window.resize(600, window.height())  # as narrow as the window goes
    wait_until_laid_out(qtbot)
    assert hint_problems(window) == []

    window.createButton.click()  # the same customer and tool again: the warning
    banner = history_of(window).banner
    qtbot.waitUntil(banner.isVisible)
    wait_until_laid_out(qtbot)
    assert hint_problems(window) == []


def room_below(button: QWidget) -> int:
    """How far ``button``'s bottom edge is above the bottom edge of the window it is in (a
    floating history is a window of its own), in pixels; less than none when past it."""
    top = button.window()
    return top.height() - button.mapTo(top, QPoint(0, button.height())).y()


def seen_whole(widget: QWidget) -> bool:
    """No part of ``widget`` is cut off by its window or by a parent."""
    return widget.visibleRegion().boundingRect() == widget.rect()


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
@pytest.mark.parametrize("screen", [FULL_HD, LAPTOP, AT_150], ids=["1920", "1366", "911"])
def test_the_historys_lowest_buttons_keep_a_margin_from_the_windows_edge(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    scale: float,
) -> None:
    # Docked beside the form or floating over it, the history's last row of buttons ("Delete…",
    # "Export to CSV…") had 12 pixels under it, at the window's bottom edge, where the window's
    # own content keeps 20: with twice the text, the tall buttons sat on the edge.
    on_a_screen(monkeypatch, system_text, screen, USUAL * scale)
    window = open_window("--demo")
    window.resize(screen.width() - WINDOW_FRAME[0], screen.height() - WINDOW_FRAME[1])
    qtbot.waitExposed(window)
    feature = open_history(qtbot, window)
    wait_until_laid_out(qtbot)
    panel = feature.panel
    for button in (panel.historyExportButton, panel.historyDeleteButton):
        assert seen_whole(button), button.objectName()
        assert room_below(button) >= theme.MARGIN, button.objectName()


@pytest.mark.parametrize("scale", [1.0, MUCH_LARGER, theme.LARGEST_TEXT_SCALE])
@pytest.mark.parametrize("screen", [LAPTOP, AT_150], ids=["1366", "911"])
def test_settings_close_button_keeps_a_margin_and_stays_on_the_screen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    scale: float,
) -> None:
    # Close had 12 pixels under it where the sides keep 20. And Settings kept a first height
    # taller than its screen: 533 pixels (what Qt gave it from the tests' own screen) on a
    # 1366x768 laptop at 150 %, 485 pixels high, Close below the screen's bottom edge.
    on_a_screen(monkeypatch, system_text, screen, USUAL * scale)
    dialog = settings_of(qtbot, open_window())
    qtbot.waitExposed(dialog)
    wait_until_laid_out(qtbot)
    close = named(dialog, QPushButton, "closeSettingsButton")
    assert seen_whole(close)
    assert room_below(close) >= theme.MARGIN
    assert screen.contains(dialog.geometry())
    dialog.reject()


@pytest.mark.parametrize(
    ("screen", "scale"),
    [
        (AT_150, 1.0),
        (AT_150, MUCH_LARGER),
        (LAPTOP_AT_125, MUCH_LARGER),
        (LAPTOP_AT_125, theme.LARGEST_TEXT_SCALE),
        (AT_125, theme.LARGEST_TEXT_SCALE),
    ],
    ids=["911-1.0", "911-1.5", "1093-1.5", "1093-2.0", "1280-2.0"],
)
def test_the_status_lines_buttons_keep_a_margin_from_the_windows_bottom_edge(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    scale: float,
) -> None:
    # In a window too short for its usual look (larger text on a laptop), the room under the
    # status line shrank to 8 pixels and its padding to 6: "Copy details", the window's lowest
    # button, sat 15 pixels above the window's bottom edge and looked to stand on it.
    on_a_screen(monkeypatch, system_text, screen, USUAL * scale)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    window.show_status(
        "Kombo did not accept the API key. Open Settings and paste it again.",
        "error",
        "Status: 401",
    )
    wait_until_laid_out(qtbot)
    button = window.statusPanel.copyDetailsButton
    assert seen_whole(button)
    assert room_below(button) >= theme.MARGIN
