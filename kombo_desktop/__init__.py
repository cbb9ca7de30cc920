"""Kombo Desktop: make Kombo connection links without an engineer.

The version lives here and only here; packaging, ``--version`` and the About dialog read it.
"""

__version__ = "0.1.0"
