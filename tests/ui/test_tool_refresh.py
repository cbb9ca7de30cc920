"""The account's tool list arriving while the person is picking a tool.

The window shows the program's own tool lists at first and swaps in the account's once Kombo
sends them, a few seconds after the start, or after a change of profile. Arriving while the
person had typed "pers" and saw Personio highlighted, the refilled list showed only "The
customer chooses", still highlighted, and Enter took it: the link would have gone out without
the tool the person picked, with "Ready." in the status line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.catalog import MAX_TOOLS_PER_CATEGORY, Tool, ToolCatalog
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui.link_form import CUSTOMER_CHOOSES
from kombo_desktop.ui.main_window import MainWindow
from tests.support.fault_server import FaultServer, RecordedRequest, Reply
from tests.support.found import line_edit_of
from tests.ui.conftest import WindowFactory
from tests.ui.test_tool_box import press, shown, suggestion_list, type_tool

API_KEY = "kombo-test-key-3b8e51f0c2"


def the_list_without(window: MainWindow, *tool_ids: str) -> None:
    """Give the form a refreshed tool list for HR systems that lacks ``tool_ids``."""
    form = window.linkForm
    offered = [tool for tool in form.catalog.in_category(Category.HRIS) if tool.id not in tool_ids]
    form.set_catalog(form.catalog.with_category_tools(Category.HRIS, offered))


def test_the_tool_highlighted_as_the_accounts_list_arrives_is_the_one_enter_takes(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", API_KEY)
    offered = [("personio", "Personio"), ("bamboohr", "BambooHR"), ("workday", "Workday")]
    # The lists (one per kind of system) are held until the person has typed, however long
    # the typing takes on a busy machine: they must arrive while the suggestions are open.
    lists_may_go = threading.Event()

    def respond(request: RecordedRequest) -> Reply:
        if "/tools/" not in request.path:
            return Reply.kombo_error(404, None, "Not found")
        lists_may_go.wait(timeout=30)
        return Reply.tools(offered if request.path.endswith("/hris") else [])

    with FaultServer(fallback=respond) as server:
        try:
            window = open_window("--api-base", server.base_url)
            qtbot.waitUntil(
                lambda: any(r.path.endswith("/tools/hris") for r in server.requests),
                timeout=10_000,
            )
            type_tool(qtbot, window, "HRIS", "pers")
            popup = suggestion_list(qtbot, window)
            assert window.linkForm.catalog is window.bundled_catalog  # not arrived yet
            assert shown(popup) == ["Personio"]
            assert popup.currentIndex().row() == 0

            lists_may_go.set()
            qtbot.waitUntil(
                lambda: window.linkForm.catalog is not window.bundled_catalog, timeout=10_000
            )
            assert window.toolCombo.count() == 1 + len(offered)  # the account's list
            assert popup.isVisible()
            assert shown(popup) == ["Personio"]  # not "The customer chooses"
            assert popup.currentIndex().row() == 0
            assert window.toolCombo.currentText() == "pers"
            assert line_edit_of(window.toolCombo).cursorPosition() == len("pers")

            press(Qt.Key.Key_Return)
            assert window.toolCombo.currentData() == "personio"
            assert window.toolCombo.currentText() == "Personio"
            window.close()
        finally:
            lists_may_go.set()  # a held answer would keep the server from stopping


def test_a_refresh_leaves_the_suggestion_picked_with_the_arrow_keys_highlighted(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    type_tool(qtbot, demo_window, "HRIS", "work")
    popup = suggestion_list(qtbot, demo_window)
    press(Qt.Key.Key_Down)  # Workday
    press(Qt.Key.Key_Down)  # Workday Custom Reports
    assert shown(popup)[:2] == ["Workday", "Workday Custom Reports"]
    the_list_without(demo_window, "personio")  # still holds every Workday
    assert popup.isVisible()
    assert shown(popup)[:2] == ["Workday", "Workday Custom Reports"]
    assert popup.currentIndex().data() == "Workday Custom Reports"
    press(Qt.Key.Key_Down)  # on from there, not back to the first
    assert popup.currentIndex().data() == "Workday Custom Reports (SFTP)"
    press(Qt.Key.Key_Up)
    press(Qt.Key.Key_Return)
    assert demo_window.toolCombo.currentData() == "workdaycustomreport"


def test_a_highlighted_tool_the_new_list_lacks_is_said_and_the_typing_stays(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    type_tool(qtbot, demo_window, "HRIS", "pers")
    popup = suggestion_list(qtbot, demo_window)
    assert shown(popup) == ["Personio"]
    the_list_without(demo_window, "personio")
    assert not popup.isVisible()  # nothing left to take: Enter takes no other tool
    assert demo_window.toolCombo.currentText() == "pers"
    assert demo_window.linkForm.tool_id() is None
    assert demo_window.statusLabel.text() == (
        "Personio is not available in your Kombo account for “HR system (HRIS)”."
    )
    QTest.keyClicks(line_edit_of(demo_window.toolCombo), "o")  # the search goes on
    assert demo_window.toolCombo.currentText() == "perso"


def test_a_refresh_leaves_the_tool_highlighted_in_the_drop_down_list(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    combo = demo_window.toolCombo
    combo.setFocus()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    for _ in range(3):
        QTest.keyClick(view, Qt.Key.Key_Down)
    highlighted = view.currentIndex().data(Qt.ItemDataRole.UserRole)
    assert highlighted is not None
    the_list_without(demo_window, "personio")
    assert view.currentIndex().data(Qt.ItemDataRole.UserRole) == highlighted
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert combo.currentData() == highlighted
    assert combo.currentText() != CUSTOMER_CHOOSES


def test_the_accounts_lists_are_merged_off_the_ui_thread_and_shown_in_one_fill(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With 2,000 tools per category the window stopped for about a second as the lists
    # arrived: each category made a new catalog and search index on the UI thread. Now the
    # lists are merged on the worker, into one catalog, and a list longer than any account's
    # is cut (``test_list_tools_cuts_a_list_longer_than_any_accounts``).
    monkeypatch.setenv("KOMBO_API_KEY", API_KEY)
    sizes = {category: 5 for category in Category}
    sizes[Category.HRIS] = MAX_TOOLS_PER_CATEGORY + 40

    def respond(request: RecordedRequest) -> Reply:
        if "/tools/" not in request.path:
            return Reply.kombo_error(404, None, "Not found")
        category = Category(request.path.rsplit("/", 1)[-1].upper())
        name = category.value.lower()
        return Reply.tools([(f"{name}tool{i}", f"{name} tool {i}") for i in range(sizes[category])])

    with FaultServer(fallback=respond) as server:
        window = open_window("--api-base", server.base_url)
        # Nothing runs before the window's event loop turns: the refresh comes after this.
        built_on_the_ui_thread: list[bool] = []
        make_catalog = ToolCatalog.__init__

        def recorded(catalog: ToolCatalog, tools: Iterable[Tool]) -> None:
            built_on_the_ui_thread.append(threading.current_thread() is threading.main_thread())
            make_catalog(catalog, tools)

        monkeypatch.setattr(ToolCatalog, "__init__", recorded)
        form = window.linkForm
        fills: list[ToolCatalog] = []
        fill = form.set_catalog

        def counted(catalog: ToolCatalog, **options: bool) -> str:
            fills.append(catalog)
            return fill(catalog, **options)

        monkeypatch.setattr(form, "set_catalog", counted)
        qtbot.waitUntil(lambda: form.catalog is not window.bundled_catalog, timeout=10_000)
        assert built_on_the_ui_thread == [False]  # one catalog for all four lists, on a worker
        assert fills == [form.catalog]
        for category, size in sizes.items():
            listed = form.catalog.in_category(category)
            assert len(listed) == min(size, MAX_TOOLS_PER_CATEGORY)
            assert all(tool.id.startswith(category.value.lower()) for tool in listed)
        assert window.toolCombo.count() == 1 + MAX_TOOLS_PER_CATEGORY  # HR systems, cut
        window.close()
