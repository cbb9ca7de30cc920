"""Where the main window was, and how big, so that it reopens as the person left it.

Qt describes a window's place (position, size, maximised or not) as a small opaque block of
bytes (``QWidget.saveGeometry``) and fits it to the screens there are when it is restored. When
the screen it was saved on is gone and the one there is now differs in width by more than a
quarter (a laptop taken off its large monitor), Qt does not restore it at all: the window then
opens at its usual size for this screen, and that place is kept at the next close. This module
only keeps that block, as hex in ``window.json`` next to the settings. It is a file of its own
because it is written at every close: ``settings.json`` appears only once the person has made a
choice, and until then an administrator's defaults apply (see ``app.py``).

Nothing here is worth an error message: a missing, damaged or unwritable file means the window
opens at its usual size.
"""

from __future__ import annotations

import json
import logging

from kombo_desktop.core.files import atomic_write
from kombo_desktop.core.paths import AppPaths, ensure_private_dir

_log = logging.getLogger(__name__)

# Qt's block is about 66 bytes; anything much larger is not one.
_MAX_BYTES = 1024


def load_window_geometry(paths: AppPaths) -> bytes | None:
    """The block saved at the last close, or None when there is none that could be read."""
    try:
        with paths.window_file.open("rb") as file:
            content = file.read(4 * _MAX_BYTES)
        data = json.loads(content)
        text = data.get("geometry") if isinstance(data, dict) else None
        if isinstance(text, str) and 0 < len(text) <= 2 * _MAX_BYTES:
            return bytes.fromhex(text)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as error:  # JSON and hex errors: ValueErrors
        _log.warning("The window's saved place could not be read: %s", error)
        return None
    _log.warning("The window's saved place in %s holds no usable geometry.", paths.window_file)
    return None


def save_window_geometry(paths: AppPaths, geometry: bytes) -> None:
    """Keep ``geometry`` for the next start. Raises ``OSError`` when it cannot be written."""
    if not 0 < len(geometry) <= _MAX_BYTES:
        raise ValueError(f"{len(geometry)} bytes cannot be a window geometry")
    ensure_private_dir(paths.config_dir)
    text = json.dumps({"geometry": geometry.hex()}) + "\n"
    atomic_write(paths.window_file, text.encode("ascii"))
