"""The one place that talks to Kombo over the network, and the public entry point for doing so.

Everything that can go wrong between this computer and Kombo ends here as one of the typed errors
of ``kombo_desktop.core.errors``: plain words for the person at the screen, and an ``ErrorDetail``
for support. Nothing from the network is trusted: answers are read with a size cap, cleaned of
control characters and truncated before they reach a message, and a link is only handed out when
it is an ``https://`` address (the local demo service's ``http://127.0.0.1`` links aside).
Nor is anything sent that holds a key the program knows, as customer data or in an address:
what the person typed is looked at again right before every attempt, and such a request ends
as the form's ``InvalidRequest`` (``link_request.refuse_known_keys``).

This module holds ``KomboClient``: the calls, the loop of attempts, and the HTTP transport (TLS,
proxies, timeouts, cancelling a request in flight). What it decides with lives in small modules
of its own, each free of httpx; callers import what they need from them, not from here:

* ``cancel``: ``CancelToken``, the "stop" flag the window hands in;
* ``retry_policy``: what is repeated and why, backoff, ``Retry-After``, ``RETRY_STATUSES``;
* ``answers``: reading a body with a cap, Kombo's error bodies, the typed error for an answer;
* ``link_check``: which links may be shown (``CreatedLink``);
* ``safe_text``: cleaning text from the network (``clean_text``), spotting a key in it;
* ``messages``: the sentences the person reads;
* ``refusals``: reading Kombo's refusals of what was sent (the fields named, why each);
* ``attempt_progress``: whether a request went out, and the sockets a cancel shuts down;
* ``proxies``: this computer's proxy settings, described for support without their logins.

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

Links and lookups
-----------------
The person's own requests (the ``POST`` calls that make a link) and the lookups the window makes
in the background (key check, tool lists, whose an integration is) go out through two httpx
clients with a TLS context each (``tls.separate_context``): a handshake that never completes
holds every other handshake on its context, and a stalled lookup must never make the person wait.

httpx is imported here and in no module the window loads at start-up.
"""

from __future__ import annotations

import http.cookiejar
import importlib.util
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import wraps
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote, urlsplit

from kombo_desktop.core import messages, proxies, retry_policy, tls
from kombo_desktop.core.answers import (
    BodyTooLargeError,
    BodyTooSlowError,
    Call,
    Failure,
    ReadCancelledError,
    UnsupportedEncodingError,
    failure,
    interpret,
    read_body,
)
from kombo_desktop.core.api_address import is_loopback_url, normalize_api_base
from kombo_desktop.core.attempt_progress import AttemptProgress
from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.catalog import MAX_TOOLS_PER_CATEGORY, Tool, tools_from_api
from kombo_desktop.core.credentials import MIN_KEY_LENGTH
from kombo_desktop.core.error_detail import ErrorDetail
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    IpNotAllowedError,
    KomboError,
    MalformedKeyError,
    MissingApiKeyError,
    RateLimitedError,
    RequestCancelled,
    RequestTimeoutError,
    ServerError,
    ShortKeyError,
    TlsError,
    UnexpectedResponseError,
    UnsafeLinkError,
)
from kombo_desktop.core.http_library import httpx
from kombo_desktop.core.integrations import IntegrationInfo, integration_from_answer
from kombo_desktop.core.link_check import CreatedLink, created_link, link_problem
from kombo_desktop.core.link_request import (
    INTEGRATION_ID,
    InvalidRequest,
    LinkRequest,
    RelinkRequest,
    refuse_known_keys,
    typed_text,
)
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.safe_text import MAX_SHORT_CHARS, clean_text, unsafe_to_show
from kombo_desktop.core.vocabulary import Category

__all__ = ["KomboClient"]

_log = logging.getLogger(__name__)

