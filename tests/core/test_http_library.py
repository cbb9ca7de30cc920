"""httpx comes without its command-line client, which the program never runs."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.support.python_run import run_python


@pytest.mark.skipif(
    importlib.util.find_spec("click") is None or importlib.util.find_spec("rich") is None,
    reason="httpx imports its command-line client only where click and rich are installed",
)
def test_the_client_imports_httpx_without_its_command_line_client() -> None:
    # Installed next to the program (as here, for the test tools), click, rich and pygments
    # were imported with httpx at the first request: some 60 ms on its worker.
    result = run_python(
        "import json, sys\n"
        "import kombo_desktop.core.client\n"
        "import httpx\n"
        "print(json.dumps({\n"
        "    'cli': sys.modules.get('httpx._main') is not None,\n"
        "    'its libraries': sorted({'click', 'rich', 'pygments'} & set(sys.modules)),\n"
        "    'client': hasattr(httpx, 'Client'),\n"
        "}))\n"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "cli": False,
        "its libraries": [],
        "client": True,
    }
