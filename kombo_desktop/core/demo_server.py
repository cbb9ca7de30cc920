"""A small stand-in for Kombo's API that runs inside the program, on this computer only.

``kombo-desktop --demo`` points the window at it so people can try the program without an API
key, and the tests use it as a real HTTP counterpart. It answers the five endpoints the program
uses in Kombo's wire format and checks input the way Kombo does (see ``demo.validation``), so a
client that builds a wrong body fails here just as it would against Kombo. Links it hands out
point back at itself, carry the word DEMO, and open a page that says plainly it is a demo.

It is a real HTTP server (``demo.transport``) on 127.0.0.1 with a random free port. Starting it
costs a socket and a thread (it runs at program start, so it must be quick); stopping it closes
every connection and joins every thread it started, so a closed window leaves nothing running.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from collections import deque
from datetime import UTC, datetime
from types import TracebackType
from typing import cast
from urllib.parse import parse_qs, unquote, urlsplit

from kombo_desktop.core.catalog import ToolCatalog
from kombo_desktop.core.demo import pages, validation, wire
from kombo_desktop.core.demo.records import (
    DemoLink,
    LinkOperation,
    LogEntry,
    RecordedRequest,
    redact_headers,
)
from kombo_desktop.core.demo.transport import HOST, NO_STORE, Incoming, LoopbackHTTPServer, Response
from kombo_desktop.core.demo.wire import DEMO_ENVIRONMENT_ID

__all__ = [
    "CREATE_LINK_PATH",
    "DEMO_ENVIRONMENT_ID",
    "SERVER_THREAD_NAME",
    "DemoKomboServer",
    "DemoLink",
    "LogEntry",
    "RecordedRequest",
]

_log = logging.getLogger(__name__)

SERVER_THREAD_NAME = "kombo-demo-server"
CREATE_LINK_PATH = "/v1/connect/create-link"

# A long demo session must not grow memory without end; tests stay far below these.
_MAX_RECORDED_REQUESTS = 10_000
_MAX_LOG_ENTRIES = 1_000
_STOP_TIMEOUT = 2.0

_JSON = "application/json; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_SVG = "image/svg+xml"
_PAGE_HEADERS = (
    *NO_STORE,
    ("Content-Security-Policy", pages.CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def _parse_json(body: bytes) -> tuple[bool, object, str]:
    """(parsed, value, problem): strict JSON, so NaN or Infinity are refused as Kombo would."""
    try:
        return True, json.loads(body.decode("utf-8"), parse_constant=_reject_constant), ""
    except (ValueError, RecursionError) as error:
        return False, None, f"The request body is not valid JSON ({error})."


class DemoKomboServer:
    """The embedded demo Kombo service; use as ``with DemoKomboServer() as demo: demo.base_url``.

    ``api_key``: when given, ``/v1`` requests must carry exactly ``Authorization: Bearer <key>``
    or get 401 ``PLATFORM.AUTHENTICATION_INVALID`` (without one, any or no key is accepted).
    ``delay_seconds``: every ``/v1`` answer waits this long, to test that the window stays
    responsive; ``stop()`` cuts the wait short. ``catalog``: the tools it knows (default: the
    bundled list).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        delay_seconds: float = 0.0,
        catalog: ToolCatalog | None = None,
    ) -> None:
        self._api_key = api_key
        self.delay_seconds = delay_seconds
        self._catalog = catalog
        self._lifecycle = threading.Lock()
        self._records_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: LoopbackHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._requests: deque[RecordedRequest] = deque(maxlen=_MAX_RECORDED_REQUESTS)
        self._links: dict[str, DemoLink] = {}
        self._log_entries: dict[str, LogEntry] = {}

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> DemoKomboServer:
        """Listen on a random free port of 127.0.0.1 and serve in a background thread.

        Calling it again while running does nothing. A stopped service cannot be restarted:
        its links named the old port, so a new ``DemoKomboServer`` is the honest way back.
        """
        with self._lifecycle:
            if self._httpd is not None:
                return self
            if self._stopping.is_set():
                raise RuntimeError("This demo service was stopped; create a new one instead.")
            if self._catalog is None:
                self._catalog = ToolCatalog.bundled()
            httpd = LoopbackHTTPServer(self._answer)
            thread = threading.Thread(
                target=httpd.serve_until_stopped, name=SERVER_THREAD_NAME, daemon=True
            )
            try:
                thread.start()
            except BaseException:
                httpd.server_close()
                raise
            self._httpd, self._thread = httpd, thread
            self._port = httpd.port
        _log.info("Demo Kombo service listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and every open connection, and join all threads.

        Safe to call more than once, and before ``start()``. Answers held back by
        ``delay_seconds`` are released at once rather than keeping the program from closing.
        """
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            if httpd is None or thread is None:
                return
            self._stopping.set()
            httpd.request_stop()
            thread.join(_STOP_TIMEOUT)
            httpd.server_close()
            httpd.close_connections(_STOP_TIMEOUT)
            self._httpd = self._thread = None
        _log.info("Demo Kombo service stopped")

    def __enter__(self) -> DemoKomboServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def delay_seconds(self) -> float:
        return self._delay_seconds

    @delay_seconds.setter
    def delay_seconds(self, seconds: float) -> None:
        """Adjustable while running, so one test can make only its second request slow."""
        if seconds < 0:
            raise ValueError("delay_seconds cannot be negative")
        self._delay_seconds = float(seconds)

    # -- addresses ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("The demo service has not been started yet.")
        return self._port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``: where the demo pages (links, logs) live."""
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, to be used as the client's API base."""
        return f"{self.origin}/v1"

    # -- what was received and made ----------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first, recorded before any delay or check."""
        with self._records_lock:
            return list(self._requests)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The recorded requests for one endpoint, e.g. ``("POST", "/v1/connect/create-link")``."""
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    @property
    def create_link_count(self) -> int:
        """How many create-link requests arrived, accepted or not."""
        return len(self.requests_to("POST", CREATE_LINK_PATH))

    @property
    def links(self) -> dict[str, dict[str, object]]:
        """The links handed out: token -> the request body it was made from."""
        with self._records_lock:
            return {token: dict(link.body) for token, link in self._links.items()}

    @property
    def link_records(self) -> list[DemoLink]:
        """The links handed out with everything known about them, oldest first."""
        with self._records_lock:
            return list(self._links.values())

    def clear_records(self) -> None:
        """Forget recorded requests (links and logs stay valid), for tests that reuse a server."""
        with self._records_lock:
            self._requests.clear()

    # -- answering -----------------------------------------------------------------------------

    @property
    def _tools(self) -> ToolCatalog:
        if self._catalog is None:  # start() sets it; this only guards against misuse
            self._catalog = ToolCatalog.bundled()
        return self._catalog

    def _answer(self, incoming: Incoming) -> Response:
        """Record a request and decide the answer; called on the connection's thread."""
        target = urlsplit(incoming.target)
        path = target.path
        parsed, value, _ = _parse_json(incoming.body) if incoming.body else (False, None, "")
        record = RecordedRequest(
            method=incoming.method,
            path=path,
            query=target.query,
            headers=redact_headers(incoming.headers),
            json=value if parsed else None,
            body=incoming.body,
        )
        with self._records_lock:
            self._requests.append(record)

        if not self._addressed_here(incoming.headers):
            # A web page whose name was made to point at 127.0.0.1 ("DNS rebinding") reaches
            # this port too, but its requests name that other host: they get nothing here.
            return Response(
                421,
                "text/plain; charset=utf-8",
                b"This demo service answers only requests addressed to this computer.",
            )
        if path == "/demo" or path.startswith("/demo/"):
            if incoming.method in ("GET", "HEAD"):
                return self._page(path, target.query)
            return self._not_found(incoming, path)
        if not path.startswith("/v1/"):
            return self._not_found(incoming, path)
        if self._delay_seconds > 0:
            self._stopping.wait(self._delay_seconds)
        if not self._authorized(incoming.headers):
            return self._error(
                incoming,
                path,
                401,
                wire.AUTHENTICATION_INVALID,
                "The API key is missing or not valid. Send it as a Bearer token in the "
                "Authorization header.",
            )
        return self._api(incoming, path)

    def _addressed_here(self, headers: list[tuple[str, str]]) -> bool:
        """True when the one Host header names this service by a loopback name and its port."""
        hosts = [value for name, value in headers if name.lower() == "host"]
        if len(hosts) != 1:
            return False
        allowed = {f"{name}:{self._port}" for name in (HOST, "localhost", "[::1]")}
        return hosts[0].strip().lower() in allowed

    def _authorized(self, headers: list[tuple[str, str]]) -> bool:
        if self._api_key is None:
            return True
        values = [value for name, value in headers if name.lower() == "authorization"]
        if len(values) != 1:
            return False
        # Header values arrive decoded as Latin-1; compare the bytes that were on the wire.
        sent = values[0].encode("latin-1", errors="replace")
        return hmac.compare_digest(sent, f"Bearer {self._api_key}".encode())

    def _api(self, incoming: Incoming, path: str) -> Response:
        segments = path.split("/")  # "", "v1", ...
        method = incoming.method
        if path == CREATE_LINK_PATH and method == "POST":
            return self._create_link(incoming, path)
        if path == "/v1/check-api-key" and method == "GET":
            data = {"environment_id": DEMO_ENVIRONMENT_ID, "customer_id": DEMO_ENVIRONMENT_ID}
            return Response(200, _JSON, wire.success(data))
        if len(segments) == 4 and segments[2] == "tools" and segments[3] and method == "GET":
            return self._list_tools(incoming, path, segments[3])
        if (
            len(segments) == 5
            and segments[2] == "integrations"
            and segments[4] == "relink"
            and method == "POST"
        ):
            return self._relink(incoming, path, segments[3])
        if len(segments) == 4 and segments[2] == "integrations" and method == "GET":
            return self._integration(incoming, path, segments[3])
        return self._not_found(incoming, path)

    def _json_body(self, incoming: Incoming, *, required: bool) -> tuple[object, str | None]:
        """The JSON value of a POST body, or the reason it cannot be read as Kombo would."""
        if incoming.body_problem:
            return None, incoming.body_problem
        if not incoming.body:
            if required:
                return None, "The request has no body. Send a JSON object."
            return {}, None
        content_type = dict((n.lower(), v) for n, v in incoming.headers).get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            shown = media_type or "none"
            return None, (
                "Send the body as JSON with the header 'Content-Type: application/json' "
                f"(the request said {shown})."
            )
        parsed, value, problem = _parse_json(incoming.body)
        return (value, None) if parsed else (None, problem)

    def _create_link(self, incoming: Incoming, path: str) -> Response:
        body, problem = self._json_body(incoming, required=True)
        problems = [problem] if problem else validation.create_link_problems(body, self._tools)
        if problems:
            return self._error(incoming, path, 400, wire.INPUT_INVALID, " ".join(problems))
        link = self._make_link("create-link", cast(dict[str, object], body), None)
        return Response(200, _JSON, wire.success({"link": link.url}))

    def _relink(self, incoming: Incoming, path: str, raw_id: str) -> Response:
        body, problem = self._json_body(incoming, required=False)
        problems = [problem] if problem else validation.relink_problems(body)
        if problems:
            return self._error(incoming, path, 400, wire.INPUT_INVALID, " ".join(problems))
        integration_id = unquote(raw_id)
        if validation.integration_tool(raw_id, self._tools) is None:
            return self._no_integration(incoming, path, integration_id)
        link = self._make_link("relink", cast(dict[str, object], body), integration_id)
        return Response(200, _JSON, wire.success({"link": link.url}))

    def _integration(self, incoming: Incoming, path: str, raw_id: str) -> Response:
        integration_id = unquote(raw_id)
        tool = validation.integration_tool(raw_id, self._tools)
        if tool is None:
            return self._no_integration(incoming, path, integration_id)
        data = wire.integration_details(tool, integration_id, self.origin, datetime.now(UTC))
        return Response(200, _JSON, wire.success(data))

    def _no_integration(self, incoming: Incoming, path: str, integration_id: str) -> Response:
        """Kombo's answer for an integration id it does not know (any id of a known tool with
        the right shape exists in the demo)."""
        return self._error(
            incoming,
            path,
            404,
            wire.INTEGRATION_NOT_FOUND,
            f"There is no integration with the id {json.dumps(integration_id)} in the demo "
            "environment. Integration ids look like 'personio:93fCvorjZ2jas7ZekX1V1n5d'.",
        )

    def _list_tools(self, incoming: Incoming, path: str, raw_category: str) -> Response:
        category = validation.tools_category(unquote(raw_category))
        if category is None:
            return self._error(
                incoming,
                path,
                400,
                wire.INPUT_INVALID,
                "The category in the path must be one of hris, ats, assessment, lms "
                f"(got {json.dumps(unquote(raw_category))}).",
            )
        tools = [wire.tool_item(tool, self.origin) for tool in self._tools.in_category(category)]
        return Response(200, _JSON, wire.success({"tools": tools}))

    def _make_link(
        self, operation: LinkOperation, body: dict[str, object], integration_id: str | None
    ) -> DemoLink:
        token = f"DEMO-{secrets.token_urlsafe(18)}"
        link = DemoLink(
            token=token,
            url=f"{self.origin}/demo/connect?token={token}",
            operation=operation,
            body=dict(body),
            created_at=datetime.now(UTC),
            integration_id=integration_id,
        )
        with self._records_lock:
            self._links[token] = link
        return link

    def _not_found(self, incoming: Incoming, path: str) -> Response:
        return self._error(
            incoming,
            path,
            404,
            None,
            f"The demo service has no endpoint {incoming.method} {path}. It offers "
            "POST /v1/connect/create-link, POST /v1/integrations/{integration_id}/relink, "
            "GET /v1/integrations/{integration_id}, GET /v1/check-api-key and "
            "GET /v1/tools/{category}.",
        )

    def _error(
        self, incoming: Incoming, path: str, status: int, code: str | None, message: str
    ) -> Response:
        """A Kombo error body whose ``log_url`` opens a demo page describing the request."""
        entry = LogEntry(
            id=secrets.token_hex(8),
            method=incoming.method,
            path=path,
            status=status,
            code=code,
            title=wire.TITLES.get(code),
            message=message,
            created_at=datetime.now(UTC),
        )
        with self._records_lock:
            self._log_entries[entry.id] = entry
            while len(self._log_entries) > _MAX_LOG_ENTRIES:
                del self._log_entries[next(iter(self._log_entries))]
        log_url = f"{self.origin}/demo/logs/{entry.id}"
        return Response(status, _JSON, wire.error(code, message, log_url))

    def _page(self, path: str, query: str) -> Response:
        """The browser side: demo link pages, log pages and tool pictures."""
        if path == "/demo/connect":
            token = parse_qs(query).get("token", [""])[0]
            with self._records_lock:
                link = self._links.get(token)
            if link is None:
                return _html(404, pages.unknown_link_page())
            return _html(200, pages.link_page(link, self._tools))
        parts = path.split("/")  # "", "demo", kind, ...
        if len(parts) == 4 and parts[2] == "logs":
            with self._records_lock:
                entry = self._log_entries.get(parts[3])
            if entry is not None:
                return _html(200, pages.log_page(entry))
        if len(parts) == 5 and parts[2] == "assets":
            tool = self._tools.get(parts[3])
            picture = pages.tool_picture(tool, parts[4]) if tool else None
            if picture is not None:
                return Response(200, _SVG, picture.encode("utf-8"), _PAGE_HEADERS)
        return _html(404, pages.not_found_page())

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "not started"
        state = "running" if self.running else "stopped"
        return f"DemoKomboServer({where}, {state})"


def _html(status: int, page: str) -> Response:
    return Response(status, _HTML, page.encode("utf-8"), _PAGE_HEADERS)
