"""What one attempt of a call has done so far: whether the request went out, and its sockets.

The retry policy depends on knowing whether a request was sent before it failed, and cancelling
depends on having a socket to shut down: a thread blocked waiting for an answer that never comes
can only be woken that way. httpcore reports both through its ``trace`` hook, which this class
listens to. It handles plain sockets and events only, so it needs neither httpx nor Qt.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["AttemptProgress"]


class AttemptProgress:
    """What one attempt has done so far, learnt from httpcore's ``trace`` hook.

    ``request_sent`` decides whether a failure may be retried; the sockets let a cancel from
    another thread wake the worker. A *duplicate* of each socket is kept because TLS wraps (and
    detaches) the original mid-handshake; shutting down any descriptor of a socket ends the
    connection for all of them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._aborted = False
        self.request_sent = False
        self.tunnel_requested = False  # a proxy was asked (CONNECT) to open a tunnel to Kombo
        # Where the connection was dialled (Kombo's host, or a proxy's), and whether it was made.
        self.dialled: tuple[str, int] | None = None
        self.connected = False
        self.expired = False  # the attempt outlived its deadline (see ``deadline``)

    def trace(self, name: str, info: Mapping[str, Any]) -> None:
        if name.endswith(".send_request_headers.started"):
            request = info.get("request")
            if getattr(request, "method", b"") == b"CONNECT":  # a proxy tunnel is not the request
                self.tunnel_requested = True
            else:
                self.request_sent = True
        elif name.endswith(".connect_tcp.started"):
            host, port = info.get("host"), info.get("port")
            if self.dialled is None and isinstance(host, str) and isinstance(port, int):
                self.dialled = (host, port)
        elif name.endswith(".connect_tcp.complete"):
            self.connected = True
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                self._keep(sock)

    def _keep(self, sock: socket.socket) -> None:
        try:
            duplicate = sock.dup()
        except OSError:
            return
        with self._lock:
            self._sockets.append(duplicate)
            aborted = self._aborted
        if aborted:
            self._shutdown(duplicate)

    def deadline(self, seconds: float) -> Callable[[], None]:
        """End the attempt after ``seconds`` as a cancel would, marking it ``expired``; returns
        the function that stops the clock.

        httpx's timeouts apply to each read, so an answer whose headers arrive a byte at a
        time, or that repeats "102 Processing" for ever, would hold the attempt without end.
        Shutting the socket down from another thread is the one way to wake the worker.
        """

        def expire() -> None:
            self.expired = True
            self.abort()

        timer = threading.Timer(seconds, expire)
        timer.name = "kombo-attempt-deadline"
        timer.daemon = True
        timer.start()

        def stop() -> None:
            timer.cancel()
            timer.join()

        return stop

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed: nothing left to wake
            sock.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()
