"""The duplicate warning in a window too short for it: on a 1366x768 laptop at 125 % or 150 %
scaling (with Windows' "Text size" larger too), the window cannot grow past the screen.

Qt squeezed the window's parts into each other there: the warning was drawn over the tab bar,
"Create link" showed two thirds of itself, and with larger text the warning covered the form,
the result and the status line. Now the part between the header and the status line scrolls:
nothing is drawn over anything else, and whatever is not in view is scrolled to.

The screens are what those laptops leave a window in logical pixels (the tests' own screen is
800 pixels wide), measured with ``QT_FONT_DPI`` on a 1366x728 screen (a 40-pixel task bar).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import combinations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import theme
from kombo_desktop.ui.flow_layout import ButtonBar, ButtonRow
from kombo_desktop.ui.header import DEMO_PROFILE_TIP
from kombo_desktop.ui.main_window import (
    CREATE_TAB,
    MINIMUM_SIZE,
    NEW_LINK_TAB_TEXT,
    RELINK_TAB,
    RELINK_TAB_SHORT_TITLE,
    RELINK_TAB_TITLE,
    MainWindow,
    initial_size,
)
from kombo_desktop.ui.screen_sharing import (
    PRIVACY_OFF_SHORT_TEXT,
    PRIVACY_OFF_TEXT,
    PRIVACY_ON_SHORT_TEXT,
    PRIVACY_ON_TEXT,
)
from kombo_desktop.ui.tight_look import TIGHT, USUAL, Look
from kombo_desktop.ui.widgets import WINDOW_FRAME, scroll_area_around
from tests.support.client_limits import QUICK_RETRIES
from tests.support.fault_server import closed_port
from tests.support.found import named
from tests.support.history_helpers import history_of, record_demo_link
from tests.support.laid_out import wait_until_laid_out
from tests.support.qr_decode import decode_qimage
from tests.ui.conftest import SystemText, WindowFactory, fill_form, make_link, wait_until_ready
from tests.ui.test_text_size import cut_off_at_the_right
from tests.ui.test_window_layout import fully_visible, sizes_that_never_settle

AT_125 = QRect(0, 0, 1093, 582)  # 1366x768 at 125 %, less the task bar
AT_150 = QRect(0, 0, 911, 485)  # 1366x768 at 150 %, less the task bar
AT_150_SMALLER = QRect(0, 0, 853, 480)  # 1280x720 at 150 % (no task bar counted)
LARGER_TEXT = 1.5  # Windows' "Text size" at 150 %

LAPTOPS = [
    pytest.param(AT_125, 1.0, id="125%"),
    pytest.param(AT_150, 1.0, id="150%"),
    pytest.param(AT_125, LARGER_TEXT, id="125%-text-150%"),
    pytest.param(AT_150, LARGER_TEXT, id="150%-text-150%"),
]


def seen_part(window: MainWindow, widget: QWidget) -> QRect:
    """The part of ``widget`` that is drawn, in the window's pixels (empty when none is)."""
    if not widget.isVisible():
        return QRect()
    seen = widget.visibleRegion().boundingRect()
    return QRect(widget.mapTo(window, seen.topLeft()), seen.size())


def open_on(
    screen: QRect,
    text_scale: float,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> MainWindow:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(screen))
    system_text(theme.usual_system_points() * text_scale)
    return open_window("--demo")


def warning_laid_out(window: MainWindow, banner: QWidget) -> bool:
    """The warning has the height its lines need, and the window has grown for it as far as
    the screen lets it (``DuplicateBanner._fit_text``, then ``grow_to_show_all`` a turn of the
    event loop later, each laying the window out again)."""
    layout = banner.layout()
    area = scroll_area_around(banner)
    assert layout is not None and area is not None
    if banner.minimumHeight() != layout.totalHeightForWidth(banner.width()):
        return False
    room = window.screen().availableGeometry().height() - WINDOW_FRAME[1]
    return area.height_missing() <= 0 or window.height() >= room


def show_the_warning(
    qtbot: QtBot, window: MainWindow, organization: str = "Acme GmbH", earlier_links: int = 1
) -> QWidget:
    """The duplicate warning for ``organization``, which has ``earlier_links`` valid links (the
    one made here, the others recorded as made an hour before it)."""
    fill_form(window, organization=organization)
    make_link(qtbot, window)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    for n in range(earlier_links - 1):
        record_demo_link(window, f"DEMO-earlier-{n}", an_hour_ago, organization=organization)
    window.createButton.click()  # the same customer and tool again
    banner = history_of(window).banner
    qtbot.waitUntil(banner.isVisible)
    # Until the warning's lines are laid out, the window has grown for them and is laid out
    # again: a fixed 100 ms could end before, on a loaded machine, and the tests measured a
    # passing state.
    qtbot.waitUntil(lambda: warning_laid_out(window, banner))
    wait_until_laid_out(qtbot)
    return banner


