"""How the window looks: one calm, light theme that stays readable in a shared screen.

Staff use the program while sharing their screen with a customer, often at reduced resolution
and through video compression. So: a light Fusion palette that looks the same on every system
(and in screenshots taken off screen), 11 pt text, large spacing, one clearly coloured primary
button, and a link field in a big monospace font where ``l``/``1``/``I`` and ``O``/``0`` differ.
Someone who made the system's text larger to read it gets all of these sizes larger in step.
"""

from __future__ import annotations

import logging
import sys
from typing import NamedTuple

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from kombo_desktop.core.resources import resource_path

_log = logging.getLogger(__name__)


def text_points(points: float, platform: str = sys.platform) -> float:
    """A text size chosen in points as Windows and Linux show them, for ``platform``.

    Qt counts 96 logical pixels to the inch on Windows and Linux, but 72 on macOS: the same
    point size would come out a quarter smaller on a Mac, next to paddings and widths that
    are given in pixels, and the form would look cramped and small. So there it is scaled.
    """
    return points * 96 / 72 if platform == "darwin" else points


STYLE = "Fusion"  # Qt's own style, the same on every system
WINDOW_ICON = "icons/kombo-desktop.png"  # a bundled file (``core.resources``)
# The marks of a drop-down list and a ticked check box, drawn by ``packaging/make_icons.py``
# (an ``@2x`` twin of each for screens with more pixels): once the style sheet draws these
# controls' edges, Qt draws their marks only from pictures.
DOWN_ARROW = "icons/down-arrow.png"
CHECK_MARK = "icons/check-mark.png"
LIGHT_COLOR_SCHEME = "Light"  # the key of Qt::ColorScheme asked of the system
# The text sizes at the system's usual text size; larger when the system's text is larger.
BASE_POINT_SIZE = text_points(11)
TITLE_POINT_SIZE = text_points(13)  # the demo bar, "Your link"
LINK_POINT_SIZE = text_points(14)
HEADING_POINT_SIZE = text_points(15)
# The application's font as Qt reports it on each system at its usual text size: Segoe UI 9 pt
# on Windows (its "Text size" setting makes it larger), 13 pt on macOS. On Linux KDE gives
# 10 pt and GNOME 11 pt, and both are usual there; Qt's own default elsewhere is 9 pt.
USUAL_SYSTEM_POINTS = {"win32": 9.0, "darwin": 13.0}
USUAL_SYSTEM_POINTS_ELSEWHERE = 11.0
LARGEST_TEXT_SCALE = 2.0  # beyond it the window no longer fits a laptop's screen
SPACING = 12  # between related controls
SECTION_SPACING = 20  # between groups
MARGIN = 20
# Above and below a tab's name; less in a window too short for the usual look (tight_look).
TAB_PADDING, TIGHT_TAB_PADDING = 8, 4
NOTE_PADDING = (4, 8)  # above and below, left and right of the text in the demo note's box

ACCENT = "#1f5fbf"  # primary actions; white text on it passes WCAG AA
ACCENT_DARK = "#184c99"
ERROR = "#b3261e"  # field errors and failed requests
SUCCESS = "#1b6e3a"
TEXT = "#1d2330"
MUTED = "#5b6475"
# Lighter than typed text, yet legible (WCAG 4.5:1 on white): some fields' only words.
PLACEHOLDER = "#687080"
# Greyed, yet readable (3:1 on SURFACE): a disabled History button or a disabled field's
# placeholder ("Leave empty for the live system") still says something.
DISABLED_TEXT = "#737b88"
SURFACE = "#f4f6fa"
ATTENTION = "#e3edfc"  # a notice a short error points at (its border then in ACCENT)
BORDER = "#cfd5df"  # lines that only group things (cards, tabs, separators); no control's edge
# The edge of every control one types into, picks from or clicks: fields, lists (a drop-down
# list's opened list too), check boxes' squares, buttons, the status line's details for support.
# It alone says where a field is, so it must stay visible on a projector or
# a bright laptop screen: 3.6:1 on white and 3.3:1 on SURFACE (WCAG 2.1 1.4.11 asks 3:1).
# Qt's own edges (Fusion's, 2:1) and BORDER (1.5:1) vanished there.
CONTROL_BORDER = "#808898"
# A scroll bar is the only sign that a form goes on below (at 125 % on a laptop): its track
# is seen against white, and its handle (MUTED) stands out 3:1 against both.
SCROLL_TRACK = "#e3e7ee"
DEMO_BACKGROUND = "#ffb300"  # an amber bar nobody mistakes for part of the normal window
DEMO_TEXT_COLOUR = "#1d1400"


