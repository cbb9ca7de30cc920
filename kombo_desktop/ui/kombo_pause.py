"""Holding link requests back while Kombo asks for a pause ("too many requests") or said it is
unavailable for a while.

When Kombo's last answer to a link request is its rate limit, pressing the button again at
once only earns the same answer (and counts against the limit once more); so does a press
right after a "not available" that named how long (a 503 with ``Retry-After``, from Kombo or a
gateway in front of it). So for as long as the answer asked to wait (``KomboError.pause``), a
press of "Create link" or of the reconnection button sends nothing; the status line says so,
in the words of the refusal (``messages.held_back_reason``), and how long is left, and the
form keeps everything typed. A "not available" that named no wait holds nothing back. Each
line about the wait keeps the refusal's "Details for support" and "Copy details": a press took
the red refusal's place, and what support asks for went with it.
The buttons stay as they look: greyed out they would give no reason, and a screen reader
skips them. How long is left is told once per press, never as a ticking countdown, which a
screen reader would read out every second. When the wait is over, the status line says so
once, calmly, if it still speaks of the wait.

Another profile or key may be another Kombo account with limits of its own: setting where
links go anew (another profile, the demo: ``AccountFeature.use_target``) ends the pause
without a word, and so does another key for the profile in use. Settings saving the key that
profile already had, or taking it into use again, changes neither, and the wait goes on:
which key the next request would send is compared on a worker thread (the password store is
slow at times), and only fingerprints of keys are kept. A key check in Settings is held back
too, but only for the key and place paused (``for_key_check``): it counts against the same
limit.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from kombo_desktop.ui.tasks import quiet_failure

if TYPE_CHECKING:
    from kombo_desktop.ui.connection import Connection, Target
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.settings_key_checks import KeyPause

# The longest a timer is set for at once: Qt's timers count milliseconds in 32 bits, and a
# wait of weeks would not fit. A longer wait is checked again after this long.
_LONGEST_TIMER_MS = 3_600_000


class KomboPause(QObject):
    """One main window's pause after an answer that asked for a wait: whether a press may
    send now."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._until: float | None = None  # ``time.monotonic()`` when the wait is over
        # What the status line said about the wait: replaced when it is over, if still shown.
        self._said: set[str] = set()
        # The refusal's details for support (``StatusPanel.support_text``), kept with each line
        # about the wait: what support asks for while the person waits.
        self._details = ""
        self._reason = ""  # what the answer said (``messages.held_back_reason``)
        # Whose limit it is: where the refused request went (following a rename) and a
        # fingerprint of the key it went with; only another place or key ends the wait early.
        self._target: Target | None = None
        self._key: bytes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may fire a little early, and a press right after "you can try again
        # now" was still held back; ``_check`` sets it again for what is left, if anything.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._check)
        window.target_changed.connect(self._target_changed)
        window.profile_renamed.connect(self._follow_rename)

    @property
    def active(self) -> bool:
        return self._seconds_left() is not None

    def start(self, seconds: float, reason: str, connection: Connection) -> None:
        """Hold link requests back for ``seconds`` from now: the status line says why (the
        refusal just shown, which a press recalls as ``reason``), and is told when the wait is
        over. ``connection`` is the one the refused request went with."""
        if not seconds > 0:
            return
        self._until = time.monotonic() + seconds
        self._reason = reason
        self._target = connection.target
        self._key = connection.key_sent
        self._said = {self._window.statusPanel.text}
        self._details = self._window.statusPanel.support_text
        self._check()

    def holds_back(self, button: str) -> bool:
        """Whether a press of ``button`` (its words as shown) must send nothing yet; if so, the
        status line says how long is left."""
        from kombo_desktop.core import messages

        left = self._seconds_left()
        if left is None:
            return False
        text = messages.paused_press_message(left, button, self._reason)
        self._say(text, self._details)
        self._said.add(text)
        return True

    def for_key_check(self, profile: str, api_base: str) -> KeyPause | None:
        """The wait as a key check of ``profile`` at ``api_base`` in Settings must heed it:
        None when there is none, or it is another place's (which is not paused). Whether the
        key checked is the one paused is compared where it is read, on a worker thread."""
        from kombo_desktop.ui.settings_key_checks import KeyPause

        target, until = self._target, self._until
        if self._seconds_left() is None or target is None or until is None:
            return None
        if target.profile != profile or target.api_base != api_base:
            return None
        return KeyPause(self._key, until, self._reason)

    def end(self) -> None:
        """Requests may go at once (another account), without a word about it."""
        self._timer.stop()
        self._until = None
        self._said = set()
        self._details = ""
        self._reason = ""
        self._target = None
        self._key = None

    def _target_changed(self, target: Target) -> None:
        """Links go to ``target`` now, through a new connection. Set anew, the wait ended
        already (``LinkMaking.end_pause``); for the same place with a key saved, checked or
        forgotten in Settings, or the profile in use taken into use again, it ends only once
        the key the next request would send turns out to be another. Any Save in Settings
        ended it, and the next press earned another 429."""
        if self._until is None:
            return
        connection = self._window.connection
        if target != self._target or connection is None:
            self.end()
            return
        limited_key, until = self._key, self._until

        def another_key(_token: object) -> bool:
            return connection.key_to_send_fingerprint() != limited_key

        self._window.runner.run(
            another_key,
            on_done=lambda other: self._end_for_another_key(other, until),
            on_error=quiet_failure("Comparing the key after a change in Settings"),
            name="pause-key-check",
        )

    def _end_for_another_key(self, other: bool, until: float) -> None:
        """End the wait that ends at ``until`` if the key is ``other`` (not a later wait's)."""
        if other and self._until == until:
            self.end()

    def _follow_rename(self, old: str, new: str) -> None:
        """A renamed profile is still the same place, with the same key."""
        if self._target is not None and self._target.profile == old:
            self._target = self._target._replace(profile=new)

    def _say(self, text: str, details: str) -> None:
        """Show ``text`` about the wait, with the refusal's ``details`` still offered."""
        self._window.statusPanel.show_message(text, "info", support_text=details)

    def _seconds_left(self) -> float | None:
        if self._until is None:
            return None
        left = self._until - time.monotonic()
        return left if left > 0 else None

    def _check(self) -> None:
        left = self._seconds_left()
        if left is not None:
            self._timer.start(min(_LONGEST_TIMER_MS, math.ceil(left * 1000)))
            return
        said, details = self._said, self._details
        self.end()
        if self._window.statusPanel.text in said and not self._window.closed:
            from kombo_desktop.core.messages import PAUSE_OVER_MESSAGE

            self._say(PAUSE_OVER_MESSAGE, details)
