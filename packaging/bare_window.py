"""The yardstick for packaging/measure.py: the smallest PySide6 program that shows a window.

Packaged with the same spec options and exclusions as the real program (``kombo_desktop.spec
-- --bare``), it tells how much of the program's size and start-up time is Qt's own cost and
how much is ours. It shows a window, lets the event loop run once, and quits: the equivalent
of ``kombo-desktop --self-test``'s window check.
"""

import os
import sys

if sys.platform.startswith("linux") and not (
    os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowTitle("bare")
    window.show()
    QTimer.singleShot(0, app.quit)
    code = app.exec()
    window.close()
    print('{"ok": true}', flush=True)
    sys.exit(code)