class TextSizes(NamedTuple):
    """The window's text sizes in points: body text, titles, the link, the window's heading."""

    base: float = BASE_POINT_SIZE
    title: float = TITLE_POINT_SIZE
    link: float = LINK_POINT_SIZE
    heading: float = HEADING_POINT_SIZE

    def scaled(self, factor: float) -> TextSizes:
        return TextSizes(
            self.base * factor, self.title * factor, self.link * factor, self.heading * factor
        )


def text_scale(system_points: float, platform: str = sys.platform) -> float:
    """How much larger than usual the system's text is, for the application's font of
    ``system_points``: 1 at the usual size or below (the window's sizes were chosen for
    reading on a shared screen and never shrink), at most ``LARGEST_TEXT_SCALE``.

    Someone who chose larger text to be able to read it must get it here too; the style
    sheet's fixed sizes would otherwise keep every text at 11 pt. A font given in pixels
    (``pointSizeF()`` -1) says nothing about points and changes nothing.
    """
    return min(max(system_points / usual_system_points(platform), 1.0), LARGEST_TEXT_SCALE)


def usual_system_points(platform: str = sys.platform) -> float:
    """The application font's size in points at ``platform``'s usual text size."""
    return USUAL_SYSTEM_POINTS.get(platform, USUAL_SYSTEM_POINTS_ELSEWHERE)


def text_sizes(system_points: float | None = None, platform: str = sys.platform) -> TextSizes:
    """The window's text sizes for the system's text size (by default the application's
    font as the window is built: what the system gave it, or what a host program set)."""
    if system_points is None:
        system_points = QApplication.font().pointSizeF()
    return TextSizes().scaled(text_scale(system_points, platform))


