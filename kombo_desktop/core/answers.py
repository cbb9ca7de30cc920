"""Making sense of what came back from Kombo (or from whatever answered instead of Kombo).

An answer is read with a size cap and a time limit, decoded, and then turned into either the JSON
payload of a success or a ``Failure``: the typed error from ``kombo_desktop.core.errors`` with
plain words for the person, the ``ErrorDetail`` support needs, and whether the retry policy
allows another attempt. Kombo's own error body decides first (Kombo asks clients to branch on
``error.code``), the HTTP status second; HTML pages, redirects, invalid JSON and oversized bodies
are recognised as what they are (a proxy, a captive portal, a broken gateway).

Headers and body come in as plain mappings and bytes, so this module needs neither httpx nor Qt.
"""

from __future__ import annotations

import json
import re
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from kombo_desktop.core import messages, refusals
from kombo_desktop.core.error_detail import ErrorDetail
from kombo_desktop.core.errors import (
    CONCURRENCY_LIMIT_EXCEEDED,
    INTEGRATION_NOT_FOUND,
    TASK_TIMED_OUT,
    AuthenticationError,
    ConnectionFailedError,
    InputRejectedError,
    IpNotAllowedError,
    KomboError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
)
from kombo_desktop.core.retry_policy import RETRY_STATUSES, answer_date, parse_retry_after
from kombo_desktop.core.safe_text import (
    MAX_DETAIL_CHARS,
    MAX_SHORT_CHARS,
    clean_or_none,
    clean_text,
    is_plain_sentence,
)

__all__ = [
    "BodyTooLargeError",
    "BodyTooSlowError",
    "Call",
    "Failure",
    "ReadCancelledError",
    "UnsupportedEncodingError",
    "failure",
    "interpret",
    "read_body",
]

_JSON_TYPES = ("application/json", "+json")

# Statuses whose answer is a refusal by something on the way unless it is in Kombo's error
# shape (``_kombo_error``): Kombo says why it refuses a key (403) or what was sent (400, 422).
_REFUSED_ON_THE_WAY_STATUSES = frozenset({400, 403, 422})

_KOMBO_CODE_ERRORS: Mapping[str, type[KomboError]] = {
    "PLATFORM.AUTHENTICATION_INVALID": AuthenticationError,
    "PLATFORM.IP_NOT_WHITELISTED": IpNotAllowedError,
    "PLATFORM.INPUT_INVALID": InputRejectedError,
    INTEGRATION_NOT_FOUND: NotFoundError,
    "PLATFORM.RATE_LIMIT_EXCEEDED": RateLimitedError,
    CONCURRENCY_LIMIT_EXCEEDED: RateLimitedError,
    TASK_TIMED_OUT: ServerError,
    "PLATFORM.UNKNOWN_ERROR": ServerError,
}


@dataclass(frozen=True)
class Call:
    """One call to Kombo, as every attempt of it is made and every answer to it is judged."""

    method: str
    path: str
    operation: str  # e.g. "POST /connect/create-link", for the support details
    body: dict[str, object] | None
    max_body_bytes: int
    # What the person typed that the call carries, in its body or its address (wire name,
    # text; ``link_request.typed_text``): looked at again for keys before every attempt.
    typed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Failure:
    """A failed attempt, before the number of attempts is known."""

    kind: type[KomboError]
    user_message: str | None
    detail: ErrorDetail
    retryable: bool = False
    retry_after: float | None = None
    fields: tuple[str, ...] = ()  # for InputRejectedError: the fields Kombo's message names

    def error(self, attempts: int) -> KomboError:
        detail = replace(self.detail, attempts=attempts)
        if issubclass(self.kind, InputRejectedError):
            return self.kind(self.user_message, detail=detail, fields=self.fields)
        # Whatever the kind: a 503's or an error page's wait holds the buttons back as a 429's.
        return self.kind(self.user_message, detail=detail, retry_after=self.retry_after)


def failure(
    kind: type[KomboError],
    message: str | None,
    call: Call,
    status: int | None,
    technical: str,
    *,
    secrets: tuple[str, ...],
    retryable: bool = False,
    retry_after: float | None = None,
) -> Failure:
    """A ``Failure`` whose support detail is ``technical``, cleaned and without ``secrets``."""
    detail = ErrorDetail(
        operation=call.operation,
        http_status=status,
        message=clean_text(technical, secrets=secrets),
    )
    return Failure(kind, message, detail, retryable, retry_after)


