"""httpx, without the command-line client it imports wherever that client's libraries are.

``import httpx`` also imports httpx's own command-line client (``httpx._main``, with click,
rich and pygments) whenever those happen to be installed, as they are in a development or test
environment. The program never runs that client, and importing it made the first request's
imports on its worker some 60 ms longer here, in stretches that held the window back: the
benchmark's heartbeat while the first request waits reached 54-63 ms, 35-41 ms without it.
The packaged program leaves those libraries out (``packaging/bundle_rules.py``); marked
absent here, httpx does without them everywhere, through its own fallback for a missing client.
Import httpx from here, never directly.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

__all__ = ["httpx"]