def _style(sizes: TextSizes, mono: str) -> str:
    """The window's style sheet at these text sizes, ``mono`` the link's font family."""
    return f"""
* {{ font-size: {sizes.base:g}pt; }}
QMainWindow, QWidget#centralWidget, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: white;
}}
QScrollArea#resultPage, QScrollArea#resultPage > QWidget > QWidget {{ background: transparent; }}
QLabel#headerTitle {{ font-size: {sizes.heading:g}pt; font-weight: 600; color: {TEXT}; }}
QLabel#profileLabel {{ color: {MUTED}; }}
QFrame#demoBanner {{ background: {DEMO_BACKGROUND}; border-radius: 6px; }}
QFrame#demoBanner QLabel {{
    color: {DEMO_TEXT_COLOUR}; font-weight: 700; font-size: {sizes.title:g}pt;
}}
QLabel#resultTitle {{ font-size: {sizes.title:g}pt; font-weight: 700; color: {TEXT}; }}
QLabel#largeQrInstruction {{ font-size: {sizes.title:g}pt; }}
QLabel#demoLinkNote {{
    color: {DEMO_TEXT_COLOUR}; background: {DEMO_BACKGROUND}; border-radius: 4px;
    padding: {NOTE_PADDING[0]}px {NOTE_PADDING[1]}px;
    font-weight: 600;
}}
QFrame#firstRunNotice, QFrame#resultCard, QFrame#statusCard {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px;
}}
QFrame#firstRunNotice[attention="true"] {{ background: {ATTENTION}; border-color: {ACCENT}; }}
QLabel[class="fieldError"] {{ color: {ERROR}; }}
QLabel[class="hint"] {{ color: {MUTED}; }}
QLabel[class="hint"][warning="true"] {{ color: {ERROR}; font-weight: 600; }}
QLabel#statusLabel[kind="error"] {{ color: {ERROR}; font-weight: 600; }}
QLabel#statusLabel[kind="success"] {{ color: {SUCCESS}; font-weight: 600; }}
QLabel#expiryLabel {{ color: {MUTED}; }}
QLabel#expiryLabel[expired="true"] {{ color: {ERROR}; font-weight: 600; }}
QLineEdit, QComboBox {{
    padding: 5px 8px; border: 1px solid {CONTROL_BORDER}; border-radius: 3px;
}}
QComboBox::drop-down {{ border: none; width: 16px; }}
QComboBox::down-arrow {{ image: url("{_picture(DOWN_ARROW)}"); right: 3px; }}
QComboBox:disabled {{ background: {SURFACE}; border-color: {BORDER}; }}
QLineEdit:disabled {{
    background: {SURFACE}; color: {MUTED}; border: 1px solid {BORDER}; border-radius: 3px;
    placeholder-text-color: {DISABLED_TEXT};
}}
QLineEdit:focus {{ border: 2px solid {ACCENT}; border-radius: 4px; padding: 4px 7px; }}
QComboBox:focus {{
    background: #dbe7fb; border: 2px solid {ACCENT}; border-radius: 4px; padding: 4px 7px;
}}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 2px solid {ERROR}; border-radius: 4px; padding: 4px 7px;
}}
QCheckBox {{ spacing: 8px; padding: 2px 4px; border: 2px solid transparent; border-radius: 4px; }}
QCheckBox:focus {{ border: 2px solid {ACCENT}; }}
QCheckBox::indicator {{
    width: 16px; height: 16px; border: 1px solid {CONTROL_BORDER}; border-radius: 3px;
    background: white;
}}
QCheckBox::indicator:checked {{ image: url("{_picture(CHECK_MARK)}"); }}
QCheckBox::indicator:disabled {{ background: {SURFACE}; border-color: {BORDER}; }}
QListWidget, QTableView, QPlainTextEdit {{ border: 1px solid {CONTROL_BORDER}; }}
QListWidget:focus, QTableView:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
/* A drop-down list opens a list in the window's colours, below the field as the tool box's
   does: drawn as menus in Fusion's own grey, the language, link type and kind of system lists
   had a frame of 2.6:1 against it and their highlighted entry's white words at 3.7:1. The rows
   stay as high as the menus' were. */
QComboBox {{ combobox-popup: 0; }}
QComboBox QAbstractItemView {{
    border: 1px solid {CONTROL_BORDER}; background: white;
    selection-background-color: {ACCENT}; selection-color: white;
}}
QComboBox QAbstractItemView::item {{ padding: 4px 8px; }}
QFrame#formFooter {{ background: white; border: none; border-top: 1px solid white; }}
QFrame#formFooter[overflow="true"] {{ border-top: 1px solid {BORDER}; }}
QLabel[class="notice"] {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 6px; padding: 8px 12px;
}}
QLabel#credentialProblemLabel {{ background: #fff4d6; border-color: #e0b252; }}
QLabel#settingsStatusLabel[kind="error"] {{ color: {ERROR}; font-weight: 600; }}
QLabel#settingsStatusLabel[kind="success"] {{ color: {SUCCESS}; font-weight: 600; }}
QLabel#keyStatusLabel[kind="error"] {{ color: {ERROR}; font-weight: 600; }}
QLineEdit#linkField {{
    padding: 8px 10px; font-size: {sizes.link:g}pt; font-family: "{mono}";
}}
/* The focus's 2 px border takes its extra pixel from the padding, as every field's does: the
   field keeps the height it was given without the focus, and taken from the text instead, it
   cut off the link's underscores ("DEMO-8iyx1hX_S205" read "DEMO-8iyx1hX S205"). */
QLineEdit#linkField:focus {{ padding: 7px 9px; }}
QPlainTextEdit#statusDetails {{ font-family: "{mono}"; }}
QPushButton {{
    padding: 6px 14px; border: 1px solid {CONTROL_BORDER}; border-radius: 5px; background: white;
    min-height: 1.5em;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; padding: 5px 13px; }}
QPushButton:disabled {{ color: {DISABLED_TEXT}; background: {SURFACE}; border-color: {BORDER}; }}
QPushButton:checked {{
    background: #e8f0fc; border: 2px solid {ACCENT}; color: {ACCENT_DARK}; padding: 5px 13px;
}}
QPushButton[primary="true"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: 600;
    padding: 8px 22px;
}}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
/* Dark, light, dark round the blue (kept inside the border, so the gap between the two
   lines is light): a dark edge alone was 2.6:1 against the blue. As wide as border and
   padding were, so nothing moves. */
QPushButton[primary="true"]:focus {{
    border: 6px double {TEXT}; border-radius: 0; background-clip: padding; padding: 3px 17px;
}}
/* Greyed as every disabled button is: a light blue with dark words looked half active
   ("Copy link" before there is a link, "Creating link…" while Kombo works). */
QPushButton[primary="true"]:disabled {{
    background: {SURFACE}; color: {DISABLED_TEXT}; border: 1px solid {BORDER};
}}
QPushButton[slim="true"] {{ padding-top: 2px; padding-bottom: 2px; min-height: 1.3em; }}
QPushButton[slim="true"]:focus, QPushButton[slim="true"]:checked {{
    padding-top: 1px; padding-bottom: 1px;
}}
QPushButton[primary="true"][slim="true"]:focus {{ border-width: 3px; padding: 0 20px; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 8px; top: -1px; }}
QTabBar::tab {{
    padding: {TAB_PADDING}px 18px; border: 1px solid {BORDER}; border-bottom: none;
    border-top-left-radius: 6px; border-top-right-radius: 6px; background: {SURFACE};
    margin-right: 4px; color: {MUTED};
}}
QTabBar::tab:selected {{ background: white; color: {TEXT}; font-weight: 600; }}
/* The tab with the focus gets the 2 px border every control gets, not Qt's pale box. */
QTabBar {{ outline: 0; }}
QTabBar::tab:focus {{
    border: 2px solid {ACCENT}; border-bottom: none;
    padding: {TAB_PADDING - 1}px 17px {TAB_PADDING}px 17px;
}}
QTabBar[tight="true"]::tab {{
    padding-top: {TIGHT_TAB_PADDING}px; padding-bottom: {TIGHT_TAB_PADDING}px;
}}
QTabBar[tight="true"]::tab:focus {{ padding-top: {TIGHT_TAB_PADDING - 1}px; }}
QScrollBar:vertical {{
    width: 10px; background: {SCROLL_TRACK}; margin: 0; border: none; border-radius: 5px;
}}
QScrollBar::handle:vertical {{
    background: {MUTED}; border-radius: 4px; min-height: 32px; margin: 1px;
}}
QScrollBar::handle:vertical:hover, QScrollBar::handle:vertical:pressed {{ background: {TEXT}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QDockWidget {{ font-weight: 600; }}
QDockWidget::title {{
    text-align: left; background: white; padding-left: {MARGIN}px; padding-top: 8px;
}}
QDockWidget > QWidget {{ font-weight: normal; }}
QToolButton#advancedToggle {{ border: none; color: {ACCENT}; font-weight: 600; }}
QToolButton#detailsToggle {{ border: none; color: {ACCENT}; }}
QToolButton#advancedToggle:focus, QToolButton#detailsToggle:focus {{
    border: 2px solid {ACCENT}; border-radius: 4px;
}}
"""


