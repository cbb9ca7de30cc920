"""The link check as it was before it took its short cuts, kept as the oracle they are held to.

``kombo_desktop.core.link_check`` now passes Kombo's plain links without reading them part by
part, and ``safe_text.unsafe_to_show`` looks for credentials without rewriting the link (see
``logs.redact_would_change``); the CSV export asks both for every link. Neither may change which
link is refused, nor why: ``tests/core/test_link_check.py`` asks this copy and the program the
same questions. The helpers the short cuts left as they were (``_is_this_computer``,
``_scheme_words``) are the program's own; what they replaced is copied here unchanged.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from kombo_desktop.core import messages
from kombo_desktop.core.api_address import LOOPBACK_HOSTS
from kombo_desktop.core.link_check import (
    MAX_LINK_CHARS,
    LinkProblem,
    _is_this_computer,
    _scheme_words,
)
from kombo_desktop.core.logs import MIN_SECRET_LENGTH, redact

_NOT_IN_WEB_ADDRESSES = frozenset('<>"{}|^`')
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def link_problem(link: str, *, loopback_api: bool, key: str | None) -> LinkProblem | None:
    """``link_check.link_problem`` as it was."""
    if len(link) > MAX_LINK_CHARS:
        return LinkProblem(
            f"{len(link)} characters long",
            messages.LINK_TOO_LONG_MESSAGE,
            "it is far too long to be a real Kombo link",
        )
    if unsafe_to_show(link, key):
        return LinkProblem(
            "contains an API key",
            messages.LINK_WITH_KEY_MESSAGE,
            "it contains an API key, which must never reach a customer",
        )
    problem = _unsafe_address(link, loopback_api=loopback_api)
    return LinkProblem(problem) if problem is not None else None


def unsafe_to_show(text: str, key: str | None) -> bool:
    """``safe_text.unsafe_to_show`` as it was: every form of ``text`` redacted and compared."""
    # Frozen as it was: it looks for keys of ``MIN_SECRET_LENGTH`` (8) characters or more only,
    # as the program does (the client refuses shorter keys before sending, ``ShortKeyError``),
    # so the comparison in ``tests/core/test_link_check.py`` holds for such keys (its ``KEYS``).
    usable_key = key if key and len(key) >= MIN_SECRET_LENGTH else None
    decoded = unquote(text)
    for form in (text,) if decoded == text else (text, decoded):
        if (usable_key is not None and usable_key in form) or redact(form) != form:
            return True
    return False


def _unsafe_address(link: str, *, loopback_api: bool) -> str | None:
    if not link.isascii() or _SPACE_OR_CONTROL.search(link):
        return "contains spaces, control or non-ASCII characters"
    if "\\" in link:
        return "contains a backslash"
    if not _NOT_IN_WEB_ADDRESSES.isdisjoint(link):
        return "contains characters a web address cannot hold"
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 (parsing the port is what validates it)
    except ValueError:
        return "not a valid web address"
    scheme = parts.scheme.lower()
    if parts.username is not None or parts.password is not None:
        return "contains a user name or password"
    host = parts.hostname
    if not host:
        return f"scheme {_scheme_words(scheme)} without a host"
    if "%" in host:
        return "host written with %-escapes"
    loopback = host in LOOPBACK_HOSTS
    if (loopback or _is_this_computer(host)) and not loopback_api:
        return "points at this computer although Kombo is not"
    if scheme == "https" or (scheme == "http" and loopback):
        return None
    return f"scheme {_scheme_words(scheme)}, not https"
