"""Entry script of the packaged program: the same ``main()`` as the ``kombo-desktop`` command."""

import os
import sys

from kombo_desktop.app import main

if __name__ == "__main__":
    code = main()
    if "--self-test" in sys.argv[1:]:
        # The report is printed and the window it built is already closed and deleted; tearing
        # down the interpreter and Qt afterwards proves nothing more and took 40 ms of the
        # packaged self-test. (The program's own exit path, after its window closes, is main's
        # and unchanged.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
