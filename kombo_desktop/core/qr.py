"""QR codes for links, as a grid of dark and light modules and as an SVG document.

Only ``qrcode``'s encoder is used, never its image output: ``make_image()`` needs Pillow, which
is easy to lose in a frozen build. The window paints the matrix with Qt; files in SVG form are
written here from a matrix made the same way. ``qrcode`` is imported inside the functions
because the window imports this module on its start-up path.

Two levels of error correction (how much of a code may be lost and still be read), chosen by
where the code goes:

- ``ON_SCREEN``, level L (7 %), for the code in the window and shown large. A code drawn on a
  screen is exact and undamaged; what makes it fail is too few pixels a module once a screen
  share has scaled it down and compressed it, and a weaker level needs fewer modules for the
  same link: a 352-character Kombo link takes 73 modules (quiet zone included) at L against 81
  at M, a 2,000-character one 157 against 177. In the 228 screen pixels the window can give
  the code on a 1366x768 laptop at 125 %, the first link gets three pixels a module instead
  of two, and the large view gives the second three instead of two. Three scanned (zxing-cpp,
  smooth scaling and JPEG) at nearly every size the shared window was scaled to down to 50 %;
  two failed at most sizes below 65 %. Where both levels give as many pixels, they scanned
  alike in these trials.
- ``ON_PAPER``, level M (15 %), for what leaves the program: PNG and SVG files and the copied
  picture, any of which may be printed. They are not short of pixels (the PNG is 1200 wide),
  and a printed sheet gets folded: with a crease one to three modules wide drawn at random
  through a printed 352-character code, it read back 25-26 times in 30 at M, 11-22 at L.

The code for a link is remembered (the last ``CACHE_SIZE`` codes, at each level apart): the
window computes the on-screen code on a worker thread as soon as Kombo answers and shows it,
then computes the one for files the same way, and "Save QR code", "Copy QR image" and the SVG
export ask for that again. Remembering it makes every later use of the same link nearly free.
Computing one takes a few milliseconds for a Kombo-length link: ``qrcode`` encodes the data,
and ``core.qr_layout`` picks the mask as ``qrcode`` would (the one scanners read best) without
laying the code out eight times, which took ``qrcode`` 15-30 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from kombo_desktop.core.markup import escape  # quotes too, bundles no parser or entity table

QUIET_ZONE = 4  # light modules around the code; the QR standard asks for four
CACHE_SIZE = 32  # codes remembered; a few KB each


class Correction(Enum):
    """How much of a code may be lost and still be read: the QR standard's levels."""

    LOW = "L"  # 7 %
    MEDIUM = "M"  # 15 %


ON_SCREEN = Correction.LOW  # the window and the large view (see the module's docstring)
ON_PAPER = Correction.MEDIUM  # files and the copied picture


class QrTooLongError(ValueError):
    """The text does not fit in the largest QR code."""


@dataclass(frozen=True)
class Band:
    """Words in a band of colour under a code, outside its quiet zone: a picture copied or
    saved travels without the window around it, so what must be known about the code (that a
    demo link connects nothing) is written on it."""

    words: str
    background: str  # colours as "#rrggbb"
    colour: str


BAND_FONT_SIZE = 0.45  # of the band's height; bold, the words then fill 80-85 % of its width


def band_modules(count: int) -> int:
    """The height, in modules, of the band under a code ``count`` modules wide (quiet zone
    included): an eighth of the width, so that short words are large on any code."""
    return max(4, round(count / 8))


def qr_matrix(
    text: str, border: int = QUIET_ZONE, correction: Correction = ON_PAPER
) -> list[list[bool]]:
    """The modules of the QR code for ``text``, row by row; True is dark.

    The quiet zone of ``border`` light modules is included on every side. Non-ASCII text is
    encoded as UTF-8. ``correction``: ``ON_SCREEN`` for a code drawn in the window, else (files,
    the copied picture) the default.
    """
    if border < 0:
        raise ValueError("The border of a QR code cannot be negative.")
    symbol = _symbol(text, correction)
    # A fresh list every time: callers may change it, the remembered code must not change.
    light_row = [False] * (len(symbol) + 2 * border)
    margin = [False] * border
    return (
        [light_row.copy() for _ in range(border)]
        + [[*margin, *row, *margin] for row in symbol]
        + [light_row.copy() for _ in range(border)]
    )


