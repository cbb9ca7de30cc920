"""The one place that talks to Kombo over the network.

Everything that can go wrong between this computer and Kombo ends here as one of the typed errors
of ``kombo_desktop.core.errors``: plain words for the person at the screen, and an ``ErrorDetail``
for support. Nothing from the network is trusted: answers are read with a size cap, cleaned of
control characters and truncated before they reach a message, and a link is only handed out when
it is an ``https://`` address (the local demo service's ``http://127.0.0.1`` links aside).

Retries, and why only these
---------------------------
Kombo does not deduplicate: every successful ``create-link`` or ``relink`` call makes a new link
on Kombo's side. That alone does no harm, though: a link nobody ever sees cannot become an
integration. Only a link the customer opens and completes does, and the client shows only the
link of the attempt that succeeded (a failed attempt's answer is never shown, whatever Kombo did
with it). So a request is repeated automatically when it certainly did not reach Kombo, or when
the answer is an error, because the person then sees exactly one link or none:

* the connection failed before any byte of the request was written (DNS failure, refused or timed
  out connection, reset before sending): nothing can have happened on Kombo's side;
* ``429`` (rate or concurrency limit) and ``500``/``502``/``503``/``504``: Kombo, or the gateway
  in front of it, turned the request away or failed on it. Kombo may have got halfway, or (for a
  ``504``) even finished after the gateway gave up; the link of that attempt is never shown, so
  repeating after a server error cannot give a customer two links;
* for the read-only ``GET`` calls, a connection that broke at any point (they change nothing).

No call is repeated after a *read timeout*: a server that stayed silent for a whole timeout is
unlikely to answer the next time, and the person would wait a multiple of it.

A ``POST`` whose request was sent and then timed out or lost its connection while waiting for the
answer is *not* repeated. Kombo may be creating the link at that very moment: there is no way to
ask whether it did, an automatic second request would make a second link (and, for a relink,
possibly replace the first), and the person would have waited a whole timeout already. HTTP says
the same (RFC 9110, section 9.2.2: non-idempotent requests are not retried automatically). The
person gets a plain "took too long" message and decides to try again.

Repeats wait with exponential backoff and jitter, or exactly as long as ``Retry-After`` asks
(seconds or an HTTP date). They are bounded twice: at most ``max_attempts`` attempts, and no wait
may end later than ``max_retry_seconds`` after the first attempt began. When Kombo asks for a wait
beyond that budget, the call fails at once with ``RateLimitedError.retry_after`` set, instead of
keeping the window busy.

Cancelling
----------
``CancelToken.cancel()`` (from any thread) stops the call promptly: it is checked before every
attempt, interrupts a backoff wait (an ``Event`` wait, not ``sleep``), and shuts down the socket of
the request in flight, which wakes a thread blocked waiting for an answer that never comes (or a
TLS handshake that never completes). Only the DNS lookup and the TCP connect itself cannot be
interrupted: there is no socket to shut down yet. They are bounded by the connect timeout (at most
``MAX_CONNECT_TIMEOUT``), and the call ends as cancelled as soon as they return. To have a socket
to shut down for every request, connections are not kept alive between requests (the program makes a
handful of requests per session, so this costs one handshake per request and also removes the
"was my request sent on a connection the server just closed?" ambiguity of reused connections).

httpx is imported here and in no module the window loads at start-up.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.cookiejar
import json
import logging
import math
import random
import re
import socket
import threading
import time
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Final
from urllib.parse import quote, unquote, urlsplit

import httpx

from kombo_desktop.core import api_address, tls
from kombo_desktop.core.api_address import LOOPBACK_HOSTS, host_of, is_loopback_url
from kombo_desktop.core.catalog import Tool, tools_from_api
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    ErrorDetail,
    InputRejectedError,
    IpNotAllowedError,
    KomboError,
    MissingApiKeyError,
    NotFoundError,
    RateLimitedError,
    RequestCancelled,
    RequestTimeoutError,
    ServerError,
    TlsError,
    UnexpectedResponseError,
    UnsafeLinkError,
)
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.logs import MASK, MIN_SECRET_LENGTH, redact, register_secret
from kombo_desktop.core.vocabulary import Category

__all__ = [
    "LOOPBACK_HOSTS",
    "RETRY_STATUSES",
    "CancelToken",
    "CreatedLink",
    "KomboClient",
    "clean_text",
    "is_loopback_url",
    "normalize_api_base",
    "parse_retry_after",
]

_log = logging.getLogger(__name__)

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

# Connecting normally takes well under a second; a long connect timeout only delays the message.
MAX_CONNECT_TIMEOUT = 10.0
MAX_POOL_TIMEOUT = 5.0
BACKOFF_CAP = 8.0
# Limits on text taken from answers before it is shown or logged.
MAX_DETAIL_CHARS = 500
MAX_SHORT_CHARS = 200
# A real Kombo link is about 450 characters; browsers and QR codes struggle beyond 2,000.
MAX_LINK_CHARS = 2048
# GET /tools/{category} carries coverage tables for every tool, far more than a link answer.
TOOLS_BODY_FACTOR = 8

_JSON_TYPES = ("application/json", "+json")


# --- addresses -----------------------------------------------------------------------------------


def normalize_api_base(url: str) -> str:
    """``api_address.normalize_api_base``, plus what only httpx can tell: a host name that has
    no IDNA form would fail later, on the first request, with a far less helpful message."""
    normalized = api_address.normalize_api_base(url)
    try:
        httpx.Request("GET", normalized)
    except (httpx.InvalidURL, ValueError):
        raise ValueError(
            "The API address is not a valid web address. Use one like https://api.kombo.dev/v1."
        ) from None
    return normalized


# --- cancelling ----------------------------------------------------------------------------------


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


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedLink:
    """A link Kombo made, already checked to be safe to show, copy and open."""

    url: str
    is_demo: bool  # served by the local demo service: must never be sent to a customer


# --- cleaning text from the network --------------------------------------------------------------

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_text(text: str, limit: int = MAX_DETAIL_CHARS, secrets: tuple[str, ...] = ()) -> str:
    """``text`` made safe to show and log: secrets masked, one line, no control or format characters
    (no bidi overrides, zero-width tricks or lone surrogates), at most ``limit`` characters.

    Secrets are masked in the whole text *before* it is shortened, so no cut can leave a piece of
    a key behind; the character filter then stops as soon as it has enough.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = redact(text)
    kept: list[str] = []
    space_pending = False
    for ch in text:
        if ch.isspace():
            space_pending = bool(kept)
            continue
        if unicodedata.category(ch) in _DROPPED_CATEGORIES:
            continue
        if space_pending:
            kept.append(" ")
            space_pending = False
        kept.append(ch)
        if len(kept) > limit:
            break
    cleaned = "".join(kept)
    if len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)].rstrip() + "…"
    return cleaned