# Connecting normally takes well under a second; a long connect timeout only delays the message.
MAX_CONNECT_TIMEOUT = 10.0
MAX_POOL_TIMEOUT = 5.0
# GET /tools/{category} carries coverage tables for every tool, far more than a link answer.
TOOLS_BODY_FACTOR = 8


_Params = ParamSpec("_Params")
_Result = TypeVar("_Result")


def _failures_logged(
    call: Callable[Concatenate[KomboClient, _Params], _Result],
) -> Callable[Concatenate[KomboClient, _Params], _Result]:
    """A public call whose failure names the API address in its details and leaves them for
    support in the log, once, whichever step failed.

    They are the text of the window's "Copy details" (already cleaned of the key and cut short)
    without the words of an error answer (see ``ErrorDetail.as_log_text``); without them the log
    held only the status and the attempts, and support asks for the log.
    A cancel is the person's choice, not a failure.
    """

    @wraps(call)
    def logging_failures(
        client: KomboClient, /, *args: _Params.args, **kwargs: _Params.kwargs
    ) -> _Result:
        try:
            return call(client, *args, **kwargs)
        except RequestCancelled:
            raise
        except KomboError as error:
            error.detail = replace(error.detail, api_address=client.api_base)
            _log.warning(
                "Request failed (%s): %s", type(error).__name__, error.detail.as_log_text()
            )
            raise

    return logging_failures


@dataclass(frozen=True)
class _Answer:
    """A successful answer: its JSON object, and how it came about (for support details)."""

    payload: dict[str, Any]
    attempts: int
    status: int


# Hears each wait before a repeat, and the repeat starting, as a sentence for the person
# (``messages.retry_wait_message``, ``messages.retrying_message``).
RetryListener = Callable[[str], None]


def _why_repeated(failed: Failure) -> str:
    """What the wait before repeating ``failed`` says of Kombo ("Kombo …"), as the sentence
    shown if it fails for good would: a timeout once a connection was made (all connections
    busy with unanswered requests, an attempt's deadline before its request went out) is
    Kombo slow to answer, not out of reach, though its kind is the same."""
    if failed.user_message == messages.SLOW_ANSWER_MESSAGE:
        return messages.SLOW_TO_ANSWER
    kind = failed.kind
    if issubclass(kind, RateLimitedError):
        return "is receiving too many requests right now"
    if issubclass(kind, ServerError):
        return "had a problem on its side"
    if issubclass(kind, ConnectionFailedError | RequestTimeoutError):
        return "could not be reached"
    return "did not answer as expected"


def _tell(listener: RetryListener, words: str) -> None:
    try:
        listener(words)
    except Exception:  # the window may be closing: the request itself goes on regardless
        _log.exception("A retry listener failed")