@pytest.mark.parametrize(("screen", "text_scale"), LAPTOPS)
def test_the_warning_is_drawn_over_nothing_and_everything_can_be_reached(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    banner = show_the_warning(qtbot, window)
    assert window.height() + WINDOW_FRAME[1] <= screen.height()

    fields = [box.field for box in window.linkForm.boxes.values()]
    parts: dict[str, list[QWidget]] = {
        "tab bar": [window.tabs.tabBar()],
        "warning": [banner],
        "form's fields": [field for field in fields if not seen_part(window, field).isEmpty()],
        "Create link": [window.createButton],
        "status line": [window.statusPanel],
    }
    seen = {
        name: [(w.objectName(), seen_part(window, w)) for w in widgets]
        for name, widgets in parts.items()
    }
    inside = QRect(QPoint(0, 0), window.size())
    for name, rects in seen.items():
        for widget_name, rect in rects:
            assert inside.contains(rect) or rect.isEmpty(), (name, widget_name, rect)
    for (first, rects_1), (second, rects_2) in combinations(seen.items(), 2):
        for name_1, rect_1 in rects_1:
            for name_2, rect_2 in rects_2:
                assert not rect_1.intersects(rect_2), (first, name_1, rect_1, second, name_2)
    # The status line is always in view; the rest comes into view as the focus goes to it.
    assert fully_visible(window.statusPanel)
    choices = [b for b in banner.findChildren(QPushButton) if b.isVisible()]
    for widget in [*choices, window.tabs.tabBar(), window.createButton]:
        widget.setFocus()
        qtbot.waitUntil(partial(fully_visible, widget))
    # Up and down, that is: with text at 150 % on a screen 911 pixels wide the fields are
    # wider than the form has room for, which is not this test's concern.
    window.emailEdit.setFocus()
    qtbot.waitUntil(
        lambda: seen_part(window, window.emailEdit).height() == window.emailEdit.height()
    )


@pytest.mark.parametrize("screen", [AT_125, AT_150], ids=["125%", "150%"])
def test_the_window_and_its_smallest_size_fit_the_laptops_screen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
) -> None:
    # At 150 % the window was kept 500 pixels high where the screen leaves 485: the status
    # line went under the task bar.
    window = open_on(screen, 1.0, monkeypatch, system_text, open_window)
    qtbot.waitExposed(window)
    assert window.minimumHeight() + WINDOW_FRAME[1] <= screen.height()
    assert window.height() + WINDOW_FRAME[1] <= screen.height()
    width, height = initial_size(screen.size())
    assert height + WINDOW_FRAME[1] <= screen.height()
    assert width >= MINIMUM_SIZE[0]
    window.resize(100, 100)  # as small as it goes
    wait_until_laid_out(qtbot)
    assert window.height() + WINDOW_FRAME[1] <= screen.height()
    assert fully_visible(window.statusPanel)


@pytest.mark.parametrize("text_scale", [1.0, LARGER_TEXT], ids=["text-100%", "text-150%"])
def test_on_a_screen_narrower_than_the_usual_smallest_window_the_window_keeps_within_it(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    text_scale: float,
) -> None:
    # A 1280x720 laptop at 150 % is 853 pixels wide: the window was kept 860 wide, its usual
    # least width, and its right edge (Settings, the result's scroll bar) went past the
    # screen's. It takes the width the screen has now, and its parts still fit across it.
    window = open_on(AT_150_SMALLER, text_scale, monkeypatch, system_text, open_window)
    qtbot.waitExposed(window)
    widest = AT_150_SMALLER.width() - WINDOW_FRAME[0]
    assert window.width() <= widest
    assert window.minimumSizeHint().width() <= widest
    fill_form(window)
    make_link(qtbot, window)
    window.resize(100, 100)  # as small as it goes
    wait_until_laid_out(qtbot)
    assert window.width() <= widest
    assert window.height() + WINDOW_FRAME[1] <= AT_150_SMALLER.height()
    assert cut_off_at_the_right(window) == []
    for part in (window.settingsButton, window.createButton, window.statusPanel):
        assert fully_visible(part), part.objectName()
    if not window.resultPanel.code_below:  # beside "Copy link": in view whole (focus_link)
        result_page = named(window, QScrollArea, "resultPage")
        for area in (result_page, window.middleArea):
            assert in_view_of(area, window.qrView), area.objectName()
        assert fully_visible(window.copyButton)


