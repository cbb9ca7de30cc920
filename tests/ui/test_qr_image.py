"""QR pictures for the window, files and the clipboard decode to exactly the link."""

from __future__ import annotations

import math
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from kombo_desktop.core.qr import ON_PAPER, ON_SCREEN, Correction, qr_matrix
from kombo_desktop.ui.qr_image import (
    DEMO_MARK,
    PRINT_DPI,
    PRINT_WIDTH_PX,
    copy_qr_to_clipboard,
    fitting_module_pixels,
    qr_pixmap,
    qr_qimage,
    save_qr,
)
from tests.support.locked_files import fill_up, full_disk, read_only_drive, small_disk
from tests.support.qr_decode import (
    decode_pixmap,
    decode_png,
    decode_qimage,
    decode_svg,
    has_demo_band,
    render_svg,
)

LINK = "https://app.kombo.dev/connect?token=MAGIC-7f3a9c2e1b4d"
LONG_LINK = "https://app.kombo.dev/connect/embedded?token=" + "Ab3-xY9_" * 32
assert len(LONG_LINK) >= 300
UNICODE_TEXT = "https://example.com/Zoë/Ærø?firma=Müller & Söhne — Straße 5"

pytestmark = pytest.mark.usefixtures("qapp")


def _gray_pixels(image: QImage) -> list[bytes]:
    """Rows of 8-bit gray values, without Qt's row padding."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    raw = bytes(gray.constBits())
    stride = gray.bytesPerLine()
    return [raw[y * stride : y * stride + gray.width()] for y in range(gray.height())]


def _module_pixels(image: QImage, text: str, correction: Correction = ON_PAPER) -> int:
    modules = len(qr_matrix(text, correction=correction))
    assert image.width() % modules == 0, "modules must be whole pixels"
    return image.width() // modules


@pytest.mark.parametrize("text", [LINK, LONG_LINK, UNICODE_TEXT])
def test_qimage_decodes_to_exactly_the_text(text: str) -> None:
    assert decode_qimage(qr_qimage(text, module_pixels=4)) == text


def test_every_pixel_matches_the_matrix_so_modules_are_crisp() -> None:
    matrix = qr_matrix(LINK)
    image = qr_qimage(LINK, module_pixels=3)
    assert image.width() == image.height() == len(matrix) * 3
    rows = _gray_pixels(image)
    for y, row in enumerate(rows):
        expected = bytes(0x00 if matrix[y // 3][x // 3] else 0xFF for x in range(len(row)))
        assert row == expected, f"pixel row {y} differs from the QR matrix"


def test_quiet_zone_of_four_modules_is_white_on_every_side() -> None:
    module = 5
    image = qr_qimage(LINK, module_pixels=module)
    rows = _gray_pixels(image)
    quiet = 4 * module
    size = image.width()
    white_row = bytes([0xFF]) * size
    for y in list(range(quiet)) + list(range(size - quiet, size)):
        assert rows[y] == white_row, f"row {y} is inside the quiet zone but not white"
    for y in range(quiet, size - quiet):
        assert rows[y][:quiet] == bytes([0xFF]) * quiet
        assert rows[y][size - quiet :] == bytes([0xFF]) * quiet
    # The code itself starts right after the quiet zone: the finder pattern's dark corner.
    assert rows[quiet][quiet] == 0x00


@pytest.mark.parametrize("size_px", [180, 240, 333])
def test_qrview_pixmap_fits_with_whole_pixel_modules_and_decodes(size_px: int) -> None:
    pixmap = qr_pixmap(LINK, size_px)
    assert pixmap.width() == pixmap.height()
    assert pixmap.width() <= size_px
    modules = len(qr_matrix(LINK, correction=ON_SCREEN))
    assert pixmap.width() // modules == size_px // modules  # the largest module that fits
    _module_pixels(pixmap.toImage(), LINK, ON_SCREEN)
    assert decode_pixmap(pixmap) == LINK


def test_qrview_pixmap_is_rendered_in_device_pixels_on_high_resolution_screens() -> None:
    pixmap = qr_pixmap(LINK, 200, device_pixel_ratio=2.0)
    assert pixmap.devicePixelRatio() == 2.0
    modules = len(qr_matrix(LINK, correction=ON_SCREEN))
    assert pixmap.width() == (400 // modules) * modules  # device pixels
    assert pixmap.deviceIndependentSize().width() <= 200
    assert decode_pixmap(pixmap) == LINK


@pytest.mark.parametrize(("size_px", "ratio"), [(240, 1.0), (187, 1.25), (158, 1.0), (40, 1.0)])
def test_the_module_size_is_known_before_the_code_is_drawn(size_px: int, ratio: float) -> None:
    # The window asks first, so that it never draws a code too small to scan.
    modules = len(qr_matrix(LONG_LINK, correction=ON_SCREEN))
    expected = int(size_px * ratio) // modules
    assert fitting_module_pixels(LONG_LINK, size_px, ratio) == expected
    if expected:
        assert qr_pixmap(LONG_LINK, size_px, ratio).width() == expected * modules


# A link as Kombo makes it: 352 characters.
KOMBO_LINK = (
    "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    + "Ab9-_x" * 46
    + "Ab9-"
)
assert len(KOMBO_LINK) == 352


def test_a_laptop_at_125_percent_gives_a_real_link_three_pixels_a_module() -> None:
    # The 183 logical pixels the window gives the code there are 228 screen pixels: two a
    # module for the 81 modules of error correction M, three for the 73 of L.
    assert len(qr_matrix(KOMBO_LINK, correction=ON_SCREEN)) == 73
    assert fitting_module_pixels(KOMBO_LINK, 183, 1.25) == 3


def _level(image: QImage) -> str:
    """The error correction level a real decoder reads from the code in ``image``."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = b"".join(_gray_pixels(gray))
    view = zxingcpp.ImageView(rows, gray.width(), gray.height(), zxingcpp.ImageFormat.Lum)
    (found,) = zxingcpp.read_barcodes(
        view, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert found.text == KOMBO_LINK
    return str(found.ec_level)


def test_the_window_draws_level_l_and_what_leaves_the_program_is_level_m(tmp_path: Path) -> None:
    # On screen the code needs large modules; on a printed, folded sheet it needs correction.
    assert _level(qr_pixmap(KOMBO_LINK, 300).toImage()) == "L"
    assert _level(QImage(str(save_qr(KOMBO_LINK, tmp_path / "qr.png")))) == "M"
    assert _level(render_svg(save_qr(KOMBO_LINK, tmp_path / "qr.svg"))) == "M"
    assert _level(copy_qr_to_clipboard(KOMBO_LINK)) == "M"
    assert _level(qr_pixmap(KOMBO_LINK, 300).toImage()) == "L"  # each level remembered apart


def test_qrview_pixmap_of_a_long_link_still_decodes() -> None:
    pixmap = qr_pixmap(LONG_LINK, 240)
    assert decode_pixmap(pixmap) == LONG_LINK


# qrcode 8.2 fails on this one at both levels ("glog(0)": its run of zeros fills blocks of the
# code with zero bits), and the window said the link was too long for a QR code.
ZERO_RUN_LINK = "https://app.kombo.dev/connect?t=" + "0" * 380


def test_a_link_with_a_long_run_of_zeros_is_shown_saved_and_copied(tmp_path: Path) -> None:
    assert decode_pixmap(qr_pixmap(ZERO_RUN_LINK, 400)) == ZERO_RUN_LINK
    assert decode_png(save_qr(ZERO_RUN_LINK, tmp_path / "qr.png")) == ZERO_RUN_LINK
    assert decode_svg(save_qr(ZERO_RUN_LINK, tmp_path / "qr.svg")) == ZERO_RUN_LINK
    assert decode_qimage(copy_qr_to_clipboard(ZERO_RUN_LINK)) == ZERO_RUN_LINK


@pytest.mark.parametrize("text", [LINK, LONG_LINK, UNICODE_TEXT])
def test_png_file_decodes_and_prints_well(tmp_path: Path, text: str) -> None:
    written = save_qr(text, tmp_path / "qr.png")
    assert written == tmp_path / "qr.png"
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(written))
    assert image.width() == image.height() >= PRINT_WIDTH_PX
    _module_pixels(image, text)
    dpi_x = image.dotsPerMeterX() * 0.0254
    dpi_y = image.dotsPerMeterY() * 0.0254
    assert round(dpi_x) == round(dpi_y) == PRINT_DPI
    assert decode_png(written) == text