# Kombo's messages name fields the way the API spells them; the person knows them by the
# names on the form. (The original wording stays in the details for support.)
_FORM_NAMES: dict[str, str] = {
    "end_user_email": "e-mail address",
    "end_user_organization_name": "organisation name",
    "end_user_origin_id": "customer id",
    "integration_category": "kind of system",
    "integration_tool": "tool",
    "remote_environment": "tool environment",
    "scope_config_id": "scope config id",
    "enable_filtering": "employee filtering",
    "enable_field_mapping": "field mapping",
    "link_type": "link type",
    "integration_id": "integration id",
}
_FIELD_NAME = re.compile(r"\b(" + "|".join(_FORM_NAMES) + r")\b")


def _in_form_words(message: str) -> str:
    """``message`` with the API's field names replaced by the form's, e.g.
    "end_user_email: Invalid email" -> "E-mail address: Invalid email"."""
    worded = _FIELD_NAME.sub(lambda match: _FORM_NAMES[match.group(1)], message)
    if worded != message and worded[:1].islower() and _FIELD_NAME.match(message):
        worded = worded[:1].upper() + worded[1:]
    return worded


def _is_plain_sentence(text: str) -> bool:
    """Short text without markup or JSON, fit to quote to a non-technical person."""
    return 0 < len(text) <= MAX_SHORT_CHARS and not any(ch in text for ch in "<>{}[]`\\|")


def _wait_phrase(seconds: float) -> str:
    if seconds < 10:
        return "in a few seconds"
    if seconds < 60:
        return f"in about {math.ceil(seconds)} seconds"
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return f"in about {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 48 * 3600:
        hours = math.ceil(seconds / 3600)
        return f"in about {hours} hour{'s' if hours != 1 else ''}"
    return "later"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP date), or ``None``.

    Decimal seconds are accepted too (lenient, and lets tests use short waits); anything
    unreadable, negative or infinite is ignored, so the normal backoff applies.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# --- one attempt's bookkeeping -------------------------------------------------------------------


class _AttemptProgress:
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

    def trace(self, name: str, info: Mapping[str, Any]) -> None:
        if name.endswith(".send_request_headers.started"):
            request = info.get("request")
            if getattr(request, "method", b"") != b"CONNECT":  # a proxy tunnel is not the request
                self.request_sent = True
        elif name.endswith(".connect_tcp.complete"):
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


@dataclass(frozen=True)
class _Failure:
    """A failed attempt, before the number of attempts is known."""

    kind: type[KomboError]
    user_message: str | None
    detail: ErrorDetail
    retryable: bool = False
    retry_after: float | None = None

    def error(self, attempts: int) -> KomboError:
        detail = replace(self.detail, attempts=attempts)
        if issubclass(self.kind, RateLimitedError):
            return self.kind(self.user_message, detail=detail, retry_after=self.retry_after)
        return self.kind(self.user_message, detail=detail)