@pytest.mark.parametrize(
    ("screen", "text_scale", "room_for_both"),
    [
        pytest.param(AT_150_SMALLER, LARGER_TEXT, True, id="1280x720-150%-text-150%"),
        pytest.param(AT_125, theme.LARGEST_TEXT_SCALE, True, id="125%-text-200%"),
        pytest.param(AT_150_SMALLER, theme.LARGEST_TEXT_SCALE, False, id="1280x720-150%-200%"),
    ],
)
def test_a_link_made_with_its_code_below_the_actions_shows_copy_link_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
    room_for_both: bool,
) -> None:
    # With larger text on a small laptop the result has room for its code only below the
    # actions, and the link just made was scrolled to alone: "Copy link", the button the
    # person presses next, was cut in half at the bottom of the window (on a 1280x720 laptop
    # at 150 % with 1.5 times the text, and at 125 % with twice the text). Where the two do
    # not fit together the link, which has the focus, is the one whole in view.
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    qtbot.waitExposed(window)
    fill_form(window)
    make_link(qtbot, window)
    qtbot.waitUntil(lambda: window.qrView.has_code)
    wait_until_laid_out(qtbot)
    assert window.resultPanel.code_below  # the case this test is about
    link, copy = window.linkField, window.copyButton
    assert link.hasFocus()
    shown: list[QWidget] = [link]
    span = copy.mapTo(window, QPoint(0, copy.height())).y() - link.mapTo(window, QPoint()).y()
    both_fit = span <= window.middleArea.height()
    assert both_fit == room_for_both
    if both_fit:
        shown.append(copy)
    result_page = named(window, QScrollArea, "resultPage")
    for widget in shown:
        for area in (result_page, window.middleArea):
            assert in_view_of(area, widget), (area.objectName(), widget.objectName())
        assert fully_visible(widget), widget.objectName()


def test_on_a_screen_with_room_the_window_grows_to_show_the_warning_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # The window grows for the warning as far as the screen allows; only where it cannot
    # does the part under the header scroll.
    window = open_on(QRect(0, 0, 1920, 1040), 1.0, monkeypatch, system_text, open_window)
    window.resize(*MINIMUM_SIZE)
    banner = show_the_warning(qtbot, window)
    assert window.height() > MINIMUM_SIZE[1]
    shown = (banner, window.tabs.tabBar(), window.emailEdit, window.createButton)
    qtbot.waitUntil(lambda: all(fully_visible(widget) for widget in shown))


def test_without_the_warning_the_forms_scroll_their_own_fields(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The part under the header scrolls only when its parts are all at their least heights:
    # in a short window the form scrolls its fields and keeps "Create link" in view.
    demo_window.resize(*MINIMUM_SIZE)
    demo_window.linkForm.advanced.set_expanded(True)
    wait_until_laid_out(qtbot)
    assert demo_window.linkForm.scrollArea.verticalScrollBar().maximum() > 0
    assert fully_visible(demo_window.createButton)


def test_without_a_key_the_note_the_status_points_at_is_scrolled_into_view(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # "No API key … The note at the top of the window says how to add one": with Create
    # reached at the bottom of a scrolled middle, about 33 of the note's 182 pixels were in
    # view, its "Open settings" and "Try the demo" buttons not at all.
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(AT_150))
    system_text(theme.usual_system_points() * LARGER_TEXT)
    window = open_window()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    fill_form(window)
    window.activateWindow()
    window.createButton.setFocus()
    bar = window.middleArea.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # laid out: the middle scrolls
    bar.setValue(bar.maximum())  # where Tab to Create leaves the middle
    qtbot.waitUntil(lambda: bar.value() > 0)
    window.createButton.click()
    # Until the link's own outcome is said (it points at the note).
    qtbot.waitUntil(lambda: not window.busy)
    assert "No API key" in window.statusLabel.text()
    notice = window.firstRunNotice
    qtbot.waitUntil(lambda: seen_part(window, notice).height() == notice.height())


# -- the tabs' names on the laptop's screen ---------------------------------------------------


def open_at_start(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
    argv: tuple[str, ...],
    key: str | None,
) -> MainWindow:
    if key is not None:
        monkeypatch.setenv("KOMBO_API_KEY", key)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(screen))
    system_text(theme.usual_system_points() * text_scale)
    window = open_window(*argv)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    wait_until_laid_out(qtbot)  # laid out, in whichever look fits
    return window