def test_png_file_keeps_the_quiet_zone(tmp_path: Path) -> None:
    image = QImage(str(save_qr(LINK, tmp_path / "qr.png")))
    module = _module_pixels(image, LINK)
    rows = _gray_pixels(image)
    for y in range(4 * module):
        assert rows[y] == bytes([0xFF]) * image.width()
        assert rows[-1 - y] == bytes([0xFF]) * image.width()


# The longest link the program accepts: as one path, Qt's SVG renderer gave up on its
# 30,000-odd parts ("Invalid path data; path truncated") and drew a blank page.
LONGEST_LINK = "https://connect.kombo.dev/v1?token=" + "Ab9-_xYz" * 251 + "Ab9-_"


@pytest.mark.parametrize("text", [LINK, LONG_LINK, UNICODE_TEXT, LONGEST_LINK])
def test_svg_file_decodes(tmp_path: Path, text: str) -> None:
    written = save_qr(text, tmp_path / "qr.svg")
    assert written == tmp_path / "qr.svg"
    assert "<svg" in written.read_text(encoding="utf-8")
    assert decode_svg(written) == text


# Links like Kombo's. Qt's SVG renderer (which Qt-based image viewers use) smooths the edges of
# each path on its own: when each row of the code was a path of its own, light seams ran between
# the rows, up to 63 of 255 inside the finder squares, and the code of TOKEN_LINK did not scan at
# SEAM_SIZES pixels wide, though each module was 10 pixels or more; TOKEN_LINK_352's at 250.
TOKEN_LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJz"
TOKEN_LINK_352 = (TOKEN_LINK + "dWIiOiJBY21lIn0-_xeyJz" * 14)[:352]
SEAM_SIZES = [437, 438, 441, 442, 459, 473, 474, 478, 493, 494, 495, 496]


