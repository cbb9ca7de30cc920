"""The one rule for Kombo API addresses, shared by the command line, settings and the client.

``https://`` is required so the key never crosses the network in the clear; only addresses on
this computer (the demo service, a developer's mock) may use ``http://``. An address is also
refused when the HTTP library could not send a request to it (a host name without an IDNA form,
an IPv4 address with a part above 255): accepted here, it said "Ready" at start and only failed,
as "something unexpected", on the first request. It lives apart from the client so that
checking an address typed in Settings does not load the HTTP library.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "::1", "localhost"})

_EXAMPLE = "like https://api.kombo.dev/v1"
# What httpx takes for an IPv4 address, and then requires to be one (``_urlparse.encode_host``).
_IPV4_STYLE: Final = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")


_NOT_A_WEB_ADDRESS = f"The API address is not a valid web address. Use one {_EXAMPLE}."


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
        raise ValueError(_NOT_A_WEB_ADDRESS) from None
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
    if not _requests_can_go_to(parts.hostname):
        raise ValueError(_NOT_A_WEB_ADDRESS)
    return f"{scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _requests_can_go_to(host: str) -> bool:
    """Whether httpx accepts ``host`` (lower-case, as ``urlsplit`` gives it) for a request, by
    its own rules (``httpx._urlparse.encode_host`` and ``URL.host``): a name outside ASCII must
    have an IDNA 2008 form, a name starting with ``xn--`` must decode as one, and four numbers
    with dots must be an IPv4 address. ``tests/core/test_api_address.py`` holds this to httpx.

    ``idna`` (some 20-40 ms to import) is loaded only for the names that need it: an ordinary
    address, checked at every start, does without it.
    """
    if _IPV4_STYLE.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    if host.isascii() and not host.startswith("xn--"):
        return True
    import idna  # IDNA 2008, as httpx (the standard library's codec is IDNA 2003)

    try:
        written = host if host.isascii() else idna.encode(host).decode("ascii")
        if written.startswith("xn--"):
            idna.decode(written)
    except (idna.IDNAError, UnicodeError):
        return False
    return True