def scroll_buttons(bar: QTabBar) -> list[QToolButton]:
    return [button for button in bar.findChildren(QToolButton) if button.isVisible()]


@pytest.mark.parametrize(("screen", "text_scale"), LAPTOPS)
def test_the_tab_names_are_never_cut(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # With larger text at 150 % the two tabs were wider than the form: "Reconnect an
    # integration" was cut after "integ" and scroll arrows came up beside it.
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, ("--demo",), None
    )
    bar = window.tabs.tabBar()
    for index in (CREATE_TAB, RELINK_TAB):
        window.tabs.setCurrentIndex(index)  # the tab shown has its name in bold
        wait_until_laid_out(qtbot)
        assert scroll_buttons(bar) == []
        for tab in range(bar.count()):
            assert bar.rect().contains(bar.tabRect(tab)), bar.tabText(tab)
            assert bar.tabRect(tab).width() >= bar.tabSizeHint(tab).width(), bar.tabText(tab)
    # A shorter name where the full one does not fit, which the tooltip then gives.
    relink_name = bar.tabText(RELINK_TAB)
    assert relink_name in (RELINK_TAB_TITLE, RELINK_TAB_SHORT_TITLE)
    if relink_name != RELINK_TAB_TITLE:
        assert RELINK_TAB_TITLE in bar.tabToolTip(RELINK_TAB)
    # "Clear the form?" names the tab as it reads on screen.
    window.relinkForm.relinkIntegrationEdit.setText("personio:8FgLoNvaVdhm3dQ1ZY8zyYUK")
    assert window.unused_relink_id() == (f"the integration id typed on the “{relink_name}” tab")


