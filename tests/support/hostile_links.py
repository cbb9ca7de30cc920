"""Links a history or Kombo's answer may hold that must not be handed on, and near misses that
may: the set the link check's short cuts are held to (``tests/core/test_link_check.py``).

Gathered from the tests of each rule (this computer in its spellings, escapes in the host,
schemes, credentials, characters no web address holds), with the links that look most like
Kombo's own and differ in one character: those are the ones a short cut for Kombo's plain
links could let through by mistake.
"""

from __future__ import annotations

from typing import Final

# A key the program has read (``logs.register_secret``): a link holding it is refused.
REGISTERED_KEY: Final = "sk_live_7Hq2Vx9Lm4Pz8Rk3"

KOMBO_START: Final = "https://connect.kombo.dev/"
_TOKEN: Final = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"

HOSTILE_LINKS: Final = (
    # Kombo's own, and the demo service's: handed on.
    f"{KOMBO_START}v1?token={_TOKEN}",
    f"{KOMBO_START}v1?token=abc&language=de",
    "http://127.0.0.1:8765/demo/connect?token=abc%2Edef",
    "http://localhost:8000/demo/connect?token=DEMO-1",
    "http://[::1]:8000/demo/connect?token=DEMO-1",
    # Schemes.
    "javascript:alert(document.cookie)",
    "JavaScript://connect.kombo.dev/%0Aalert(1)",
    "file:///etc/passwd",
    "file://connect.kombo.dev/share/link",
    "http://connect.kombo.dev/v1?token=abc",
    "data:text/html,<script>alert(1)</script>",
    "HTTPS://connect.kombo.dev/v1?token=abc",
    "https:///no-host",
    "https:connect.kombo.dev/v1",
    "//connect.kombo.dev/v1",
    # This computer, in every spelling browsers read.
    "https://127.0.0.1/x",
    "https://127.1/x",
    "https://127.0.0.2/x",
    "https://0x7f.1/x",
    "https://0177.0.0.1/x",
    "https://2130706433/x",
    "https://0.0.0.0/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://localhost./x",
    "https://app.localhost/x",
    "http://127.0.0.2:8000/demo",
    "http://192.168.1.10/demo",
    # Escapes in the host.
    "https://%31%32%37.0.0.1/x",
    "https://localhost%2e:8443/admin",
    "https://%6c%6fcalhost/",
    "https://127.0.0.1%2e/",
    "https://connect%2ekombo.dev/v1?token=abc",
    # User names, passwords, ports, hosts that only start like Kombo's.
    "https://user:secret@connect.kombo.dev/x",
    "https://connect.kombo.dev@127.0.0.1/x",
    f"{KOMBO_START}@127.0.0.1/x",
    "https://connect.kombo.dev:443/v1?token=abc",
    "https://connect.kombo.dev:99999/v1?token=abc",
    "https://connect.kombo.dev.evil.example/v1?token=abc",
    "https://CONNECT.KOMBO.DEV/v1?token=abc",
    "https://connect.kombo.devil/v1?token=abc",
    "https://connect.kombo.dev.localhost/v1?token=abc",
    # Characters no web address holds, spaces, control and non-ASCII characters, backslashes.
    f"{KOMBO_START}v1?token=a b",
    f"{KOMBO_START}v1?token=<h1>Call us</h1>",
    f'{KOMBO_START}v1?token="x"',
    f"{KOMBO_START}v1?token=a\tb",
    f"{KOMBO_START}v1?token=a\x00b",
    f"{KOMBO_START}v1?token=a\x7fb",
    f"{KOMBO_START}caf\u00e9",
    f"{KOMBO_START}v1?token=\u202egnp.exe",
    "https://127.0.0.1\\.kombo.dev/",
    f"{KOMBO_START}v1\\..\\x",
    # Kombo's host with what its links never hold: escapes, fragments, brackets, colons.
    f"{KOMBO_START}v1?token=%41%42",
    f"{KOMBO_START}v1?token=abc#fragment",
    f"{KOMBO_START}[::1]/x",
    f"{KOMBO_START}v1?token=a:b;c,d!e$f'g(h)i*j+k",
    f"{KOMBO_START}v1?token=[hidden]",
    # Credentials and keys: as they are, in another case, percent-encoded, with look-alikes.
    f"{KOMBO_START}v1?token={REGISTERED_KEY}",
    f"{KOMBO_START}v1?token=%73k_live_7Hq2Vx9Lm4Pz8Rk3",
    f"{KOMBO_START}v1?api_key=abc123",
    f"{KOMBO_START}v1?API-KEY=abc123",
    f"{KOMBO_START}v1?ApiKey=abc123",
    f"{KOMBO_START}v1?token=abc&apikey=xyz",
    f"{KOMBO_START}v1?authorization=abc",
    f"{KOMBO_START}v1?Authorization:Bearer%20abc",
    f"{KOMBO_START}v1?token=Bearer%20abc",
    f"{KOMBO_START}v1?token=bearer",
    f"{KOMBO_START}v1?token=api&key=1",
    f"{KOMBO_START}v1?api_\u212aey=abc",  # the Kelvin sign, "k" to a case-blind pattern
    f"{KOMBO_START}v1?ap\u0131_key=abc",  # a dotless i, "i" to it, and not made "i" by lower()
    f"{KOMBO_START}v1?author\u0130zation=abc",  # a dotted capital I, also "i" to it
    f"{KOMBO_START}v1?api_key=[hidden]",
    # Far too long.
    f"{KOMBO_START}{'a' * 2100}",
    f"{KOMBO_START}{'a' * (2048 - len(KOMBO_START))}",
    "",
)
