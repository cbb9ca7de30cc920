"""Read QR codes back with a real decoder (zxing-cpp), so tests prove a phone could scan them.

Images are handed to zxing-cpp as raw 8-bit gray bytes through ``zxingcpp.ImageView``; that
needs neither numpy nor Pillow. SVG files are drawn with Qt's own SVG renderer first, the way
an image viewer would show them.
"""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer


class QrNotFoundError(AssertionError):
    """The image holds no readable QR code (or more than one)."""


def _gray_bytes(image: QImage) -> tuple[bytes, int, int]:
    """Tightly packed gray pixels (no row padding) with width and height."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    raw = bytes(gray.constBits())[: stride * height]
    if stride != width:
        raw = b"".join(raw[row * stride : row * stride + width] for row in range(height))
    return raw, width, height


def decode_qimage(image: QImage) -> str:
    """The text of the single QR code in ``image``; raises QrNotFoundError otherwise."""
    if image.isNull():
        raise QrNotFoundError("the image is empty")
    raw, width, height = _gray_bytes(image)
    view = zxingcpp.ImageView(raw, width, height, zxingcpp.ImageFormat.Lum)
    found = zxingcpp.read_barcodes(
        view, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    if len(found) != 1:
        raise QrNotFoundError(f"expected one QR code, found {len(found)}")
    return found[0].text


def decode_pixmap(pixmap: QPixmap) -> str:
    return decode_qimage(pixmap.toImage())


def decode_png(path: Path) -> str:
    image = QImage(str(path))
    if image.isNull():
        raise QrNotFoundError(f"{path} is not a readable picture")
    return decode_qimage(image)


def render_svg(path: Path, width_px: int = 600) -> QImage:
    """Draw an SVG file ``width_px`` wide on white, as a viewer or a print preview would; as
    high as its own proportions make it (a demo code has a band under it)."""
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise QrNotFoundError(f"{path} is not a valid SVG drawing")
    natural = renderer.defaultSize()
    height_px = round(width_px * natural.height() / natural.width())
    image = QImage(width_px, height_px, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        renderer.render(painter)
    finally:
        painter.end()
    return image


def decode_svg(path: Path) -> str:
    return decode_qimage(render_svg(path))


def has_demo_band(image: QImage) -> bool:
    """Whether ``image`` is a square code with the amber demo band under it, words in it: the
    band is amber (#ffb300), and dark letters cover a few hundredths of it."""
    band_top = image.width()  # the code, quiet zone included, is square
    if image.height() <= band_top:
        return False
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = bytes(rgb.constBits())
    stride = rgb.bytesPerLine()
    amber = dark = 0
    for y in range(band_top, rgb.height()):
        row = raw[y * stride : y * stride + 4 * rgb.width()]
        for blue, green, red in zip(row[0::4], row[1::4], row[2::4], strict=True):
            amber += red > 235 and 160 < green < 200 and blue < 30
            dark += red < 90 and green < 90 and blue < 60
    total = (rgb.height() - band_top) * rgb.width()
    return amber > 0.6 * total and dark > 0.03 * total