def test_on_a_roomy_screen_the_tabs_keep_their_full_names(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.resize(*MINIMUM_SIZE)
    wait_until_laid_out(qtbot)
    bar = demo_window.tabs.tabBar()
    assert [bar.tabText(tab) for tab in range(bar.count())] == [NEW_LINK_TAB_TEXT, RELINK_TAB_TITLE]


# -- the screen-sharing switch on the laptop's screen -----------------------------------------


@pytest.mark.parametrize(("screen", "text_scale"), LAPTOPS)
def test_the_screen_sharing_switch_always_shows_whether_it_is_on(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # With larger text at 150 % the header was wider than the window: Qt squeezed the switch
    # (292 of the 307 pixels it needs) and it read "Screen-sharing mode: or" and "…: of".
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, ("--demo",), None
    )
    switch = window.screen_sharing.privacySwitch
    for on, whole, short in (
        (True, PRIVACY_ON_TEXT, PRIVACY_ON_SHORT_TEXT),
        (False, PRIVACY_OFF_TEXT, PRIVACY_OFF_SHORT_TEXT),
        (True, PRIVACY_ON_TEXT, PRIVACY_ON_SHORT_TEXT),
    ):
        window.screen_sharing.set_on(on)
        wait_until_laid_out(qtbot)  # laid out again
        assert switch.text() in (whole, short)
        assert switch.width() >= switch.sizeHint().width(), switch.text()
        assert fully_visible(switch)
        for button in (history_of(window).historyButton, window.settingsButton):
            assert button.width() >= button.sizeHint().width(), button.text()
        # The whole words for a screen reader, and in the tooltip where the shorter are shown.
        assert switch.accessibleName() == whole
        if switch.text() == short:
            assert whole in switch.toolTip()


def test_on_a_roomy_screen_the_switch_keeps_its_whole_words(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.resize(*MINIMUM_SIZE)
    wait_until_laid_out(qtbot)
    switch = demo_window.screen_sharing.privacySwitch
    assert switch.text() == PRIVACY_ON_TEXT
    demo_window.screen_sharing.set_on(False)
    wait_until_laid_out(qtbot)
    assert switch.text() == PRIVACY_OFF_TEXT


# -- the forms' buttons on the laptop's screen ------------------------------------------------


def cut_buttons(footer: QWidget) -> list[str]:
    """The buttons of a form's footer narrower than their words, or reaching past its sides."""
    inside = footer.rect()
    return [
        f"{button.text()}: {button.width()} of {button.sizeHint().width()}"
        for button in footer.findChildren(QPushButton)
        if button.isVisible()
        and (
            button.width() < button.sizeHint().width()
            or not inside.contains(QRect(button.mapTo(footer, QPoint(0, 0)), button.size()))
        )
    ]


@pytest.mark.parametrize(
    ("screen", "text_scale"),
    [*LAPTOPS, pytest.param(AT_125, theme.LARGEST_TEXT_SCALE, id="125%-text-200%")],
)
def test_the_forms_buttons_never_cut_their_words(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # With larger text at 150 % the form and the result side by side needed more than the
    # window's width: "Create link" and "Clear the form" were squeezed a few pixels narrower
    # than their words, which were cut at both ends ("Clear the forn").
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, ("--demo",), None
    )
    for index, form in ((CREATE_TAB, window.linkForm), (RELINK_TAB, window.relinkForm)):
        window.tabs.setCurrentIndex(index)
        wait_until_laid_out(qtbot)  # laid out
        assert cut_buttons(form.footer) == [], form.objectName()
    # While Kombo works, Cancel takes the place of "Clear the form".
    window.tabs.setCurrentIndex(CREATE_TAB)
    window.linkForm.set_busy(True)
    wait_until_laid_out(qtbot)
    assert cut_buttons(window.linkForm.footer) == []
    window.linkForm.set_busy(False)


def test_where_the_row_is_too_narrow_the_buttons_go_on_below_whole(qtbot: QtBot) -> None:
    # Narrower than the buttons side by side even with little room at its sides, the row
    # takes a second line rather than squeezing a button; as wide again, it takes one.
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    first, last = QPushButton("Create link"), QPushButton("Clear the form")
    row = ButtonRow(first, last, end_from=1)
    row.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
    bar = ButtonBar(row)
    layout.addWidget(bar)
    layout.addStretch(1)
    qtbot.addWidget(holder)
    holder.show()
    one_line = first.sizeHint().width() + theme.SPACING + last.sizeHint().width()

    def placed(width: int) -> tuple[QRect, QRect]:
        holder.resize(width, 400)
        qtbot.waitUntil(lambda: bar.width() == width)
        wait_until_laid_out(qtbot)  # its height for the width asked again, and laid out
        for button in (first, last):
            assert button.size() == button.sizeHint(), button.text()
            assert bar.rect().contains(button.geometry()), button.text()
        return first.geometry(), last.geometry()

    wide, narrow, side = one_line + 2 * theme.MARGIN, one_line + theme.SPACING, one_line - 1
    create, clear = placed(wide)  # "Clear the form" at the right end, as usual
    assert create.left() == theme.MARGIN and clear.right() == wide - theme.MARGIN - 1
    create, clear = placed(narrow)  # the room at the sides gives way
    assert create.top() == clear.top() and create.left() < theme.MARGIN
    create, clear = placed(side)  # a line of its own
    assert clear.top() > create.bottom()
    assert bar.height() >= clear.bottom() + theme.SPACING
    create, clear = placed(wide)
    assert create.top() == clear.top()


# -- one scroll bar ---------------------------------------------------------------------------


def nested_scroll_bars(window: QWidget) -> list[tuple[str, str]]:
    """Pairs (outer, inner) of scroll areas that both show a vertical scroll bar, one inside
    the other: two bars that scroll the same part of the window."""
    showing = [
        area
        for area in window.findChildren(QAbstractScrollArea)
        if area.isVisible() and area.verticalScrollBar().isVisible()
    ]
    return [
        (outer.objectName(), inner.objectName())
        for outer in showing
        for inner in showing
        if outer is not inner and outer.isAncestorOf(inner)
    ]


@pytest.mark.parametrize("text_scale", [1.0, LARGER_TEXT], ids=["text-100%", "text-150%"])
@pytest.mark.parametrize("state", ["first-start", "demo", "warning"])
def test_one_scroll_bar_scrolls_the_form(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    state: str,
    text_scale: float,
) -> None:
    # Where the part between the header and the status line scrolled (the first start's
    # notice, the demo, a duplicate warning), the form and the result scrolled inside it too:
    # two or three scroll bars, the result's right beside the window's.
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(AT_150))
    system_text(theme.usual_system_points() * text_scale)
    window = open_window() if state == "first-start" else open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    if state == "warning":
        show_the_warning(qtbot, window)
    wait_until_laid_out(qtbot)
    assert nested_scroll_bars(window) == []
    if window.middleArea.verticalScrollBar().isVisible():
        # All of it is then reached with that one bar, Tab or the wheel.
        for widget in (window.tabs.tabBar(), window.createButton, window.linkField):
            widget.setFocus()
            qtbot.waitUntil(partial(fully_visible, widget))


# -- at start, on the laptop's screen ---------------------------------------------------------

# How a window starts: in the demo (its amber bar above the header), and with a key given at
# start (its note takes the status line's three lines with larger text).
STARTS = [pytest.param(("--demo",), None, id="demo"), pytest.param((), "test-key-5c1e9a", id="key")]


def in_view_of(area: QScrollArea, widget: QWidget) -> bool:
    """``widget`` lies wholly inside ``area``'s viewport as it is scrolled now."""
    viewport = area.viewport()
    place = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return QRect(QPoint(0, 0), viewport.size()).contains(place)


@pytest.mark.parametrize(("argv", "key"), STARTS)
@pytest.mark.parametrize(("screen", "text_scale"), LAPTOPS)
def test_at_start_create_link_is_in_view_without_scrolling(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
    argv: tuple[str, ...],
    key: str | None,
) -> None:
    # At 150 % with larger text the part between the header and the status line scrolled at
    # start: "Create link" was 17 (a key given at start) to 81 pixels (the demo) below its
    # edge, until Tab or the wheel brought it.
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, argv, key
    )
    middle = window.middleArea
    assert middle.verticalScrollBar().value() == 0
    assert in_view_of(middle, window.createButton)
    assert fully_visible(window.createButton)
    assert fully_visible(window.tabs.tabBar())


