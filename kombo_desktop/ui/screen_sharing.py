"""Screen-sharing mode: whether the window may show anything about other customers.

Screen-sharing mode is ON at every start, by design, and not remembered in the settings: staff
share their screen with customers all day, often straight after starting the program, and a
remembered "off" would put the list of every other customer on the next shared screen. Turning
it off is one click (``privacySwitch`` in the header) when no one is watching.

The mode matters to the whole window, so the window owns it (``MainWindow.screen_sharing``),
and it is held here only: ``on`` is read-only and ``set_on`` (the switch calls it) is the one way
to change it. Every part that behaves differently reads ``on`` when it needs it, or follows
``changed``: the history stays closed (``history_placement``), the duplicate warning names no one
(``duplicate_flow``), the QR save dialog lists no earlier customer's code (``result_panel``),
the reconnection tab leaves out whose integration an id is (``integration_lookup``) and errors
leave out the details Kombo quoted (``refusal_display``). A copy of the mode in any of them could
disagree with the switch, and open the history while the header says "on".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from kombo_desktop.ui import theme
from kombo_desktop.ui.event_filters import reports_errors

PRIVACY_ON_TEXT = "Screen-sharing mode: on"
PRIVACY_OFF_TEXT = "Screen-sharing mode: off"
# Where the header has no room for the whole words (larger text on a small laptop screen):
# Qt squeezed the switch and cut its last word to "or" or "of", the one word that says whether
# customers can see the history. The whole words stay in its tooltip and accessible name.
PRIVACY_ON_SHORT_TEXT = "Sharing: on"
PRIVACY_OFF_SHORT_TEXT = "Sharing: off"
PRIVACY_TOOLTIP = (
    "While on, nothing about other customers is shown (the link history stays closed). "
    "Keep it on whenever you share your screen."
)
TURNED_ON_TEXT = (
    "Screen-sharing mode is on: the history and links from it are hidden. What the form holds "
    "stays: clear it if it is another customer's."
)
TURNED_OFF_TEXT = (
    "Screen-sharing mode is off: the history can be opened. Turn it back on before you share "
    "your screen."
)
# On: calm blue. Off: amber, like the demo warning, because off is the state in which other
# customers can appear on a shared screen, and it should catch the eye before sharing.
_SWITCH_STYLE = f"""
QPushButton#privacySwitch:checked {{
    background: #e8f0fc; border: 2px solid {theme.ACCENT}; color: {theme.ACCENT_DARK};
    padding: 5px 13px;
}}
QPushButton#privacySwitch:!checked {{
    background: #fff4d6; border: 2px solid #b7791f; color: #5c3d00; padding: 5px 13px;
}}
"""


class ScreenSharingMode(QObject):
    """The window's screen-sharing mode and its switch (``privacySwitch``, checked while on).

    ``changed(on)`` is emitted after each change, then ``notice(text, kind)`` says it on the
    status line, after the parts following ``changed`` have done what the change asks.
    """

    changed = Signal(bool)
    notice = Signal(str, str)  # (plain sentence, "info"), for the status line

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on = True
        self._short = False  # the switch shows the shorter words (see ``fit_within``)
        self._row: QWidget | None = None
        self._rather_whole: QWidget | None = None
        self.privacySwitch = QPushButton(PRIVACY_ON_TEXT)
        self.privacySwitch.setObjectName("privacySwitch")
        self.privacySwitch.setCheckable(True)
        self.privacySwitch.setChecked(True)
        self.privacySwitch.setAutoDefault(False)
        self.privacySwitch.setStyleSheet(_SWITCH_STYLE)
        self._show_words()
        self.privacySwitch.toggled.connect(self.set_on)

    @property
    def on(self) -> bool:
        """Whether screen-sharing mode is on (nothing about other customers is shown)."""
        return self._on

    def set_on(self, on: bool) -> None:
        """Switch screen-sharing mode on or off (the switch does this when clicked)."""
        if on == self._on:
            return
        self._on = on
        if self.privacySwitch.isChecked() != on:
            self.privacySwitch.setChecked(on)  # calls set_on, which returns at once
        self._show_words()
        self.changed.emit(on)
        self.notice.emit(TURNED_ON_TEXT if on else TURNED_OFF_TEXT, "info")

    # --- the switch's words in the room the header has ---------------------------------------

    def fit_within(self, row: QWidget, rather_whole: QWidget | None = None) -> None:
        """Follow the width of ``row`` (the header, which holds the switch): the shorter words
        where the whole ones do not fit it. ``rather_whole``: a widget of the row that can be
        cut (the program's name) but is rather shown whole: the shorter words go first.

        Whether they fit is decided from the width the row gets and the width it needs with the
        switch's longest whole words, worked out from the switch as it is: never from the
        switch's width as it stands, which follows the words shown. So showing the shorter
        words cannot change the width that chose them, and the layout settles at once (as the
        tabs' names, ``tab_names``)."""
        self._row = row
        self._rather_whole = rather_whole
        row.installEventFilter(self)
        self.fit()

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The window was resized, or something in the header changed its size (the History
        # button added, a longer profile name, another text size).
        if watched is self._row and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.fit()
        return False

    def fit(self) -> None:
        """Show the whole words if the row has the width for them, else the shorter ones."""
        row = self._row
        layout = row.layout() if row is not None else None
        if row is None or layout is None:
            return
        switch = self.privacySwitch
        shown = self._text_width(switch.text())
        whole = max(self._text_width(PRIVACY_ON_TEXT), self._text_width(PRIVACY_OFF_TEXT))
        # The switch asks for its words' width and its padding; the row for all it holds.
        needed = layout.minimumSize().width() - shown + whole
        if self._rather_whole is not None:
            cut = self._rather_whole
            needed += max(cut.sizeHint().width() - cut.minimumSizeHint().width(), 0)
        short = row.contentsRect().width() < needed
        if short != self._short:
            self._short = short
            self._show_words()

    def _text_width(self, text: str) -> int:
        # As the button measures its words (they have no "&"); not through Qt's text flags,
        # whose namespace would cost the first frame its set-up (``qt_enums``).
        return self.privacySwitch.fontMetrics().horizontalAdvance(text)

    def _show_words(self) -> None:
        """The switch's words for the mode and the room: a screen reader and the tooltip
        always have the whole ones."""
        whole = PRIVACY_ON_TEXT if self._on else PRIVACY_OFF_TEXT
        if self._short:
            shown = PRIVACY_ON_SHORT_TEXT if self._on else PRIVACY_OFF_SHORT_TEXT
        else:
            shown = whole
        switch = self.privacySwitch
        switch.setText(shown)
        switch.setAccessibleName(whole)  # its words, on or off
        switch.setToolTip(PRIVACY_TOOLTIP if shown == whole else f"{whole}\n{PRIVACY_TOOLTIP}")
