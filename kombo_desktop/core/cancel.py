"""The "stop" flag the window hands to a call to Kombo, apart from the client that honours it.

The window creates and cancels tokens on its own thread; the client checks them on a worker
thread. Only ``threading`` is needed for that, so this module stays free of httpx and Qt: the
window can import it on its start-up path without paying for the HTTP library.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["CancelToken"]

_log = logging.getLogger(__name__)


class CancelToken:
    """A thread-safe "stop" flag for one call; the window cancels from its own thread.

    ``on_cancel`` lets the party doing the work react at once (the client shuts down the socket
    it is waiting on) rather than noticing the flag only at its next check.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next_id = 0

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            try:
                callback()
            except Exception:  # one broken listener must not stop the others
                _log.exception("A cancel listener failed")

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True as soon as (or if already) cancelled."""
        return self._event.wait(max(0.0, timeout))

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on cancel (at once if already cancelled); returns an unsubscriber."""
        with self._lock:
            if not self._event.is_set():
                key = self._next_id
                self._next_id += 1
                self._callbacks[key] = callback

                def unsubscribe() -> None:
                    with self._lock:
                        self._callbacks.pop(key, None)

                return unsubscribe
        callback()
        return lambda: None
