"""Driving the real window end to end: built by ``build_main_window``, filled by object name.

The fault suite and the secret-hygiene run both need a window that talks to a server of the
test's own, with retries quick enough that a retry budget runs out in a second or two, and a
timeout generous enough that a test server's thread stalled by a loaded machine still answers in
time (``tests.support.client_limits``); a test whose fault is time asks for
``timeout=SHORT_TIMEOUT``. The window takes those limits through ``WindowSetup.client_options``
(extra ``KomboClient`` arguments for every connection it makes), applied here by re-targeting
the window once before it is shown, so nothing about the program's normal start changes.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.app import build_main_window
from kombo_desktop.ui.main_window import MainWindow
from tests.support.client_limits import GENEROUS_TIMEOUT, QUICK_RETRIES
from tests.support.fault_server import RecordedRequest, Reply

# Every window's limits unless its test asks for others (``timeout=SHORT_TIMEOUT``, for one).
CLIENT_LIMITS = {"timeout": GENEROUS_TIMEOUT, **QUICK_RETRIES}

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def kombo_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[WindowFactory]:
    """Build ``kombo-desktop --api-base <api_base>`` with ``KOMBO_API_KEY`` set, shown on screen
    (offscreen), with ``CLIENT_LIMITS`` overridden by ``client``; every window is closed after
    the test."""
    windows: list[MainWindow] = []

    def build(
        api_base: str, *, key: str | None = "sk_test_fault_suite", **client: Any
    ) -> MainWindow:
        if key is not None:
            monkeypatch.setenv("KOMBO_API_KEY", key)
        window = build_main_window(["--api-base", api_base])
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        windows.append(window)
        window.setup.client_options.update({**CLIENT_LIMITS, **client})
        window.use_target(window.setup.profile_target)  # a connection with those limits
        window.show()
        return window

    yield build
    for window in windows:
        window.close()


# --- the form, by object name ------------------------------------------------------------------


def named(window: QWidget, kind: type[Any], name: str) -> Any:
    widget = window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} called {name!r}"
    return widget


@dataclass(frozen=True)
class FormValues:
    """Everything the create-link form holds, read back from its widgets."""

    email: str
    organization: str
    origin_id: str
    category: object
    tool: object
    environment: str
    language: object
    link_type: object
    scope_config_id: str
    filtering: bool
    field_mapping: bool


def fill_whole_form(window: MainWindow) -> FormValues:
    """Type into every field of the create-link form (all eleven wire fields get a value)."""
    named(window, QLineEdit, "emailEdit").setText("anna.schmidt@example.com")
    named(window, QLineEdit, "organizationEdit").setText("Acme Fahrräder GmbH")
    named(window, QLineEdit, "originIdEdit").setText("CUST-1042")
    category = named(window, QComboBox, "categoryCombo")
    category.setCurrentIndex(category.findData("HRIS"))
    tool = named(window, QComboBox, "toolCombo")
    index = tool.findData("personio")
    assert index > 0
    tool.setCurrentIndex(index)
    named(window, QLineEdit, "environmentEdit").setText("sandbox")
    language = named(window, QComboBox, "languageCombo")
    language.setCurrentIndex(language.findData("de"))
    link_type = named(window, QComboBox, "linkTypeCombo")
    link_type.setCurrentIndex(link_type.findData("EMBEDDED"))
    named(window, QLineEdit, "scopeConfigEdit").setText("scope_8d2f")
    named(window, QCheckBox, "filteringCheck").setChecked(True)
    named(window, QCheckBox, "fieldMappingCheck").setChecked(True)
    values = read_form(window)
    assert values == EXPECTED_FORM, "the form did not take what was typed"
    return values


EXPECTED_FORM = FormValues(
    email="anna.schmidt@example.com",
    organization="Acme Fahrräder GmbH",
    origin_id="CUST-1042",
    category="HRIS",
    tool="personio",
    environment="sandbox",
    language="de",
    link_type="EMBEDDED",
    scope_config_id="scope_8d2f",
    filtering=True,
    field_mapping=True,
)


def read_form(window: MainWindow) -> FormValues:
    return FormValues(
        email=named(window, QLineEdit, "emailEdit").text(),
        organization=named(window, QLineEdit, "organizationEdit").text(),
        origin_id=named(window, QLineEdit, "originIdEdit").text(),
        category=named(window, QComboBox, "categoryCombo").currentData(),
        tool=named(window, QComboBox, "toolCombo").currentData(),
        environment=named(window, QLineEdit, "environmentEdit").text(),
        language=named(window, QComboBox, "languageCombo").currentData(),
        link_type=named(window, QComboBox, "linkTypeCombo").currentData(),
        scope_config_id=named(window, QLineEdit, "scopeConfigEdit").text(),
        filtering=named(window, QCheckBox, "filteringCheck").isChecked(),
        field_mapping=named(window, QCheckBox, "fieldMappingCheck").isChecked(),
    )


def press_create(qtbot: QtBot, window: MainWindow, timeout_ms: int = 8000) -> str:
    """Click createButton and wait until the request is over; returns what statusLabel says."""
    button = named(window, QPushButton, "createButton")
    assert button.isEnabled()
    button.click()
    assert window.busy, "the click did not start a request"
    qtbot.waitUntil(lambda: not window.busy, timeout=timeout_ms)
    return status_text(window)


def status_text(window: MainWindow) -> str:
    from PySide6.QtWidgets import QLabel

    return str(named(window, QLabel, "statusLabel").text())


def link_text(window: MainWindow) -> str:
    return str(named(window, QLineEdit, "linkField").text())


# --- what a non-technical person may read ------------------------------------------------------

_JARGON = re.compile(
    r"Traceback|httpx|httpcore|Exception|\b[A-Z]\w*(Error|Timeout|Exception)\b"
    r"|ssl\.|SSL|errno|Errno|\bHTTP\b|\bJSON\b|status code|\b[45]\d\d\b|\bNone\b|0x[0-9a-f]"
    r"|PLATFORM\.|\{|\}|<[a-z]"
)
_WAY_FORWARD = re.compile(
    r"try again|check|ask|wait|settings|copy the details|tell support|in a few|in about",
    re.IGNORECASE,
)


def assert_plain_failure(window: MainWindow, text: str | None = None) -> str:
    """The status is an error in plain words that says what to do next; returns it."""
    message = status_text(window) if text is None else text
    assert window.statusPanel.kind == "error", f"not shown as an error: {message!r}"
    assert message.strip(), "nothing was said"
    jargon = _JARGON.search(message)
    assert jargon is None, f"technical words {jargon.group(0)!r} in {message!r}"
    assert _WAY_FORWARD.search(message), f"no way forward in {message!r}"
    assert len(message) < 400, f"too long to read at a glance: {message!r}"
    return message


# --- a Kombo stand-in that only misbehaves where a test says so --------------------------------


class PostScript:
    """Replies for the ``POST`` requests (the ones a test is about), in order.

    The window also refreshes its tool lists in the background (``GET /tools/...``); those get a
    quick 404 so they never consume a scripted reply, and the refresh simply keeps the bundled
    list. Use as ``FaultServer(fallback=PostScript(...))``.
    """

    def __init__(self, *replies: Reply, then: Reply | None = None) -> None:
        self._lock = threading.Lock()
        self._replies = deque(replies)
        self._then = then

    def __call__(self, request: RecordedRequest) -> Reply:
        if request.method != "POST":
            return Reply.kombo_error(404, "PLATFORM.UNKNOWN_ERROR", "Not part of this test.")
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        if self._then is not None:
            return self._then
        return Reply.text(500, f"no reply scripted for {request.method} {request.path}")

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._replies)


def posts(requests: list[RecordedRequest]) -> list[RecordedRequest]:
    return [request for request in requests if request.method == "POST"]


def log_file_text(home: Path) -> str:
    """Everything in the log files under ``KOMBO_DESKTOP_HOME`` (the window opens its log file
    after its first frame, and writes what was logged before then)."""
    return "".join(path.read_text("utf-8") for path in sorted(home.rglob("*.log*")))