def _svg_drawings(text: str, tmp_path: Path, sides: list[int]) -> list[QImage]:
    """The saved SVG as a Qt-based viewer shows it, ``side`` pixels wide, for each side."""
    renderer = QSvgRenderer(str(save_qr(text, tmp_path / "qr.svg")))
    assert renderer.isValid()
    drawings = []
    for side in sides:
        image = QImage(side, side, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        drawings.append(image)
    return drawings


def _light_pixels_inside_dark_areas(image: QImage, text: str) -> list[tuple[int, int, int]]:
    """Pixels lying wholly on dark modules yet not black: (x, y, grey level). Only the pixels
    on a line between two modules are looked at, where seams between paths show."""
    matrix = qr_matrix(text)
    rows = _gray_pixels(image)
    side, count = image.width(), len(matrix)
    scale = side / count
    # The modules each line of pixels overlaps (the same for rows and columns: it is square).
    spans = [range(int(p / scale), min(count, math.ceil((p + 1) / scale))) for p in range(side)]
    on_a_line = [p for p in range(side) if len(spans[p]) > 1]
    found = []
    for y in range(side):
        for x in range(side) if len(spans[y]) > 1 else on_a_line:
            wholly_dark = all(matrix[my][mx] for my in spans[y] for mx in spans[x])
            if wholly_dark and rows[y][x] > 16:
                found.append((x, y, rows[y][x]))
    return found


@pytest.mark.parametrize(
    ("text", "sides"),
    [(TOKEN_LINK, [250, 437, 459, 1000]), (TOKEN_LINK_352, [250, 563]), (LONGEST_LINK, [560])],
)
def test_svg_drawn_by_qt_has_no_light_seams_between_modules(
    tmp_path: Path, text: str, sides: list[int]
) -> None:
    for side, drawing in zip(sides, _svg_drawings(text, tmp_path, sides), strict=True):
        assert _light_pixels_inside_dark_areas(drawing, text)[:5] == [], f"{side} px"


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        # Every size the code was seen failing at, and sizes from 5 pixels a module to a page.
        (TOKEN_LINK, SEAM_SIZES + list(range(225, 1301, 75))),
        (TOKEN_LINK_352, list(range(425, 1301, 125))),
        (LONGEST_LINK, [885, 1093, 1300]),
    ],
)
def test_svg_drawn_by_qt_scans_at_any_size(tmp_path: Path, text: str, sides: list[int]) -> None:
    unreadable = []
    for side, drawing in zip(sides, _svg_drawings(text, tmp_path, sides), strict=True):
        try:
            if decode_qimage(drawing) != text:
                unreadable.append(side)
        except AssertionError:
            unreadable.append(side)
    assert unreadable == []


