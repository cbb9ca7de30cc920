"""The proxy settings of this computer, described for support without ever quoting them whole.

A proxy address may carry a login (``http://alice:Winter2024@proxy:3128``), and passwords hold
the characters an address uses to end its parts (``#``, ``/``, ``?``, ``@``). Written raw, they
make the address unreadable, and a URL reader's complaint then quotes pieces of the password
("Invalid port: 'Winter'"). So nothing here repeats such a complaint or the address as given: a
proxy is named by the setting it comes from and by its scheme, host and port only, and only
when those can be picked out with certainty.

The settings are found as httpx finds them (``urllib.request.getproxies``: the ``*_proxy``
environment variables, else the system's settings on Windows and macOS). Needs neither httpx
nor Qt.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ConfiguredProxy", "configured_proxies", "proxy_address", "unusable_settings_note"]

# The schemes httpx takes proxies for, in the order it mounts them.
_SCHEMES = ("http", "https", "all")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_HOST_AND_PORT = re.compile(
    r"(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
)


@dataclass(frozen=True)
class ConfiguredProxy:
    """One proxy setting: where it comes from (``HTTPS_PROXY``, or the system's settings) and
    its value as given, which may hold a password and is never shown."""

    source: str
    value: str


def configured_proxies() -> list[ConfiguredProxy]:
    """The proxies httpx would use, each with the setting it comes from."""
    found = urllib.request.getproxies()
    from_environment = bool(urllib.request.getproxies_environment())
    proxies = []
    for scheme in _SCHEMES:
        value = found.get(scheme)
        if value:
            source = _variable_name(scheme, value) if from_environment else None
            proxies.append(ConfiguredProxy(source or "the system's proxy settings", value))
    return proxies


def _variable_name(scheme: str, value: str) -> str | None:
    """The environment variable ``value`` came from, spelt as set (``HTTPS_PROXY``)."""
    wanted = f"{scheme}_proxy"
    names = [name for name, text in os.environ.items() if name.lower() == wanted and text == value]
    # urllib prefers the lower-case spelling when both are set.
    return wanted if wanted in names else (names[0] if names else None)


def proxy_address(value: str) -> str | None:
    """``scheme://host:port`` of a proxy setting without its login, or ``None`` when that
    cannot be picked out with certainty (then nothing of the value may be shown).

    The host is what follows the last ``@``: a host never holds one, a raw password may.
    """
    scheme, separator, rest = value.strip().partition("://")
    if not separator:
        scheme, rest = "http", value.strip()  # httpx reads "proxy:3128" as http://proxy:3128
    if not _SCHEME.fullmatch(scheme):
        return None
    authority = re.split(r"[/?#]", rest.rpartition("@")[2], maxsplit=1)[0]
    if not _HOST_AND_PORT.fullmatch(authority):
        return None
    return f"{scheme.lower()}://{authority}"


def unusable_settings_note(problem_of: Callable[[str], str | None], fallback: str) -> str:
    """The support note for proxy settings the HTTP client refused: the first setting
    ``problem_of`` finds a problem with, named by where it comes from and its safe address.
    ``problem_of`` says what is wrong in words of its own, never quoting the value;
    ``fallback`` is used when no single setting can be blamed."""
    for proxy in configured_proxies():
        problem = problem_of(proxy.value)
        if problem is None:
            continue
        address = proxy_address(proxy.value)
        where = f"{proxy.source} ({address})" if address else proxy.source
        return f"proxy settings: {where}: {problem}"
    sources = ", ".join(dict.fromkeys(proxy.source for proxy in configured_proxies()))
    return f"proxy settings: {fallback}" + (f" ({sources})" if sources else "")
