"""The link check's short cuts change no verdict, and neither does the export's.

The CSV export checks every link it writes (``link_check.link_problem``): 100,000 links took
about 10 s of CPU on its worker, 3.5 s before the check was added. Kombo's plain links are now
passed without being read part by part, the check for credentials no longer rewrites each link
to compare it (``logs.redact_would_change``), and a cell no spreadsheet rule changes is told by
its first character. Each link must get exactly the problem it got before (the copy of the
check as it was, ``tests/support/link_check_before.py``), and the file the same bytes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kombo_desktop.core.credentials import MIN_KEY_LENGTH
from kombo_desktop.core.history import EntryKind, HistoryEntry, export
from kombo_desktop.core.history.export import export_csv
from kombo_desktop.core.link_check import link_problem
from kombo_desktop.core.logs import redact, redact_would_change, register_secret
from kombo_desktop.core.safe_text import unsafe_to_show
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from tests.support import link_check_before as before
from tests.support.hostile_links import HOSTILE_LINKS, KOMBO_START, REGISTERED_KEY

register_secret(REGISTERED_KEY)  # as the program does with each key it reads

# Keys of 8 characters or more (``credentials.MIN_KEY_LENGTH``), the only ones the client sends
# and so the only ones the old check (``tests/support/link_check_before.py``) applies to.
KEYS = [None, REGISTERED_KEY, "another-key-4f9c2e7a"]
# The shortest key the program takes, never registered: only the comparison with the client's
# own key can find it in a link.
SHORTEST_KEY = "Qz7xYw3p"


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("loopback_api", [False, True])
@pytest.mark.parametrize("link", HOSTILE_LINKS)
def test_each_link_gets_the_verdict_it_got_before(
    link: str, loopback_api: bool, key: str | None
) -> None:
    now = link_problem(link, loopback_api=loopback_api, key=key)
    assert now == before.link_problem(link, loopback_api=loopback_api, key=key)


def test_a_link_holding_the_clients_key_of_the_shortest_length_taken_is_refused() -> None:
    assert len(SHORTEST_KEY) == MIN_KEY_LENGTH
    link = f"{KOMBO_START}v1?token=abc{SHORTEST_KEY}"
    assert unsafe_to_show(link, SHORTEST_KEY)
    # Percent-encoded too ("Q" is %51), as a browser would read it.
    assert unsafe_to_show(f"{KOMBO_START}v1?token=abc%51{SHORTEST_KEY[1:]}", SHORTEST_KEY)
    problem = link_problem(link, loopback_api=False, key=SHORTEST_KEY)
    assert problem is not None and problem.technical == "contains an API key"
    assert link_problem(link, loopback_api=False, key=None) is None


@pytest.mark.parametrize("short_key", ["a", "k", "abc", "Qz7xYw3"])
def test_a_key_shorter_than_any_taken_does_not_make_every_link_unsafe(short_key: str) -> None:
    # The client refuses such a key before sending (ShortKeyError), so no link made with it
    # reaches the check; looked for all the same, "a" is in almost every link.
    link = f"{KOMBO_START}v1?token=abc{short_key}"
    assert short_key in link
    assert not unsafe_to_show(link, short_key)
    assert link_problem(link, loopback_api=False, key=short_key) is None


def test_the_set_holds_links_handed_on_and_links_refused_for_each_reason() -> None:
    # Else the comparison above could hold for a set the short cuts never meet.
    verdicts = [link_problem(link, loopback_api=False, key=None) for link in HOSTILE_LINKS]
    assert sum(problem is None for problem in verdicts) >= 3
    reasons = {problem.technical for problem in verdicts if problem is not None}
    assert len(reasons) >= 10


# Links that begin like Kombo's (or nearly) and go on with the characters its links hold, mixed
# with the ones that take a link off the short cut: escapes, ports, user names, fragments,
# brackets, backslashes, spaces, non-ASCII letters a case-blind pattern reads as ASCII ones
# (the Kelvin sign, long s, dotted I), credential words and the registered key.
STARTS = st.sampled_from(
    [
        KOMBO_START,
        "https://connect.kombo.dev",
        "https://connect.kombo.dev:",
        "https://connect.kombo.dev.",
        "https://connect.kombo.dev@",
        "HTTPS://connect.kombo.dev/",
        "http://connect.kombo.dev/",
        "https://127.0.0.1/",
        "http://127.0.0.1:8765/",
        "https://evil.example/",
        "",
    ]
)
PIECES = st.lists(
    st.one_of(
        st.sampled_from(list("abcXYZ019-._~/?=&")),
        st.sampled_from(
            [":", "@", "#", "[", "]", "\\", " ", "\t", "\x00", "<", "%", "%41", "%2e", "%20"]
        ),
        st.sampled_from(list(";',()*+$!\u00e9\u212a\u017f\u0130\u0131")),
        st.sampled_from(
            ["api", "key", "Api", "KEY", "_", "-", "bearer", "Bearer ", "authorization"]
        ),
        st.sampled_from(["AUTHORIZATION=", "[hidden]", REGISTERED_KEY, REGISTERED_KEY[:12]]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(STARTS, PIECES, st.booleans(), st.sampled_from(KEYS))
def test_any_link_near_kombos_gets_the_verdict_it_got_before(
    start: str, rest: str, loopback_api: bool, key: str | None
) -> None:
    link = start + rest
    now = link_problem(link, loopback_api=loopback_api, key=key)
    assert now == before.link_problem(link, loopback_api=loopback_api, key=key)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(PIECES, st.text(max_size=60), STARTS.flatmap(lambda s: PIECES.map(s.__add__))))
def test_redact_would_change_exactly_what_redacting_changes(text: str) -> None:
    assert redact_would_change(text) is (redact(text) != text)


# ------------------------------------------------------------------------------ the export

# Cells a spreadsheet would run or convert, beside ones it would not.
AWKWARD_CELLS = ["", "00123", "3/4", "=1+1", "+49 30 1234", "-x", "@x", "\tx", "\rx", "x=1", "a"]


def _cell_before(value: str) -> str:
    """``export._cell`` as it was."""
    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return f"'{value}"
    if re.fullmatch(r"[0-9][0-9 .,:/%eE+-]*", value):
        return f'="{value}"'
    return value


def test_the_export_writes_the_file_it_wrote_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    entries = [
        _entry(number, link, is_demo, AWKWARD_CELLS[number % len(AWKWARD_CELLS)], now)
        for number, (link, is_demo) in enumerate(
            (link, is_demo) for link in HOSTILE_LINKS for is_demo in (False, True)
        )
    ]
    written = tmp_path / "now.csv"
    assert export_csv(entries, written, now=now, separator=";") == len(entries)

    monkeypatch.setattr(export, "link_problem", before.link_problem)
    monkeypatch.setattr(export, "_cell", _cell_before)
    earlier = tmp_path / "before.csv"
    export_csv(entries, earlier, now=now, separator=";")

    assert written.read_bytes() == earlier.read_bytes()
    text = written.read_text("utf-8-sig")
    assert "Left out as unsafe" in text and REGISTERED_KEY not in text
    assert f"{KOMBO_START}v1?token=abc&language=de" in text


def _entry(number: int, link: str, is_demo: bool, awkward: str, now: datetime) -> HistoryEntry:
    made = now - timedelta(days=number)
    return HistoryEntry(
        id=number + 1,
        created_at=made,
        profile="default",
        environment_id=awkward or None,
        kind=EntryKind.LINK if number % 3 else EntryKind.RELINK,
        email=f"person{number}@example.com",
        organization=awkward or f"Customer {number}",
        origin_id=awkward or None,
        category=Category.HRIS,
        tool="personio",
        tool_label=None,
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK if number % 2 else LinkType.EMBEDDED,
        url=link,
        expires_at=made + timedelta(days=365 if number % 2 else 0, hours=1),
        integration_id=awkward or None,
        is_demo=is_demo,
        scope_config_id=awkward or None,
        enable_filtering=bool(number % 2),
    )