class KomboClient:
    """Kombo's API for this program: links, relinks, key checks, tool lists and integrations.

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
        register_key: bool = True,
    ) -> None:
        """``register_key``: hand the key to the log filter (``logs.register_secret``), which
        also makes every form refuse it. False only for text not known to be a key yet, which
        Settings checks with Kombo before taking it for one: an e-mail address typed into the
        key field by mistake must not be refused in the form ever after. The client masks
        its own key in whatever it reports all the same (``_secrets``)."""
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
        if register_key:
            register_secret(self._key)
        self._loopback = is_loopback_url(self.api_base)
        self._origin = _origin(self.api_base)
        self._timeout = float(timeout)
        # One attempt as a whole: connecting, then the answer's headers and its body within a
        # timeout each (each read alone has only the timeout, however many reads there are).
        self._attempt_seconds = min(self._timeout, MAX_CONNECT_TIMEOUT) + 2 * self._timeout
        self._max_attempts = max_attempts
        self._max_retry_seconds = float(max_retry_seconds)
        self._max_body_bytes = max_body_bytes
        self._backoff = float(backoff_seconds)
        self._transport = transport
        self._lock = threading.Lock()
        self._http: _HttpClients | None = None
        self._active: set[CancelToken] = set()
        self._closed = False

    def __repr__(self) -> str:  # never the key
        return f"KomboClient({self.api_base!r})"

    # --- public calls ----------------------------------------------------------------------------

    @_failures_logged
    def create_link(
        self,
        request: LinkRequest,
        cancel: CancelToken | None = None,
        on_retry: RetryListener | None = None,
    ) -> CreatedLink:
        """A new connection link for a customer (``POST /connect/create-link``). ``on_retry``
        hears, on the calling thread, each wait before a repeat, in words for the person.

        Raises ``InvalidRequest`` instead of sending when a field holds a key the program
        knows by then (see ``link_request.refuse_known_keys``)."""
        path = "/connect/create-link"
        body = request.to_json()
        typed = typed_text(request)
        call = Call("POST", path, f"POST {path}", body, self._max_body_bytes, typed)
        answer = self._call(call, cancel, on_retry)
        return self._link_from(answer, call)

    @_failures_logged
    def create_relink(
        self,
        request: RelinkRequest,
        cancel: CancelToken | None = None,
        on_retry: RetryListener | None = None,
    ) -> CreatedLink:
        """A reconnection link for an existing integration (``POST /integrations/{id}/relink``);
        ``on_retry`` and ``InvalidRequest`` as for ``create_link``."""
        path = f"/integrations/{quote(request.integration_id, safe=':')}/relink"
        body = request.to_json()
        typed = typed_text(request)
        call = Call("POST", path, f"POST {path}", body, self._max_body_bytes, typed)
        answer = self._call(call, cancel, on_retry)
        return self._link_from(answer, call)

    @_failures_logged
    def check_api_key(self, cancel: CancelToken | None = None) -> str:
        """The id of the environment the key belongs to (``GET /check-api-key``)."""
        path = "/check-api-key"
        call = Call("GET", path, f"GET {path}", None, self._max_body_bytes)
        answer = self._call(call, cancel)
        data = answer.payload.get("data")
        environment = data.get("environment_id") if isinstance(data, dict) else None
        if not isinstance(environment, str) or not environment.strip():
            raise self._unexpected(call, answer, "answer without data.environment_id")
        cleaned = clean_text(environment, MAX_SHORT_CHARS, self._secrets())
        if not cleaned or " " in cleaned:
            raise self._unexpected(call, answer, "unusable data.environment_id")
        return cleaned

    @_failures_logged
    def get_integration(
        self, integration_id: str, cancel: CancelToken | None = None
    ) -> IntegrationInfo:
        """Whose an integration is and whether it works (``GET /integrations/{id}``); raises
        ``NotFoundError`` for an id Kombo does not know in the key's environment, and
        ``InvalidRequest`` instead of asking when the id holds a key the program knows."""
        path = f"/integrations/{quote(integration_id, safe=':')}"
        typed = ((INTEGRATION_ID, integration_id),)
        call = Call("GET", path, f"GET {path}", None, self._max_body_bytes, typed)
        answer = self._call(call, cancel)
        secrets = self._secrets()

        def clean(text: str) -> str:
            cleaned = clean_text(text, MAX_SHORT_CHARS, secrets)
            return "" if unsafe_to_show(text, self._key) else cleaned

        info = integration_from_answer(answer.payload.get("data"), clean)
        if info is None:
            raise self._unexpected(call, answer, "answer without data.id and data.tool")
        return info

    @_failures_logged
    def list_tools(self, category: Category, cancel: CancelToken | None = None) -> list[Tool]:
        """The tools enabled in the key's environment (``GET /tools/{category}``)."""
        path = f"/tools/{Category(category).value.lower()}"
        cap = self._max_body_bytes * TOOLS_BODY_FACTOR
        call = Call("GET", path, f"GET {path}", None, cap)
        answer = self._call(call, cancel)
        data = answer.payload.get("data")
        items = data.get("tools") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise self._unexpected(call, answer, "answer without a data.tools list")
        # A tool whose id or label carries the key would put it in the tool list on screen and
        # in the catalog cache on disk: such a tool is left out (checked before and after the
        # labels are cleaned and shortened, so no piece of a key gets through either way).
        safe_items = [item for item in items if not self._item_unsafe_to_show(item)]
        parsed = tools_from_api(Category(category), safe_items)
        tools = [
            tool
            for tool in parsed
            if not unsafe_to_show(tool.id, self._key) and not unsafe_to_show(tool.label, self._key)
        ]
        if len(safe_items) < len(items) or len(tools) < len(parsed):
            _log.warning("%s: left out tools whose id or label held the API key", call.operation)
        if len(tools) > MAX_TOOLS_PER_CATEGORY:
            # No account has that many (Kombo has about 200 tools in all). Taken whole, such
            # a list stopped the window as it arrived, and every key press in the tool box.
            _log.warning(
                "%s: listed %d tools, more than any account has; kept the first %d",
                call.operation,
                len(tools),
                MAX_TOOLS_PER_CATEGORY,
            )
            tools = tools[:MAX_TOOLS_PER_CATEGORY]
        return tools

    def close(self) -> None:
        """Cancel calls still running and release the connection pool. Safe to call twice."""
        with self._lock:
            self._closed = True
            active = list(self._active)
            http_clients, self._http = self._http, None
        for token in active:
            token.cancel()
        if http_clients is not None:
            http_clients.close()

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

    def _call(
        self, call: Call, cancel: CancelToken | None, on_retry: RetryListener | None = None
    ) -> _Answer:
        headers = self._headers(call)
        token = CancelToken()
        unsubscribe = cancel.on_cancel(token.cancel) if cancel is not None else (lambda: None)
        with self._lock:
            if self._closed:
                unsubscribe()
                raise RuntimeError("This KomboClient was closed; make a new one.")
            self._active.add(token)
        try:
            return self._attempts(call, headers, token, on_retry)
        finally:
            unsubscribe()
            with self._lock:
                self._active.discard(token)

    def _attempts(
        self,
        call: Call,
        headers: dict[str, str],
        token: CancelToken,
        on_retry: RetryListener | None,
    ) -> _Answer:
        """Attempts until one succeeds or ``retry_policy`` says stop (see its docstring)."""
        started = time.monotonic()
        deadline = started + self._max_retry_seconds
        attempt = 0
        while True:
            if token.cancelled:
                raise self._cancelled(call, attempt, request_sent=False)
            self._refuse_known_keys(call)
            attempt += 1
            outcome = self._attempt(call, headers, token, attempt)
            if isinstance(outcome, _Answer):
                return outcome
            failed = outcome
            if not failed.retryable or attempt >= self._max_attempts:
                _log.info("%s failed after %d attempt(s)", call.operation, attempt)
                raise failed.error(attempt)
            delay = retry_policy.wait_before_repeat(attempt, failed.retry_after, self._backoff)
            if time.monotonic() + delay > deadline:
                _log.info(
                    "%s: not retrying, a %.1f s wait would exceed the %.1f s budget",
                    call.operation,
                    delay,
                    self._max_retry_seconds,
                )
                raise failed.error(attempt)
            _log.info("%s: retrying in %.2f s (attempt %d)", call.operation, delay, attempt + 1)
            next_try, tries = attempt + 1, self._max_attempts
            if on_retry is not None:
                why = _why_repeated(failed)
                _tell(on_retry, messages.retry_wait_message(why, delay, next_try, tries))
            if token.wait(delay):
                raise self._cancelled(call, attempt, request_sent=False)
            if on_retry is not None:  # the wait said above is over: it must not stay on show
                _tell(on_retry, messages.retrying_message(next_try, tries))

    @staticmethod
    def _refuse_known_keys(call: Call) -> None:
        """Raise ``InvalidRequest`` rather than send what the person typed when it holds a key
        the program knows now. Checked right before every attempt, after this client's own
        key was read (``__init__`` registers it) and whatever other key was read meanwhile:
        the form was checked before either, when the key may not have been known yet."""
        try:
            refuse_known_keys(call.typed)
        except InvalidRequest as refused:
            # Neither the text nor the address (a reconnection's holds the id): the fields.
            _log.warning(
                "%s request not sent: %s held an API key",
                call.method,
                ", ".join(refused.fields),
            )
            raise

    def _headers(self, call: Call) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        if self._key is None:
            if not self._loopback:
                raise MissingApiKeyError(detail=ErrorDetail(operation=call.operation))
            return headers  # the demo service needs no key
        if not all(33 <= ord(ch) < 127 for ch in self._key):
            raise MalformedKeyError(detail=ErrorDetail(operation=call.operation))
        if len(self._key) < MIN_KEY_LENGTH:
            # Too short for the log filter to mask (``credentials.MIN_KEY_LENGTH``): a key
            # stored outside the program or given in KOMBO_API_KEY, never sent.
            raise ShortKeyError(detail=ErrorDetail(operation=call.operation))
        headers["Authorization"] = f"Bearer {self._key}"
        return headers

    def _http_client(self, call: Call, attempt: int) -> httpx.Client:
        with self._lock:
            if self._closed:
                raise self._cancelled(call, attempt - 1, request_sent=False)
            if self._http is None:
                # Once per client, that is once per profile or address: where requests go.
                _log.info("Requests go to the API address %s", self.api_base)
                self._http = _HttpClients(
                    links=self._new_http_client(call), lookups=self._new_http_client(call)
                )
            return self._http.for_call(call)

    def _new_http_client(self, call: Call) -> httpx.Client:
        """An httpx client with a TLS context of its own (see "Links and lookups" above)."""
        timeout = httpx.Timeout(
            connect=min(self._timeout, MAX_CONNECT_TIMEOUT),
            read=self._timeout,
            write=self._timeout,
            pool=min(self._timeout, MAX_POOL_TIMEOUT),
        )
        try:
            return httpx.Client(
                verify=tls.separate_context(),
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
            # E.g. a SOCKS proxy without its package, or a malformed HTTPS_PROXY value. The
            # error's own text quotes the proxy address, password included: never shown.
            note = proxies.unusable_settings_note(
                _proxy_problem, f"{type(error).__name__} while setting up the proxy"
            )
            raise ConnectionFailedError(
                messages.PROXY_SETTINGS_MESSAGE,
                detail=ErrorDetail(
                    operation=call.operation,
                    message=clean_text(note, secrets=self._secrets()),
                ),
            ) from None

    # --- one attempt ---------------------------------------------------------------------------

    def _attempt(
        self, call: Call, headers: dict[str, str], token: CancelToken, attempt: int
    ) -> _Answer | Failure:
        http_client = self._http_client(call, attempt)
        progress = AttemptProgress()
        stop_listening = token.on_cancel(progress.abort)
        stop_clock = progress.deadline(self._attempt_seconds)
        began = time.monotonic()
        answer_began = False  # the answer's headers came: a failure from then on cuts it short
        try:
            request = http_client.build_request(
                call.method,
                self.api_base + call.path,
                json=call.body,
                headers=headers,
                extensions={"trace": progress.trace},
            )
            response = http_client.send(request, stream=True)
            answer_began = True
            try:
                body = read_body(
                    response.iter_raw(),  # as received: a chunk_size would wait to fill it
                    response.headers,
                    call.max_body_bytes,
                    self._timeout,
                    lambda: token.cancelled,
                )
            finally:
                response.close()
        except RuntimeError:
            # httpx refuses to send on a client that close() shut from another thread.
            if token.cancelled:
                raise self._cancelled(call, attempt, progress.request_sent) from None
            raise
        except ReadCancelledError:
            raise self._cancelled(call, attempt, progress.request_sent) from None
        except httpx.InvalidURL:
            # httpx works out where a redirect points even though it never follows one, and a
            # Location it cannot read stops it there (it is no HTTPError): still a redirect.
            return self._failure(
                UnexpectedResponseError,
                messages.REDIRECT_MESSAGE,
                call,
                None,
                "redirect to an address that cannot be read",
            )
        except httpx.HTTPError as error:
            if token.cancelled:
                raise self._cancelled(call, attempt, progress.request_sent) from None
            if progress.expired:
                return self._out_of_time(call, progress)
            failed = self._transport_failure(call, error, progress)
            if answer_began and isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
                failed = replace(failed, user_message=messages.INCOMPLETE_ANSWER_MESSAGE)
            _log.info(
                "%s attempt %d: %s after %.2f s",
                call.operation,
                attempt,
                type(error).__name__,
                time.monotonic() - began,
            )
            return failed
        except BodyTooSlowError:
            return self._failure(
                RequestTimeoutError,
                messages.SLOW_ANSWER_MESSAGE,
                call,
                response.status_code,
                "answer body too slow",
            )
        except BodyTooLargeError:
            return self._failure(
                UnexpectedResponseError,
                messages.TOO_LARGE_MESSAGE,
                call,
                response.status_code,
                f"answer larger than {call.max_body_bytes} bytes",
            )
        except UnsupportedEncodingError as error:
            return self._failure(
                UnexpectedResponseError, None, call, response.status_code, str(error)
            )
        finally:
            stop_clock()
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
        outcome = interpret(call, response.status_code, response.headers, body, self._secrets())
        if isinstance(outcome, Failure):
            return self._as_no_key_saved(outcome)
        return _Answer(outcome, attempt, response.status_code)

    def _as_no_key_saved(self, failure: Failure) -> Failure:
        """``failure``, unless it refuses a key that was never sent: a request goes without
        one only to an address on this computer (a developer's test service may need none)
        while no key is saved for the profile, and "Kombo did not accept the API key" sent the
        person to mend a key there is not. That is said as it is, with how to add one."""
        refused_key = issubclass(failure.kind, AuthenticationError) and not issubclass(
            failure.kind, IpNotAllowedError
        )
        if self._key is not None or not refused_key:
            return failure
        host = urlsplit(self.api_base).hostname or self.api_base
        return replace(
            failure,
            kind=MissingApiKeyError,
            user_message=messages.no_key_saved_message(host),
            retryable=False,
        )

    # --- failures without an answer ------------------------------------------------------------

    def _out_of_time(self, call: Call, progress: AttemptProgress) -> Failure:
        """The attempt's deadline ended it: like a read timeout, repeated only where that is."""
        safe = retry_policy.timeout_is_repeatable(
            call.method,
            before_sending=False,
            request_sent=progress.request_sent,
            while_writing=False,
            tunnel_requested=progress.tunnel_requested,
        )
        technical = "no complete answer in time" + self._via_proxy(progress)
        message = messages.SLOW_ANSWER_MESSAGE if progress.connected else None
        return self._failure(RequestTimeoutError, message, call, None, technical, retryable=safe)

    def _transport_failure(
        self, call: Call, error: httpx.HTTPError, progress: AttemptProgress
    ) -> Failure:
        """A failure that produced no HTTP answer, and whether ``retry_policy`` lets it repeat."""
        request_sent = progress.request_sent
        technical = f"{type(error).__name__}: {error}{self._via_proxy(progress)}"
        proxy_message = self._proxy_failure_message(error, progress)
        if proxy_message is not None:
            kind = RequestTimeoutError if isinstance(error, httpx.TimeoutException) else None
            return self._failure(
                kind or ConnectionFailedError,
                proxy_message,
                call,
                None,
                technical,
                # The request itself was not sent; but a silent proxy, like any read timeout,
                # would only be waited for again (``retry_policy``).
                retryable=not isinstance(error, httpx.ReadTimeout),
            )
        if isinstance(error, httpx.TimeoutException):
            safe = retry_policy.timeout_is_repeatable(
                call.method,
                # Connect and pool timeouts happen before anything was sent.
                before_sending=isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout),
                request_sent=request_sent,
                while_writing=isinstance(error, httpx.WriteTimeout),
                tunnel_requested=progress.tunnel_requested,
                # A connect timeout once the connection was made: the TLS handshake (Kombo's, or
                # an HTTPS proxy's) was never answered.
                handshake_unanswered=progress.connected and isinstance(error, httpx.ConnectTimeout),
            )
            # Only a connect timeout before the connection was made means Kombo could not be
            # reached at all; one during the handshake came from a server that was reached.
            connected = progress.connected or not isinstance(error, httpx.ConnectTimeout)
            message = messages.SLOW_ANSWER_MESSAGE if connected else None
            return self._failure(
                RequestTimeoutError, message, call, None, technical, retryable=safe
            )
        if isinstance(error, httpx.ProxyError):
            # httpcore reports the proxy's refusal of a tunnel as "<status> <reason>".
            login = str(error).startswith("407")
            proxy_message = messages.PROXY_LOGIN_MESSAGE if login else messages.PROXY_MESSAGE
            return self._failure(ConnectionFailedError, proxy_message, call, None, technical)
        if isinstance(error, httpx.ConnectError):
            # An untrusted certificate or any other failed handshake: never repeated, since it
            # would fail the same way, and never bypassed.
            if tls.is_tls_error(error):
                return self._failure(TlsError, _tls_message(error), call, None, technical)
            if tls.find_cause(error, socket.gaierror) is not None:
                return self._failure(
                    ConnectionFailedError,
                    messages.DNS_MESSAGE,
                    call,
                    None,
                    technical,
                    retryable=True,
                )
            return self._failure(ConnectionFailedError, None, call, None, technical, retryable=True)
        if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
            safe = retry_policy.broken_connection_is_repeatable(
                call.method, request_sent=request_sent
            )
            message = messages.DROPPED_MESSAGE if request_sent else None
            return self._failure(
                ConnectionFailedError, message, call, None, technical, retryable=safe
            )
        return self._failure(ConnectionFailedError, None, call, None, technical)

    def _proxy(self, progress: AttemptProgress) -> str | None:
        """``host:port`` of the proxy the attempt went through, or ``None`` for a direct one.

        Taken from where the connection was dialled, so it is the proxy httpx chose for
        Kombo's address (``NO_PROXY`` and all), and never carries a proxy's login.
        """
        if progress.dialled is None or progress.dialled == self._origin:
            return None
        host, port = progress.dialled
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def _via_proxy(self, progress: AttemptProgress) -> str:
        proxy = self._proxy(progress)
        return f" (via proxy {proxy})" if proxy else ""

    def _proxy_failure_message(
        self, error: httpx.HTTPError, progress: AttemptProgress
    ) -> str | None:
        """The sentence for a proxy that failed before the request got through it, or ``None``
        for the usual sentences (which would blame Kombo): a proxy that could not be reached at
        all (unknown name off the VPN, refused or unanswered connection), or one that hung up
        on, or never answered, the request to open a tunnel to Kombo."""
        proxy = self._proxy(progress)
        if proxy is None or progress.request_sent or tls.is_tls_error(error):
            return None
        if not progress.connected and isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            return messages.proxy_unreachable_message(proxy)
        if not progress.tunnel_requested:
            return None
        if isinstance(error, httpx.ReadTimeout):
            return messages.proxy_silent_message(proxy)
        if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
            return messages.PROXY_MESSAGE
        return None

    # --- links ---------------------------------------------------------------------------------

    def _link_from(self, answer: _Answer, call: Call) -> CreatedLink:
        data = answer.payload.get("data")
        raw = data.get("link") if isinstance(data, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            raise self._unexpected(
                call, answer, "answer without data.link", messages.NO_LINK_MESSAGE
            )
        link = raw.strip()
        problem = link_problem(link, loopback_api=self._loopback, key=self._key)
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
        return created_link(link)

    # --- small helpers -------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return (self._key,) if self._key else ()

    def _item_unsafe_to_show(self, item: object) -> bool:
        """Whether a raw ``data.tools`` entry has a secret in its id or label."""
        if not isinstance(item, dict):
            return False
        return any(
            isinstance(value, str) and unsafe_to_show(value, self._key)
            for value in (item.get("id"), item.get("label"))
        )

    def _failure(
        self,
        kind: type[KomboError],
        message: str | None,
        call: Call,
        status: int | None,
        technical: str,
        *,
        retryable: bool = False,
    ) -> Failure:
        return failure(
            kind, message, call, status, technical, secrets=self._secrets(), retryable=retryable
        )

    @staticmethod
    def _unexpected(
        call: Call, answer: _Answer, technical: str, message: str | None = None
    ) -> UnexpectedResponseError:
        detail = ErrorDetail(
            operation=call.operation,
            http_status=answer.status,
            message=technical,
            attempts=answer.attempts,
        )
        return UnexpectedResponseError(message, detail=detail)

    @staticmethod
    def _cancelled(call: Call, attempts: int, request_sent: bool) -> RequestCancelled:
        note = (
            "cancelled while waiting for the answer; Kombo may have acted on the request, "
            "nothing was shown"
            if request_sent and call.method != "GET"
            else "cancelled before an answer arrived"
        )
        return RequestCancelled(
            detail=ErrorDetail(operation=call.operation, message=note, attempts=attempts)
        )


@dataclass(frozen=True)
class _HttpClients:
    """A ``KomboClient``'s two httpx clients (see "Links and lookups" above).

    Made together at its first request, mostly the start-up tool-list refresh in the background,
    so the person's first click finds its own made already.
    """

    links: httpx.Client  # the person's link: the POST calls
    lookups: httpx.Client  # the GET calls the window makes in the background

    def for_call(self, call: Call) -> httpx.Client:
        return self.links if call.method == "POST" else self.lookups

    def close(self) -> None:
        self.links.close()
        self.lookups.close()


def _origin(api_base: str) -> tuple[str, int]:
    """Kombo's host and port as httpcore dials them (ASCII host name, explicit port)."""
    url = httpx.URL(api_base)
    return url.raw_host.decode("ascii"), url.port or (443 if url.scheme == "https" else 80)


def _tls_message(error: BaseException) -> str | None:
    """Advice that fits why the certificate was refused; ``None``: the general sentence."""
    problem = tls.certificate_problem(error)
    if problem == tls.CLOCK_PROBLEM:
        return messages.wrong_clock_message(datetime.now().astimezone())
    if problem == tls.UNTRUSTED_PROBLEM:
        return messages.UNTRUSTED_CERTIFICATE_MESSAGE
    return None


def _proxy_problem(value: str) -> str | None:
    """What keeps httpx from using one proxy setting, in words of our own: httpx's complaint
    quotes the address, and a raw password in it ("Invalid port: 'Winter'")."""
    try:
        proxy = httpx.Proxy(url=value if "://" in value else f"http://{value}")
    except httpx.InvalidURL:
        return "the address cannot be read (a password with # / ? or @ must be written %-encoded)"
    except ValueError:
        return "not a kind of proxy this program can use"
    if proxy.url.scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        return "SOCKS proxies need the socksio package, which is not installed"
    return None


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: Kombo's API sets no cookies, and a captive portal's or proxy's
    cookies must not travel to Kombo with the next request."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
