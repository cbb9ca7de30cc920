"""Entry script of the packaged program: the same ``main()`` as the ``kombo-desktop`` command."""

import os
import sys

from kombo_desktop.app import main
from kombo_desktop.helper_environment import is_packaged_for_linux, restore_library_path

if __name__ == "__main__":
    if is_packaged_for_linux():
        # Browsers and file managers started from here must load their own libraries.
        restore_library_path(os.environ)
    code = main()
    if "--self-test" in sys.argv[1:]:
        # The report is printed and the window it built is already closed and deleted; tearing
        # down the interpreter and Qt afterwards proves nothing more and took 40 ms of the
        # packaged self-test. (The program's own exit path, after its window closes, is main's
        # and unchanged.) A Windows program started without a redirect has no streams at all.
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        os._exit(code)
    sys.exit(code)
