"""How the program proves it is talking to the real Kombo: certificate checks, always on.

Corporate laptops often sit behind a TLS-inspecting proxy whose root certificate was installed
into the operating system by IT, and is missing from Python's own bundle. Verifying against the
operating system's trust store (``truststore``) makes those machines work without anyone ever
being tempted to switch verification off. Where ``truststore`` cannot be loaded (a broken or
stripped install), Mozilla's bundle from ``certifi`` is the fallback: stricter, never looser.

There is deliberately no way to turn verification off or to add a certificate from here: a
failure is reported as ``TlsError`` and nothing is sent.

Nothing here imports httpx; ``ssl`` and ``truststore`` load only when a context is first built.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from kombo_desktop import __version__

USER_AGENT = f"KomboDesktop/{__version__}"

TRUST_STORE_SYSTEM = "system"
TRUST_STORE_CERTIFI = "certifi"


@dataclass(frozen=True)
class TrustSetup:
    """The verifying context, and which store backs it (for ``--self-test``/support).

    ``make_another`` builds one more context like ``context`` for ``separate_context``; ``None``
    where ``context`` itself can be shared without one handshake waiting for another.
    """

    context: ssl.SSLContext
    store: str  # TRUST_STORE_SYSTEM or TRUST_STORE_CERTIFI
    make_another: Callable[[], ssl.SSLContext] | None = field(default=None, compare=False)


_lock = threading.Lock()
_cached: TrustSetup | None = None


def trust_setup() -> TrustSetup:
    """The process-wide choice of trust store and its verifying context, built once.

    Built once because the fallback, Mozilla's bundle, means loading a few hundred certificates;
    requests take their context from ``separate_context``, which shares this one wherever
    sharing makes no handshake wait for another (an ``SSLContext`` is safe between threads).
    """
    global _cached
    with _lock:
        if _cached is None:
            _cached = _build()
        return _cached


def ssl_context() -> ssl.SSLContext:
    """The process-wide verifying context, which ``separate_context`` builds on (the
    tests read it)."""
    return trust_setup().context


def separate_context() -> ssl.SSLContext:
    """A verifying context for one group of requests whose handshakes must never wait for
    another group's; exactly as strict as ``ssl_context()``, from the same store.

    truststore's context holds a lock for the whole of every handshake made with it. Shared by
    every request, a server that takes the connection and never answers the handshake (a
    firewall in between) held the person's "Create link" until the background tool-list
    refresh's handshake timed out, before its own could even start. Building one is cheap (about
    a millisecond: truststore reads the store at each handshake, not here). Python's own context
    (the certifi fallback) takes no such lock and is shared: building it loads the whole bundle.
    """
    setup = trust_setup()
    if setup.make_another is None:
        return setup.context
    try:
        return setup.make_another()
    except (OSError, ssl.SSLError, RuntimeError):
        return setup.context  # just as strict; only its handshakes wait for one another


def _build() -> TrustSetup:
    try:
        context = _system_context()
    except (ImportError, OSError, ssl.SSLError, RuntimeError):
        # No truststore, or the platform's store could not be opened: Mozilla's bundle still
        # verifies properly.
        return TrustSetup(_certifi_context(), TRUST_STORE_CERTIFI)
    return TrustSetup(context, TRUST_STORE_SYSTEM, make_another=_system_context)


def _system_context() -> ssl.SSLContext:
    import truststore

    context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    _require_verification(context)
    return context


def _certifi_context() -> ssl.SSLContext:
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    _require_verification(context)
    return context


def _require_verification(context: ssl.SSLContext) -> None:
    """Both halves of verification on, and nothing older than TLS 1.2 (Kombo needs no less)."""
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    context.minimum_version = ssl.TLSVersion.TLSv1_2


# What a failed certificate check most likely means for the person, for the advice they get.
CLOCK_PROBLEM = "clock"  # not yet valid or expired: usually this computer's date is wrong
UNTRUSTED_PROBLEM = "untrusted"  # another name, self-signed, unknown issuer: someone in between

# OpenSSL's X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED.
_DATE_CODES = frozenset({9, 10})
# How the Windows and macOS verifiers say it (truststore passes their words on, with no code).
_DATE_WORDS = ("not yet valid", "expired", "validity period")


def certificate_problem(error: BaseException) -> str | None:
    """``CLOCK_PROBLEM`` or ``UNTRUSTED_PROBLEM`` for a failed certificate check behind
    ``error``; ``None`` for any other failure (a handshake that failed otherwise included).

    A certificate outside its dates is far more often a laptop clock that is wrong than a
    server's certificate that ran out; any other refusal means the server is not Kombo, mostly
    a guest network's sign-in page or a company filter answering in its place. httpx wraps the
    ``ssl`` error in its own ``ConnectError``; the cause chain keeps the original.
    """
    found = find_cause(error, ssl.SSLCertVerificationError)
    if found is None:
        return None
    code = getattr(found, "verify_code", None)
    words = f"{getattr(found, 'verify_message', '') or ''} {found}".lower()
    if code in _DATE_CODES or any(phrase in words for phrase in _DATE_WORDS):
        return CLOCK_PROBLEM
    return UNTRUSTED_PROBLEM


def is_tls_error(error: BaseException) -> bool:
    """Whether an ``ssl`` error (a failed handshake of any kind) is behind ``error``."""
    return find_cause(error, ssl.SSLError) is not None


def find_cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """``error`` itself or the first exception of type ``kind`` among its causes and contexts."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
