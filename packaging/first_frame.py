"""Entry script of the program as ``measure.py`` times its start: the real ``main()``, ended at
the first frame (see ``first_frame_stop.py``). Built into a folder of its own by
``kombo_desktop.spec -- --first-frame`` with exactly the program's contents; never shipped.

With ``--warm-up`` it runs the whole start instead, the work after the first frame included,
and closes its window once that work is done. ``main()`` saves the part of PySide6's code that
PySide6 compiles at every start (``kombo_desktop/ui/pyside_code_cache.py``) after the first
frame and waits for that save as the window closes; a run that ends at the first frame never
saves it. ``measure.py``'s unmeasured first run uses this, so that its timed runs are later
starts, as nearly every start a person makes is, not first starts.
"""

import sys

from first_frame_stop import stop_at_first_frame

from kombo_desktop.app import main


def close_once_started() -> None:
    """Make ``QApplication.exec()`` close the shown window once its start-up work is done."""
    from PySide6.QtWidgets import QApplication

    run_event_loop = QApplication.exec

    def exec_until_started(_app: QApplication) -> int:
        from PySide6.QtCore import QTimer

        (window,) = [widget for widget in QApplication.topLevelWidgets() if widget.isVisible()]

        def close_when_started() -> None:
            if window.start_up.done:
                window.close()
            else:
                QTimer.singleShot(10, close_when_started)

        QTimer.singleShot(0, close_when_started)
        return run_event_loop()

    QApplication.exec = exec_until_started  # type: ignore[assignment,method-assign]


if __name__ == "__main__":
    if "--warm-up" in sys.argv[1:]:
        close_once_started()
        sys.exit(main([]))
    stop_at_first_frame()
    sys.exit(main())
