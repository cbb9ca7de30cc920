"""When a programming error escapes: it is logged, the person is told calmly, and work goes on.

Without this, an exception in a slot is printed to a console nobody sees, and one in a worker
thread silently kills that thread; the person only notices that a button "does nothing". With it,
every uncaught exception, on any thread, is

* written to the log at once, on the thread that raised it, with the full traceback. The text is
  masked with :func:`kombo_desktop.core.logs.redact` before it reaches ``logging``, so no handler
  (not even logging's last-resort one on stderr) can print an API key or a Bearer token;
* then shown in one friendly dialog on the UI thread. Reports from other threads travel there by
  a queued signal, because widgets may only be touched on the UI thread.

Where exceptions come from, and which hook sees them:

* slots, timer callbacks and Python overrides of Qt virtuals (``event``, ``paintEvent``,
  ``QRunnable.run`` in a ``QThreadPool``): PySide6 reports them through ``sys.excepthook``, on
  whatever thread ran the code;
* ``threading.Thread`` targets: ``threading.excepthook``.

A burst of errors (one fault often triggers many: a timer that fires every 10 ms, a paint event)
becomes one dialog that counts them, never a stack of dialogs. And the dialog must not become a
source of errors itself: if building or showing it fails, that is logged and further errors are
only logged.

Some failures are not exceptions at all: a crash inside Qt or a C extension ends the process
before any hook runs. With ``fatal_error_log`` the handler asks :mod:`faulthandler` to write the
Python stack of every thread to that file when it happens, so support still learns where the
program was. Only file names, line numbers and function names are written, never values.

The dialog never shows the traceback: staff share their screen with customers, and a wall of
code text alarms people. "Copy details" puts the traceback, the program version and the platform
on the clipboard for support, masked again at copy time (a key may have been registered after the
error happened).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, TextIO

import shiboken6
from PySide6 import QtCore
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop import __version__
from kombo_desktop.core.logs import redact
from kombo_desktop.ui.widgets import grow_to_fit, plain_label

FRIENDLY_MESSAGE = (
    "Something unexpected went wrong. Your work is still here; you can keep going. "
    "If it happens again, copy the details and send them to support."
)
COPIED_MESSAGE = "The details are on the clipboard. Paste them into your message to support."
# The first errors of a burst explain it; the rest are usually consequences. Keeping a few bounds
# memory and the size of the text people paste into an e-mail.
MAX_KEPT_REPORTS = 5
# The fatal-error file only grows by a line per start and a stack per crash; past this size it
# is kept as ``<name>.1`` (replacing an older one) and a new one is started, so it never fills a
# disk and the crash that took it past the size is still there for support.
FATAL_LOG_MAX_BYTES = 256_000

_log = logging.getLogger(__name__)

ParentProvider = Callable[[], QWidget | None]

# The handler whose hooks are in place; installing again replaces it.
_installed: CrashHandler | None = None


class CrashReport(NamedTuple):
    """One uncaught exception, already masked."""

    when: datetime
    thread_name: str
    summary: str  # "ValueError: ..." - the last line of the traceback
    traceback_text: str


class CrashDialog(QDialog):
    """Says in plain words that something went wrong, offers "Copy details" and "Close"."""

    def __init__(self, details: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._details = details
        self.setObjectName("crashDialog")
        self.setWindowTitle("Kombo Desktop: something went wrong")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        # Not modal: the program keeps running and the person can go on working beside it.
        self.setModal(False)

        # Imported here, not with the module: QStyle's enums take milliseconds to set up, and
        # this module is imported on the start-up path while the dialog is rarely needed.
        from PySide6.QtWidgets import QStyle

        icon = plain_label()
        icon.setObjectName("crashIcon")
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        icon.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)

        self.message_label = plain_label(FRIENDLY_MESSAGE)
        self.message_label.setObjectName("crashMessageLabel")
        self.message_label.setWordWrap(True)

        self.count_label = plain_label()
        self.count_label.setObjectName("crashCountLabel")
        self.count_label.setWordWrap(True)
        self.count_label.hide()

        self.copied_label = plain_label(COPIED_MESSAGE)
        self.copied_label.setObjectName("crashCopiedLabel")
        self.copied_label.setWordWrap(True)
        self.copied_label.hide()

        self.copy_button = QPushButton("Copy details")
        self.copy_button.setObjectName("copyCrashDetailsButton")
        self.copy_button.setAccessibleDescription("Copy the error details for support")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)

        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("crashCloseButton")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)

        text = QVBoxLayout()
        text.addWidget(self.message_label)
        text.addWidget(self.count_label)
        text.addWidget(self.copied_label)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(16)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self.set_count(1)

    def set_count(self, count: int) -> None:
        """Tell how often it happened since the dialog appeared (hidden for a single error)."""
        self.count_label.setText(f"This happened {count} times." if count > 1 else "")
        self.count_label.setVisible(count > 1)
        grow_to_fit(self)

    @Slot()
    def copy_details(self) -> None:
        """Put the masked details on the clipboard and say so."""
        QGuiApplication.clipboard().setText(self._details())
        self.copied_label.show()
        grow_to_fit(self)


class CrashHandler(QObject):
    """Receives uncaught exceptions from every thread and shows them, one dialog at a time.

    Create it on the UI thread (``install_crash_handler`` does). All state shared with other
    threads sits behind one lock; everything that touches widgets runs in ``_show_pending`` on
    the UI thread.
    """

    _pending = Signal()

    def __init__(
        self,
        app: QCoreApplication,
        parent_provider: ParentProvider | None = None,
        *,
        logger: logging.Logger | None = None,
    ) -> None:
        super().__init__()
        if QCoreApplication.instance() is not app:
            raise ValueError("The crash handler needs the running application.")
        self._app = app
        self._parent_provider = parent_provider
        self._logger = logger or _log
        self._lock = threading.Lock()
        self._reports: list[CrashReport] = []  # since the current dialog appeared
        self._count = 0
        self._show_scheduled = False
        self._showing = False  # True while the UI thread builds or updates the dialog
        self._dialog_broken = False  # showing failed once: from then on, only log
        self._dialog: CrashDialog | None = None
        self._installed = False
        self._fatal_file: TextIO | None = None
        self._faulthandler_was_enabled = False
        self._previous_excepthook: Callable[..., object] = sys.excepthook
        self._previous_threading_hook: Callable[..., object] = threading.excepthook
        # The dialog is always shown from the event loop, never inside the code that failed:
        # the signal crosses over to the UI thread when a worker emits it, and the zero-delay
        # timer defers it on the UI thread as well. (A queued connection would say the same,
        # but naming ``Qt.ConnectionType`` here would cost the start-up 11 ms, see qt_enums.)
        self._show_soon = QTimer(self)
        self._show_soon.setSingleShot(True)
        self._show_soon.setInterval(0)
        self._show_soon.timeout.connect(self._show_pending)
        self._pending.connect(self._show_soon.start)

    # -- hooks ------------------------------------------------------------------------------

    def install(self) -> None:
        """Replace ``sys.excepthook`` and ``threading.excepthook``; the old ones are kept."""
        if self._installed:
            return
        self._previous_excepthook = sys.excepthook
        self._previous_threading_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._threading_excepthook
        self._installed = True

    def uninstall(self) -> None:
        """Put the previous hooks back (if nobody replaced ours since) and close the dialog."""
        global _installed
        if _installed is self:
            _installed = None
        if self._installed:
            if sys.excepthook == self._excepthook:
                sys.excepthook = self._previous_excepthook
            if threading.excepthook == self._threading_excepthook:
                threading.excepthook = self._previous_threading_hook
            self._installed = False
        if self._fatal_file is not None:
            faulthandler.disable()
            if self._faulthandler_was_enabled and sys.__stderr__ is not None:
                faulthandler.enable(file=sys.__stderr__, all_threads=True)
            self._fatal_file.close()
            self._fatal_file = None
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.close()
        self._dialog = None

    def record_fatal_errors(self, path: Path) -> bool:
        """Have :mod:`faulthandler` write the stacks of a fatal crash to ``path``.

        Returns False (and logs why) when the file cannot be opened; the program runs on
        without it. A line with the version and time marks each start in the file.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > FATAL_LOG_MAX_BYTES:
                self._set_aside(path)
            file = path.open("a", encoding="utf-8")
            started = datetime.now().astimezone().isoformat(timespec="seconds")
            file.write(f"--- Kombo Desktop {__version__} started {started}, pid {os.getpid()}\n")
            file.flush()
        except OSError as error:
            self._logger.warning("Fatal errors cannot be recorded in %s: %s", path, error)
            return False
        if self._fatal_file is not None:
            self._fatal_file.close()
        else:
            self._faulthandler_was_enabled = faulthandler.is_enabled()
        self._fatal_file = file
        faulthandler.enable(file=file, all_threads=True)
        return True

    def _set_aside(self, path: Path) -> None:
        """Keep a full fatal-error file as ``<name>.1``. Where that fails (on Windows another
        copy of the program running holds the file open), it grows on until a later start."""
        try:
            os.replace(path, path.with_name(f"{path.name}.1"))
        except OSError as error:
            self._logger.warning("The full file %s could not be set aside: %s", path, error)

    @property
    def dialog(self) -> CrashDialog | None:
        """The dialog on screen, if any (for tests and for closing it at exit)."""
        if self._dialog is not None and not shiboken6.isValid(self._dialog):
            self._dialog = None
        return self._dialog

    def _excepthook(
        self,
        exc_type: type[BaseException],
        exc_value: BaseException,
        exc_traceback: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            # Ctrl+C in a console and sys.exit() are requests to stop, not errors.
            self._previous_excepthook(exc_type, exc_value, exc_traceback)
            return
        self.report(exc_type, exc_value, exc_traceback, threading.current_thread().name)

    def _threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # a thread ending itself with sys.exit(): the default hook is silent too
        thread_name = args.thread.name if args.thread is not None else "an unnamed thread"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, thread_name)

    # -- any thread -------------------------------------------------------------------------

    def report(
        self,
        exc_type: type[BaseException],
        exc_value: BaseException | None,
        exc_traceback: TracebackType | None,
        thread_name: str,
    ) -> None:
        """Log the exception now and arrange for the dialog. Safe on any thread; never raises."""
        try:
            lines = traceback.format_exception(exc_type, exc_value, exc_traceback)
            text = redact("".join(lines))
            summary = redact(lines[-1].strip()) if lines else exc_type.__name__
            self._logger.error("Uncaught error in thread %s:\n%s", thread_name, text.rstrip())
            report = CrashReport(datetime.now().astimezone(), thread_name, summary, text)
            on_ui_thread = QCoreApplication.instance() is not None and (
                threading.current_thread() is threading.main_thread()
            )
            with self._lock:
                self._count += 1
                if len(self._reports) < MAX_KEPT_REPORTS:
                    self._reports.append(report)
                # While the UI thread is busy showing the dialog, an error raised by that very
                # work is counted in it but must not schedule another round of showing.
                reentrant = self._showing and on_ui_thread
                schedule = not (self._show_scheduled or self._dialog_broken or reentrant)
                if schedule:
                    self._show_scheduled = True
            if schedule:
                self._pending.emit()
        except RuntimeError:
            # The application (and this QObject) is gone, e.g. a worker failing at exit; the
            # error is already in the log.
            pass
        except Exception:
            # Reporting failed; fall back to Python's own printing rather than lose the error.
            if exc_value is not None:
                sys.__excepthook__(exc_type, exc_value, exc_traceback)

    # -- UI thread --------------------------------------------------------------------------

    @Slot()
    def _show_pending(self) -> None:
        with self._lock:
            self._show_scheduled = False
            count = self._count
            broken = self._dialog_broken
        if broken or count == 0:
            return
        self._showing = True
        try:
            dialog = self.dialog
            if dialog is None:
                dialog = CrashDialog(self.details_text, self._parent())
                dialog.finished.connect(self._dialog_closed)
                self._dialog = dialog
                dialog.set_count(count)
                dialog.show()
                dialog.raise_()
                dialog.activateWindow()
            else:
                dialog.set_count(count)
        except Exception as error:
            # Trying again could fail the same way, forever: from now on errors are only logged.
            with self._lock:
                self._dialog_broken = True
            self.report(type(error), error, error.__traceback__, threading.current_thread().name)
            self._logger.error(
                "The error message could not be shown; further errors are only logged."
            )
        finally:
            self._showing = False
        # Errors raised while showing were counted without scheduling; bring the count up to date.
        with self._lock:
            latest = self._count
        if self._dialog is not None and shiboken6.isValid(self._dialog) and latest != count:
            QTimer.singleShot(0, self._refresh_count)

    @Slot()
    def _refresh_count(self) -> None:
        dialog = self.dialog
        if dialog is not None:
            with self._lock:
                count = self._count
            dialog.set_count(count)

    @Slot()
    def _dialog_closed(self) -> None:
        """The next error after this starts a new dialog with its own count and details."""
        with self._lock:
            self._reports = []
            self._count = 0
        self._dialog = None

    def _parent(self) -> QWidget | None:
        """The window to put the dialog over; a failing or deleted provider means no parent."""
        parent: QWidget | None = None
        if self._parent_provider is not None:
            try:
                parent = self._parent_provider()
            except Exception:
                self._logger.warning("Could not find a window for the error message", exc_info=True)
                parent = None
        if parent is None and isinstance(self._app, QApplication):
            parent = self._app.activeWindow()
        if parent is not None and not shiboken6.isValid(parent):
            parent = None
        return parent

    # -- details ----------------------------------------------------------------------------

    def details_text(self) -> str:
        """Everything support needs, masked: version, platform, each kept traceback."""
        import platform  # only here: importing it costs start-up time the window cannot spare

        with self._lock:
            reports = list(self._reports)
            count = self._count
        lines = [
            f"Kombo Desktop {__version__}",
            f"Python {platform.python_version()} ({platform.python_implementation()}), "
            f"Qt {qVersion()}, PySide6 {pyside_version}",
            f"System: {platform.platform()}",
            f"Copied: {datetime.now().astimezone().isoformat(timespec='seconds')}",
            f"Errors: {count}"
            + (f" (the first {len(reports)} are below)" if count > len(reports) else ""),
        ]
        for number, report in enumerate(reports, start=1):
            lines.append("")
            lines.append(
                f"--- Error {number}: {report.summary} "
                f"(thread {report.thread_name}, {report.when.isoformat(timespec='seconds')}) ---"
            )
            lines.append(report.traceback_text.rstrip())
        return redact("\n".join(lines) + "\n")


def install_crash_handler(
    app: QCoreApplication,
    parent_provider: ParentProvider | None = None,
    *,
    fatal_error_log: Path | None = None,
    logger: logging.Logger | None = None,
) -> CrashHandler:
    """Start catching uncaught exceptions for ``app``; call once, on the UI thread, early.

    ``parent_provider`` returns the window the dialog should sit over (the main window), or
    None; without it the active window is used. ``fatal_error_log`` (a file next to the log)
    receives the stacks of crashes no exception hook can see. Installing again replaces the
    previous handler. Returns the handler; keep it for as long as the application runs.
    ``handler.uninstall()`` restores the previous hooks (tests; optional at exit).
    """
    global _installed
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("install_crash_handler must be called on the UI thread.")
    if _installed is not None:
        _installed.uninstall()
    handler = CrashHandler(app, parent_provider, logger=logger)
    handler.install()
    if fatal_error_log is not None:
        handler.record_fatal_errors(fatal_error_log)
    _installed = handler
    return handler