def test_format_is_chosen_by_extension_regardless_of_case(tmp_path: Path) -> None:
    png = save_qr(LINK, tmp_path / "Upper.PNG")
    svg = save_qr(LINK, tmp_path / "Upper.SVG")
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in svg.read_bytes()
    assert decode_png(png) == LINK
    assert decode_svg(svg) == LINK


def test_name_without_extension_becomes_png(tmp_path: Path) -> None:
    written = save_qr(LINK, str(tmp_path / "customer-link"))
    assert written == tmp_path / "customer-link.png"
    assert decode_png(written) == LINK
    assert not (tmp_path / "customer-link").exists()


@pytest.mark.parametrize("name", ["qr.jpg", "qr.pdf", "qr.JPEG", "qr.webp"])
def test_other_picture_and_document_types_are_refused_in_plain_words(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(ValueError, match=r"PNG picture \(\.png\) or an SVG drawing \(\.svg\)"):
        save_qr(LINK, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_an_ending_that_is_no_file_type_gets_png(tmp_path: Path) -> None:
    assert save_qr(LINK, tmp_path / "link.qr") == tmp_path / "link.qr.png"


def test_saving_replaces_an_existing_file_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "qr.png"
    target.write_bytes(b"old picture")
    save_qr(LINK, target)
    assert decode_png(target) == LINK
    assert [p.name for p in tmp_path.iterdir()] == ["qr.png"]


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no POSIX modes")
@pytest.mark.parametrize("name", ["qr.png", "qr.svg"])
def test_a_saved_picture_can_be_opened_by_whoever_it_is_shared_with(
    tmp_path: Path, name: str
) -> None:
    # A picture to send or put on a shared drive, not one of the program's private files.
    old_umask = os.umask(0o022)
    try:
        target = save_qr(LINK, tmp_path / name)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["qr.png", "qr.svg"])
def test_unwritable_folder_gives_a_plain_error_and_no_file(tmp_path: Path, name: str) -> None:
    missing = tmp_path / "no-such-folder" / name
    with pytest.raises(OSError, match="could not be saved") as caught:
        save_qr(LINK, missing)
    assert "choose another folder" in str(caught.value)
    assert not missing.parent.exists()


@pytest.mark.parametrize("name", ["qr.png", "qr.svg"])
def test_a_full_disk_keeps_the_old_picture_and_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    target = save_qr(LINK, tmp_path / name)
    full_disk(monkeypatch)
    with pytest.raises(OSError) as caught:
        save_qr(LONG_LINK, target)
    assert "The disk is full" in str(caught.value)
    assert "Nothing was changed" in str(caught.value)
    assert (decode_png if name.endswith(".png") else decode_svg)(target) == LINK
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind


def test_a_png_on_a_disk_that_really_filled_up_is_not_replaced_by_an_empty_file(
    tmp_path: Path,
) -> None:
    """Qt's own file writing took a failure at the end for success: an empty file then took the
    old picture's place, and the window said the code was saved."""
    with small_disk(tmp_path / "stick") as stick:
        target = save_qr(LINK, stick / "qr.png")
        fill_up(stick)
        with pytest.raises(OSError, match="The disk is full"):
            save_qr(LONG_LINK, target)
        assert decode_png(target) == LINK
        assert sorted(p.name for p in stick.iterdir()) == ["filler", "qr.png"]


@pytest.mark.parametrize("name", ["new.png", "new.svg", "old.png"])
def test_a_read_only_drive_is_named_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    old = save_qr(LINK, tmp_path / "old.png")
    read_only_drive(monkeypatch, tmp_path)
    with pytest.raises(OSError) as caught:
        save_qr(LONG_LINK, tmp_path / name)
    message = str(caught.value)
    assert message.startswith(f"The QR code could not be saved in '{tmp_path}'. The drive is")
    assert "read-only" in message and "choose another folder" in message
    assert "Errno" not in message and ".tmp" not in message
    assert decode_png(old) == LINK
    assert [p.name for p in tmp_path.iterdir()] == ["old.png"]


def test_copy_to_clipboard_puts_a_decodable_image_there() -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    copied = copy_qr_to_clipboard(LONG_LINK)
    QApplication.processEvents()
    pasted = clipboard.image()
    assert not pasted.isNull()
    assert pasted.size() == copied.size()
    assert decode_qimage(pasted) == LONG_LINK
    assert clipboard.text() == ""  # only the picture, never text that could be mistaken for it


# --- a demo link's pictures say it is a demo --------------------------------------------------

DEMO_LINK = "http://127.0.0.1:41077/demo/connect?token=DEMO-ZNPojyzAqA8eA7q23DwDciBv"


def _top_square(image: QImage) -> QImage:
    """The code with its quiet zone: the square at the top of a picture."""
    return image.copy(0, 0, image.width(), image.width()).convertToFormat(
        QImage.Format.Format_RGB32
    )


def test_the_demo_mark_uses_the_demo_banners_words() -> None:
    assert DEMO_MARK == "DEMO — connects nothing"


def test_a_demo_links_png_says_demo_under_the_code_and_still_scans(tmp_path: Path) -> None:
    """Pasted into an e-mail or printed, the picture is far from the window's warnings."""
    picture = QImage(str(save_qr(DEMO_LINK, tmp_path / "demo.png", demo=True)))
    plain = QImage(str(save_qr(DEMO_LINK, tmp_path / "plain.png")))

    assert has_demo_band(picture)
    assert decode_qimage(picture) == DEMO_LINK
    # Above the band, the code and its quiet zone are the plain picture's, pixel for pixel.
    assert picture.width() == plain.width() < picture.height()
    assert _top_square(picture) == _top_square(plain)
    assert round(picture.dotsPerMeterX() * 0.0254) == PRINT_DPI  # still prints 10 cm wide


def test_a_demo_links_svg_says_demo_under_the_code_and_still_scans(tmp_path: Path) -> None:
    written = save_qr(DEMO_LINK, tmp_path / "demo.svg", demo=True)

    assert f">{DEMO_MARK}</text>" in written.read_text(encoding="utf-8")
    picture = render_svg(written)
    assert has_demo_band(picture)
    assert decode_qimage(picture) == DEMO_LINK
    assert decode_svg(written) == DEMO_LINK


def test_a_demo_links_copied_picture_says_demo_under_the_code_and_still_scans() -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    copied = copy_qr_to_clipboard(DEMO_LINK, demo=True)
    QApplication.processEvents()
    pasted = clipboard.image()

    assert pasted.size() == copied.size()
    assert has_demo_band(pasted)
    assert decode_qimage(pasted) == DEMO_LINK
    plain = qr_qimage(DEMO_LINK, 8).convertToFormat(QImage.Format.Format_RGB32)
    assert _top_square(pasted) == plain


def test_a_real_links_pictures_stay_plain_codes(tmp_path: Path) -> None:
    png = QImage(str(save_qr(LINK, tmp_path / "qr.png")))
    svg = save_qr(LINK, tmp_path / "qr.svg")
    copied = copy_qr_to_clipboard(LINK)

    assert png.width() == png.height() and png.depth() == 1  # two colours, no band
    assert "<text" not in svg.read_text(encoding="utf-8")
    assert not has_demo_band(render_svg(svg))
    assert copied == qr_qimage(LINK, 8).convertToFormat(QImage.Format.Format_RGB32)
    for picture in (png, render_svg(svg), copied):
        assert picture.width() == picture.height()
        assert decode_qimage(picture) == LINK


def test_importing_the_module_does_not_load_qrcode() -> None:
    """The window imports qr_image at start-up; qrcode must wait until a code is drawn."""
    code = (
        "import sys; import kombo_desktop.ui.qr_image; "
        "loaded = [m for m in ('qrcode', 'kombo_desktop.core.qr', 'PIL') if m in sys.modules]; "
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