@pytest.mark.parametrize(
    ("screen", "text_scale"),
    [
        *LAPTOPS,
        pytest.param(AT_125, theme.LARGEST_TEXT_SCALE, id="125%-text-200%"),
        pytest.param(AT_150, theme.LARGEST_TEXT_SCALE, id="150%-text-200%"),
    ],
)
def test_at_the_first_start_the_notice_and_its_buttons_are_in_view_at_the_top(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # Without a key the notice says what to do, beside "Open settings" and "Try the demo":
    # with larger text the buttons left the sentence a narrow column, six to ten lines
    # high. At twice the text size on a laptop at 150 % the notice was taller than the part
    # of the window it is in (366 pixels of 268): its last lines were out of view at start.
    # The buttons now stand one above the other where that makes the notice lower. Where
    # the middle part scrolls, it starts at the top; the form's first field is in view too
    # where there is the room.
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, (), None
    )
    notice = window.firstRunNotice
    middle = window.middleArea
    qtbot.waitUntil(notice.isVisible, timeout=5000)  # once the key was looked for
    wait_until_laid_out(qtbot)  # laid out with it
    assert middle.verticalScrollBar().value() == 0
    buttons = [notice.openSettingsButton, notice.tryDemoButton]
    for widget in [notice, *buttons]:
        assert in_view_of(middle, widget), widget.objectName()
        assert fully_visible(widget), widget.objectName()
        if isinstance(widget, QPushButton):
            assert widget.width() >= widget.sizeHint().width(), widget.objectName()
    label = notice.label
    assert label.height() >= label.heightForWidth(label.width())  # no line cut off
    if text_scale <= LARGER_TEXT:
        first = window.emailEdit
        assert in_view_of(middle, first)
        assert seen_part(window, first).height() == first.height()


