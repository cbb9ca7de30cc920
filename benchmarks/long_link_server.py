"""A minimal Kombo stand-in on 127.0.0.1 that hands out links as long as Kombo's real ones.

The demo service's links are about 70 characters; Kombo's are ``https://connect.kombo.dev/v1?
token=<JWT>``, a few hundred. The link's length matters for the click figure because the window
draws the QR code for it, and a longer link means a denser code that takes longer to compute.
This server answers ``POST /v1/connect/create-link`` with a unique ``https://`` link of the
requested length and every other path with Kombo's 404 error body (the window's background
catalog refresh then just logs that). It checks nothing else: the demo service does that.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

LINK_PREFIX = "https://connect.kombo.dev/v1?token="
CREATE_LINK_PATH = "/v1/connect/create-link"


class LongLinkServer:
    """``with LongLinkServer(300) as server:`` then use ``server.base_url`` as the API base."""

    def __init__(self, link_length: int = 300) -> None:
        if link_length < len(LINK_PREFIX) + 8:
            raise ValueError(f"a link needs at least {len(LINK_PREFIX) + 8} characters")
        self.link_length = link_length
        numbers = itertools.count(1)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Kombo's servers do
            # Headers and body leave in two writes; with Nagle's algorithm the second one would
            # wait for the client's delayed ACK, adding 40 ms to every answer.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                if self.path != CREATE_LINK_PATH:
                    self._answer(404, _error("PLATFORM.NOT_FOUND", "Not found"))
                    return
                token = f"{next(numbers):08d}".ljust(owner.link_length - len(LINK_PREFIX), "x")
                self._answer(200, {"status": "success", "data": {"link": LINK_PREFIX + token}})

            def do_GET(self) -> None:
                self._answer(404, _error("PLATFORM.NOT_FOUND", "Not found"))

            def _answer(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # a benchmark prints its table, not a request log

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="long-link-server"
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> LongLinkServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> LongLinkServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _error(code: str, title: str) -> dict[str, object]:
    return {
        "status": "error",
        "error": {"code": code, "title": title, "message": title, "log_url": None},
    }
