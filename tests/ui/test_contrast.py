"""Text that carries meaning is legible as drawn (WCAG 2.1 contrast, measured on screen).

Placeholders are the only words in some fields ("Type to search, or pick from the list", the
history's search field has no label) and were drawn at 3.1:1; a disabled History button in
screen-sharing mode still says what is not there, and was drawn at 2.4:1.

The edges of the controls themselves, too: an empty field is nothing but its edge, and the
fields, drop-down lists and check boxes were drawn at 1.5:1 to 2:1, gone on a projector. So
were the status line's box of details for support (1.8:1) and the frame of a drop-down list's
opened list (2.6:1 against the list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import theme
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.tool_suggestions import ToolSearchEdit
from kombo_desktop.ui.widgets import layout_of

SOLID = "\u2588" * 6  # full blocks: pixels of the text's own colour, without anti-aliasing


def luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def drawn_contrast(widget: QWidget) -> float:
    """The contrast between the darkest pixel (the text) and the middle one (its background)."""
    image = widget.grab().toImage()
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    pixels.sort(key=luminance)
    return contrast(pixels[0], pixels[len(pixels) // 2])


@pytest.fixture
def themed(qtbot: QtBot) -> Iterator[QWidget]:
    """A window with the program's palette and style sheet, as ``app.py`` gives them."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = QPalette(app.palette())
    theme.apply_to_application(app)
    window = QWidget()
    window.setLayout(QVBoxLayout())
    theme.apply_to_window(window)
    qtbot.addWidget(window)
    try:
        yield window
    finally:
        app.setPalette(before)


def test_placeholder_words_are_legible(themed: QWidget) -> None:
    edit = QLineEdit()
    edit.setPlaceholderText(SOLID)
    layout_of(themed).addWidget(edit)
    themed.show()
    assert drawn_contrast(edit) >= 4.5


def test_a_disabled_buttons_words_can_still_be_read(themed: QWidget) -> None:
    button = QPushButton(SOLID)
    button.setEnabled(False)
    layout_of(themed).addWidget(button)
    themed.show()
    # Disabled controls are exempt from 4.5:1; 3:1 keeps them readable and still greyed.
    assert drawn_contrast(button) >= 3.0


def test_a_disabled_blue_button_looks_as_greyed_as_any_other(themed: QWidget) -> None:
    """The blue "Copy link" before there is a link (disabled) was drawn light blue
    with dark bold words, 5.5:1: beside the greyed "Open in browser" it looked half active,
    as if it could be pressed. Disabled, it takes the greyed look every button has then."""
    ordinary, blue = QPushButton("Open in browser"), primary_button(slim=False)
    for button in (ordinary, blue):
        button.setEnabled(False)
        layout_of(themed).addWidget(button)
    themed.show()
    assert most_common_colour(blue.grab().toImage()) == most_common_colour(
        ordinary.grab().toImage()
    )


def test_a_disabled_fields_placeholder_can_still_be_read(themed: QWidget) -> None:
    # "Leave empty for the live system" in the tool environment's field, disabled until a
    # tool is chosen, was drawn at 2.3:1.
    edit = QLineEdit()
    edit.setPlaceholderText(SOLID)
    edit.setEnabled(False)
    layout_of(themed).addWidget(edit)
    themed.show()
    assert drawn_contrast(edit) >= 3.0


# -- marks that are not words -----------------------------------------------------------------
# WCAG 2.1 (1.4.11, 2.4.7): a focus mark and a control's visible parts at least 3:1 against
# what is next to them.


def strong_changes(before: QImage, after: QImage, area: QRect) -> int:
    """Pixels in ``area`` whose colour changed by at least 3:1 from ``before`` to ``after``."""
    return sum(
        1
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
        if contrast(before.pixelColor(x, y), after.pixelColor(x, y)) >= 3.0
    )


def test_the_tab_bars_focus_mark_can_be_seen(qtbot: QtBot, demo_window: MainWindow) -> None:
    # Every other control gets a 2 px blue border with the focus; the tabs ("New link",
    # "Reconnect an integration") got a pale box round the words, at 1.2:1 and 1.9:1.
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    bar = demo_window.tabs.tabBar()
    demo_window.emailEdit.setFocus()
    qtbot.waitUntil(demo_window.emailEdit.hasFocus)
    without = bar.grab().toImage()
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(bar.hasFocus)
    with_focus = bar.grab().toImage()

    tab = bar.tabRect(bar.currentIndex())
    # At least a line of one pixel round the tab's top and sides.
    assert strong_changes(without, with_focus, tab) >= tab.width() + 2 * tab.height()


