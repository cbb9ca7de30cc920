"""QR codes for links, as a grid of dark and light modules and as an SVG document.

Only ``qrcode``'s encoder is used, never its image output: ``make_image()`` needs Pillow, which
is easy to lose in a frozen build. The window paints the matrix with Qt; files in SVG form are
written here from the same matrix, so what is saved is exactly what is shown.

Error correction level M (15 % of the code may be damaged) suits links shown on a screen or
printed on paper: a stronger level would make the code for a long link denser and harder to
scan from a shared screen. ``qrcode`` is imported inside the functions because the window
imports this module on its start-up path.

The code for a link is remembered (the last ``CACHE_SIZE`` texts): the window computes it on the
worker thread as soon as Kombo answers, then shows it, and "Save QR code", "Copy QR image" and
the SVG export ask for the same link again. Computing it costs 15-20 ms for a Kombo-length
link, most of it ``qrcode`` trying all eight mask patterns to pick the one scanners read best;
remembering it makes every later use of the same link nearly free.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

QUIET_ZONE = 4  # light modules around the code; the QR standard asks for four
CACHE_SIZE = 32  # links remembered; a few KB each


class QrTooLongError(ValueError):
    """The text does not fit in the largest QR code."""


def qr_matrix(text: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The modules of the QR code for ``text``, row by row; True is dark.

    The quiet zone of ``border`` light modules is included on every side. Non-ASCII text is
    encoded as UTF-8.
    """
    if border < 0:
        raise ValueError("The border of a QR code cannot be negative.")
    symbol = _symbol(text)
    # A fresh list every time: callers may change it, the remembered code must not change.
    light_row = [False] * (len(symbol) + 2 * border)
    margin = [False] * border
    return (
        [light_row.copy() for _ in range(border)]
        + [[*margin, *row, *margin] for row in symbol]
        + [light_row.copy() for _ in range(border)]
    )


def qr_svg(text: str, module_size: int = 10, border: int = QUIET_ZONE) -> str:
    """A standalone SVG document showing the QR code for ``text``.

    Every module is a ``module_size`` square in user units. The dark modules of each row form
    one path (a rectangle per horizontal run): one path for the whole code had over 30,000
    elements for the longest links, and Qt-based viewers gave up on it and showed nothing.
    Drawn with ``crispEdges`` so viewers do not blur the edges between modules; a white
    rectangle underneath keeps the code readable on a dark page.
    """
    if module_size < 1:
        raise ValueError("A QR module must be at least 1 unit wide.")
    matrix = qr_matrix(text, border=border)
    count = len(matrix)
    size = count * module_size
    rows = "".join(f'<path d="{path}"/>\n' for path in _dark_paths(matrix) if path)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{size}" '
        f'height="{size}" viewBox="0 0 {count} {count}" shape-rendering="crispEdges">\n'
        f'<rect x="0" y="0" width="{count}" height="{count}" fill="#ffffff"/>\n'
        f'<g fill="#000000">\n{rows}</g>\n'
        "</svg>\n"
    )


@lru_cache(maxsize=CACHE_SIZE)
def _symbol(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules without a quiet zone, immutable so it can be shared between callers
    and threads (``lru_cache`` is thread-safe; at worst two threads compute the same code)."""
    code = _make_code(text)
    return tuple(tuple(bool(module) for module in row) for row in code.get_matrix())


def _make_code(text: str) -> Any:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from qrcode.exceptions import DataOverflowError

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        # Depending on where the overflow is noticed, qrcode raises DataOverflowError or a
        # ValueError about "version 41"; the border is fixed at 0, so nothing else can.
        raise QrTooLongError(
            "This link is too long to show as a QR code. Copy the link instead."
        ) from None
    return code


def _dark_paths(matrix: list[list[bool]]) -> list[str]:
    """Path data in module units for each row: ``M x,y h w v1 h-w z`` for each run of dark
    modules ("" for a row without any)."""
    paths: list[str] = []
    for y, row in enumerate(matrix):
        commands: list[str] = []
        x = 0
        width = len(row)
        while x < width:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < width and row[x]:
                x += 1
            run = x - start
            commands.append(f"M{start},{y}h{run}v1h-{run}z")
        paths.append("".join(commands))
    return paths
