"""Fields checked again when the program learns an API key.

A field refuses a key the program knows (``field_text.refuses_keys``), but the program learns
its key only when it reads it: from the password store on a worker thread a moment after the
start (kept off the way to the first frame), after a change of profile, or at the first
click. A key pasted into a field before then (the clipboard still held it) passed the field's
check without a word. ``logs.on_secret_registered`` says when a key is learned, on whatever
thread read it; a queued signal brings the news to the UI thread, where each form marks the
fields holding a key (``RequestForm.show_known_keys``). Sending is guarded apart from this, in
the client, right before each attempt.

Imported after the first frame (``MainWindow``'s start-up steps), not on the way to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal

from kombo_desktop.core.logs import on_secret_registered
from kombo_desktop.ui.request_form import RequestForm


class _KeyNews(QObject):
    """Emits ``learned`` on the thread that learned a key; lives on the UI thread."""

    learned = Signal()


_news: _KeyNews | None = None


def _key_news() -> _KeyNews:
    """The one object that hears of every key learned, for the rest of the program's life
    (never deleted, so a worker thread never emits on an object being destroyed). Made on the
    UI thread, where it lives and where queued connections to it deliver."""
    global _news
    if _news is None:
        _news = _KeyNews()
        on_secret_registered(_news.learned.emit)
    return _news


def on_key_learned(slot: Callable[[], None]) -> None:
    """Call ``slot`` (a method of a QObject living on the UI thread, which stops the calls
    when it is deleted) on the UI thread each time a key is learned, once the work that
    learned it is done."""
    _key_news().learned.connect(slot, Qt.ConnectionType.QueuedConnection)


def follow_known_keys(forms: Iterable[RequestForm]) -> None:
    """Mark the fields of ``forms`` holding a key known now, and again each time a key is
    learned, on the UI thread. A form that is deleted stops being followed."""
    news = _key_news()
    for form in forms:
        # Queued also when the key is learned on the UI thread (Settings saving a key, the
        # first click reading KOMBO_API_KEY): the forms are checked once that work is done.
        news.learned.connect(form.show_known_keys, Qt.ConnectionType.QueuedConnection)
        form.show_known_keys()  # the keys learned before the forms were followed
