"""Entry script of the program as ``measure.py`` times its start: the real ``main()``, ended at
the first frame (see ``first_frame_stop.py``). Built into a folder of its own by
``kombo_desktop.spec -- --first-frame`` with exactly the program's contents; never shipped.
"""

import sys

from first_frame_stop import stop_at_first_frame

from kombo_desktop.app import main

if __name__ == "__main__":
    stop_at_first_frame()
    sys.exit(main())