def test_the_forms_scroll_bar_says_there_is_more_below(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # At 125 % on a 1366x768 laptop the form's lower fields are out of view, and the only
    # sign of them was a 6 px handle at 1.5:1 against white, on no track at all.
    demo_window.resize(900, 560)
    bar = demo_window.linkForm.scrollArea.verticalScrollBar()
    qtbot.waitUntil(bar.isVisible)
    assert bar.value() == 0  # the handle at the top, the track below it
    image = bar.grab().toImage()
    middle = image.width() // 2
    handle = image.pixelColor(middle, 16)
    track = image.pixelColor(middle, image.height() - 3)

    assert contrast(handle, QColor("white")) >= 3.0  # against the form beside it
    assert contrast(handle, track) >= 3.0
    assert track != QColor("white")  # the track can be seen, and so how far down there is
    handle_width = sum(1 for x in range(image.width()) if image.pixelColor(x, 16) == handle)
    assert handle_width >= 8


# -- the edges of the controls ----------------------------------------------------------------
# WCAG 2.1 1.4.11: the edge that shows where a control is, at least 3:1 against what it sits
# on (white, or SURFACE in the status card and the first-run notice), in every state a person
# meets it in. Disabled controls are exempt and keep their paler edge.


def drop_down() -> QComboBox:
    combo = QComboBox()
    combo.addItems(["English", "Deutsch"])
    return combo


def tool_search() -> QComboBox:
    """The tool field as the form makes it: a drop-down list one can type into."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setLineEdit(ToolSearchEdit())
    combo.addItems(["The customer chooses", "Personio"])
    return combo


def ticked() -> QCheckBox:
    box = QCheckBox("Field mapping")
    box.setChecked(True)
    return box


def profile_list() -> QListWidget:
    profiles = QListWidget()
    profiles.addItems(["default (in use)", "staging"])
    profiles.setFixedHeight(80)
    return profiles


def history_table() -> QTableWidget:
    table = QTableWidget(2, 3)
    table.setFixedHeight(80)
    return table


def details_box() -> QPlainTextEdit:
    """The status line's details for support, as ``StatusPanel`` makes them."""
    details = QPlainTextEdit("status 400\nerror code INVALID")
    details.setObjectName("statusDetails")
    details.setReadOnly(True)
    details.setFixedHeight(80)
    return details


def suggestions() -> QListView:
    """The tool search's suggestions, a window of their own with their own style sheet."""
    view = QListView()
    view.setStyleSheet(theme.popup_style_sheet())
    view.setFixedHeight(80)
    return view


CONTROLS: dict[str, Callable[[], QWidget]] = {
    "field": QLineEdit,
    "drop-down list": drop_down,
    "tool search": tool_search,
    "check box": lambda: QCheckBox("Field mapping"),
    "ticked check box": ticked,
    "button": lambda: QPushButton("Clear the form"),
    "profile list": profile_list,
    "history table": history_table,
    "suggestions": suggestions,
    "details for support": details_box,
}
# The fields whose errors are shown on their edge (``FieldBox.set_error``).
CAN_BE_WRONG = ("field", "drop-down list", "tool search")
MARGIN = 3  # pixels of what the control sits on, left of it


def on_backdrop(themed: QWidget, make: Callable[[], QWidget], backdrop: str) -> QWidget:
    """A control on white (the form) or in the status card (SURFACE), in the themed window."""
    control = make()
    if backdrop == "white":
        layout_of(themed).addWidget(control)
    else:
        card = QFrame()
        card.setObjectName("statusCard")
        QVBoxLayout(card).addWidget(control)
        layout_of(themed).addWidget(card)
    return control


def put_in_state(qtbot: QtBot, themed: QWidget, control: QWidget, state: str) -> None:
    themed.show()
    QApplication.processEvents()  # the layout gives each control its size
    if state == "focused":
        themed.activateWindow()
        qtbot.waitUntil(themed.isActiveWindow)
        control.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(control.hasFocus)
        return
    control.clearFocus()  # the window gave it to its first control
    if state == "hovered":
        qtbot.mouseMove(control)
        qtbot.waitUntil(control.underMouse)
    elif state == "wrong":
        control.setProperty("invalid", True)
        theme.refresh_style(control)


def edge_against_backdrop(control: QWidget) -> tuple[QColor, QColor]:
    """What the control sits on, and the first pixel of the control drawn differently, from
    the left at half its height: its edge (a check box: its square's edge, or its focus mark)."""
    holder = control.parentWidget()
    assert holder is not None
    image = holder.grab(control.geometry().adjusted(-MARGIN, 0, 0, 0)).toImage()
    row = image.height() // 2
    backdrop = image.pixelColor(0, row)
    edge = next(
        (c for x in range(image.width()) if (c := image.pixelColor(x, row)) != backdrop),
        backdrop,
    )
    return backdrop, edge


@pytest.mark.parametrize("backdrop", ["white", "surface"])
@pytest.mark.parametrize(
    ("kind", "state"),
    [(kind, state) for kind in CONTROLS for state in ("normal", "hovered", "focused")]
    + [(kind, "wrong") for kind in CAN_BE_WRONG],
)
def test_every_controls_edge_can_be_seen(
    qtbot: QtBot, themed: QWidget, kind: str, state: str, backdrop: str
) -> None:
    control = on_backdrop(themed, CONTROLS[kind], backdrop)
    put_in_state(qtbot, themed, control, state)

    around, edge = edge_against_backdrop(control)

    assert around == QColor("white" if backdrop == "white" else theme.SURFACE)
    assert contrast(edge, around) >= 3.0, f"{edge.name()} on {around.name()}"


def strong_changes_on_edge(before: QImage, after: QImage) -> int:
    """Pixels of the outer 2 px of a control that changed by at least 3:1 (what is inside,
    such as its text moving by a pixel, does not count)."""
    whole = before.rect()
    inside = whole.adjusted(2, 2, -2, -2)
    return strong_changes(before, after, whole) - strong_changes(before, after, inside)


def ring_length(control: QWidget) -> int:
    """Pixels in a line of one pixel round ``control``, less its rounded corners (5 px)."""
    return 2 * (control.width() + control.height()) - 4 * 2 * 5


@pytest.mark.parametrize("kind", ["field", "drop-down list", "tool search", "button"])
def test_the_focus_changes_the_whole_edge(qtbot: QtBot, themed: QWidget, kind: str) -> None:
    # The 2 px blue edge says where typing goes; a drop-down list only turned pale blue inside.
    control = on_backdrop(themed, CONTROLS[kind], "white")
    put_in_state(qtbot, themed, control, "normal")
    without = control.grab().toImage()
    put_in_state(qtbot, themed, control, "focused")
    with_focus = control.grab().toImage()

    assert strong_changes_on_edge(without, with_focus) >= ring_length(control)


@pytest.mark.parametrize("kind", CAN_BE_WRONG)
def test_an_error_changes_the_whole_edge(qtbot: QtBot, themed: QWidget, kind: str) -> None:
    # Told apart from a field's usual edge by more than its colour: the tool field's error
    # left its edge as it was.
    control = on_backdrop(themed, CONTROLS[kind], "white")
    put_in_state(qtbot, themed, control, "normal")
    usual = control.grab().toImage()
    put_in_state(qtbot, themed, control, "wrong")
    wrong = control.grab().toImage()

    assert strong_changes_on_edge(usual, wrong) >= ring_length(control)


# -- the lists a drop-down list opens -----------------------------------------------------------
# A window of their own, over the form (white) or the status card (SURFACE): their frame is
# what tells the list from what it covers. The language, link type and kind of system lists
# were drawn in Qt's own colours, not the window's: a frame of 2.6:1 against their grey, and
# the highlighted entry's white words on a light blue at 3.7:1.

DROP_DOWNS = ["languageCombo", "linkTypeCombo", "categoryCombo", "toolCombo"]


def most_common_colour(image: QImage) -> QColor:
    counts: dict[int, int] = {}
    for x in range(image.width()):
        for y in range(image.height()):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    return QColor.fromRgb(max(counts, key=lambda rgb: counts[rgb]))


def opened_list(qtbot: QtBot, window: MainWindow, name: str) -> tuple[QComboBox, QImage]:
    """The drop-down list ``name`` of the form opened, and its opened list as drawn."""
    combo = getattr(window.linkForm, name)
    assert isinstance(combo, QComboBox)
    combo.showPopup()
    shown = combo.view().window()
    qtbot.waitUntil(shown.isVisible)
    try:
        return combo, shown.grab().toImage()
    finally:
        combo.hidePopup()


@pytest.mark.parametrize("name", DROP_DOWNS)
def test_an_opened_drop_down_lists_frame_can_be_seen(
    qtbot: QtBot, demo_window: MainWindow, name: str
) -> None:
    _, image = opened_list(qtbot, demo_window, name)
    inside = most_common_colour(image)  # the list's own background
    middle_x, middle_y = image.width() // 2, image.height() // 2
    frame = {
        "left": image.pixelColor(0, middle_y),
        "top": image.pixelColor(middle_x, 0),
        "bottom": image.pixelColor(middle_x, image.height() - 1),
    }
    for side, colour in frame.items():
        for against in (inside, QColor("white"), QColor(theme.SURFACE)):
            assert contrast(colour, against) >= 3.0, f"{side}: {colour.name()} on {against.name()}"


@pytest.mark.parametrize("name", DROP_DOWNS)
def test_the_highlighted_entry_of_an_opened_drop_down_list_can_be_read(
    qtbot: QtBot, demo_window: MainWindow, name: str
) -> None:
    combo = getattr(demo_window.linkForm, name)
    combo.setItemText(combo.currentIndex(), SOLID)  # the entry the list opens at, highlighted
    combo, image = opened_list(qtbot, demo_window, name)
    view = combo.view()
    row = view.visualRect(view.currentIndex()).translated(view.mapTo(view.window(), QPoint()))
    pixels = [
        image.pixelColor(x, y)
        for x in range(row.left(), row.right() + 1)
        for y in range(row.top(), row.bottom() + 1)
    ]
    pixels.sort(key=luminance)
    # White words on the highlight: the lightest pixel (the words) and the middle one.
    assert contrast(pixels[-1], pixels[len(pixels) // 2]) >= 4.5


def primary_button(*, slim: bool) -> QPushButton:
    """A blue button ("Create link"), in the look of a short window if ``slim``."""
    button = QPushButton("Create link")
    button.setProperty("primary", True)
    button.setProperty("slim", slim)
    return button


@pytest.mark.parametrize("backdrop", ["white", "surface"])
@pytest.mark.parametrize("slim", [False, True], ids=["usual", "slim"])
def test_a_blue_buttons_focus_mark_can_be_seen(
    qtbot: QtBot, themed: QWidget, backdrop: str, slim: bool
) -> None:
    # The focus only turned the blue button's 2 px edge from blue to near-black, at 2.6:1
    # against its blue: with the keyboard, "Create link" or "Copy link" hardly looked chosen.
    button = on_backdrop(themed, lambda: primary_button(slim=slim), backdrop)
    put_in_state(qtbot, themed, button, "normal")
    size = button.size()
    put_in_state(qtbot, themed, button, "focused")
    QApplication.processEvents()
    assert button.size() == size  # nothing around it moves

    around, edge = edge_against_backdrop(button)
    holder = button.parentWidget()
    assert holder is not None
    image = holder.grab(button.geometry()).toImage()  # what is behind it shows through
    row = image.height() // 2
    fill = QColor(theme.ACCENT)
    mark = []  # from the button's left edge to its blue
    for x in range(image.width() // 2):
        if (pixel := image.pixelColor(x, row)) == fill:
            break
        mark.append(pixel)
    assert contrast(edge, around) >= 3.0, f"{edge.name()} on {around.name()}"
    assert max(contrast(pixel, fill) for pixel in mark) >= 3.0, [p.name() for p in mark]


def test_a_look_set_again_to_what_it_is_is_not_polished_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Making a link set the status line's and the expiry's looks eight times, mostly to the
    # values they had, and each set polished the widget against the style sheet again.
    label = QLabel("Ready.")
    qtbot.addWidget(label)
    theme.apply_to_window(label)
    polished: list[object] = []
    refresh = theme.refresh_style

    def counted(widget: QWidget) -> None:
        polished.append(widget)
        refresh(widget)

    monkeypatch.setattr(theme, "refresh_style", counted)
    theme.set_look(label, "kind", "error")
    theme.set_look(label, "kind", "error")
    assert polished == [label] and label.property("kind") == "error"
    theme.set_look(label, "kind", "success")
    assert polished == [label, label] and label.property("kind") == "success"
