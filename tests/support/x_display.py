"""A private X display (Xvfb), for what only a real window system shows.

The offscreen platform makes every window it shows the active one; a real one does not
(a Qt tool window, such as a floating dock, is shown without being made active), so keyboard
focus between windows can only be seen on one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def private_x_display(size: str = "1600x1000") -> Iterator[str]:
    """Start Xvfb with one screen of ``size`` (pixels, "WxH") and yield its ``DISPLAY``
    (":N"); stopped afterwards. The test is skipped where Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not report a display"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)
