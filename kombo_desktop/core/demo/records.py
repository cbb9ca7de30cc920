"""What the demo service remembers: requests received, links made, errors answered.

Tests in every area assert on these ("the service received exactly one create-link request"),
so they are plain immutable values that can be compared and printed. None holds an API key: the
Authorization header is redacted before a request is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers with lower-case names and credentials masked; repeated headers are joined.

    The scheme word ("Bearer") is kept so a test can still see which kind of credentials a
    client sent, never the credentials themselves.
    """
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in _SECRET_HEADERS:
            scheme, _, rest = value.strip().partition(" ")
            value = f"{scheme} {REDACTED}" if rest else REDACTED
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the demo service received it (before any delay or validation)."""

    method: str
    path: str  # without the query string, exactly as sent (percent-encoding kept)
    query: str
    headers: Mapping[str, str]  # lower-case names, Authorization redacted
    json: object | None  # the parsed body when it was JSON, else None
    body: bytes = field(repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


LinkOperation = Literal["create-link", "relink"]


@dataclass(frozen=True)
class DemoLink:
    """A link the demo service handed out, and the request body it was made from."""

    token: str
    url: str
    operation: LinkOperation
    body: Mapping[str, object]
    created_at: datetime
    integration_id: str | None = None  # only for relinks


@dataclass(frozen=True)
class LogEntry:
    """An error the demo service answered; its ``log_url`` shows this entry in a browser."""

    id: str
    method: str
    path: str
    status: int
    code: str | None
    title: str | None
    message: str
    created_at: datetime
