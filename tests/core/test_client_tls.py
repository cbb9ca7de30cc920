"""Certificates are always checked: an untrusted server is refused plainly, never bypassed."""

from __future__ import annotations

import contextlib
import re
import shutil
import ssl
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from kombo_desktop.core import tls
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import KomboError, RequestTimeoutError, TlsError
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.vocabulary import Category
from tests.support.fault_server import FaultServer, Reply, self_signed_certificate

KEY = "sk_test_tls_fedcba9876543210"
REQUEST = LinkRequest("anna@example.com", "Acme GmbH")
LINK = "https://connect.kombo.dev/v1?token=tls"


def test_a_self_signed_server_is_refused_and_hears_nothing() -> None:
    with (
        FaultServer(Reply.link(LINK), tls=True) as server,
        KomboClient(server.base_url, KEY, backoff_seconds=0.01) as client,
        pytest.raises(TlsError) as caught,
    ):
        client.create_link(REQUEST)
    error = caught.value
    assert "could not be verified as secure" in error.user_message
    assert "certificate verify failed" in (error.detail.message or "")
    assert error.detail.attempts == 1  # never repeated: it would fail the same way
    assert server.requests == []  # the key and the body were never sent
    assert server.tls_failures == 1


def test_the_same_server_works_for_a_client_that_trusts_its_certificate() -> None:
    """Control: the refusal above is about trust, not a broken test server."""
    with FaultServer(Reply.link(LINK), tls=True) as server:
        assert server.certificate is not None
        context = ssl.create_default_context(cafile=str(server.certificate))
        with httpx.Client(verify=context) as control:
            answer = control.post(server.base_url + "/connect/create-link", json={})
    assert answer.status_code == 200
    assert answer.json()["data"]["link"] == LINK


def test_a_server_speaking_plain_http_on_an_https_address_is_a_tls_error() -> None:
    with FaultServer(Reply.link(LINK)) as server:
        https_base = f"https://127.0.0.1:{server.port}/v1"
        with KomboClient(https_base, KEY) as client, pytest.raises(TlsError) as caught:
            client.check_api_key()
    assert caught.value.detail.attempts == 1


def test_the_system_trust_store_is_used_with_verification_on() -> None:
    setup = tls.trust_setup()
    assert setup.store == tls.TRUST_STORE_SYSTEM
    assert type(setup.context).__module__.startswith("truststore")
    assert setup.context.verify_mode == ssl.CERT_REQUIRED
    assert setup.context.check_hostname is True
    assert setup.context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert tls.ssl_context() is setup.context  # built once, shared


def test_without_truststore_certifi_takes_over_and_still_verifies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "truststore", None)  # makes "import truststore" fail
    fallback = tls._build()
    assert fallback.store == tls.TRUST_STORE_CERTIFI
    assert fallback.context.verify_mode == ssl.CERT_REQUIRED
    assert fallback.context.check_hostname is True
    monkeypatch.setattr(tls, "_cached", fallback)
    with (
        FaultServer(Reply.link(LINK), tls=True) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(TlsError),
    ):
        client.create_link(REQUEST)
    assert server.requests == []


def test_tls_error_detection_follows_the_cause_chain() -> None:
    try:
        try:
            raise ssl.SSLCertVerificationError(1, "certificate verify failed")
        except ssl.SSLError as inner:
            raise httpx.ConnectError("wrapped") from inner
    except httpx.ConnectError as outer:
        assert tls.certificate_problem(outer) is not None
        assert tls.is_tls_error(outer)
    assert tls.certificate_problem(httpx.ConnectError("refused")) is None


@pytest.mark.parametrize("method", ["cryptography", "openssl"])
def test_the_test_certificate_can_be_made_either_way(tmp_path: Path, method: str) -> None:
    if method == "openssl" and shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    if method == "cryptography":
        pytest.importorskip("cryptography")
    cert, key = self_signed_certificate(tmp_path, method=method)  # type: ignore[arg-type]
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    client_side = ssl.create_default_context(cafile=str(cert))
    assert any("127.0.0.1" in str(alt) for alt in _subject_alt_names(client_side))


