"""The spelling likeness the tool search guesses with: difflib's ratio, without difflib.

The guesses ("grenhouse" -> Greenhouse) must stay exactly what they were with
``difflib.SequenceMatcher``, which the program no longer imports so that the packaged program
does not carry difflib. Tests are not packaged, so difflib is the yardstick here.
"""

from __future__ import annotations

import subprocess
import sys
from difflib import SequenceMatcher

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.likeness import Likeness

# Few letters, so that texts share many runs and the order of matching matters.
_TEXT = st.text(alphabet="abcde", max_size=40)


def _difflib_likeness(written: str, typed: str, at_least: float) -> float:
    """What the tool search computed with difflib: the quick bounds first, then the ratio."""
    matcher = SequenceMatcher(None, written, typed, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


@settings(max_examples=400, deadline=None)
@given(written=_TEXT, typed=_TEXT)
@example(written="", typed="")
@example(written="greenhouse", typed="grenhouse")
@example(written="abcabcabc", typed="cbacbacba")
def test_the_ratio_is_difflibs(written: str, typed: str) -> None:
    assert (
        Likeness(typed).ratio(written)
        == SequenceMatcher(None, written, typed, autojunk=False).ratio()
    )


@settings(max_examples=300, deadline=None)
@given(
    written=_TEXT,
    typed=_TEXT,
    at_least=st.sampled_from([0.5, 0.8, 0.9]),
)
def test_below_the_bar_it_answers_as_the_search_did_with_difflib(
    written: str, typed: str, at_least: float
) -> None:
    assert Likeness(typed).ratio(written, at_least) == _difflib_likeness(written, typed, at_least)


def test_one_typed_text_compares_with_many_names() -> None:
    typed = Likeness("persnio")
    for written in ("personio", "persona", "", "persnio", "oinsrep", "p" * 300):
        assert (
            typed.ratio(written)
            == SequenceMatcher(None, written, "persnio", autojunk=False).ratio()
        )


def test_guessing_a_tool_does_not_import_difflib() -> None:
    code = (
        "import sys; from kombo_desktop.core.catalog import ToolCatalog; "
        "assert ToolCatalog.bundled().closest('grenhouse'); print('difflib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
