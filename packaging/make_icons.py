"""Draw the program's icon and write it in every format the three systems want.

The icon is painted with Qt (already a dependency) so nobody needs a drawing program or an imaging
library to change it; ``.ico`` and ``.icns`` are assembled here in plain Python from PNG images,
which both formats accept as entries (Windows Vista and later, macOS 10.7 and later).

    python packaging/make_icons.py

writes (all committed, so a build never depends on running this):

- ``resources/icons/kombo-desktop.png`` (512 px): window icon, bundled with the program
- ``resources/icons/kombo-desktop-256.png``: Linux menus (hicolor 256x256)
- ``packaging/icons/kombo-desktop.ico``: Windows executable, installer and Start-menu entry
- ``packaging/icons/kombo-desktop.icns``: macOS application bundle
- ``resources/icons/down-arrow.png``, ``check-mark.png`` and their ``@2x`` twins: the marks
  in a drop-down list and a ticked check box. The style sheet draws these controls' edges in
  ``theme.CONTROL_BORDER`` (Qt's own were too faint), and Qt then draws their marks only from
  pictures.

Each size is painted separately rather than scaled down, so small sizes stay sharp.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

from kombo_desktop.ui import theme

ROOT = Path(__file__).resolve().parent.parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types that may hold PNG data, by pixel size.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))  # fmt: skip

TOP = QColor("#4263eb")
BOTTOM = QColor("#2b3a9e")


def paint_icon(size: int) -> QImage:
    """A rounded square in Kombo-like blue with two white chain links: "make a link"."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = size / 100.0
    painter.scale(scale, scale)

    margin = 4.0 if size >= 32 else 1.0
    tile = QRectF(margin, margin, 100 - 2 * margin, 100 - 2 * margin)
    gradient = QLinearGradient(QPointF(0, margin), QPointF(0, 100 - margin))
    gradient.setColorAt(0.0, TOP)
    gradient.setColorAt(1.0, BOTTOM)
    background = QPainterPath()
    background.addRoundedRect(tile, 22, 22)
    painter.fillPath(background, gradient)

    # Two interlocking links, drawn as rounded outlines on a 45-degree axis.
    pen = QPen(QColor("white"))
    pen.setWidthF(9.5 if size >= 32 else 12.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.translate(50, 50)
    painter.rotate(-45)
    link_width, link_height, offset = 44.0, 24.0, 15.0
    for centre in (-offset, offset):
        painter.drawRoundedRect(
            QRectF(centre - link_width / 2, -link_height / 2, link_width, link_height),
            link_height / 2,
            link_height / 2,
        )
    painter.end()
    return image


def paint_mark(size: tuple[int, int], scale: int, points: list[tuple[float, float]]) -> QImage:
    """A mark on a transparent picture of ``size`` (in the style sheet's pixels) at ``scale``
    (2: the ``@2x`` picture Qt takes on a screen with more pixels): ``points`` joined by a
    line in the text's colour (a tick), or filled when the first and last are the same
    (an arrow, in the muted grey of Qt's own)."""
    width, height = size
    image = QImage(width * scale, height * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    if points[0] == points[-1]:
        painter.fillPath(path, QColor(theme.MUTED))
    else:
        pen = QPen(QColor(theme.TEXT))
        pen.setWidthF(2.0)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(path, pen)
    painter.end()
    return image


# The check box's square is 16 pixels inside its edge; the arrow is about Qt's own.
CHECK_MARK = ((16, 16), [(3.5, 8.5), (6.5, 11.5), (12.5, 4.5)])
DOWN_ARROW = ((10, 6), [(1.0, 1.0), (9.0, 1.0), (5.0, 5.0), (1.0, 1.0)])


def mark_pngs() -> dict[str, bytes]:
    """The marks' pictures by file name, each at the usual scale and at twice it."""
    pngs = {}
    for name, (size, points) in {"check-mark": CHECK_MARK, "down-arrow": DOWN_ARROW}.items():
        pngs[f"{name}.png"] = png_bytes(paint_mark(size, 1, points))
        pngs[f"{name}@2x.png"] = png_bytes(paint_mark(size, 2, points))
    return pngs


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG image")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY per size, each entry's data a complete PNG file."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    entries, blobs = b"", b""
    offset = 6 + 16 * len(pngs)
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in the ICO format
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns_bytes(pngs: dict[bytes, bytes]) -> bytes:
    """'icns' header + (type, length, PNG data) blocks; lengths include the 8-byte block header."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    icons = ROOT / "resources" / "icons"
    packaging_icons = ROOT / "packaging" / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    packaging_icons.mkdir(parents=True, exist_ok=True)

    outputs = {
        icons / "kombo-desktop.png": png_bytes(paint_icon(512)),
        icons / "kombo-desktop-256.png": png_bytes(paint_icon(256)),
        packaging_icons / "kombo-desktop.ico": ico_bytes(
            {size: png_bytes(paint_icon(size)) for size in ICO_SIZES}
        ),
        packaging_icons / "kombo-desktop.icns": icns_bytes(
            {kind: png_bytes(paint_icon(size)) for kind, size in ICNS_TYPES}
        ),
        **{icons / name: png for name, png in mark_pngs().items()},
    }
    for path, data in outputs.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
