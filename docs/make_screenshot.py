"""Take docs/screenshot.png: the real window in demo mode with a link and its QR code.

Run under a real X server (Xvfb is enough) so the picture is what a person sees::

    Xvfb :99 -screen 0 1600x1000x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python docs/make_screenshot.py

It uses only the program's own start-up path (``build_main_window(["--demo"])``) and a
throw-away ``KOMBO_DESKTOP_HOME``, so nothing of the user's is read or changed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    os.environ["KOMBO_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="kombo-screenshot-")
    os.environ.pop("KOMBO_API_KEY", None)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kombo_desktop.app import build_main_window

    app = QApplication([sys.argv[0]])
    window = build_main_window(["--demo"])
    window.show()

    def wait(milliseconds: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(milliseconds, loop.quit)
        loop.exec()

    wait(300)
    window.emailEdit.setText("anna.schmidt@acme.example")
    window.organizationEdit.setText("Acme GmbH")
    window.originIdEdit.setText("CUST-1042")
    window.toolCombo.setCurrentIndex(window.toolCombo.findData("personio"))
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("de"))
    window.createButton.click()
    for _ in range(100):
        wait(50)
        if window.linkField.text() and not window.findChild(object, "qrView").pixmap().isNull():
            break
    else:
        print("no link was shown", file=sys.stderr)
        return 1
    window.copyButton.click()
    wait(200)
    screen = window.screen()
    picture = screen.grabWindow(window.winId())
    target = ROOT / "docs" / "screenshot.png"
    picture.save(str(target), "PNG")
    print(f"saved {target} ({picture.width()}x{picture.height()})")
    window.close()
    app.processEvents()
    import shiboken6

    shiboken6.delete(window)  # before the application goes away (see app._destroy_before_exit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