# --- reading the body ----------------------------------------------------------------------------


class BodyTooLargeError(Exception):
    """The body is larger than the cap, on the wire or once decompressed."""


class BodyTooSlowError(Exception):
    """The body did not arrive within one timeout of the headers."""


class UnsupportedEncodingError(Exception):
    """A ``Content-Encoding`` that cannot be decoded, or a damaged compressed body."""


class ReadCancelledError(Exception):
    """The call was cancelled while the body was arriving."""


def read_body(
    chunks: Iterable[bytes],
    headers: Mapping[str, str],
    cap: int,
    timeout: float,
    cancelled: Callable[[], bool],
) -> bytes:
    """The whole body, decoded, refusing more than ``cap`` bytes before reading them.

    ``chunks`` are the raw bytes as they arrive (a chunk size would wait for a chunk to fill).
    The cap applies to the bytes on the wire *and* after decompression (a small gzip body can
    unpack to gigabytes). The body must arrive within one ``timeout`` of the headers, so a
    server dripping a byte at a time cannot hold the call forever.
    """
    declared = headers.get("Content-Length", "").strip()
    # ASCII digits only: str.isdigit() also accepts "¹" or "٣", which int() refuses.
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise BodyTooLargeError
    deadline = time.monotonic() + timeout
    received: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise BodyTooLargeError
        received.append(chunk)
        if cancelled():
            raise ReadCancelledError
        if time.monotonic() > deadline:
            raise BodyTooSlowError
    return _decode(b"".join(received), headers.get("Content-Encoding", ""), cap)


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
                raise UnsupportedEncodingError(f"damaged {encoding} body ({error})") from None
            if len(data) > cap or decompressor.unconsumed_tail:
                raise BodyTooLargeError
            continue
        raise UnsupportedEncodingError(_unreadable_packing(encoding))
    return data


# Ways of packing an answer (HTTP's registered content codings) that this program does not
# unpack: named in the support details, in these words of the program's own.
_KNOWN_ENCODINGS = frozenset(
    {"br", "zstd", "compress", "x-compress", "aes128gcm", "exi", "pack200-gzip", "dcb", "dcz"}
)


def _unreadable_packing(encoding: str) -> str:
    """What support reads about an answer packed in a way this program cannot read. The
    header's value is never repeated: it is the server's text, and one server echoed the API
    key there, which reached the log and "Copy details" lower-cased and cut short, where the
    masking (which looks for the key as it was sent) could not find it."""
    known = (
        f"Content-Encoding {encoding}"
        if encoding in _KNOWN_ENCODINGS
        else "an unknown Content-Encoding"
    )
    return f"answer packed in a way this program cannot read ({known})"


# --- judging the answer --------------------------------------------------------------------------


def interpret(
    call: Call, status: int, headers: Mapping[str, str], body: bytes, secrets: tuple[str, ...]
) -> dict[str, Any] | Failure:
    """The JSON object of a success, or the ``Failure`` this answer stands for."""
    content_type = headers.get("Content-Type", "").lower()
    retryable = status in RETRY_STATUSES
    retry_after = (
        parse_retry_after(headers.get("Retry-After"), answer_date(headers.get("Date")))
        if retryable
        else None
    )

    def fail(kind: type[KomboError], message: str | None, technical: str) -> Failure:
        return failure(
            kind,
            message,
            call,
            status,
            technical,
            secrets=secrets,
            retryable=retryable,
            retry_after=retry_after,
        )

    # What the server wrote (a page's title, a redirect's address) is cleaned with the key
    # right where it is shortened: shortened first, a key cut in two no longer matched it, and
    # all of it but the last character reached the log and "Copy details".
    if _looks_like_html(content_type, body):
        page = f"HTML page instead of JSON{_html_title(body, secrets)}"
        if status == 407:
            return fail(ConnectionFailedError, messages.PROXY_LOGIN_MESSAGE, page)
        if status >= 500:
            return fail(UnexpectedResponseError, messages.ERROR_PAGE_MESSAGE, page)
        return fail(UnexpectedResponseError, None, page)
    if 300 <= status < 400:
        where = clean_text(headers.get("Location", "(none)"), MAX_SHORT_CHARS, secrets)
        return fail(UnexpectedResponseError, messages.REDIRECT_MESSAGE, f"redirect to {where}")

    payload: object = None
    parse_problem: str | None = None
    cut_short = False
    try:
        if body.strip():
            payload = json.loads(body)
        else:
            parse_problem = "empty answer"
    except RecursionError:
        parse_problem = "JSON nested too deeply"
    except json.JSONDecodeError as error:
        parse_problem = f"invalid JSON ({error})"
        cut_short = _cut_short(error)
    except ValueError as error:
        parse_problem = f"invalid JSON ({error})"

    kombo = _kombo_error(payload)
    if 200 <= status < 300 and kombo is None:
        if parse_problem is not None:
            message = messages.INCOMPLETE_ANSWER_MESSAGE if cut_short else None
            return fail(UnexpectedResponseError, message, parse_problem)
        if not isinstance(payload, dict):
            return fail(
                UnexpectedResponseError, None, f"JSON {type(payload).__name__}, not an object"
            )
        return payload
    if kombo is None and parse_problem is not None and status == 407:
        return fail(ConnectionFailedError, messages.PROXY_LOGIN_MESSAGE, parse_problem)
    return _http_error(call, status, kombo, body, secrets, retryable, retry_after)


