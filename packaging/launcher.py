"""Entry script of the packaged program: the same ``main()`` as the ``kombo-desktop`` command."""

import sys

from kombo_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
