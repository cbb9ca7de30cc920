"""The demo service's HTTP framing, byte by byte: what comes back for requests no client sends.

The service reads requests itself (on ``socketserver``, with ``http.client``'s header parser)
instead of through ``http.server``, which would make the packaged program carry ``html`` and
its entity table. These tests speak raw HTTP to it, as a browser or a broken client would.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kombo_desktop.core.demo.transport import MAX_REQUEST_LINE
from kombo_desktop.core.demo_server import DemoKomboServer


@pytest.fixture
def demo() -> Iterator[DemoKomboServer]:
    with DemoKomboServer() as server:
        yield server


def exchange(demo: DemoKomboServer, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Sends ``request`` as is and reads until the service closes: status line, headers, body."""
    with socket.create_connection(("127.0.0.1", demo.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def api_path(demo: DemoKomboServer, path: str) -> str:
    return demo.base_url.removeprefix(demo.origin) + path


def host(demo: DemoKomboServer) -> str:
    """The Host header the service expects (it refuses others, as DNS rebinding would send)."""
    return f"Host: 127.0.0.1:{demo.port}\r\n"


def test_an_ordinary_request_gets_a_complete_http_1_0_answer(demo: DemoKomboServer) -> None:
    request = f"GET {api_path(demo, '/check-api-key')} HTTP/1.1\r\n{host(demo)}\r\n".encode()
    status, headers, body = exchange(demo, request)
    assert status == "HTTP/1.0 200 OK"
    assert headers["content-type"].startswith("application/json")
    assert int(headers["content-length"]) == len(body) > 0
    assert headers["server"] == "KomboDesktopDemo"
    assert headers["date"].endswith(" GMT")
    assert headers["cache-control"] == "no-store"


def test_head_gets_the_headers_without_the_body(demo: DemoKomboServer) -> None:
    page = f"/demo/connect?token=none HTTP/1.1\r\n{host(demo)}\r\n"
    get_status, get_headers, page_body = exchange(demo, f"GET {page}".encode())
    status, headers, body = exchange(demo, f"HEAD {page}".encode())
    assert status == get_status == "HTTP/1.0 404 Not Found"
    assert headers["content-length"] == get_headers["content-length"] == str(len(page_body))
    assert body == b""


def test_a_body_is_read_by_its_content_length(demo: DemoKomboServer) -> None:
    body = b'{"end_user_email": "anna@example.com", "end_user_organization_name": "Acme"}'
    request = (
        f"POST {api_path(demo, '/connect/create-link')} HTTP/1.1\r\n{host(demo)}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    status, _, answer = exchange(demo, request)
    assert status == "HTTP/1.0 200 OK"
    assert b'"link"' in answer


def test_a_path_starting_with_two_slashes_is_the_path_not_a_host(demo: DemoKomboServer) -> None:
    request = f"GET /{api_path(demo, '/check-api-key')} HTTP/1.1\r\n{host(demo)}\r\n".encode()
    assert exchange(demo, request)[0] == "HTTP/1.0 200 OK"


@pytest.mark.parametrize(
    "request_line",
    [
        b"GARBAGE\r\n",
        b"GET /\r\n",
        b"GET / HTTP/2.0\r\n",
        b"GET / FTP/1.0\r\n",
        b"GET / HTTP/1\r\n",
    ],
)
def test_a_request_line_that_is_not_http_1_is_refused(
    demo: DemoKomboServer, request_line: bytes
) -> None:
    status, headers, body = exchange(demo, request_line + b"\r\n")
    assert status == "HTTP/1.0 400 Bad Request"
    assert headers["content-type"].startswith("text/plain")
    assert body == b"The request line is not HTTP/1.x."


def test_an_overlong_request_line_is_refused(demo: DemoKomboServer) -> None:
    request = b"GET /" + b"a" * MAX_REQUEST_LINE + b" HTTP/1.1\r\n\r\n"
    assert exchange(demo, request)[0] == "HTTP/1.0 414 Request-URI Too Long"


def test_too_many_headers_are_refused(demo: DemoKomboServer) -> None:
    headers = b"".join(b"X-Header-%d: x\r\n" % number for number in range(150))
    request = b"GET /demo HTTP/1.1\r\n" + headers + b"\r\n"
    assert exchange(demo, request)[0] == "HTTP/1.0 431 Request Header Fields Too Large"


def test_an_unknown_method_is_not_implemented(demo: DemoKomboServer) -> None:
    request = f"BREW {api_path(demo, '/check-api-key')} HTTP/1.1\r\n{host(demo)}\r\n".encode()
    assert exchange(demo, request)[0] == "HTTP/1.0 501 Not Implemented"


def test_a_connection_that_says_nothing_is_closed_without_an_answer(
    demo: DemoKomboServer,
) -> None:
    assert exchange(demo, b"\r\n") == ("", {}, b"")


def test_serving_pages_and_drawing_codes_loads_neither_http_server_nor_html() -> None:
    code = (
        "import sys, urllib.error, urllib.request\n"
        "from kombo_desktop.core.demo_server import DemoKomboServer\n"
        "from kombo_desktop.core.qr import Band, qr_svg\n"
        "with DemoKomboServer() as demo:\n"
        "    try:\n"
        "        urllib.request.urlopen(demo.origin + '/demo/connect?token=none', timeout=10)\n"
        "    except urllib.error.HTTPError as error:\n"
        "        assert error.code == 404 and b'<html' in error.read()\n"
        "assert '&lt;' in qr_svg('https://x.example', band=Band('DEMO <x>', '#fff', '#000'))\n"
        "print(sorted(m for m in sys.modules if m in ('html', 'http.server')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