def _http_error(
    call: Call,
    status: int,
    kombo: dict[str, str | None] | None,
    body: bytes,
    secrets: tuple[str, ...],
    retryable: bool,
    retry_after: float | None,
) -> Failure:
    """The typed error for an answer that is not a success. Kombo's ``error.code`` decides
    first (Kombo asks clients to branch on it), the HTTP status second."""
    code = title = log_url = None
    message: str | None
    if kombo is not None:
        code = clean_or_none(kombo.get("code"), 100, secrets)
        title = clean_or_none(kombo.get("title"), MAX_SHORT_CHARS, secrets)
        message = clean_or_none(kombo.get("message"), MAX_DETAIL_CHARS, secrets)
        log_url = _clean_log_url(kombo.get("log_url"), secrets)
    else:
        # The raw text, not a re-encoding of parsed JSON: cheaper, and cannot recurse.
        message = clean_or_none(body.decode("utf-8", "replace"), MAX_DETAIL_CHARS, secrets)
    detail = ErrorDetail(
        operation=call.operation,
        http_status=status,
        code=code,
        title=title,
        message=message,
        message_from_server=True,  # Kombo's words, or the answer's body: never logged
        log_url=log_url,
    )
    kind, user_message = _classify(call, status, code, message, kombo is not None, retry_after)
    if kind is RateLimitedError and user_message is None:
        user_message = messages.rate_limited_message(retry_after)
    elif kind is ServerError and retry_after is not None and user_message is None:
        user_message = messages.unavailable_message(retry_after)
    # The fields Kombo's words name: when those words are not fit to quote, the person is
    # told which fields in the program's words, so that the marks match what they read.
    fields: tuple[str, ...] = ()
    if kind is InputRejectedError and message is not None:
        fields = refusals.fields_named(message)
        if user_message is None and fields:
            user_message = messages.fields_not_accepted_message(fields)
    return Failure(
        kind, user_message, detail, retryable=retryable, retry_after=retry_after, fields=fields
    )


def _classify(
    call: Call,
    status: int,
    code: str | None,
    message: str | None,
    from_kombo: bool,
    retry_after: float | None,
) -> tuple[type[KomboError], str | None]:
    kind = _KOMBO_CODE_ERRORS.get(code or "")
    if kind is None:
        if status in _REFUSED_ON_THE_WAY_STATUSES and not from_kombo:
            # Kombo refuses a key, and what was sent, with its error body; a bare 403
            # ("Blocked by ...", {"message": "Forbidden"}) comes from a web filter or gateway on
            # the way, and the key is not what to mend. So does a bare 400 or 422 ("Request
            # blocked by company policy. Call the helpdesk ..."): quoted, its words read as
            # Kombo's, and a field it named was marked as if Kombo had refused what was typed.
            # (A bare 401 stays the key's: Kombo may send one.)
            return UnexpectedResponseError, messages.REFUSED_ON_THE_WAY_MESSAGE
        if status == 401 or (status == 403 and _refuses_the_key(code, message)):
            kind = AuthenticationError
        elif status == 403:
            # Refused for a reason of Kombo's own (a feature not in the plan): said in Kombo's
            # words below. "Check the key in Settings" sent the person to change a key that works.
            kind = KomboError
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
    if kind is InputRejectedError and message and refusals.is_quotable_refusal(message):
        user_message = messages.input_rejected_message(message, _values_sent(call))
    elif kind is NotFoundError and code != INTEGRATION_NOT_FOUND:
        if not call.path.startswith("/integrations/") or not from_kombo:
            user_message = messages.WRONG_ADDRESS_MESSAGE
    elif kind is RateLimitedError and code == CONCURRENCY_LIMIT_EXCEEDED:
        user_message = messages.concurrency_message(retry_after)
    elif code == TASK_TIMED_OUT:
        user_message = messages.task_timed_out_message(retry_after)
    elif kind is KomboError:
        quotable = message if message and is_plain_sentence(message) else None
        # Only POST calls make links (the rest read the tools, a key's or an integration's).
        user_message = messages.kombo_refusal_message(quotable, making_link=call.method == "POST")
    return kind, user_message