def _picture(name: str) -> str:
    """A bundled picture's path as a style sheet's ``url()`` takes it (``/`` on Windows too)."""
    return resource_path(name).as_posix()


def popup_style_sheet() -> str:
    """For lists that open as windows of their own (a completer's suggestions), which the
    window's style sheet does not reach: the same text size, and rows with room to click."""
    return f"""
QAbstractItemView {{ font-size: {text_sizes().base:g}pt; border: 1px solid {CONTROL_BORDER}; }}
QAbstractItemView::item {{ padding: 5px 8px; }}
QAbstractItemView::item:selected {{ background: {ACCENT}; color: white; }}
"""


def base_font() -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(text_sizes().base)
    return font


def link_font() -> QFont:
    """The system's fixed-width font at a size that survives screen-sharing compression."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(text_sizes().link)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def _light_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#ffffff",
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: SURFACE,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffdc",
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: PLACEHOLDER,
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(MUTED))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(MUTED))
    return palette


def apply_to_application(app: QApplication) -> None:
    """The light palette, on the Fusion style (``STYLE``, which ``app.py`` gives the
    application as it is created): identical on every platform and in screenshots.

    A computer in dark mode is asked for its light look as well, so that the title bar
    (Windows) and the system's own dialogs (macOS: saving a QR code) match the window. Set
    by name, which keeps Qt's ``Qt`` namespace out of the start (see ``qt_enums``); a Qt or
    a system that cannot do it keeps its own look, which is only a matter of appearance.
    """
    app.setPalette(_light_palette())
    if not app.styleHints().setProperty("colorScheme", LIGHT_COLOR_SCHEME):
        _log.debug("This Qt cannot ask the system for its light look.")


def style_sheet() -> str:
    """The window's style sheet. Font sizes live here rather than in ``setFont`` calls: Qt
    gives a widget polished by a style sheet a fixed font, which later ``setFont`` calls on
    the window no longer reach, so mixing both leaves some labels at the wrong size."""
    return _style(text_sizes(), link_font().family())


def apply_to_window(window: QWidget) -> None:
    """The base font and style sheet for the window; its dialogs inherit both."""
    window.setFont(base_font())
    window.setStyleSheet(style_sheet())


_NOTHING_OF_ITS_OWN = "/* the window's style sheet applies */"


def set_look(widget: QWidget, name: str, value: object) -> None:
    """Set the dynamic property ``name`` the style sheet selects on (``kind``, ``expired``,
    ``invalid``...), re-applying the sheet only when the value changes: each re-polish costs
    about a quarter of a millisecond, and making a link set the status line's and the expiry's
    looks eight times, mostly to what they were, a sixth of the time the program adds to a
    click (the issue allows 15 ms)."""
    if widget.property(name) != value:
        widget.setProperty(name, value)
        refresh_style(widget)


def refresh_style(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property (``invalid``, ``kind``) changed.

    Setting the widget's own style sheet again makes Qt's style-sheet style polish it anew,
    entirely in C++ (0.1 ms). The usual ``style().unpolish()/polish()`` hands Qt's style
    object to Python instead, which costs PySide6 some 15 ms of enum set-up the first time,
    the ``Qt`` namespace included (see ``qt_enums``). A widget without a sheet of its own gets
    one that says nothing: Qt 6.9 (which the release builds use, see
    ``packaging/constraints-release.txt``) does nothing when an empty sheet is set again, and
    fields stayed blue and errors black there. A widget not polished yet is left as it is:
    polishing reads its properties then.
    """
    widget.setStyleSheet(widget.styleSheet() or _NOTHING_OF_ITS_OWN)