@pytest.mark.parametrize(("screen", "text_scale"), LAPTOPS)
def test_after_a_network_error_create_link_and_the_whole_sentence_are_in_view(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # "Could not reach Kombo … then try again": at 150 % with larger text the sentence took
    # five lines in a narrow column beside "Details for support" and "Copy details", the
    # status line 144 of the window's 429 pixels, and "Create link", the way to try again,
    # was scrolled out of view.
    window = open_at_start(
        qtbot,
        monkeypatch,
        system_text,
        open_window,
        screen,
        text_scale,
        ("--api-base", f"http://127.0.0.1:{closed_port()}/v1"),
        "test-key-5c1e9a",
    )
    window.setup.client_options.update(QUICK_RETRIES)  # refused at once: no timeout needed
    window.use_target(window.setup.profile_target)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "Could not reach Kombo" in window.statusLabel.text()
    qtbot.waitUntil(window.createButton.isEnabled)
    qtbot.waitUntil(lambda: fully_visible(window.createButton))
    assert in_view_of(window.middleArea, window.createButton)
    assert fully_visible(window.statusLabel)
    assert fully_visible(window.statusPanel.copyDetailsButton)
    # The sentence never shares its row with buttons that leave it a narrow column.
    assert window.statusLabel.width() >= window.statusPanel.width() // 2


def test_the_window_settles_in_one_look_at_every_height(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # The tight look gives the middle part more room and takes less for the forms: chosen
    # from the parts' heights as they stand, it would switch back and forth without end.
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, AT_150, LARGER_TEXT, ("--demo",), None
    )
    looks: list[Look] = []

    def check(_width: int, height: int) -> None:
        looks.append(window.tight_look.look)
        if window.middleArea.verticalScrollBar().maximum() == 0:
            assert fully_visible(window.createButton), f"cut off at height {height}"
        assert nested_scroll_bars(window) == [], f"at height {height}"

    heights = [(window.width(), height) for height in range(window.minimumHeight(), 720, 3)]
    restless = sizes_that_never_settle(qtbot, window, heights, check)
    assert not restless, f"still laying itself out at (width, height) {restless}"
    # Tight where the window is short, the usual look once it has the room.
    assert looks[0] == TIGHT and looks[-1] == USUAL
    first_usual = looks.index(USUAL)
    assert all(look == USUAL for look in looks[first_usual:])


# -- the link made from the duplicate warning -------------------------------------------------

AT_100 = QRect(0, 0, 1366, 728)  # 1366x768 at 100 %, less the task bar
ROOMY = QRect(0, 0, 1920, 1040)  # where the window opens at its usual size


def link_from_the_warning(qtbot: QtBot, window: MainWindow, choice: str) -> str:
    """Answer the duplicate warning with ``choice`` ("create anyway" or "use existing"), as a
    person does (the choice's button has the keyboard, and Space presses it); the link shown
    once its QR code is drawn and the window laid out."""
    banner = history_of(window).banner
    button = banner.createAnywayButton if choice == "create anyway" else banner.useExistingButton
    before = window.linkField.text()
    button.setFocus()  # the middle part scrolls down to it, where it is out of view
    qtbot.waitUntil(partial(fully_visible, button))
    QTest.keyClick(button, Qt.Key.Key_Space)
    if choice == "create anyway":
        qtbot.waitUntil(lambda: window.linkField.text() not in ("", before), timeout=10_000)
    wait_until_ready(qtbot, window)
    qtbot.waitUntil(lambda: window.qrView.has_code)
    wait_until_laid_out(qtbot)
    return window.linkField.text()


@pytest.mark.parametrize(
    ("screen", "choice"),
    [
        pytest.param(AT_150, "create anyway", id="150%-create-anyway"),
        pytest.param(AT_150, "use existing", id="150%-use-existing"),
        pytest.param(AT_150_SMALLER, "create anyway", id="1280x720-150%-create-anyway"),
        pytest.param(AT_125, "create anyway", id="125%-create-anyway"),
        pytest.param(AT_100, "create anyway", id="100%-create-anyway"),
        pytest.param(ROOMY, "create anyway", id="roomy-create-anyway"),
    ],
)
def test_the_link_made_from_the_warning_shows_its_qr_code_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    choice: str,
) -> None:
    # On a 1366x768 laptop at 150 % the demo's result had 202 pixels of height: the link
    # and its QR code below it need about 250, and the code was cut off at the bottom (83 of
    # its 150 pixels in view), where no phone could scan it from a shared screen. The code is
    # brought into view whole now, with "Copy link" beside it; the link above it wherever
    # there is the room.
    window = open_on(screen, 1.0, monkeypatch, system_text, open_window)
    show_the_warning(qtbot, window)

    link = link_from_the_warning(qtbot, window, choice)

    assert not window.resultPanel.code_below
    result_page = named(window, QScrollArea, "resultPage")
    for area in (result_page, window.middleArea):
        assert in_view_of(area, window.qrView), area.objectName()
    assert fully_visible(window.qrView)
    assert fully_visible(window.copyButton)
    assert decode_qimage(window.grab().toImage()) == link
    if screen not in (AT_150, AT_150_SMALLER):  # nothing lost where the link and code fit
        assert fully_visible(window.linkField)


# -- the warning naming the form's organisation -----------------------------------------------

LONG_ORGANIZATION = (
    "Müller & Söhne Gebäudetechnik und Facility Management Süddeutschland GmbH Co. KG"
)