# Words of a refusal about the key or the login it stands for (in a code: "AUTHENTICATION").
_ABOUT_THE_KEY = re.compile(
    r"(?<![a-z])(?:api[ _-]?key|key|token|bearer|credentials?|auth\w*|unauthori[sz]ed)(?![a-z])",
    re.IGNORECASE,
)


def _refuses_the_key(code: str | None, message: str | None) -> bool:
    """Whether Kombo's 403 (whose ``code`` this program does not know, if any) refuses the key.

    Kombo names a refused key with ``PLATFORM.AUTHENTICATION_INVALID`` (and a network address
    with ``PLATFORM.IP_NOT_WHITELISTED``); no other code it documents is about the key. So a
    code of its own is the key's only when it or the message speaks of the key or login. A
    403 without a code (Kombo's older answers carry only a message) is the key's as Kombo
    documents 403, unless its message is a plain sentence about something else, which is
    then the better explanation to show."""
    if any(text and _ABOUT_THE_KEY.search(text) for text in (code, message)):
        return True
    if code is not None:
        return False
    return (
        message is None or not is_plain_sentence(message) or refusals.names_only_a_status(message)
    )


def _values_sent(call: Call) -> tuple[str, ...]:
    """The text values ``call`` sent, which a refusal may quote (an organisation, a tool)."""
    return tuple(value for value in (call.body or {}).values() if isinstance(value, str))


def _clean_log_url(value: str | None, secrets: tuple[str, ...]) -> str | None:
    """Kombo's dashboard link for support, only if it is a real ``https://`` address."""
    if value is None:
        return None
    url = clean_text(value, MAX_DETAIL_CHARS, secrets)
    if not url.lower().startswith("https://") or " " in url or url.endswith("…"):
        return None
    return url


def _cut_short(error: json.JSONDecodeError) -> bool:
    """Whether JSON that failed to parse began as an object or list and stopped halfway (the
    parser ran out of text, or a string never ended), rather than being something else."""
    text = error.doc.rstrip()
    began_as_json = text.lstrip()[:1] in ("{", "[")
    ran_out = error.pos >= len(text) or error.msg.startswith("Unterminated string")
    return began_as_json and ran_out


def _looks_like_html(content_type: str, body: bytes) -> bool:
    if "html" in content_type:
        return True
    if any(kind in content_type for kind in _JSON_TYPES):
        return False
    return body.lstrip()[:1] == b"<"


def _html_title(body: bytes, secrets: tuple[str, ...]) -> str:
    """The page's title for support, shortened only once ``secrets`` are masked in it."""
    match = re.search(rb"<title[^>]*>(.{0,400}?)</title", body[:65_536], re.IGNORECASE | re.DOTALL)
    if not match:
        return ""
    title = clean_text(match.group(1).decode("utf-8", "replace"), 100, secrets)
    return f" (title: {title})" if title else ""


def _kombo_error(payload: object) -> dict[str, str | None] | None:
    """Kombo's ``{"status": "error", "error": {...}}`` parts, or ``None`` for any other shape.

    Every part but ``message`` may be null, and older answers carry only ``message``; every
    one of them says ``"status": "error"`` (api-notes, Kombo's OpenAPI). An ``error`` object
    without it (``{"error": {"message": "Blocked by policy"}}``) is a gateway's or a filter's,
    whose words must not be quoted as Kombo's.
    """
    if not isinstance(payload, dict) or payload.get("status") != "error":
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
