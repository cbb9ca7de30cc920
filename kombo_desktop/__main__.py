"""``python -m kombo_desktop``: the same as the ``kombo-desktop`` command."""

from kombo_desktop.app import main

raise SystemExit(main())
