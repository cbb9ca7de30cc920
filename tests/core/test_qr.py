"""QR codes read back by a real decoder (zxing-cpp), from the matrix and from the SVG document.

Images are built here as raw 8-bit gray bytes and handed to zxing-cpp through
``zxingcpp.ImageView``: no Qt, no numpy, no Pillow, like the core itself.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from kombo_desktop.core.qr import QUIET_ZONE, QrTooLongError, qr_matrix, qr_svg

SVG_NS = "{http://www.w3.org/2000/svg}"

LONG_LINK = (
    "https://connect.kombo.dev/v1?token="
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbmRfdXNlcl9lbWFpbCI6ImFubmFAZXhhbXBsZS5jb20iLCJl"
    "bmRfdXNlcl9vcmdhbml6YXRpb25fbmFtZSI6IkV4YW1wbGUgR21iSCIsImludGVncmF0aW9uX2NhdGVnb3J5IjoiSF"
    "JJUyIsImxhbmd1YWdlIjoiZGUiLCJsaW5rX3R5cGUiOiJNQUdJQ19MSU5LIn0.Zk3cQ9x1VhP0sWq-7HqTn4uX"
)
UNICODE_TEXT = "https://example.com/Zürich?name=Zoë&note=東京の顧客 — ¡listo! 🎉"


def test_the_long_link_is_300_characters() -> None:
    assert len(LONG_LINK) == 300


# --- decoding helpers ------------------------------------------------------------------------


def gray_image(matrix: list[list[bool]], scale: int = 4) -> tuple[bytes, int]:
    """Each module as a ``scale`` square of black (0) or white (255) pixels."""
    rows = []
    for row in matrix:
        line = b"".join((b"\x00" if dark else b"\xff") * scale for dark in row)
        rows.append(line * scale)
    return b"".join(rows), len(matrix) * scale


def decode_matrix(matrix: list[list[bool]]) -> zxingcpp.Barcode:
    pixels, size = gray_image(matrix)
    view = zxingcpp.ImageView(pixels, size, size, zxingcpp.ImageFormat.Lum)
    found = zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code, found {len(found)}"
    return found[0]


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


_RUN = re.compile(r"M(\d+),(\d+)h(\d+)v1h-(\d+)z")


def matrix_from_svg(svg: str) -> list[list[bool]]:
    """The modules drawn by the SVG, read back from its path; checks the document's shape too."""
    root = parse_svg(svg)
    assert root.tag == f"{SVG_NS}svg"
    _, _, width, height = (int(v) for v in root.attrib["viewBox"].split())
    assert width == height
    rects = root.findall(f"{SVG_NS}rect")
    groups = root.findall(f"{SVG_NS}g")
    assert len(rects) == 1 and len(groups) == 1 and len(root) == 2
    background = rects[0].attrib
    assert (background["width"], background["height"]) == (str(width), str(height))
    assert background["fill"] == "#ffffff"
    assert groups[0].attrib == {"fill": "#000000"}
    paths = list(groups[0])
    assert all(path.tag == f"{SVG_NS}path" and list(path.attrib) == ["d"] for path in paths)

    matrix = [[False] * width for _ in range(height)]
    for path in paths:
        data = path.attrib["d"]
        assert re.fullmatch(f"(?:{_RUN.pattern})+", data), "unexpected path commands"
        # One row per path: Qt-based viewers draw nothing of a path with some 30,000 parts.
        assert len({int(match.group(2)) for match in _RUN.finditer(data)}) == 1
        for match in _RUN.finditer(data):
            x, y, run, back = (int(g) for g in match.groups())
            assert run == back and run > 0
            for column in range(x, x + run):
                assert not matrix[y][column], "modules drawn twice"
                matrix[y][column] = True
    return matrix


# --- the matrix ------------------------------------------------------------------------------


def test_long_link_decodes_exactly() -> None:
    barcode = decode_matrix(qr_matrix(LONG_LINK))

    assert barcode.text == LONG_LINK
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode


def test_unicode_decodes_exactly() -> None:
    barcode = decode_matrix(qr_matrix(UNICODE_TEXT))

    assert barcode.bytes == UNICODE_TEXT.encode("utf-8")
    assert barcode.text == UNICODE_TEXT


