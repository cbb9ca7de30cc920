"""The HTTP plumbing of the demo service: a loopback server whose threads can all be stopped.

Kept apart from what the service answers (``demo_server``) so each stays readable: this module
knows sockets, threads and HTTP framing, and hands every request to one ``answer`` function.

The framing is the little HTTP/1.0 the service needs (one request per connection, bodies by
Content-Length), read with ``http.client``'s header parser, on ``socketserver``. The standard
``http.server`` would do it too, but it brings ``html`` and its 2,000 named entities along: the
packaged program would carry 60 KB of byte code for a request line and a status line.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import selectors
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, cast

_log = logging.getLogger(__name__)

HOST = "127.0.0.1"
REQUEST_THREAD_NAME = "kombo-demo-request"
MAX_BODY_BYTES = 1_000_000
# An idle or stalled connection gives up its thread after this long even without a stop.
CONNECTION_TIMEOUT = 10.0
# The longest request line read, as http.server's; a longer one is answered 414.
MAX_REQUEST_LINE = 65536
SERVER_NAME = "KomboDesktopDemo"
# Every method goes to ``answer`` (Kombo answers unknown paths with 404); any other is 501.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

NO_STORE = (("Cache-Control", "no-store"),)


@dataclass(frozen=True)
class Incoming:
    """A request as read off the socket, before the service decides anything about it."""

    method: str
    target: str  # as in the request line: path and query, percent-encoding kept
    headers: list[tuple[str, str]]
    body: bytes
    body_problem: str | None  # why the body could not be read (size, framing), if so


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = NO_STORE


Answer = Callable[[Incoming], Response]


class _Handler(socketserver.StreamRequestHandler):
    """Reads one request, has it answered, writes the answer. HTTP/1.0, so every connection
    closes after its answer and no idle keep-alive connection holds a thread."""

    timeout = CONNECTION_TIMEOUT

    def handle(self) -> None:
        try:
            line = self.rfile.readline(MAX_REQUEST_LINE + 1)
        except TimeoutError:
            return  # nothing came in time: the connection is closed
        if not line.strip():
            return
        if len(line) > MAX_REQUEST_LINE:
            self._refuse(HTTPStatus.REQUEST_URI_TOO_LONG, "The request line is too long.")
            return
        words = line.decode("iso-8859-1").split()
        if len(words) != 3 or not _is_http_1(words[2]):
            self._refuse(HTTPStatus.BAD_REQUEST, "The request line is not HTTP/1.x.")
            return
        method, target, _version = words
        if target.startswith("//"):  # as http.server: never a host name in the path
            target = "/" + target.lstrip("/")
        try:
            headers = http.client.parse_headers(self.rfile)
        except http.client.HTTPException:  # a header line too long, or too many headers
            self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The headers are too large.")
            return
        if method not in METHODS:
            self._refuse(HTTPStatus.NOT_IMPLEMENTED, f"The method {method} is not supported.")
            return
        body, problem = self._read_body(headers)
        server = cast(LoopbackHTTPServer, self.server)
        response = server.answer(Incoming(method, target, list(headers.items()), body, problem))
        self._write(response, with_body=method != "HEAD")
        _log.debug("demo service: %s %s %d", method, target, response.status)

    def _read_body(self, headers: http.client.HTTPMessage) -> tuple[bytes, str | None]:
        if headers.get("Transfer-Encoding"):
            return b"", "Send the body with a Content-Length header (chunked is not supported)."
        length_text = headers.get("Content-Length")
        if length_text is None:
            return b"", None
        try:
            length = int(length_text)
            if length < 0:
                raise ValueError(length_text)
        except ValueError:
            return b"", "The Content-Length header is not a valid number."
        if length > MAX_BODY_BYTES:
            return b"", f"The request body is larger than {MAX_BODY_BYTES} bytes."
        body = self.rfile.read(length)
        if len(body) < length:
            return body, "The request body ended before its Content-Length."
        return body, None

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        """The answer to a request that cannot be read: its status, and why in plain text."""
        self._write(Response(status, "text/plain; charset=utf-8", message.encode()))
        _log.debug("demo service: refused a request: %s", message)

    def _write(self, response: Response, *, with_body: bool = True) -> None:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.0 {response.status} {reason}",
            f"Server: {SERVER_NAME}",
            f"Date: {formatdate(usegmt=True)}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            *(f"{name}: {value}" for name, value in response.headers),
        ]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        self.wfile.write(head + response.body if with_body else head)


def _is_http_1(version: str) -> bool:
    """``HTTP/1.0``, ``HTTP/1.1``: any HTTP/1.x, as http.server took them."""
    major, _, minor = version.removeprefix("HTTP/").partition(".")
    return version.startswith("HTTP/") and major == "1" and minor.isdecimal()


class LoopbackHTTPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A threading TCP server on 127.0.0.1 that can cut its open connections and join them.

    The standard classes do not keep track of daemon handler threads, so a connection still
    open when the service stops (a delayed answer, a browser's idle socket) would outlive it.
    """

    daemon_threads = True
    allow_reuse_address = False  # port 0 never needs it; on Windows it would allow port sharing
    request_queue_size = 32

    def __init__(self, answer: Answer, port: int = 0) -> None:
        self.answer = answer
        self._active: dict[threading.Thread, socket.socket] = {}
        self._active_lock = threading.Lock()
        self._closing = False
        self._stop_requested = threading.Event()
        # Written to by request_stop() to wake the serving loop at once; serve_forever's polling
        # would instead delay every stop and wake the process many times a second while idle.
        self._wake_reader, self._wake_writer = socket.socketpair()
        try:
            super().__init__((HOST, port), _Handler)
        except BaseException:
            self._wake_reader.close()
            self._wake_writer.close()
            raise

    @property
    def port(self) -> int:
        return self.server_address[1]

    def serve_until_stopped(self) -> None:
        """Accept connections until ``request_stop()``; each is served on its own thread."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stop_requested.is_set():
                ready = selector.select()
                if self._stop_requested.is_set():
                    break
                if any(key.fileobj is self.socket for key, _ in ready):
                    self._accept_one()

    def _accept_one(self) -> None:
        try:
            request, client_address = self.get_request()
        except OSError:
            return  # the client gave up between select() and accept()
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def request_stop(self) -> None:
        """Make ``serve_until_stopped`` return promptly; callable from any thread."""
        self._stop_requested.set()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=REQUEST_THREAD_NAME,
            daemon=True,
        )
        with self._active_lock:
            if self._closing:
                self.shutdown_request(request)
                return
            self._active[thread] = request
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._active_lock:
                self._active.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up, or a connection cut by a stop, is normal for this service.
        _log.debug("demo service: connection from %s failed", client_address, exc_info=True)

    def close_connections(self, timeout: float) -> None:
        """Cut every open connection and wait (up to ``timeout`` in all) for their threads."""
        with self._active_lock:
            self._closing = True
            active = list(self._active.items())
        for _, connection in active:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread, _ in active:
            if thread.ident is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