@pytest.mark.parametrize("text_scale", [1.0, LARGER_TEXT], ids=["text-100%", "text-150%"])
@pytest.mark.parametrize(
    ("earlier_links", "title_text", "text_start"),
    [
        (
            1,
            f"A link for {LONG_ORGANIZATION} already exists",
            f"A link for {LONG_ORGANIZATION} and Personio was already made ",
        ),
        (
            3,
            f"3 links for {LONG_ORGANIZATION} already exist",
            "The latest, for Personio, was made ",
        ),
    ],
    ids=["one-link", "three-links"],
)
def test_a_long_organisation_name_in_the_warning_wraps_within_the_narrowest_window(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    text_scale: float,
    earlier_links: int,
    title_text: str,
    text_start: str,
) -> None:
    # The warning names the organisation typed in the form: 80 characters of it go on in
    # more lines, in the title and the text, and widen neither the warning nor the window
    # on a 1366x768 laptop at 150 %; nor do they when it says how many links there are.
    assert len(LONG_ORGANIZATION) == 80
    window = open_on(AT_150, text_scale, monkeypatch, system_text, open_window)
    banner = show_the_warning(qtbot, window, LONG_ORGANIZATION, earlier_links)

    title = named(banner, QLabel, "duplicateBannerTitle")
    label = named(banner, QLabel, "duplicateBannerLabel")
    assert title.text() == title_text
    assert label.text().startswith(text_start), label.text()
    assert window.width() + WINDOW_FRAME[0] <= AT_150.width()
    area = scroll_area_around(banner)
    assert area is not None
    assert area.horizontalScrollBar().maximum() == 0  # nothing out of view to the right
    inside = QRect(QPoint(0, 0), banner.size())
    for part in (title, label):
        assert inside.contains(part.geometry()), part.objectName()
        # Wrapped: in more lines than one, all of them given the room they need.
        assert (
            part.height() >= part.heightForWidth(part.width()) > 1.5 * part.fontMetrics().height()
        )


# -- the header and the demo bar on the laptop's screen ---------------------------------------


def on_one_line(label: QLabel) -> bool:
    """``label``'s words whole on one line: no wider than its room, and one line high."""
    metrics = label.fontMetrics()
    return (
        metrics.horizontalAdvance(label.text()) <= label.contentsRect().width()
        and label.heightForWidth(label.width()) < 2 * metrics.height()
    )


@pytest.mark.parametrize(
    ("screen", "text_scale"),
    [
        pytest.param(AT_150_SMALLER, 1.0, id="1280x720-150%"),
        pytest.param(AT_150_SMALLER, LARGER_TEXT, id="1280x720-150%-text-150%"),
        pytest.param(AT_150, theme.LARGEST_TEXT_SCALE, id="150%-text-200%"),
    ],
)
def test_the_demos_profile_line_keeps_to_one_line(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # At 829 pixels across the header's second line, "Demo service on this computer · no key
    # needed", wrapped onto two lines, and with twice the text onto three. It says less where
    # the whole does not fit, and the whole in its tooltip.
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, screen, text_scale, ("--demo",), None
    )
    profile = window.profileLabel
    assert window.target is not None
    whole = window.target.label
    assert on_one_line(profile), profile.text()
    assert profile.text() != whole
    assert profile.text().startswith("Demo service")
    assert profile.toolTip().startswith(whole)
    assert profile.accessibleName() == f"Active profile: {window.target.spoken_label}"


def test_with_room_the_demos_profile_line_is_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    window = open_at_start(
        qtbot, monkeypatch, system_text, open_window, AT_100, 1.0, ("--demo",), None
    )
    profile = window.profileLabel
    assert window.target is not None
    assert profile.text() == window.target.label
    assert on_one_line(profile)
    assert profile.toolTip() == DEMO_PROFILE_TIP


@pytest.mark.parametrize("details", ["Status: 401", None], ids=["error", "note"])
def test_in_the_demo_with_twice_the_text_the_status_lines_buttons_are_whole(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    details: str | None,
) -> None:
    # With twice the usual text on a 1366x768 laptop at 150 % the demo's amber bar took three
    # lines: the window, too short for all its parts, took the height from the tallest of
    # them, and the status line's "Open settings" and "Copy details" were cut off at the
    # bottom, its sentence's last line too.
    window = open_at_start(
        qtbot,
        monkeypatch,
        system_text,
        open_window,
        AT_150,
        theme.LARGEST_TEXT_SCALE,
        ("--demo",),
        None,
    )
    way_forward = ("Open settings", window.open_settings)
    refused = "Kombo did not accept the API key. Open Settings and paste it again."
    if details is None:
        window.show_note(refused, action=way_forward)
    else:
        window.statusPanel.show_message(refused, "error", details, action=way_forward)
    wait_until_laid_out(qtbot)
    panel = window.statusPanel
    buttons = (panel.statusActionButton, panel.detailsToggle, panel.copyDetailsButton)
    for part in (window.statusLabel, *[button for button in buttons if not button.isHidden()]):
        assert fully_visible(part), part.objectName()
    for label in (window.statusLabel, window.demoBanner.label):
        assert label.height() >= label.heightForWidth(label.width()), label.objectName()
    assert on_one_line(window.demoBanner.label)