def qr_svg(
    text: str, module_size: int = 10, border: int = QUIET_ZONE, band: Band | None = None
) -> str:
    """A standalone SVG document showing the QR code for ``text``.

    Every module is a ``module_size`` square in user units. The dark modules are rectangles in
    paths laid out so that no light seam can show between them (see ``_dark_path_data``).
    ``crispEdges`` asks viewers not to blur the edges of the modules (browsers do as asked, Qt
    does not); a white rectangle underneath keeps the code readable on a dark page. A ``band``
    is drawn under the quiet zone, which stays whole.
    """
    if module_size < 1:
        raise ValueError("A QR module must be at least 1 unit wide.")
    matrix = qr_matrix(text, border=border)
    count = len(matrix)
    height = count + (band_modules(count) if band is not None else 0)
    paths = "".join(f'<path d="{data}"/>\n' for data in _dark_path_data(matrix))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{count * module_size}" '
        f'height="{height * module_size}" viewBox="0 0 {count} {height}" '
        'shape-rendering="crispEdges">\n'
        f'<rect x="0" y="0" width="{count}" height="{count}" fill="#ffffff"/>\n'
        f'<g fill="#000000">\n{paths}</g>\n'
        f"{_svg_band(band, count, module_size) if band is not None else ''}"
        "</svg>\n"
    )


def _svg_band(band: Band, count: int, module_size: int) -> str:
    """The band's rectangle under a code ``count`` modules wide, and its words centred on it.

    The words are sized in the document's own units (a module is ``module_size``), scaled
    back into the code's: a font of 1.8 units scaled up tenfold gets the spacing of a tiny font
    in some browsers.
    """
    height = band_modules(count)
    font_size = round(height * BAND_FONT_SIZE * module_size, 1)
    # The baseline sits half the height of a capital letter (about 0.72 em) below the middle.
    baseline = round((count + height / 2) * module_size + 0.36 * font_size, 1)
    return (
        f'<rect x="0" y="{count}" width="{count}" height="{height}" '
        f'fill="{escape(band.background)}"/>\n'
        f'<text transform="scale({1 / module_size:g})" x="{count * module_size / 2:g}" '
        f'y="{baseline:g}" text-anchor="middle" font-family="sans-serif" font-weight="bold" '
        f'font-size="{font_size:g}" fill="{escape(band.colour)}">{escape(band.words)}</text>\n'
    )


@lru_cache(maxsize=CACHE_SIZE)
def _symbol(text: str, correction: Correction) -> tuple[tuple[bool, ...], ...]:
    """The code's modules without a quiet zone, immutable so it can be shared between callers
    and threads (``lru_cache`` is thread-safe; at worst two threads compute the same code).
    Remembered by text and level together: the window's code never stands in for a file's."""
    code = _make_code(text, correction)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


def _make_code(text: str, correction: Correction) -> Any:
    """The ``qrcode`` code for ``text``, made as ``qrcode`` makes it unless that fails.

    ``qrcode`` (8.2, lincolnloop/python-qrcode issue #330) cannot make the error correction of
    a block of data that is all zero bits: its polynomial division takes the logarithm of the
    block's first byte and raises ``ValueError("glog(0)")``. It packs runs of 20 digits or more
    in its compact numeric form, where "000" is ten zero bits, so a link with a few dozen "0"s
    in a row (the whole of one block: 16 bytes or more at level M, 19 at L) has such a block;
    a link with 300 of them was called too long at 332 characters. Choosing another mask does
    not help (masks are applied after the error correction), nor does another version for
    sure (the run still fills a block of it).

    Then the link is made again with every character as a plain byte. There, after a header
    of a byte and a half, each byte but the last holds the low half of one character and the
    high half of the next, and a printable character's high half is never zero: no block is
    all zero, whatever the link. It takes more modules than the numeric form, so it is only
    the way out; and a link the program takes (2,048 ASCII characters at most) fits at either
    level: the largest code holds 2,331 bytes at M.
    """
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M
    from qrcode.util import MODE_8BIT_BYTE, QRData

    from kombo_desktop.core.qr_layout import lay_out  # what code.make(fit=False) does, faster

    level = {Correction.LOW: ERROR_CORRECT_L, Correction.MEDIUM: ERROR_CORRECT_M}[correction]
    code = qrcode.QRCode(error_correction=level, border=0)
    code.add_data(text)
    _choose_version(code)
    try:
        lay_out(code)
    except ValueError:  # glog(0): a block of zero bits (see above)
        code = qrcode.QRCode(error_correction=level, border=0)
        code.add_data(QRData(text.encode("utf-8"), mode=MODE_8BIT_BYTE))
        _choose_version(code)
        # Text with a long run of NUL characters (never in a link) still has a block of zero
        # bits: qrcode's error is left to say so rather than calling the text too long.
        lay_out(code)
    return code