def _subject_alt_names(context: ssl.SSLContext) -> list[object]:
    names: list[object] = []
    for certificate in context.get_ca_certs():
        names.extend(certificate.get("subjectAltName", ()))
    return names


def _trusting(monkeypatch: pytest.MonkeyPatch, certificate: Path) -> None:
    """Make the client trust ``certificate``, as if IT had installed it, verifying as ever."""
    context = ssl.create_default_context(cafile=str(certificate))
    tls._require_verification(context)
    monkeypatch.setattr(tls, "_cached", tls.TrustSetup(context, tls.TRUST_STORE_SYSTEM))


@pytest.mark.parametrize(
    "validity",
    [
        (timedelta(days=400), timedelta(days=800)),  # the computer's clock is far behind
        (timedelta(days=-400), timedelta(days=-2)),  # far ahead, or the certificate expired
    ],
    ids=["not-yet-valid", "expired"],
)
def test_a_certificate_outside_its_dates_points_to_the_computers_clock(
    monkeypatch: pytest.MonkeyPatch, validity: tuple[timedelta, timedelta]
) -> None:
    with FaultServer(Reply.link(LINK), tls=True, certificate_validity=validity) as server:
        assert server.certificate is not None
        _trusting(monkeypatch, server.certificate)
        with KomboClient(server.base_url, KEY) as client, pytest.raises(TlsError) as caught:
            client.create_link(REQUEST)
    message = caught.value.user_message
    assert "nothing was sent" in message
    assert "date and time" in message
    # What the clock says, so the person sees at once whether it is wrong.
    assert re.search(r"it shows \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", message), message
    assert "network filter" not in message
    assert server.requests == []


def test_an_untrusted_certificate_suggests_signing_in_to_guest_wifi_first() -> None:
    with (
        FaultServer(Reply.link(LINK), tls=True) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(TlsError) as caught,
    ):
        client.create_link(REQUEST)
    message = caught.value.user_message
    assert "hotel or guest Wi-Fi" in message
    assert "web page in your browser" in message
    assert "IT team" in message
    assert "date and time" not in message


@pytest.mark.parametrize(
    ("text", "about_the_clock"),
    [
        ("“api.kombo.dev” certificate is expired", True),  # macOS
        ("certificate is not yet valid", True),
        (
            "A required certificate is not within its validity period when verifying against "
            "the current system clock or the timestamp in the signed file.",  # Windows
            True,
        ),
        ("The certificate chain was issued by an authority that is not trusted.", False),
        ("“api.kombo.dev” certificate name does not match input", False),
    ],
)
def test_other_systems_words_for_a_certificate_outside_its_dates(
    text: str, about_the_clock: bool
) -> None:
    """truststore reports the verdict of the Windows and macOS verifiers in their words, with
    no OpenSSL code."""
    try:
        try:
            raise ssl.SSLCertVerificationError(text)
        except ssl.SSLError as inner:
            raise httpx.ConnectError("wrapped") from inner
    except httpx.ConnectError as outer:
        problem = tls.certificate_problem(outer)
    assert problem == (tls.CLOCK_PROBLEM if about_the_clock else tls.UNTRUSTED_PROBLEM)


# --- a server that takes the connection and never answers the handshake --------------------------
# A firewall or middlebox that accepts the TCP connection and then drops everything. The person
# must wait no longer than for any other silent server: one timeout, then the plain message.

STALL_TIMEOUT = 0.5  # the client's timeout, and so its connect (handshake) timeout


