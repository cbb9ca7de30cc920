"""Which links from Kombo's answers may be shown, copied, opened and turned into a QR code.

A link is the one thing from an answer that leaves the program: the person sends it to a
customer, opens it in the browser, prints it as a QR code. So it is only handed out when it is an
``https://`` address (the local demo service's ``http://127.0.0.1`` links aside, and only when
the program talks to that service), of a plausible length, made only of characters a web address
holds, without credentials, with a host written plainly (no ``%``-escapes), and without an
API key in it. Everything else is refused and never shown, not even in the support details.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from kombo_desktop.core import messages
from kombo_desktop.core.api_address import LOOPBACK_HOSTS, host_of
from kombo_desktop.core.safe_text import clean_text, unsafe_to_show

__all__ = [
    "MAX_LINK_CHARS",
    "UNSAFE_LINK_STATUS",
    "CreatedLink",
    "LinkProblem",
    "created_link",
    "link_problem",
]

# A real Kombo link is about 450 characters; browsers and QR codes struggle beyond 2,000.
MAX_LINK_CHARS = 2048

# A refused link's status, where the history lists whether its links work (the table, the CSV
# export), beside "Valid until ..." and "Expired": a link kept from before a rule here was
# added is never handed out, valid or not.
UNSAFE_LINK_STATUS = "Unsafe link"

# Printable ASCII that no web address holds (RFC 3986; the space and "\\" are refused on their
# own). A real link has them percent-encoded ("%3C"); Kombo's token is letters, digits, "-",
# "_" and ".". A link with "<h1>Call us</h1>" in it was shown as ready, went to the customer
# with those words, and its tooltip was drawn as a heading.
_NOT_IN_WEB_ADDRESSES = frozenset('<>"{}|^`')
# In ASCII text, the characters that are spaces or not printable: the control characters, the
# space and DEL. One search of a compiled pattern: a loop over the characters took most of
# the check's time, which a history of thousands of links pays for each one.
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# Kombo's links as it hands them out (``https://connect.kombo.dev/v1?token=<JWT>``): its
# connection page, then nothing but letters, digits and "-._~/?=&" (a JWT is letters, digits,
# "-", "_" and "."). Such a link passes every rule below without being read part by part:
# ASCII, no space, control character, backslash or character web addresses cannot hold; its
# host, written plainly, ends at the "/", so there is no user name, password or port; a name,
# not this computer; https. The history checks each link it lists and exports, and reading
# 100,000 of them part by part took over a second of the export's time.
_KOMBO_LINK_START: Final = "https://connect.kombo.dev/"
_PLAIN_IN_KOMBO_LINKS: Final = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/?=&"
)
# A character no IP address holds in any spelling browsers or ``ipaddress`` read (decimal,
# octal, "0x" hexadecimal, IPv6 with an IPv4 end), but for an IPv6 zone after "%".
_NOT_IN_NUMBERS = re.compile(r"[^0-9a-fx.:]")


@dataclass(frozen=True)
class CreatedLink:
    """A link Kombo made, already checked to be safe to show, copy and open."""

    url: str
    is_demo: bool  # served by the local demo service: must never be sent to a customer


@dataclass(frozen=True)
class LinkProblem:
    """Why a link is refused: ``technical`` for support (never quoting the link), the sentence
    for the person when Kombo's answer held it (``None``: ``UnsafeLinkError``'s own), and
    ``reason``, the same in a few words for a link already at hand (one the history kept from
    before a rule here was added): "This link can't be used because {reason}."."""

    technical: str
    user_message: str | None = None
    reason: str = "it is not a secure web address"


def created_link(link: str) -> CreatedLink:
    """``link``, which ``link_problem`` accepted, as the result of a call."""
    return CreatedLink(url=link, is_demo=host_of(link) in LOOPBACK_HOSTS)


def link_problem(link: str, *, loopback_api: bool, key: str | None) -> LinkProblem | None:
    """Why ``link`` must not be shown, or ``None``. Says what is wrong without quoting it:
    a hostile link does not belong in support text either.

    ``loopback_api``: the program talks to a service on this computer (the demo), whose links
    point at this computer too. ``key``: the API key the call was made with.

    The person reads the problem in words that fit it: a link far too long to be Kombo's,
    one that carries the API key, or (for everything else) one that is not a secure web
    address (``UnsafeLinkError``'s own words).
    """
    if len(link) > MAX_LINK_CHARS:
        return LinkProblem(
            f"{len(link)} characters long",
            messages.LINK_TOO_LONG_MESSAGE,
            "it is far too long to be a real Kombo link",
        )
    if unsafe_to_show(link, key):
        # Shown, copied or turned into a QR code, it would reach the customer.
        return LinkProblem(
            "contains an API key",
            messages.LINK_WITH_KEY_MESSAGE,
            "it contains an API key, which must never reach a customer",
        )
    problem = _unsafe_address(link, loopback_api=loopback_api)
    return LinkProblem(problem) if problem is not None else None


def _unsafe_address(link: str, *, loopback_api: bool) -> str | None:
    """Why ``link`` is not an address fit to open, or ``None``."""
    if _plain_kombo_link(link):
        return None
    if not link.isascii() or _SPACE_OR_CONTROL.search(link):
        return "contains spaces, control or non-ASCII characters"
    if "\\" in link:
        # Browsers read a backslash as "/": "https://127.0.0.1\\.kombo.dev/" opens this
        # computer, while Python reads the whole "127.0.0.1\\.kombo.dev" as the host.
        return "contains a backslash"
    if not _NOT_IN_WEB_ADDRESSES.isdisjoint(link):
        return "contains characters a web address cannot hold"
    try:
        parts = urlsplit(link)
        parts.port  # noqa: B018 (parsing the port is what validates it)
    except ValueError:
        return "not a valid web address"
    scheme = parts.scheme.lower()  # letters, digits, "+", "-" and "." only (urlsplit)
    if parts.username is not None or parts.password is not None:
        return "contains a user name or password"
    host = parts.hostname  # worked out anew each time it is asked for
    if not host:
        return f"scheme {_scheme_words(scheme)} without a host"
    if "%" in host:
        # Browsers decode %-escapes in a host before reading it: "https://%31%32%37.0.0.1/"
        # and "https://localhost%2e/" open this computer, while the checks below see names
        # they do not know. Refused rather than decoded: a host is decoded, then mapped and
        # read as a number by rules of its own (the URL standard's), which a copy here could
        # miss a case of; and no Kombo link, nor the demo's, has a "%" in its host.
        return "host written with %-escapes"
    loopback = host in LOOPBACK_HOSTS
    if (loopback or _is_this_computer(host)) and not loopback_api:
        return "points at this computer although Kombo is not"
    if scheme == "https" or (scheme == "http" and loopback):
        return None
    return f"scheme {_scheme_words(scheme)}, not https"


def _plain_kombo_link(link: str) -> bool:
    """Whether ``link`` is Kombo's connection page with nothing but plain characters after it
    (see ``_KOMBO_LINK_START``): fit to open, known without reading it part by part."""
    if not (link.startswith(_KOMBO_LINK_START) and link.isascii()):
        return False
    rest = link[len(_KOMBO_LINK_START) :].encode("ascii")
    return not rest.translate(None, _PLAIN_IN_KOMBO_LINKS)


def _scheme_words(scheme: str) -> str:
    """``scheme`` as support text names it; cleaned only when it is named, as most links
    are ``https`` and need no words."""
    return clean_text(scheme, 20) or "(none)"


def _is_this_computer(host: str) -> bool:
    """Whether a browser opening ``host`` reaches this computer, in any of the spellings
    browsers accept: ``localhost.``, ``app.localhost``, ``127.1``, ``0x7f.0.0.1``,
    ``2130706433``, ``0.0.0.0``, ``::ffff:127.0.0.1``."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    if "%" not in name and _NOT_IN_NUMBERS.search(name):
        return False  # a name ("connect.kombo.dev"): reading it as a number first is slow
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = _browser_ipv4(name)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and (address.is_loopback or address.is_unspecified)


def _browser_ipv4(name: str) -> ipaddress.IPv4Address | None:
    """``name`` as an IPv4 address the way browsers read one (the URL standard's IPv4
    parser): up to four parts, each decimal, ``0x`` hexadecimal or ``0`` octal, the last one
    filling the bytes left. ``None`` when it is a name, not a number."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part[:2] == "0x":
            digits, base, allowed = part[2:], 16, "0123456789abcdef"
        elif len(part) > 1 and part[0] == "0":
            digits, base, allowed = part[1:], 8, "01234567"
        else:
            digits, base, allowed = part, 10, "0123456789"
        if not part or any(ch not in allowed for ch in digits):
            return None
        numbers.append(int(digits, base) if digits else 0)
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last + sum(number << (8 * (3 - index)) for index, number in enumerate(leading))
    return ipaddress.IPv4Address(value)
