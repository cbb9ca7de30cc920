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
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.link_check import MAX_LINK_CHARS
from kombo_desktop.core.qr import (
    ON_PAPER,
    ON_SCREEN,
    QUIET_ZONE,
    Band,
    Correction,
    QrTooLongError,
    band_modules,
    qr_matrix,
    qr_svg,
)

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
    found = zxingcpp.read_barcodes(
        view, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert len(found) == 1, f"expected one QR code, found {len(found)}"
    return found[0]


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


_RECTANGLE = re.compile(r"M(\d+),(\d+)h(\d+)v(\d+)h-(\d+)z")
# Qt's SVG reader drops a path of more than 32,767 elements ("Invalid path data; path
# truncated") and draws nothing of it; a rectangle is five elements.
QT_PATH_ELEMENTS = 32767


def dark_paths_from_svg(svg: str) -> tuple[int, list[list[tuple[int, int, int, int]]]]:
    """The code's size in modules and the rectangles of each of its dark paths; checks the
    document's shape too."""
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

    rectangles = []
    for path in paths:
        data = path.attrib["d"]
        assert re.fullmatch(f"(?:{_RECTANGLE.pattern})+", data), "unexpected path commands"
        found = []
        for match in _RECTANGLE.finditer(data):
            x, y, run, rows, back = (int(g) for g in match.groups())
            assert run == back and run > 0 and rows > 0
            found.append((x, y, run, rows))
        rectangles.append(found)
    return width, rectangles


def path_of_each_module(svg: str) -> list[list[int | None]]:
    """For each module, the number of the path that draws it (None: light)."""
    size, paths = dark_paths_from_svg(svg)
    owner: list[list[int | None]] = [[None] * size for _ in range(size)]
    for number, rectangles in enumerate(paths):
        for x, y, run, rows in rectangles:
            for row in range(y, y + rows):
                for column in range(x, x + run):
                    assert owner[row][column] is None, "modules drawn twice"
                    owner[row][column] = number
    return owner


def matrix_from_svg(svg: str) -> list[list[bool]]:
    """The modules drawn by the SVG, read back from its paths."""
    return [[number is not None for number in row] for row in path_of_each_module(svg)]


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


def kombo_shaped(length: int) -> str:
    link = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9."
    while len(link) < length:
        link += "eyJzdWIiOiJBY21lIn0-_x"
    return link[:length]


@pytest.mark.parametrize(
    ("length", "on_screen", "on_paper"),
    [(352, 73, 81), (2000, 157, 177), (2048, 157, 177)],
    ids=["a link as Kombo makes it", "a long one", "the longest the program takes"],
)
def test_a_code_for_the_screen_has_fewer_modules(
    length: int, on_screen: int, on_paper: int
) -> None:
    # Fewer modules in the same pixels are larger ones: what lets a phone read a code from a
    # shared screen. Files and the copied picture keep level M, for a printed sheet's sake.
    link = kombo_shaped(length)
    screen, paper = qr_matrix(link, correction=ON_SCREEN), qr_matrix(link, correction=ON_PAPER)
    assert (len(screen), len(paper)) == (on_screen, on_paper)  # quiet zone included
    assert decode_matrix(screen).ec_level == "L"
    assert decode_matrix(paper).ec_level == "M"
    assert decode_matrix(screen).text == decode_matrix(paper).text == link
    assert qr_matrix(link) == paper  # unless asked, the code for files


def test_the_codes_of_a_link_are_remembered_apart() -> None:
    # Both are remembered for the same link: asking for one must never give the other.
    link = kombo_shaped(400)
    first_screen = qr_matrix(link, correction=ON_SCREEN)
    assert decode_matrix(qr_matrix(link, correction=ON_PAPER)).ec_level == "M"
    assert qr_matrix(link, correction=ON_SCREEN) == first_screen
    assert decode_matrix(qr_matrix(link, correction=ON_SCREEN)).ec_level == "L"


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_round_trips_byte_for_byte(text: str) -> None:
    assert decode_matrix(qr_matrix(text)).bytes == text.encode("utf-8")


# --- links qrcode 8.2 cannot make a code for by itself --------------------------------------
# A run of "0"s fills a block of the code with zero bits, and qrcode fails on it with
# "ValueError: glog(0)" (python-qrcode issue #330); the program called such links too long.

LINK_START = "https://app.kombo.dev/connect?t="


@pytest.mark.parametrize("zeros", [300, 380])
@pytest.mark.parametrize("correction", [ON_SCREEN, ON_PAPER], ids=["on screen", "on paper"])
def test_a_link_with_a_long_run_of_zeros_gets_a_code(zeros: int, correction: Correction) -> None:
    # 300: qrcode fails at level M only; 380: at both levels.
    link = LINK_START + "0" * zeros

    barcode = decode_matrix(qr_matrix(link, correction=correction))

    assert barcode.text == link
    assert barcode.ec_level == correction.value


@pytest.mark.parametrize(
    ("link", "correction"),
    [(LONG_LINK, ON_PAPER), (LONG_LINK, ON_SCREEN), (LINK_START + "0" * 300, ON_SCREEN)],
    ids=["a Kombo link on paper", "on screen", "zeros qrcode manages"],
)
def test_a_code_qrcode_makes_by_itself_is_kept(link: str, correction: Correction) -> None:
    # The way around the failure is only taken when qrcode fails: it costs modules.
    import qrcode

    level = {ON_SCREEN: qrcode.ERROR_CORRECT_L, ON_PAPER: qrcode.ERROR_CORRECT_M}[correction]
    code = qrcode.QRCode(error_correction=level, border=0)
    code.add_data(link)
    code.make()

    assert qr_matrix(link, border=0, correction=correction) == [
        [bool(module) for module in row] for row in code.get_matrix()
    ]


@st.composite
def few_character_links(draw: st.DrawFn) -> str:
    """Links whose token is runs of up to three characters, "0" among them, of any length up
    to the longest link the program takes."""
    alphabet = "0" + draw(st.text(st.sampled_from("0123456789aZ-_."), max_size=2))
    runs = draw(
        st.lists(st.tuples(st.sampled_from(alphabet), st.integers(1, 900)), min_size=1, max_size=6)
    )
    body = "".join(character * length for character, length in runs)
    return LINK_START + body[: MAX_LINK_CHARS - len(LINK_START)]


LONGEST_ZERO_LINK = LINK_START + "0" * (MAX_LINK_CHARS - len(LINK_START))


@settings(max_examples=25, deadline=None)
@given(few_character_links())
@example(LONGEST_ZERO_LINK)
def test_every_link_of_few_characters_gets_a_code_that_reads_back(link: str) -> None:
    for correction in (ON_SCREEN, ON_PAPER):
        barcode = decode_matrix(qr_matrix(link, correction=correction))
        assert barcode.text == link
        assert barcode.ec_level == correction.value


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


# A 2,048-character link, the longest the program accepts: the largest code it makes.
LONGEST_LINK = "https://connect.kombo.dev/v1?token=" + "Ab9-_xYz" * 251 + "Ab9-_"


@pytest.mark.parametrize("text", [LONG_LINK, UNICODE_TEXT, LONGEST_LINK])
def test_dark_modules_that_touch_are_drawn_by_the_same_path(text: str) -> None:
    """Renderers smooth each path's edges on its own: where two paths meet, the pixels on the
    line between them come out grey. With a path per row, such seams ran through the finder
    squares, and at some sizes no scanner read the code."""
    owner = path_of_each_module(qr_svg(text))

    size = len(owner)
    for y in range(size):
        for x in range(size):
            if owner[y][x] is None:
                continue
            if x + 1 < size and owner[y][x + 1] is not None:
                assert owner[y][x + 1] == owner[y][x], f"seam right of module {x},{y}"
            if y + 1 < size and owner[y + 1][x] is not None:
                assert owner[y + 1][x] == owner[y][x], f"seam below module {x},{y}"


def test_no_path_of_the_largest_code_is_too_long_for_qt() -> None:
    _, paths = dark_paths_from_svg(qr_svg(LONGEST_LINK))

    assert max(len(rectangles) for rectangles in paths) * 5 <= QT_PATH_ELEMENTS
    assert matrix_from_svg(qr_svg(LONGEST_LINK)) == qr_matrix(LONGEST_LINK)


def test_runs_repeated_in_the_rows_below_become_one_rectangle() -> None:
    """Fewer, taller rectangles: a smaller file than a rectangle per run and row."""
    _, paths = dark_paths_from_svg(qr_svg(LONG_LINK))
    rectangles = [rectangle for path in paths for rectangle in path]
    finder_ring_side = (QUIET_ZONE, QUIET_ZONE + 1, 1, 5)  # the top-left square's left side

    assert finder_ring_side in rectangles
    runs = sum(
        1
        for row in qr_matrix(LONG_LINK)
        for x, dark in enumerate(row)
        if dark and (x == 0 or not row[x - 1])
    )
    assert len(rectangles) < 0.95 * runs


DEMO_BAND = Band("DEMO — connects nothing", "#ffb300", "#1d1400")


def test_a_band_is_written_under_the_code_and_its_quiet_zone() -> None:
    """A demo link's code says so in itself, wherever the file goes."""
    plain = qr_svg(LONG_LINK)
    svg = qr_svg(LONG_LINK, band=DEMO_BAND)
    root = parse_svg(svg)
    count = len(qr_matrix(LONG_LINK))
    height = band_modules(count)

    assert root.attrib["viewBox"] == f"0 0 {count} {count + height}"
    assert (root.attrib["width"], root.attrib["height"]) == (
        f"{count * 10}",
        f"{(count + height) * 10}",
    )
    background, band = root.findall(f"{SVG_NS}rect")
    assert (background.attrib["y"], background.attrib["height"]) == ("0", str(count))
    assert band.attrib == {
        "x": "0",
        "y": str(count),
        "width": str(count),
        "height": str(height),
        "fill": "#ffb300",
    }
    (words,) = root.findall(f"{SVG_NS}text")
    assert words.text == "DEMO — connects nothing"
    assert words.attrib["fill"] == "#1d1400"
    assert words.attrib["text-anchor"] == "middle"
    scale = float(words.attrib["transform"].removeprefix("scale(").removesuffix(")"))
    assert count < float(words.attrib["y"]) * scale < count + height  # inside the band
    # The code itself, quiet zone included, is drawn exactly as without the band.
    assert plain.split("<g ")[1].split("</g>")[0] == svg.split("<g ")[1].split("</g>")[0]


def test_the_band_is_an_eighth_of_the_code_high() -> None:
    assert band_modules(33) == 4  # at least four modules, however small the code
    assert band_modules(45) == 6
    assert band_modules(185) == 23


def test_a_bands_words_and_colours_are_written_as_text_not_markup() -> None:
    svg = qr_svg("x", band=Band('<b>A & "B"</b>', '"red"', "<blue>"))
    root = parse_svg(svg)

    (words,) = root.findall(f"{SVG_NS}text")
    assert words.text == '<b>A & "B"</b>'
    assert words.attrib["fill"] == "<blue>"
    assert root.findall(f"{SVG_NS}rect")[1].attrib["fill"] == '"red"'


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