@dataclass(frozen=True)
class _LinkProblem:
    """Why a link is refused: ``technical`` for support (never quoting the link), and the
    sentence for the person (``None``: ``UnsafeLinkError``'s own)."""

    technical: str
    user_message: str | None = None


@dataclass(frozen=True)
class _Call:
    method: str
    path: str
    operation: str
    body: dict[str, object] | None
    max_body_bytes: int


@dataclass(frozen=True)
class _Answer:
    payload: dict[str, Any]
    attempts: int
    status: int


class _BodyTooLargeError(Exception):
    pass


class _BodyTooSlowError(Exception):
    pass


class _UnsupportedEncodingError(Exception):
    pass


_KOMBO_CODE_ERRORS: Mapping[str, type[KomboError]] = {
    "PLATFORM.AUTHENTICATION_INVALID": AuthenticationError,
    "PLATFORM.IP_NOT_WHITELISTED": IpNotAllowedError,
    "PLATFORM.INPUT_INVALID": InputRejectedError,
    "PLATFORM.INTEGRATION_NOT_FOUND": NotFoundError,
    "PLATFORM.RATE_LIMIT_EXCEEDED": RateLimitedError,
    "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED": RateLimitedError,
    "PLATFORM.TASK_TIMED_OUT": ServerError,
    "PLATFORM.UNKNOWN_ERROR": ServerError,
}

_DNS_MESSAGE = (
    "Could not find Kombo's server on the network. Check that you are online (and on the VPN if "
    "your company uses one), and that the region or API address in Settings is right."
)
_DROPPED_MESSAGE = (
    "The connection to Kombo broke before its answer arrived. Check your connection and try again."
)
_PROXY_MESSAGE = (
    "Your network's proxy server did not let the connection to Kombo through. Ask your IT team "
    "to check this computer's proxy settings."
)
_PROXY_SETTINGS_MESSAGE = (
    "This computer's proxy settings could not be used, so Kombo could not be reached. Ask your IT "
    "team to check them."
)
_PROXY_LOGIN_MESSAGE = (
    "Your network's proxy server asks for a login before it lets the connection to Kombo "
    "through. Ask your IT team."
)
_ERROR_PAGE_MESSAGE = (
    "An error page came back instead of Kombo's answer: Kombo, or a network device between you "
    "and Kombo, has a problem. Try again in a few minutes; if it keeps happening, ask your IT team."
)
_REDIRECT_MESSAGE = (
    "The request was sent somewhere other than Kombo (a network login page or filter may be in "
    "the way). Open any web page in your browser to check the connection, or ask your IT team."
)
_TOO_LARGE_MESSAGE = (
    "The answer was far larger than one from Kombo, so it was not read. Try again; if it keeps "
    "happening, ask your IT team (a network filter may be in the way)."
)
_NO_LINK_MESSAGE = (
    "Kombo's answer did not contain a link. Try again; if it keeps happening, copy the details "
    "for support."
)
_WRONG_ADDRESS_MESSAGE = (
    "Kombo did not recognise the request's address. Check the region or the custom API address "
    "in Settings."
)
_CONCURRENCY_MESSAGE = (
    "Too many requests are running at the same time for this Kombo account. Wait a moment and "
    "try again."
)
_TASK_TIMED_OUT_MESSAGE = (
    "Kombo took too long on its side and gave up. Try again in a minute; if it keeps happening, "
    "copy the details for support."
)
_LINK_TOO_LONG_MESSAGE = (
    "The link in Kombo's answer was far too long to be a real Kombo link, so it was not shown. "
    "Try again; if it keeps happening, tell support."
)
_LINK_WITH_KEY_MESSAGE = (
    "The link in Kombo's answer contained an API key, so it was not shown: a key must never "
    "reach a customer. Try again; if it keeps happening, tell support."
)
_BAD_KEY_MESSAGE = (
    "The saved API key contains spaces or characters a Kombo key never has. Paste the key again "
    "in Settings, copied straight from the Kombo dashboard."
)


# --- the client ----------------------------------------------------------------------------------


