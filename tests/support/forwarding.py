"""A Kombo far away, served by a local test server: what the program sees of the real service.

Against ``FaultServer``'s own address (``http://127.0.0.1:...``) the program knows it talks to a
service on this computer, the demo, and judges some answers differently (a demo link points at
this computer, so such links are accepted). To see what it does with an answer from Kombo itself,
the window is given ``https://api.kombo.dev/v1`` and this transport, which takes each request to
the local server over a real socket instead, as if the name had been looked up there::

    with FaultServer(...) as server:
        window = kombo_window(KOMBO_API, transport=ForwardingTransport(server.origin))

Nothing else changes: the client builds its requests, reads the answers and checks them as it
does for Kombo; only where the bytes go is different (and no TLS, as the server speaks plain HTTP).
"""

from __future__ import annotations

import httpx

KOMBO_API = "https://api.kombo.dev/v1"


class ForwardingTransport(httpx.BaseTransport):
    """Sends every request to ``origin`` (e.g. ``http://127.0.0.1:8123``), whatever it names."""

    def __init__(self, origin: str) -> None:
        self._target = httpx.URL(origin)
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._target.scheme, host=self._target.host, port=self._target.port
        )
        return self._inner.handle_request(request)

    def close(self) -> None:
        """Kept open: the window's clients come and go (one per address or profile) and share
        this transport. It keeps no connection between requests, as the program asks for none."""