def _silent_tls_failure(call: Callable[[KomboClient], object]) -> tuple[KomboError, int]:
    """The error ``call`` ends in against a silent HTTPS server, and the connections it made."""
    with FaultServer(tls=True, silent=True) as server:
        with (
            KomboClient(
                server.base_url, KEY, timeout=STALL_TIMEOUT, backoff_seconds=0.01
            ) as client,
            pytest.raises(KomboError) as caught,
        ):
            call(client)
        return caught.value, server.connections


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda client: client.create_link(REQUEST), id="create-link"),
        pytest.param(lambda client: client.list_tools(Category.HRIS), id="tool-list"),
    ],
)
def test_a_handshake_that_never_comes_is_not_waited_for_again(
    call: Callable[[KomboClient], object],
) -> None:
    """It was repeated as a connection that "never got going" (up to the retry budget: 31.6 s
    for the window's settings), although a server silent for a whole timeout is not asked again
    (``retry_policy``)."""
    error, connections = _silent_tls_failure(call)
    assert type(error) is RequestTimeoutError
    assert error.detail.attempts == 1
    assert connections == 1
    assert "handshake" in (error.detail.message or "")  # for support: where it stopped


def test_a_silent_https_server_gets_the_same_plain_words_as_a_silent_http_server() -> None:
    stalled, _ = _silent_tls_failure(lambda client: client.create_link(REQUEST))
    with (
        FaultServer(silent=True) as server,
        KomboClient(server.base_url, KEY, timeout=STALL_TIMEOUT) as client,
        pytest.raises(KomboError) as caught,
    ):
        client.create_link(REQUEST)
    assert type(caught.value) is type(stalled)
    assert stalled.user_message == caught.value.user_message
    assert "took too long" in stalled.user_message


def test_a_stalled_lookup_handshake_does_not_hold_up_the_persons_link() -> None:
    """truststore holds one lock per context for the whole of every handshake on it. With one
    context for every request, the person's handshake waited until the background tool-list
    refresh's stalled handshake timed out, then had its own full timeout: twice as long."""
    timeout = 2.0
    ended: dict[str, float] = {}

    def lookup(client: KomboClient) -> None:
        with contextlib.suppress(KomboError):
            client.list_tools(Category.HRIS)
        ended["lookup"] = time.monotonic()

    with (
        FaultServer(tls=True, silent=True) as server,
        KomboClient(server.base_url, KEY, timeout=timeout, max_attempts=1) as client,
    ):
        background = threading.Thread(target=lookup, args=(client,))
        background.start()
        try:
            # The lookup's hello has arrived: its handshake, and truststore's lock, are taken.
            assert server.wait_for_connections_heard(1), "the lookup never began its handshake"
            with pytest.raises(RequestTimeoutError):
                client.create_link(REQUEST)
            ended["link"] = time.monotonic()
        finally:
            background.join()
    # Started just after the lookup, with the same timeout: it ends about as much later, not a
    # whole timeout later (the person's own handshake began only when the lookup's gave up).
    assert ended["link"] - ended["lookup"] < timeout / 2


def test_every_group_of_requests_gets_its_own_context_verifying_as_strictly() -> None:
    first, second = tls.separate_context(), tls.separate_context()
    assert first is not second
    for context in (first, second):
        assert type(context).__module__.startswith("truststore")  # the system's trust store
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_a_context_without_a_handshake_lock_is_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's own contexts (certifi's fallback) take no lock: loading the bundle again for
    every group would only cost time."""
    monkeypatch.setitem(sys.modules, "truststore", None)
    monkeypatch.setattr(tls, "_cached", tls._build())
    assert tls.separate_context() is tls.separate_context() is tls.ssl_context()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda client: client.create_link(REQUEST), id="create-link"),
        pytest.param(lambda client: client.list_tools(Category.HRIS), id="tool-list"),
        pytest.param(lambda client: client.get_integration("personio:93fCvo"), id="integration"),
    ],
)
def test_links_and_lookups_alike_refuse_a_self_signed_server(
    call: Callable[[KomboClient], object],
) -> None:
    with (
        FaultServer(Reply.link(LINK), tls=True) as server,
        KomboClient(server.base_url, KEY) as client,
        pytest.raises(TlsError) as caught,
    ):
        call(client)
    assert "certificate verify failed" in (caught.value.detail.message or "")
    assert server.requests == []