def _choose_version(code: Any) -> None:
    """Sets ``code``'s version to the smallest its data fits in (what ``make(fit=True)`` does
    first), so that an error of ``make`` afterwards is never mistaken for an overflow."""
    from qrcode.exceptions import DataOverflowError

    try:
        code.best_fit()
    except (DataOverflowError, ValueError):
        # Depending on where the overflow is noticed, qrcode raises DataOverflowError or a
        # ValueError about "version 41"; the border is fixed at 0, so nothing else can.
        raise QrTooLongError(
            "This link is too long to show as a QR code. Copy the link instead."
        ) from None


# Qt's SVG reader (and the viewers built on it) drops a path of more than 32,767 elements and
# draws nothing of it; a rectangle is five (move, three lines, close). 4,000 rectangles keep a
# path well under that. The code of a 2,048-character link, the longest taken, has about 7,000.
MAX_RECTANGLES_PER_PATH = 4000

Rectangle = tuple[int, int, int, int]  # x, y, width, height, in modules


def _dark_path_data(matrix: list[list[bool]]) -> list[str]:
    """Path data in module units, ``M x,y h w v h h-w z`` for each rectangle of dark modules.

    Why not a path per row: renderers smooth every path's edges on their own (Qt ignores
    ``crispEdges``), so where two paths meet, a pixel the line between them crosses is partly
    covered by each and comes out grey. Between rows, those seams ran across the finder
    squares, and at some sizes (437 px for a 60-character link) scanners read nothing. Within
    one path, edges that meet cancel out and leave no seam. So every connected dark shape
    (modules that share an edge) lies in one path; shapes of different paths touch at most at
    a corner. Only the longest links need more than one path (see MAX_RECTANGLES_PER_PATH).
    """
    paths: list[str] = []
    batch: list[Rectangle] = []
    for shape in _dark_shapes(matrix):
        if batch and len(batch) + len(shape) > MAX_RECTANGLES_PER_PATH:
            paths.append(_path_data(batch))
            batch = []
        batch.extend(shape)
        # A shape too large for one path is cut (none in any code tried had over 1,900
        # rectangles): a seam is better than a path Qt refuses.
        while len(batch) > MAX_RECTANGLES_PER_PATH:
            paths.append(_path_data(batch[:MAX_RECTANGLES_PER_PATH]))
            batch = batch[MAX_RECTANGLES_PER_PATH:]
    if batch:
        paths.append(_path_data(batch))
    return paths


def _path_data(rectangles: list[Rectangle]) -> str:
    return "".join(f"M{x},{y}h{width}v{height}h-{width}z" for x, y, width, height in rectangles)


def _dark_shapes(matrix: list[list[bool]]) -> list[list[Rectangle]]:
    """The dark modules as rectangles that tile them exactly, grouped by connected shape.

    A run of dark modules that is repeated exactly in the rows below becomes one taller
    rectangle (fewer rectangles, a smaller file). Shapes are found by joining every run with
    the runs it touches in the row above (union-find over the rectangles).
    """
    rectangles: list[list[int]] = []  # [x, y, width, height], growing downwards
    parent: list[int] = []

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    above: dict[tuple[int, int], int] = {}  # the previous row's runs: (start, end) -> rectangle
    for y, row in enumerate(matrix):
        current: dict[tuple[int, int], int] = {}
        for start, end in _dark_runs(row):
            index = above.get((start, end))
            if index is not None:
                rectangles[index][3] += 1  # the same run as above: its rectangle grows
            else:
                index = len(rectangles)
                rectangles.append([start, y, end - start, 1])
                parent.append(index)
                for (other_start, other_end), other in above.items():
                    if other_start < end and start < other_end:  # they share an edge
                        parent[root(other)] = root(index)
            current[(start, end)] = index
        above = current

    shapes: dict[int, list[Rectangle]] = {}  # in the order their first rectangle was found
    for index, (x, y, width, height) in enumerate(rectangles):
        shapes.setdefault(root(index), []).append((x, y, width, height))
    return list(shapes.values())


def _dark_runs(row: list[bool]) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of dark modules in ``row``."""
    runs: list[tuple[int, int]] = []
    x = 0
    width = len(row)
    while x < width:
        if not row[x]:
            x += 1
            continue
        start = x
        while x < width and row[x]:
            x += 1
        runs.append((start, x))
    return runs
