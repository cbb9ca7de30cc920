"""The yardstick for packaging/measure.py: the smallest PySide6 program that shows a window.

Packaged with the same spec options and exclusions as the real program (``kombo_desktop.spec
-- --bare``), it tells how much of the program's size and start-up time is Qt's own cost and
how much is ours. By default it shows a window, lets the event loop run once, and quits: the
equivalent of ``kombo-desktop --self-test``'s window check. With ``--first-frame`` it ends at
its first frame instead, exactly as the measured program does (``first_frame_stop.py``).
"""

import os
import sys

if sys.platform.startswith("linux") and not (
    os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from first_frame_stop import stop_at_first_frame
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

if __name__ == "__main__":
    first_frame = "--first-frame" in sys.argv[1:]
    if first_frame:
        stop_at_first_frame()
    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowTitle("bare")
    window.show()
    if not first_frame:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    window.close()
    print('{"ok": true}', flush=True)
    # Like the packaged program after its self-test report (launcher.py): no interpreter
    # teardown, so neither side of the comparison is timed for it.
    sys.stderr.flush()
    os._exit(code)
