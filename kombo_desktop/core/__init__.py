"""Everything below the window: Kombo's API, the tool catalog, credentials, history, paths.

Nothing in this package may import Qt (an import-linter contract and a test enforce it), so the
logic runs and is tested without a display. Keep this module free of imports: importing
``kombo_desktop.core`` must stay cheap because the window imports it on the start-up path.
"""
