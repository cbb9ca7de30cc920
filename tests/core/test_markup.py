"""Escaping for HTML and SVG: exactly what ``html.escape`` gives, without importing ``html``."""

from __future__ import annotations

import html

from hypothesis import example, given
from hypothesis import strategies as st

from kombo_desktop.core.markup import escape


@given(st.text())
@example("""Tom & Jerry's <b>"Ltd"</b> &amp; co""")
@example("")
def test_escape_is_html_escape(text: str) -> None:
    assert escape(text) == html.escape(text)


def test_every_character_that_ends_a_text_or_a_value_is_replaced() -> None:
    assert escape("""<a href="x" title='y'>&</a>""") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;"
    )