def test_error_correction_is_level_m() -> None:
    assert decode_matrix(qr_matrix(LONG_LINK)).ec_level == "M"


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_round_trips_byte_for_byte(text: str) -> None:
    assert decode_matrix(qr_matrix(text)).bytes == text.encode("utf-8")


def test_matrix_is_square_with_a_light_quiet_zone() -> None:
    matrix = qr_matrix(LONG_LINK)
    size = len(matrix)
    symbol = size - 2 * QUIET_ZONE

    assert all(len(row) == size for row in matrix)
    assert (symbol - 17) % 4 == 0 and 1 <= (symbol - 17) // 4 <= 40  # a real QR version
    for i in range(QUIET_ZONE):
        assert not any(matrix[i]) and not any(matrix[size - 1 - i])
        assert not any(row[i] for row in matrix)
        assert not any(row[size - 1 - i] for row in matrix)


def test_finder_patterns_sit_in_three_corners() -> None:
    matrix = qr_matrix(LONG_LINK)
    size = len(matrix)
    b = QUIET_ZONE
    expected = [
        [r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7)]
        for r in range(7)
    ]
    for top, left in ((b, b), (b, size - b - 7), (size - b - 7, b)):
        assert [row[left : left + 7] for row in matrix[top : top + 7]] == expected


@pytest.mark.parametrize("border", [0, 1, 2, 8])
def test_border_only_changes_the_quiet_zone(border: int) -> None:
    reference = qr_matrix(LONG_LINK, border=QUIET_ZONE)
    inner = [row[QUIET_ZONE:-QUIET_ZONE] for row in reference[QUIET_ZONE:-QUIET_ZONE]]

    matrix = qr_matrix(LONG_LINK, border=border)

    assert len(matrix) == len(inner) + 2 * border
    assert [row[border : len(row) - border] for row in matrix[border : len(matrix) - border]] == (
        inner
    )


def test_negative_border_is_refused() -> None:
    with pytest.raises(ValueError, match="border"):
        qr_matrix("x", border=-1)


def test_text_too_long_for_any_qr_code_gets_a_plain_message() -> None:
    with pytest.raises(QrTooLongError, match="too long to show as a QR code"):
        qr_matrix("https://example.com/" + "x" * 3000)


# --- the SVG document ------------------------------------------------------------------------


def test_svg_of_the_long_link_decodes_exactly() -> None:
    svg = qr_svg(LONG_LINK)

    assert matrix_from_svg(svg) == qr_matrix(LONG_LINK)
    assert decode_matrix(matrix_from_svg(svg)).text == LONG_LINK


def test_svg_of_unicode_text_decodes_exactly() -> None:
    assert decode_matrix(matrix_from_svg(qr_svg(UNICODE_TEXT))).text == UNICODE_TEXT


@pytest.mark.parametrize(("module_size", "border"), [(1, 4), (10, 4), (7, 2)])
def test_svg_size_follows_module_size_and_border(module_size: int, border: int) -> None:
    svg = qr_svg(LONG_LINK, module_size=module_size, border=border)
    root = parse_svg(svg)
    count = len(qr_matrix(LONG_LINK, border=border))

    assert root.attrib["viewBox"] == f"0 0 {count} {count}"
    assert root.attrib["width"] == root.attrib["height"] == str(count * module_size)
    assert root.attrib["shape-rendering"] == "crispEdges"
    assert matrix_from_svg(svg) == qr_matrix(LONG_LINK, border=border)


def test_svg_is_a_standalone_document() -> None:
    svg = qr_svg("https://example.com")

    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<image" not in svg and "href" not in svg  # nothing to fetch or embed


def test_svg_module_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        qr_svg("x", module_size=0)


def test_svg_for_a_long_link_is_fast() -> None:
    start = time.perf_counter()
    for _ in range(5):
        qr_svg(LONG_LINK)
    assert (time.perf_counter() - start) / 5 < 0.5


def test_importing_the_module_does_not_import_qrcode() -> None:
    code = (
        "import sys, kombo_desktop.core.qr; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('qrcode', 'PIL')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_making_a_code_never_imports_pillow() -> None:
    code = (
        "import sys; from kombo_desktop.core.qr import qr_svg; qr_svg('https://x.example'); "
        "print('PIL' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
