"""The one rule for Kombo API addresses, shared by the command line, settings and the client.

``https://`` is required so the key never crosses the network in the clear; only addresses on
this computer (the demo service, a developer's mock) may use ``http://``. It lives apart from
the client so that checking an address typed in Settings does not load the HTTP library.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "::1", "localhost"})

_EXAMPLE = "like https://api.kombo.dev/v1"


def host_of(url: str) -> str | None:
    """The lower-case host name of ``url``, or None when it has none or cannot be parsed."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this computer (127.0.0.1, ::1 or localhost)."""
    return host_of(url) in LOOPBACK_HOSTS


def normalize_api_base(url: str) -> str:
    """The API base in the one form everything compares, or ``ValueError`` saying what to fix.

    Scheme and host are lower-cased and a trailing slash is dropped so paths can be appended
    and a saved address compares equal to the one in use.
    """
    text = url.strip()
    if not text:
        raise ValueError(f"Enter the API address, {_EXAMPLE}.")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ValueError(
            f"The API address can't contain spaces or invisible characters, {_EXAMPLE}."
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (parsing the port is what validates it)
    except ValueError:
        raise ValueError(
            f"The API address is not a valid web address. Use one {_EXAMPLE}."
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(
            f"The API address must be a full web address starting with https://, {_EXAMPLE}."
        )
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"The API address can't contain a user name or password. Use one {_EXAMPLE}."
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"The API address can't contain ? or #. Use just the address, {_EXAMPLE}.")
    if scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(
            "The API address must start with https:// so the connection is secure. Only "
            "addresses on this computer (localhost) may use http://."
        )
    return f"{scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