class KomboClient:
    """Kombo's API for this program: links, relinks, key checks and tool lists.

    Safe to share between threads; each call blocks, so the window calls it on a worker thread.
    ``close()`` cancels calls still running, so closing the window never waits for the network.
    """

    def __init__(
        self,
        api_base: str,
        api_key: str | None,
        *,
        timeout: float = 20.0,
        max_attempts: int = 4,
        max_retry_seconds: float = 30.0,
        max_body_bytes: int = 1_000_000,
        transport: httpx.BaseTransport | None = None,
        backoff_seconds: float = 0.5,
    ) -> None:
        if not timeout > 0:
            raise ValueError("timeout must be positive")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not max_retry_seconds >= 0:
            raise ValueError("max_retry_seconds must not be negative")
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        if not backoff_seconds >= 0:
            raise ValueError("backoff_seconds must not be negative")
        self.api_base = normalize_api_base(api_base)
        self._key = api_key.strip() if api_key else None
        register_secret(self._key)
        self._loopback = is_loopback_url(self.api_base)
        self._timeout = float(timeout)
        self._max_attempts = max_attempts
        self._max_retry_seconds = float(max_retry_seconds)
        self._max_body_bytes = max_body_bytes
        self._backoff = float(backoff_seconds)
        self._transport = transport
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._active: set[CancelToken] = set()
        self._closed = False

    def __repr__(self) -> str:  # never the key
        return f"KomboClient({self.api_base!r})"

    # --- public calls ----------------------------------------------------------------------------

    def create_link(self, request: LinkRequest, cancel: CancelToken | None = None) -> CreatedLink:
        """A new connection link for a customer (``POST /connect/create-link``)."""
        path = "/connect/create-link"
        call = _Call("POST", path, f"POST {path}", request.to_json(), self._max_body_bytes)
        answer = self._call(call, cancel)
        return self._link_from(answer, call)

    def create_relink(
        self, request: RelinkRequest, cancel: CancelToken | None = None
    ) -> CreatedLink:
        """A reconnection link for an existing integration (``POST /integrations/{id}/relink``)."""
        path = f"/integrations/{quote(request.integration_id, safe=':')}/relink"
        call = _Call("POST", path, f"POST {path}", request.to_json(), self._max_body_bytes)
        answer = self._call(call, cancel)
        return self._link_from(answer, call)

    def check_api_key(self, cancel: CancelToken | None = None) -> str:
        """The id of the environment the key belongs to (``GET /check-api-key``)."""
        path = "/check-api-key"
        call = _Call("GET", path, f"GET {path}", None, self._max_body_bytes)
        answer = self._call(call, cancel)
        data = answer.payload.get("data")
        environment = data.get("environment_id") if isinstance(data, dict) else None
        if not isinstance(environment, str) or not environment.strip():
            raise self._unexpected(call, answer, "answer without data.environment_id")
        cleaned = clean_text(environment, MAX_SHORT_CHARS, self._secrets())
        if not cleaned or " " in cleaned:
            raise self._unexpected(call, answer, "unusable data.environment_id")
        return cleaned

    def list_tools(self, category: Category, cancel: CancelToken | None = None) -> list[Tool]:
        """The tools enabled in the key's environment (``GET /tools/{category}``)."""
        path = f"/tools/{Category(category).value.lower()}"
        cap = self._max_body_bytes * TOOLS_BODY_FACTOR
        call = _Call("GET", path, f"GET {path}", None, cap)
        answer = self._call(call, cancel)
        data = answer.payload.get("data")
        items = data.get("tools") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise self._unexpected(call, answer, "answer without a data.tools list")
        # A tool whose id or label carries the key would put it in the tool list on screen and
        # in the catalog cache on disk: such a tool is left out (checked before and after the
        # labels are cleaned and shortened, so no piece of a key gets through either way).
        safe_items = [item for item in items if not self._item_holds_secret(item)]
        parsed = tools_from_api(Category(category), safe_items)
        tools = [
            tool
            for tool in parsed
            if not self._holds_secret(tool.id) and not self._holds_secret(tool.label)
        ]
        if len(safe_items) < len(items) or len(tools) < len(parsed):
            _log.warning("%s: left out tools whose id or label held the API key", call.operation)
        return tools

    def close(self) -> None:
        """Cancel calls still running and release the connection pool. Safe to call twice."""
        with self._lock:
            self._closed = True
            active = list(self._active)
            http_client, self._http = self._http, None
        for token in active:
            token.cancel()
        if http_client is not None:
            http_client.close()

    def __enter__(self) -> KomboClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- the retry loop ------------------------------------------------------------------------

    def _call(self, call: _Call, cancel: CancelToken | None) -> _Answer:
        headers = self._headers(call)
        token = CancelToken()
        unsubscribe = cancel.on_cancel(token.cancel) if cancel is not None else (lambda: None)
        with self._lock:
            if self._closed:
                unsubscribe()
                raise RuntimeError("This KomboClient was closed; make a new one.")
            self._active.add(token)
        try:
            return self._attempts(call, headers, token)
        finally:
            unsubscribe()
            with self._lock:
                self._active.discard(token)

    def _attempts(self, call: _Call, headers: dict[str, str], token: CancelToken) -> _Answer:
        started = time.monotonic()
        deadline = started + self._max_retry_seconds
        attempt = 0
        while True:
            if token.cancelled:
                raise self._cancelled(call, attempt, request_sent=False)
            attempt += 1
            outcome = self._attempt(call, headers, token, attempt)
            if isinstance(outcome, tuple):
                return _Answer(outcome[0], attempt, outcome[1])
            failure = outcome
            if not failure.retryable or attempt >= self._max_attempts:
                _log.info("%s failed after %d attempt(s)", call.operation, attempt)
                raise failure.error(attempt)
            if failure.retry_after is not None:
                delay = failure.retry_after
            else:
                delay = self._backoff_delay(attempt)
            if time.monotonic() + delay > deadline:
                _log.info(
                    "%s: not retrying, a %.1f s wait would exceed the %.1f s budget",
                    call.operation,
                    delay,
                    self._max_retry_seconds,
                )
                raise failure.error(attempt)
            _log.info("%s: retrying in %.2f s (attempt %d)", call.operation, delay, attempt + 1)
            if token.wait(delay):
                raise self._cancelled(call, attempt, request_sent=False)

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": never zero, never in lock-step with others."""
        ceiling = min(BACKOFF_CAP, self._backoff * 2.0 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _headers(self, call: _Call) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        if self._key is None:
            if not self._loopback:
                raise MissingApiKeyError(detail=ErrorDetail(operation=call.operation))
            return headers  # the demo service needs no key
        if not all(33 <= ord(ch) < 127 for ch in self._key):
            raise AuthenticationError(
                _BAD_KEY_MESSAGE, detail=ErrorDetail(operation=call.operation)
            )
        headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _http_client(self, call: _Call, attempt: int) -> httpx.Client:
        with self._lock:
            if self._closed:
                raise self._cancelled(call, attempt - 1, request_sent=False)
            if self._http is not None:
                return self._http
            timeout = httpx.Timeout(
                connect=min(self._timeout, MAX_CONNECT_TIMEOUT),
                read=self._timeout,
                write=self._timeout,
                pool=min(self._timeout, MAX_POOL_TIMEOUT),
            )
            try:
                self._http = httpx.Client(
                    verify=tls.ssl_context(),
                    # Proxies from the environment, except for the demo on this computer.
                    trust_env=not self._loopback,
                    timeout=timeout,
                    follow_redirects=False,
                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=0),
                    cookies=_no_cookies(),
                    headers={"User-Agent": tls.USER_AGENT},
                    transport=self._transport,
                )
            except (ImportError, ValueError, httpx.InvalidURL) as error:
                # E.g. a SOCKS proxy without its package, or a malformed HTTPS_PROXY value.
                raise ConnectionFailedError(
                    _PROXY_SETTINGS_MESSAGE,
                    detail=ErrorDetail(
                        operation=call.operation,
                        message=clean_text(f"proxy settings: {error}", secrets=self._secrets()),
                    ),
                ) from None
            return self._http

    # --- one attempt ---------------------------------------------------------------------------

    def _attempt(
        self, call: _Call, headers: dict[str, str], token: CancelToken, attempt: int
    ) -> tuple[dict[str, Any], int] | _Failure:
        http_client = self._http_client(call, attempt)
        progress = _AttemptProgress()
        stop_listening = token.on_cancel(progress.abort)
        began = time.monotonic()
        try:
            request = http_client.build_request(
                call.method,
                self.api_base + call.path,
                json=call.body,
                headers=headers,
                extensions={"trace": progress.trace},
            )
            response = http_client.send(request, stream=True)
            try:
                body = self._read_body(response, call.max_body_bytes, token)
            finally:
                response.close()
        except RuntimeError:
            # httpx refuses to send on a client that close() shut from another thread.
            if token.cancelled:
                raise self._cancelled(call, attempt, progress.request_sent) from None
            raise
        except httpx.HTTPError as error:
            if token.cancelled:
                raise self._cancelled(call, attempt, progress.request_sent) from None
            failure = self._transport_failure(call, error, progress.request_sent)
            _log.info(
                "%s attempt %d: %s after %.2f s",
                call.operation,
                attempt,
                type(error).__name__,
                time.monotonic() - began,
            )
            return failure
        except _BodyTooSlowError:
            return self._failure(
                RequestTimeoutError, None, call, response.status_code, "answer body too slow"
            )
        except _BodyTooLargeError:
            return self._failure(
                UnexpectedResponseError,
                _TOO_LARGE_MESSAGE,
                call,
                response.status_code,
                f"answer larger than {call.max_body_bytes} bytes",
            )
        except _UnsupportedEncodingError as error:
            return self._failure(
                UnexpectedResponseError, None, call, response.status_code, str(error)
            )
        finally:
            stop_listening()
            progress.release()
        if token.cancelled:
            raise self._cancelled(call, attempt, progress.request_sent)
        _log.info(
            "%s attempt %d: HTTP %d after %.2f s",
            call.operation,
            attempt,
            response.status_code,
            time.monotonic() - began,
        )
        return self._interpret(call, response, body)

    def _read_body(self, response: httpx.Response, cap: int, token: CancelToken) -> bytes:
        """The whole body, decoded, refusing more than ``cap`` bytes before reading them.

        The cap applies to the bytes on the wire *and* after decompression (a small gzip body
        can unpack to gigabytes). The body must arrive within one timeout of the headers, so a
        server dripping a byte at a time cannot hold the call forever.
        """
        declared = response.headers.get("Content-Length", "").strip()
        # ASCII digits only: str.isdigit() also accepts "¹" or "٣", which int() refuses.
        if declared.isascii() and declared.isdigit() and int(declared) > cap:
            raise _BodyTooLargeError
        deadline = time.monotonic() + self._timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_raw():  # as received: a chunk_size would wait to fill it
            size += len(chunk)
            if size > cap:
                raise _BodyTooLargeError
            chunks.append(chunk)
            if token.cancelled:
                raise httpx.ReadError("cancelled")
            if time.monotonic() > deadline:
                raise _BodyTooSlowError
        return _decode(b"".join(chunks), response.headers.get("Content-Encoding", ""), cap)

    # --- making sense of failures and answers --------------------------------------------------

    def _transport_failure(
        self, call: _Call, error: httpx.HTTPError, request_sent: bool
    ) -> _Failure:
        """A failure that produced no HTTP answer, and whether repeating it is safe."""
        technical = f"{type(error).__name__}: {error}"
        idempotent = call.method == "GET"
        if isinstance(error, httpx.TimeoutException):
            # Connect and pool timeouts happen before anything was sent.
            before_sending = isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout)
            safe = (
                before_sending
                or (not request_sent)
                or (idempotent and isinstance(error, httpx.WriteTimeout))
            )
            return self._failure(RequestTimeoutError, None, call, None, technical, retryable=safe)
        if isinstance(error, httpx.ProxyError):
            # httpcore reports the proxy's refusal of a tunnel as "<status> <reason>".
            login = str(error).startswith("407")
            proxy_message = _PROXY_LOGIN_MESSAGE if login else _PROXY_MESSAGE
            return self._failure(ConnectionFailedError, proxy_message, call, None, technical)
        if isinstance(error, httpx.ConnectError):
            # An untrusted certificate or any other failed handshake: never repeated, since it
            # would fail the same way, and never bypassed.
            if tls.is_tls_error(error):
                return self._failure(TlsError, None, call, None, technical)
            if tls.find_cause(error, socket.gaierror) is not None:
                return self._failure(
                    ConnectionFailedError, _DNS_MESSAGE, call, None, technical, retryable=True
                )
            return self._failure(ConnectionFailedError, None, call, None, technical, retryable=True)
        if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
            safe = idempotent or not request_sent
            message = _DROPPED_MESSAGE if request_sent else None
            return self._failure(
                ConnectionFailedError, message, call, None, technical, retryable=safe
            )
        return self._failure(ConnectionFailedError, None, call, None, technical)

    def _interpret(
        self, call: _Call, response: httpx.Response, body: bytes
    ) -> tuple[dict[str, Any], int] | _Failure:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "").lower()
        retryable = status in RETRY_STATUSES
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if retryable else None

        def fail(kind: type[KomboError], message: str | None, technical: str) -> _Failure:
            return self._failure(
                kind, message, call, status, technical, retryable=retryable, retry_after=retry_after
            )

        if _looks_like_html(content_type, body):
            page = f"HTML page instead of JSON{_html_title(body)}"
            if status == 407:
                return fail(ConnectionFailedError, _PROXY_LOGIN_MESSAGE, page)
            if status >= 500:
                return fail(UnexpectedResponseError, _ERROR_PAGE_MESSAGE, page)
            return fail(UnexpectedResponseError, None, page)
        if 300 <= status < 400:
            where = clean_text(response.headers.get("Location", "(none)"), MAX_SHORT_CHARS)
            return fail(UnexpectedResponseError, _REDIRECT_MESSAGE, f"redirect to {where}")

        payload: object = None
        parse_problem: str | None = None
        try:
            if body.strip():
                payload = json.loads(body)
            else:
                parse_problem = "empty answer"
        except RecursionError:
            parse_problem = "JSON nested too deeply"
        except ValueError as error:
            parse_problem = f"invalid JSON ({error})"

        kombo = _kombo_error(payload)
        if 200 <= status < 300 and kombo is None:
            if parse_problem is not None:
                return fail(UnexpectedResponseError, None, parse_problem)
            if not isinstance(payload, dict):
                return fail(
                    UnexpectedResponseError, None, f"JSON {type(payload).__name__}, not an object"
                )
            return payload, status
        if kombo is None and parse_problem is not None and status == 407:
            return fail(ConnectionFailedError, _PROXY_LOGIN_MESSAGE, parse_problem)
        return self._http_error(call, status, kombo, body, retryable, retry_after)

    def _http_error(
        self,
        call: _Call,
        status: int,
        kombo: dict[str, str | None] | None,
        body: bytes,
        retryable: bool,
        retry_after: float | None,
    ) -> _Failure:
        """The typed error for an answer that is not a success. Kombo's ``error.code`` decides
        first (Kombo asks clients to branch on it), the HTTP status second."""
        secrets = self._secrets()
        code = title = log_url = None
        message: str | None
        if kombo is not None:
            code = _clean_or_none(kombo.get("code"), 100, secrets)
            title = _clean_or_none(kombo.get("title"), MAX_SHORT_CHARS, secrets)
            message = _clean_or_none(kombo.get("message"), MAX_DETAIL_CHARS, secrets)
            log_url = self._clean_log_url(kombo.get("log_url"))
        else:
            # The raw text, not a re-encoding of parsed JSON: cheaper, and cannot recurse.
            message = _clean_or_none(body.decode("utf-8", "replace"), MAX_DETAIL_CHARS, secrets)
        detail = ErrorDetail(
            operation=call.operation,
            http_status=status,
            code=code,
            title=title,
            message=message,
            log_url=log_url,
        )
        kind, user_message = self._classify(call, status, code, message, kombo is not None)
        if kind is RateLimitedError and retry_after is not None and user_message is None:
            user_message = (
                "Kombo is receiving too many requests right now. Try again "
                f"{_wait_phrase(retry_after)}."
            )
        elif kind is ServerError and retry_after is not None and user_message is None:
            user_message = (
                "Kombo is unavailable for a moment and could not make the link. Try again "
                f"{_wait_phrase(retry_after)}."
            )
        return _Failure(kind, user_message, detail, retryable=retryable, retry_after=retry_after)

    @staticmethod
    def _classify(
        call: _Call, status: int, code: str | None, message: str | None, from_kombo: bool
    ) -> tuple[type[KomboError], str | None]:
        kind = _KOMBO_CODE_ERRORS.get(code or "")
        if kind is None:
            if status in (401, 403):
                kind = AuthenticationError
            elif status in (400, 422):
                kind = InputRejectedError
            elif status == 404:
                kind = NotFoundError
            elif status == 429:
                kind = RateLimitedError
            elif status >= 500:
                kind = ServerError
            elif from_kombo:
                kind = KomboError
            else:
                kind = UnexpectedResponseError
        user_message: str | None = None
        if kind is InputRejectedError and message and _is_plain_sentence(message):
            user_message = (
                f"Kombo did not accept these details: “{_in_form_words(message)}” Check the "
                "fields and try again."
            )
        elif kind is NotFoundError and code != "PLATFORM.INTEGRATION_NOT_FOUND":
            if not call.path.startswith("/integrations/") or not from_kombo:
                user_message = _WRONG_ADDRESS_MESSAGE
        elif kind is RateLimitedError and code == "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED":
            user_message = _CONCURRENCY_MESSAGE
        elif code == "PLATFORM.TASK_TIMED_OUT":
            user_message = _TASK_TIMED_OUT_MESSAGE
        elif kind is KomboError and message and _is_plain_sentence(message):
            user_message = f"Kombo could not do this: “{message}”"
        return kind, user_message

    def _link_from(self, answer: _Answer, call: _Call) -> CreatedLink:
        data = answer.payload.get("data")
        raw = data.get("link") if isinstance(data, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            raise self._unexpected(call, answer, "answer without data.link", _NO_LINK_MESSAGE)
        link = raw.strip()
        problem = self._link_problem(link)
        if problem is not None:
            raise UnsafeLinkError(
                problem.user_message,
                detail=ErrorDetail(
                    operation=call.operation,
                    http_status=answer.status,
                    message=f"link refused: {problem.technical}",
                    attempts=answer.attempts,
                ),
            )
        return CreatedLink(url=link, is_demo=host_of(link) in LOOPBACK_HOSTS)

    def _link_problem(self, link: str) -> _LinkProblem | None:
        """Why ``link`` must not be shown, or ``None``. Says what is wrong without quoting it:
        a hostile link does not belong in support text either.

        The person reads the problem in words that fit it: a link far too long to be Kombo's,
        one that carries the API key, or (for everything else) one that is not a secure web
        address (``UnsafeLinkError``'s own words).
        """
        if len(link) > MAX_LINK_CHARS:
            return _LinkProblem(f"{len(link)} characters long", _LINK_TOO_LONG_MESSAGE)
        if self._holds_secret(link):
            # Shown, copied or turned into a QR code, it would reach the customer.
            return _LinkProblem("contains an API key", _LINK_WITH_KEY_MESSAGE)
        problem = self._unsafe_address(link)
        return _LinkProblem(problem) if problem is not None else None

    def _unsafe_address(self, link: str) -> str | None:
        """Why ``link`` is not an address fit to open, or ``None``."""
        if not link.isascii() or any(ch.isspace() or not ch.isprintable() for ch in link):
            return "contains spaces, control or non-ASCII characters"
        try:
            parts = urlsplit(link)
            parts.port  # noqa: B018 (parsing the port is what validates it)
        except ValueError:
            return "not a valid web address"
        scheme = clean_text(parts.scheme.lower(), 20) or "(none)"
        if parts.username is not None or parts.password is not None:
            return "contains a user name or password"
        if not parts.hostname:
            return f"scheme {scheme} without a host"
        loopback = parts.hostname in LOOPBACK_HOSTS
        if loopback and not self._loopback:
            return "points at this computer although Kombo is not"
        if scheme == "https" or (scheme == "http" and loopback):
            return None
        return f"scheme {scheme}, not https"

    # --- small helpers -------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return (self._key,) if self._key else ()

    def _holds_secret(self, text: str) -> bool:
        """Whether ``text``, as sent or once percent-decoded, carries this client's key or
        anything the log filter would mask (every registered key, ``Bearer ...``, an
        ``api_key=...`` value): what must never be logged must never be shown either."""
        key = self._key if self._key and len(self._key) >= MIN_SECRET_LENGTH else None
        for form in (text, unquote(text)):
            if (key is not None and key in form) or redact(form) != form:
                return True
        return False

    def _item_holds_secret(self, item: object) -> bool:
        """Whether a raw ``data.tools`` entry has a secret in its id or label."""
        if not isinstance(item, dict):
            return False
        return any(
            isinstance(value, str) and self._holds_secret(value)
            for value in (item.get("id"), item.get("label"))
        )

    def _clean_log_url(self, value: str | None) -> str | None:
        """Kombo's dashboard link for support, only if it is a real ``https://`` address."""
        if value is None:
            return None
        url = clean_text(value, MAX_DETAIL_CHARS, self._secrets())
        if not url.lower().startswith("https://") or " " in url or url.endswith("…"):
            return None
        return url

    def _failure(
        self,
        kind: type[KomboError],
        message: str | None,
        call: _Call,
        status: int | None,
        technical: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> _Failure:
        detail = ErrorDetail(
            operation=call.operation,
            http_status=status,
            message=clean_text(technical, secrets=self._secrets()),
        )
        return _Failure(kind, message, detail, retryable, retry_after)

    @staticmethod
    def _unexpected(
        call: _Call, answer: _Answer, technical: str, message: str | None = None
    ) -> UnexpectedResponseError:
        detail = ErrorDetail(
            operation=call.operation,
            http_status=answer.status,
            message=technical,
            attempts=answer.attempts,
        )
        return UnexpectedResponseError(message, detail=detail)

    @staticmethod
    def _cancelled(call: _Call, attempts: int, request_sent: bool) -> RequestCancelled:
        note = (
            "cancelled while waiting for the answer; Kombo may have acted on the request, "
            "nothing was shown"
            if request_sent and call.method != "GET"
            else "cancelled before an answer arrived"
        )
        return RequestCancelled(
            detail=ErrorDetail(operation=call.operation, message=note, attempts=attempts)
        )


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: Kombo's API sets no cookies, and a captive portal's or proxy's
    cookies must not travel to Kombo with the next request."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _decode(raw: bytes, content_encoding: str, cap: int) -> bytes:
    encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    data = raw
    for encoding in reversed(encodings):
        if encoding == "identity":
            continue
        if encoding in {"gzip", "x-gzip", "deflate"}:
            wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
            decompressor = zlib.decompressobj(wbits)
            try:
                data = decompressor.decompress(data, cap + 1)
            except zlib.error as error:
                raise _UnsupportedEncodingError(f"damaged {encoding} body ({error})") from None
            if len(data) > cap or decompressor.unconsumed_tail:
                raise _BodyTooLargeError
            continue
        raise _UnsupportedEncodingError(f"unsupported Content-Encoding {encoding[:40]!r}")
    return data


def _looks_like_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type:
        return True
    if any(kind in content_type for kind in _JSON_TYPES):
        return False
    return body.lstrip()[:1] == b"<"


def _html_title(body: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.{0,400}?)</title", body[:65_536], re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    title = clean_text(match.group(1).decode("utf-8", "replace"), 100)
    return f" (title: {title})" if title else ""


def _kombo_error(payload: object) -> dict[str, str | None] | None:
    """Kombo's ``{"status": "error", "error": {...}}`` parts, or ``None`` for any other shape.

    Every part but ``message`` may be null, and older answers carry only ``message``.
    """
    if not isinstance(payload, dict) or payload.get("status") == "success":
        return None
    error = payload.get("error")
    if not isinstance(error, dict):
        return None
    parts = {
        key: value if isinstance(value, str) and value.strip() else None
        for key in ("code", "title", "message", "log_url")
        for value in [error.get(key)]
    }
    if all(value is None for value in parts.values()):
        return None
    return parts


def _clean_or_none(value: str | None, limit: int, secrets: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    return clean_text(value, limit, secrets) or None
