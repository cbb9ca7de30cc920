"""Settings while a change is being written: what a click would do on the settings as they
were waits, greyed out, with "Saving…" beside Close.

Every change made in Settings is written on a worker thread (``settings_writes``), which a
disk slow to confirm a write makes take 0.3 s, seconds for a home folder on a network share.
The dialog went on taking clicks meanwhile, and did them once the change was written, on the
settings as saved, which the person had never seen: "Remove profile" pressed while a profile
was being added met the new one, and said that the name of the one selected was taken; a
region chosen after another profile was clicked in the list was given to that profile.

So while a change is written, the profile list and its buttons, "Rename", the region and the
offer to use a profile whose key was saved take no click and no key, and once the write takes
longer than a glance (``GREY_AFTER_MS``) they are greyed out, "Saving…" beside Close; a write
on a usual disk ends before that, and the dialog does not flicker at every change. While a
profile is added or removed, the form on the right (name, region, address, key) waits too:
once written, it shows another profile. Otherwise the name, address and key fields stay open,
and what is typed there is kept and saved in order, as the same profile stays shown.

The keyboard focus never goes where the person did not put it: Qt moves it off a control
greyed out, to the next stop in the tab order, wherever that is ("Open the log folder").
It waits on "Saving…" (said by a screen reader), and goes back once the write is done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QLabel, QWidget

from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.widgets import announce

SAVING_TEXT = "Saving…"
# How long a write goes before what waits for it is greyed out: less is seen as a flicker.
GREY_AFTER_MS = 100
# A click under way when that time comes (its press began the write) is let finish first:
# greyed out, its button would drop it. Looked at again this often, for a second at most.
GREY_AFTER_CLICK_MS = 30
CLICK_WAIT_MS = 1000
# Input a control waiting for a write does not take; keys but these (see eventFilter).
HELD_INPUT = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.Shortcut,  # a mnemonic: Alt+A for "Add profile"
        QEvent.Type.ContextMenu,
        QEvent.Type.InputMethod,
        QEvent.Type.Drop,
    }
)
# Keys that still work: moving on, and closing (which waits for the write).
PASSING_KEYS = frozenset({Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape})


class SavingHold(QObject):
    """Holds back the ``held(form_too)`` controls of ``dialog`` while a write runs.

    ``grey(on, form_too)`` greys them out (and back); ``hint`` is the "Saving…" label, which
    keeps the keyboard focus meanwhile; ``focus_after`` are where the focus goes back to when
    the control that had it is gone or greyed out for good (a last profile's "Remove").
    """

    def __init__(
        self,
        dialog: QWidget,
        hint: QLabel,
        *,
        held: Callable[[bool], Sequence[QWidget]],
        grey: Callable[[bool, bool], None],
        focus_after: Sequence[QWidget],
    ) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self._hint = hint
        self._held = held
        self._grey = grey
        self._focus_after = tuple(focus_after)
        self._holding = False
        self._form_too = False
        self._greyed = False
        self._listening = False
        self._swallowed_press = False  # its release goes too
        # A click whose press began the write (a name typed, then "Add profile" pressed: the
        # name is saved as the focus leaves it) is still on its way to its button: it goes on.
        self._click_under_way = False
        self._waited_for_click = 0  # milliseconds
        self._focus_back: QWidget | None = None
        self._grey_soon = _single_shot(self, GREY_AFTER_MS, self._grey_now)
        # Greyed out and a write following another at once: greyed out again at once.
        self._just_released = _single_shot(self, 0, lambda: None)

    @property
    def greyed(self) -> bool:
        """True while the controls are greyed out, "Saving…" shown."""
        return self._greyed

    def set_holding(self, holding: bool, form_too: bool) -> None:
        """A write began (``holding``; ``form_too``: once written another profile is shown),
        or the one being written ended: before what follows it, which may move the focus."""
        if not holding:
            self._holding = False
            self._grey_soon.stop()
            self._stop_listening()
            if self._greyed:
                self._just_released.start()
            self._release()
            return
        self._holding, self._form_too = True, form_too
        self._listen()
        if self._greyed or self._just_released.isActive():
            self._grey_now()
        elif not self._grey_soon.isActive():
            self._waited_for_click = 0
            self._grey_soon.start(GREY_AFTER_MS)

    def _grey_now(self) -> None:
        if not self._holding:
            return
        if self._click_under_way and self._waited_for_click < CLICK_WAIT_MS:
            self._waited_for_click += GREY_AFTER_CLICK_MS
            self._grey_soon.start(GREY_AFTER_CLICK_MS)
            return
        self._hint.show()
        focused = self._dialog.focusWidget()
        if focused is not None and self._holds(focused):
            with QSignalBlocker(focused):  # a field the focus leaves saves what it holds
                self._hint.setFocus()
            self._focus_back = focused
        self._grey(True, self._form_too)
        if not self._greyed and self._dialog.isVisible():
            announce(self._hint, SAVING_TEXT)
        self._greyed = True

    def _release(self) -> None:
        if not self._greyed:
            return
        self._greyed = False
        self._grey(False, False)
        back, self._focus_back = self._focus_back, None
        if self._dialog.focusWidget() is self._hint:
            usable = [back] if back is not None else []
            usable += self._focus_after
            for widget in usable:
                if widget.isEnabled() and widget.isVisibleTo(self._dialog):
                    widget.setFocus()
                    break
        self._hint.hide()

    # -- input -----------------------------------------------------------------------------------

    def _listen(self) -> None:
        app = QCoreApplication.instance()
        if self._listening or app is None:
            return
        app.installEventFilter(self)
        self._listening = True
        self._click_under_way = QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton

    def _stop_listening(self) -> None:
        app = QCoreApplication.instance()
        if self._listening and app is not None:
            app.removeEventFilter(self)
        self._listening = False
        self._swallowed_press = False

    def _holds(self, widget: QWidget) -> bool:
        return any(
            root is widget or root.isAncestorOf(widget) for root in self._held(self._form_too)
        )

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if not isinstance(watched, QWidget):  # the window's own handling of the input comes first
            return False
        if kind == QEvent.Type.MouseButtonRelease:
            self._click_under_way = False
            swallowed, self._swallowed_press = self._swallowed_press, False
            return swallowed
        if kind not in HELD_INPUT or not self._holds(watched):
            return False
        if self._click_under_way and kind == QEvent.Type.MouseButtonPress:
            return False
        if isinstance(event, QKeyEvent) and event.key() in PASSING_KEYS:
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._swallowed_press = True
        return True


def _single_shot(parent: QObject, milliseconds: int, then: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(milliseconds)
    timer.timeout.connect(then)
    return timer
