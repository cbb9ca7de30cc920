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

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

from kombo_desktop.ui import theme

PRIVACY_ON_TEXT = "Screen-sharing mode: on"
PRIVACY_OFF_TEXT = "Screen-sharing mode: off"
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
        self.privacySwitch = QPushButton(PRIVACY_ON_TEXT)
        self.privacySwitch.setObjectName("privacySwitch")
        self.privacySwitch.setAccessibleName(PRIVACY_ON_TEXT)
        self.privacySwitch.setToolTip(PRIVACY_TOOLTIP)
        self.privacySwitch.setCheckable(True)
        self.privacySwitch.setChecked(True)
        self.privacySwitch.setAutoDefault(False)
        self.privacySwitch.setStyleSheet(_SWITCH_STYLE)
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
        self.privacySwitch.setText(PRIVACY_ON_TEXT if on else PRIVACY_OFF_TEXT)
        self.privacySwitch.setAccessibleName(self.privacySwitch.text())  # its words, on or off
        self.changed.emit(on)
        self.notice.emit(TURNED_ON_TEXT if on else TURNED_OFF_TEXT, "info")
