"""QR codes as Qt images, PNG/SVG files and clipboard content, painted from the code matrix.

Why Qt and not ``qrcode``'s own image output: ``make_image()`` needs Pillow, an imaging library
that is easy to lose in a frozen build and slow to import. The matrix from
:func:`kombo_desktop.core.qr.qr_matrix` is all we need; every module becomes an exact square of
whole pixels, so the code stays crisp on screen, on paper and after a screenshot.

``kombo_desktop.core.qr`` (and through it ``qrcode``) is imported inside each function, never at
module import time: the window imports this module at start-up, and start-up must stay fast.

The quiet zone (four light modules around the code, required by the QR standard) is part of the
matrix and is kept in every output: scanners often fail without it, especially on a printed page
next to other content.

A demo link's picture, copied, saved or shown large, says so in itself: an amber band under the
code reads "DEMO — connects nothing". Pasted into an e-mail or printed, the picture is far from
the window's warnings, and a demo code must never pass for a real one; shown large, it is what a
customer sees of a shared screen, the window's demo banner cut off or too small to read.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPixmap

from kombo_desktop.core.files import atomic_write, disk_refusal
from kombo_desktop.ui import theme
from kombo_desktop.ui.save_names import name_to_save

if TYPE_CHECKING:
    from kombo_desktop.core.qr import Band

QUIET_ZONE_MODULES = 4
PRINT_WIDTH_PX = 1200  # at 300 dpi this is 10.16 cm: large enough to scan from a printed page
PRINT_DPI = 300
SVG_MODULE_SIZE = 10

_DARK = 0x00
_LIGHT = 0xFF
_INCH_IN_METERS = 0.0254
# 1-bit images: pixel value 0 is light, 1 is dark.
_MONO_COLOURS = [0xFFFFFFFF, 0xFF000000]

# Under a demo link's code, in the words and colours of the window's demo banner.
DEMO_MARK = "DEMO — connects nothing"
_WORDS_WIDTH = 0.9  # of the picture's width, at most, whatever font the system gives


def _demo_band() -> Band:
    from kombo_desktop.core.qr import Band  # lazy: the module pulls in qrcode when used

    return Band(DEMO_MARK, theme.DEMO_BACKGROUND, theme.DEMO_TEXT_COLOUR)


def _matrix(text: str) -> list[list[bool]]:
    from kombo_desktop.core.qr import qr_matrix  # lazy: pulls in qrcode

    return qr_matrix(text, border=QUIET_ZONE_MODULES)


def _screen_matrix(text: str) -> list[list[bool]]:
    """The code drawn in the window and shown large: at the lower error correction, which
    gives each module more pixels (see ``kombo_desktop.core.qr``)."""
    from kombo_desktop.core.qr import ON_SCREEN, qr_matrix  # lazy: pulls in qrcode

    return qr_matrix(text, border=QUIET_ZONE_MODULES, correction=ON_SCREEN)


def _image_from_matrix(matrix: list[list[bool]], module_pixels: int) -> QImage:
    """One byte per pixel, each module an exact ``module_pixels`` square: no smoothing, no blur.

    The bytes are built directly instead of painting thousands of rectangles with QPainter;
    this is exact by construction and fast even at print size.
    """
    if module_pixels < 1:
        raise ValueError("A QR module must be at least one pixel wide.")
    size = len(matrix) * module_pixels
    stride = (size + 3) & ~3  # QImage rows are 32-bit aligned
    padding = bytes(stride - size)
    dark = bytes([_DARK]) * module_pixels
    light = bytes([_LIGHT]) * module_pixels
    rows = []
    for matrix_row in matrix:
        row = b"".join(dark if module else light for module in matrix_row) + padding
        rows.append(row * module_pixels)
    data = b"".join(rows)
    image = QImage(data, size, size, stride, QImage.Format.Format_Grayscale8)
    # QImage built on a Python buffer only borrows it; copy() gives the image its own memory.
    return image.copy()


def _mono_image_from_matrix(matrix: list[list[bool]], module_pixels: int) -> QImage:
    """The same picture as ``_image_from_matrix`` at one bit per pixel.

    For the PNG file: Qt writes a 1-bit image as a two-colour PNG, a third of the size of the
    8-bit one and about half the time to compress (1200 px: 2 KB instead of 7 KB). Each row is
    one big integer whose bits are the pixels, most significant first, as ``Format_Mono`` wants.
    """
    if module_pixels < 1:
        raise ValueError("A QR module must be at least one pixel wide.")
    size = len(matrix) * module_pixels
    stride = ((size + 31) // 32) * 4  # QImage rows are 32-bit aligned
    pad_bits = stride * 8 - size
    dark, light = "1" * module_pixels, "0" * module_pixels
    rows = []
    for matrix_row in matrix:
        bits = int("".join(dark if module else light for module in matrix_row), 2)
        rows.append((bits << pad_bits).to_bytes(stride, "big") * module_pixels)
    image = QImage(b"".join(rows), size, size, stride, QImage.Format.Format_Mono)
    image.setColorTable(_MONO_COLOURS)
    # QImage built on a Python buffer only borrows it; copy() gives the image its own memory.
    return image.copy()


def qr_qimage(text: str, module_pixels: int = 8) -> QImage:
    """The QR code for ``text`` as a grayscale QImage, ``module_pixels`` pixels per module.

    The image is square, ``(modules + 8) * module_pixels`` pixels wide, quiet zone included.
    """
    return _image_from_matrix(_matrix(text), module_pixels)


def qr_pixmap(
    text: str, size_px: int, device_pixel_ratio: float = 1.0, demo: bool = False
) -> QPixmap:
    """A pixmap for the window's ``qrView``: as large as fits in ``size_px``, whole pixels only.

    Scaling a QR image by a fractional factor blurs module edges, so instead the module size is
    the largest whole number of pixels that fits; the result may be a little smaller than
    ``size_px`` (never larger, unless even one pixel per module does not fit). With a
    ``device_pixel_ratio`` above 1 (high-resolution screens) the pixmap is rendered in device
    pixels and tagged with that ratio, so it is sharp and still ``size_px`` logical pixels wide.
    The code is the on-screen one (``ON_SCREEN``), for the window and the large view.

    A ``demo`` link's code has the demo band under it, as its saved and copied pictures do
    (the large view, which a customer scans from a shared screen, shows it so): code and band
    together fit in the ``size_px`` square, the code a little smaller for the band.
    """
    if size_px < 1:
        raise ValueError("The QR picture must be at least one pixel wide.")
    matrix = _screen_matrix(text)
    rows = len(matrix)
    if demo:
        from kombo_desktop.core.qr import band_modules  # lazy: pulls in qrcode

        rows += band_modules(len(matrix))
    module_pixels = max(1, _module_pixels_in(rows, size_px, device_pixel_ratio))
    image = _image_from_matrix(matrix, module_pixels)
    if demo:
        image = _with_band(image, module_pixels, _demo_band())
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    return pixmap


def fitting_module_pixels(text: str, size_px: int, device_pixel_ratio: float = 1.0) -> int:
    """The screen pixels each module of ``text``'s code gets from :func:`qr_pixmap` in
    ``size_px`` logical pixels: the largest whole number that fits, 0 when even one does not.

    The window asks before it draws: with fewer than about three pixels a module, a code that
    scans from this screen no longer does once a screen share has scaled it down.
    """
    return _module_pixels_in(len(_screen_matrix(text)), size_px, device_pixel_ratio)


def _module_pixels_in(modules: int, size_px: int, device_pixel_ratio: float) -> int:
    return max(0, math.floor(size_px * device_pixel_ratio)) // modules


def print_qimage(text: str, demo: bool = False) -> QImage:
    """The QR image written to PNG files: at least 1200 px wide, 1 bit per pixel, 300 dpi.

    The dpi tag makes word processors and print dialogs place it at about 10 cm wide instead of
    a huge or tiny default. A ``demo`` link's has the demo band under it, in colour.
    """
    matrix = _matrix(text)
    module_pixels = math.ceil(PRINT_WIDTH_PX / len(matrix))
    image = _mono_image_from_matrix(matrix, module_pixels)
    if demo:
        image = _with_band(image, module_pixels, _demo_band())
    dots_per_meter = round(PRINT_DPI / _INCH_IN_METERS)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    return image


def _with_band(code: QImage, module_pixels: int, band: Band) -> QImage:
    """``code`` (a square picture, ``module_pixels`` to a module) with ``band`` under it, the
    same height in modules as in the SVG file (see ``kombo_desktop.core.qr.band_modules``)."""
    from kombo_desktop.core.qr import BAND_FONT_SIZE, band_modules

    width = code.width()
    band_height = band_modules(width // module_pixels) * module_pixels
    image = QImage(width, code.height() + band_height, QImage.Format.Format_RGB32)
    image.fill(QColor(band.background))
    font = QFont()
    font.setFamily("sans-serif")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setBold(True)
    font.setPixelSize(max(1, round(band_height * BAND_FONT_SIZE)))
    # A wider font than the usual ones could run off the edges: smaller, then.
    while (
        font.pixelSize() > 1
        and QFontMetricsF(font).horizontalAdvance(band.words) > _WORDS_WIDTH * width
    ):
        font.setPixelSize(font.pixelSize() - 1)
    painter = QPainter(image)
    try:
        painter.drawImage(0, 0, code)
        painter.setFont(font)
        painter.setPen(QColor(band.colour))
        painter.drawText(
            QRect(0, code.height(), width, band_height), Qt.AlignmentFlag.AlignCenter, band.words
        )
    finally:
        painter.end()
    return image


# A name ending in one of these is taken as typed: PNG and SVG are written, the other picture
# and document types are refused with a sentence. Any other ending ("Acme S.A") gets ".png".
KEPT_EXTENSIONS = frozenset(
    (".png", ".svg", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".pdf")
)


def save_qr(text: str, path: str | os.PathLike[str], demo: bool = False) -> Path:
    """Write the QR code for ``text`` as PNG or SVG, chosen by the file name's extension.

    A name ending in ``.png`` or ``.svg`` is written as typed. One ending in another picture
    or document type of ``KEPT_EXTENSIONS`` (``.jpg``, ``.pdf`` ...) raises ValueError with a
    sentence that can be shown to the user. Any other name gets ``.png`` added: "code",
    "Acme S.A" and "code.txt" become "code.png", "Acme S.A.png" and "code.txt.png". The file
    is written under a temporary name next to the target and then renamed over it, so a
    failure never leaves a half-written picture where the old one was. Returns the path
    actually written. A folder
    that does not exist or cannot be written, or a full disk, raises OSError whose message can
    be shown as is. A ``demo`` link's picture has the demo band under the code.

    The window does it in parts: :func:`qr_target` as the name is chosen, then
    :func:`qr_content` and :func:`write_qr_file` on a worker thread (a demo link's picture
    takes a tenth of a second to encode, and a folder on a network share can take seconds
    for each file operation).
    """
    target = qr_target(path)
    return write_qr_file(target, qr_content(text, target, demo))


def qr_target(path: str | os.PathLike[str]) -> Path:
    """Where a QR code asked to be saved as ``path`` goes: ``.png`` added where no extension
    was typed; ValueError, with a sentence to show, for a type of file it is not saved as."""
    target = name_to_save(Path(path), ".png", KEPT_EXTENSIONS)
    if target.suffix.lower() not in (".png", ".svg"):
        raise ValueError(
            f"A QR code can be saved as a PNG picture (.png) or an SVG drawing (.svg), "
            f"not as '{target.suffix}'. Please choose one of these two."
        )
    return target


def qr_content(text: str, target: Path, demo: bool = False) -> bytes:
    """The content of ``text``'s QR code file at ``target`` (a :func:`qr_target`), PNG or SVG
    by its extension, made in memory; nothing touches the disk.

    Safe on a worker thread, where the window makes it: only Qt's image, painter and font
    classes are used, which Qt lets threads use on an image of their own (the code itself is
    computed, and remembered, on a worker as the link is shown: see ``core.qr``). A demo
    link's PNG, its band in colour, takes 0.1 to 0.15 s to encode; a real link's, one bit a
    pixel, a few milliseconds.
    """
    if target.suffix.lower() == ".png":
        return _png_bytes(text, demo)
    return _svg_bytes(text, demo)


def write_qr_file(target: Path, content: bytes) -> Path:
    """Write a QR code's file ``content`` (from :func:`qr_content`) at ``target``, whole or not
    at all, and return ``target``; OSError with a sentence to show as is when it cannot be.

    Uses no Qt class: the window calls it on a worker thread, as the folder may be on a
    share that takes seconds to answer (a customer folder over a VPN).
    """
    try:
        # A picture to share: readable by others as any file the person saves, not owner-only.
        atomic_write(target, content, owner_only=False)
    except OSError as error:
        why = disk_refusal(error) or (
            "Check that the folder exists and that you may save files there, or choose "
            "another folder."
        )
        raise OSError(f"The QR code could not be saved in '{target.parent}'. {why}") from error
    return target


def _png_bytes(text: str, demo: bool) -> bytes:
    """The PNG file's content, encoded in memory.

    Not ``QImage.save(path)``: Qt's file writing takes a failure when the file is closed (a
    full disk) for success, and an empty file then took the old picture's place. Written by
    :func:`~kombo_desktop.core.files.atomic_write` instead, every failure is seen, and the
    picture reaches the disk.
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 wants the format as str at run time; its type stubs say bytes.
    if not print_qimage(text, demo).save(buffer, "PNG"):  # type: ignore[call-overload]
        raise OSError("Qt could not encode the QR code as a PNG picture")
    return bytes(buffer.data().data())


def _svg_bytes(text: str, demo: bool) -> bytes:
    from kombo_desktop.core.qr import qr_svg  # lazy: pulls in qrcode

    band = _demo_band() if demo else None
    svg = qr_svg(text, module_size=SVG_MODULE_SIZE, border=QUIET_ZONE_MODULES, band=band)
    return svg.encode("utf-8")


def copy_qr_to_clipboard(text: str, demo: bool = False) -> QImage:
    """Put the QR code for ``text`` on the clipboard as an image (for pasting into e-mails, chats).

    Converted to 32-bit RGB because that is what every platform's clipboard format handles;
    some paste targets mishandle 8-bit grayscale. A ``demo`` link's has the demo band under
    the code. Returns the image that was copied.
    """
    module_pixels = 8
    image = qr_qimage(text, module_pixels).convertToFormat(QImage.Format.Format_RGB32)
    if demo:
        image = _with_band(image, module_pixels, _demo_band())
    QGuiApplication.clipboard().setImage(image)
    return image
