"""Kombo Desktop: make Kombo connection links without an engineer.

The version lives here and only here; packaging and ``--version`` read it, and so do Settings
(beside "Open the log folder"), the crash dialog's and the status line's details for support,
the self-test's report and the log.
"""

__version__ = "0.1.0"
