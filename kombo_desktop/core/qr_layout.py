"""Laying out a QR code with the mask ``qrcode`` would choose, in a fraction of its time.

Why: the QR standard has eight masks (patterns that flip the data modules so that scanners
find no large blocks or false finder squares), and an encoder picks the one whose layout scores
fewest penalty points. ``qrcode`` lays the whole code out eight times to do so, and scores each
layout module by module in Python: 15-30 ms for a 300-character Kombo link, nearly all the time
the window needs to show a code. The eight layouts differ only in the data modules, each
flipped where its mask says. So here the code is laid out once by ``qrcode`` itself, kept as
one integer per row (a bit per module), and each mask's layout is that row XOR a pattern that
depends only on the code's size; the penalty is then counted with string searches and bit
operations on whole rows, which run in C.

The score is ``qrcode``'s own (``qrcode.util.lost_point``), not a reading of the standard: it
scores layouts whose format modules are all light, and counts false finder patterns without
the quiet zone. The same score gives the same mask, and the same mask the same code: the tests
compare every module with what ``qrcode`` makes on its own.

``code`` is a ``qrcode.QRCode`` whose data and version are set; ``qrcode`` is pinned to a
major version (its layout steps are used by name), and the tests would notice a change.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import Any

MASKS = range(8)  # the QR standard's mask patterns, numbered as in its format information

_AS_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def lay_out(code: Any) -> None:
    """Lays ``code`` out (its ``modules``) with the mask that scores fewest penalty points,
    as ``code.make(fit=False)`` would, and raises what it would for data it cannot encode."""
    code.makeImpl(True, 0)  # format modules light, mask 0: the layout qrcode scores first
    size = code.modules_count
    first = [_row_bits(row) for row in code.modules]
    flips = _mask_flips(code.version, size)
    best_mask, best_rows, best_score = 0, first, penalty(first, size)
    for mask in MASKS[1:]:
        rows = [row ^ flip for row, flip in zip(first, flips[mask], strict=True)]
        score = penalty(rows, size)
        if score < best_score:  # the first of equal scores wins, as in qrcode
            best_mask, best_rows, best_score = mask, rows, score
    code.modules = [[digit == "1" for digit in format(row, f"0{size}b")] for row in best_rows]
    code.setup_type_info(False, best_mask)
    if code.version >= 7:
        code.setup_type_number(False)


def penalty(rows: list[int], size: int) -> int:
    """``qrcode.util.lost_point`` of the layout whose rows are ``rows`` (bit ``size - 1 - j``
    of a row is its module ``j``; 1 is dark): the four penalties of the QR standard.

    Runs and false finder patterns are counted in all rows and columns at once: written one
    after the other with a line break between them, they make one integer per colour, whose
    bit operations run in C. The line break is neither colour, so nothing spans two lines.
    """
    lines = [format(row, f"0{size}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = "\n".join(lines)
    dark = int(text.translate(_DARK_AS_ONES), 2)
    light = int(text.translate(_LIGHT_AS_ONES), 2)
    false_finders = sum(_occurrences(pattern, dark, light) for pattern in _FALSE_FINDERS)
    return (
        _run_points(dark)
        + _run_points(light)
        + 3 * _same_coloured_squares(rows, size)
        + 40 * false_finders
        + _balance(rows, size)
    )


# A finder square's 1:1:3:1:1 with four light modules after or before it; qrcode counts every
# occurrence of each (the order of the bits does not matter: each is the other reversed).
_FALSE_FINDERS = ("10111010000", "00001011101")
_DARK_AS_ONES = str.maketrans("01\n", "010")
_LIGHT_AS_ONES = str.maketrans("01\n", "100")


def _run_points(modules: int) -> int:
    """For every run of five or more modules (the 1 bits of ``modules``), its length minus
    two: a run of ``n`` holds ``n - 4`` windows of five, so the points are the windows plus
    two for each run of windows."""
    fives = modules & modules >> 1 & modules >> 2 & modules >> 3 & modules >> 4
    last_of_each_run = fives & ~(fives >> 1)
    return fives.bit_count() + 2 * last_of_each_run.bit_count()


def _occurrences(pattern: str, dark: int, light: int) -> int:
    """Where the modules, from a bit on, are coloured as ``pattern`` ("1" dark) says."""
    found = -1  # every bit set
    for offset, colour in enumerate(pattern):
        found &= (dark if colour == "1" else light) >> offset
    return found.bit_count()


def _same_coloured_squares(rows: list[int], size: int) -> int:
    """How many 2x2 squares of modules are all dark or all light (they may overlap)."""
    every_module = (1 << size) - 1
    count = 0
    for upper, lower in pairwise(rows):
        same_as_below = ~(upper ^ lower) & every_module
        same_as_next = ~(upper ^ (upper >> 1)) & (every_module >> 1)
        count += (same_as_below & (same_as_below >> 1) & same_as_next).bit_count()
    return count


def _balance(rows: list[int], size: int) -> int:
    """Ten points for each full 5 % the share of dark modules is away from half (computed in
    floating point, as qrcode does, so that a share on a boundary scores alike)."""
    dark = sum(row.bit_count() for row in rows)
    share = float(dark) / (size**2)
    return int(abs(share * 100 - 50) / 5) * 10


def _row_bits(row: list[bool]) -> int:
    return int(bytes(row).translate(_AS_DIGITS), 2)


@cache  # one entry per version, 40 at most, a few KB each
def _mask_flips(version: int, size: int) -> tuple[tuple[int, ...], ...]:
    """For each mask, per row, the data modules whose colour differs from mask 0's layout:
    where the two masks disagree, within the modules that hold data."""
    from qrcode.util import mask_func

    data = _data_modules(version, size)
    # Every mask repeats itself every 12 rows (its formulas take the row modulo 2, 3, 4 or 6).
    residues = range(min(size, _MASK_PERIOD))
    patterns = [[_mask_row(mask_func(mask), row, size) for row in residues] for mask in MASKS]
    return tuple(
        tuple(
            data[row] & (patterns[0][row % _MASK_PERIOD] ^ patterns[mask][row % _MASK_PERIOD])
            for row in range(size)
        )
        for mask in MASKS
    )


_MASK_PERIOD = 12


def _mask_row(is_flipped: Any, row: int, size: int) -> int:
    """The modules of row ``row`` that the mask ``is_flipped(row, column)`` flips."""
    return int("".join("1" if is_flipped(row, column) else "0" for column in range(size)), 2)


def _data_modules(version: int, size: int) -> list[int]:
    """Per row, the modules left for data: those ``makeImpl`` leaves empty once the finder,
    alignment and timing patterns and the format and version information are in place."""
    import qrcode

    scaffold = qrcode.QRCode(version=version)
    scaffold.modules_count = size
    scaffold.modules = [[None] * size for _ in range(size)]
    for row, column in ((0, 0), (size - 7, 0), (0, size - 7)):
        scaffold.setup_position_probe_pattern(row, column)
    scaffold.setup_position_adjust_pattern()
    scaffold.setup_timing_pattern()
    scaffold.setup_type_info(True, 0)
    if version >= 7:
        scaffold.setup_type_number(True)
    return [_row_bits([module is None for module in row]) for row in scaffold.modules]
