"""How alike two spellings are: the ratio ``difflib.SequenceMatcher`` gives, without ``difflib``.

The tool search guesses what a slip of the keyboard meant ("grenhouse" for Greenhouse) with
this ratio. ``difflib`` was imported for it alone, and the packaged program then carried the
whole module (21 KB of byte code, counted against the size target of packaging/README.md). The
measure is the Ratcliff/Obershelp one difflib uses with no junk (``autojunk=False``): the
longest common run of letters, then the same again left and right of it, and
``2 * letters matched / letters in both``. tests/core/test_likeness.py checks it against
difflib's own answer.
"""

from __future__ import annotations

from collections import Counter


class Likeness:
    """Compares one text (what was typed) with many others, analysing it only once."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._letter_counts = Counter(text)
        self._positions: dict[str, list[int]] = {}
        for index, letter in enumerate(text):
            self._positions.setdefault(letter, []).append(index)

    def ratio(self, other: str, at_least: float = 0.0) -> float:
        """From 0 (nothing alike) to 1 (the same text); 0 as soon as it cannot reach ``at_least``.

        Two cheap upper bounds come first, as in ``difflib.get_close_matches``: the lengths,
        then the letters in common regardless of order. Most names are ruled out by them, about
        ten times faster than by the full comparison.
        """
        total = len(other) + len(self._text)
        if total == 0:
            return 1.0
        if 2.0 * min(len(other), len(self._text)) / total < at_least:
            return 0.0
        left = dict(self._letter_counts)
        in_common = 0
        for letter in other:
            if left.get(letter, 0) > 0:
                left[letter] -= 1
                in_common += 1
        if 2.0 * in_common / total < at_least:
            return 0.0
        return 2.0 * self._letters_matched(other) / total

    def _letters_matched(self, other: str) -> int:
        matched = 0
        pending = [(0, len(other), 0, len(self._text))]
        while pending:
            other_start, other_end, start, end = pending.pop()
            at_other, at, length = self._longest_run(other, other_start, other_end, start, end)
            if length:
                matched += length
                if other_start < at_other and start < at:
                    pending.append((other_start, at_other, start, at))
                if at_other + length < other_end and at + length < end:
                    pending.append((at_other + length, other_end, at + length, end))
        return matched

    def _longest_run(
        self, other: str, other_start: int, other_end: int, start: int, end: int
    ) -> tuple[int, int, int]:
        """The longest run of letters both share within the bounds; of equally long ones, the
        first in ``other`` and then the first in the typed text (difflib's choice, which
        decides what is left to match on either side)."""
        best_other, best, best_length = other_start, start, 0
        run_ending_at: dict[int, int] = {}
        for index in range(other_start, other_end):
            runs: dict[int, int] = {}
            for position in self._positions.get(other[index], ()):
                if position < start:
                    continue
                if position >= end:
                    break
                length = runs[position] = run_ending_at.get(position - 1, 0) + 1
                if length > best_length:
                    best_length = length
                    best_other, best = index - length + 1, position - length + 1
            run_ending_at = runs
        return best_other, best, best_length
