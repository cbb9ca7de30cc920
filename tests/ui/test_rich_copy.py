"""Copied links and invitations carry HTML beside their plain text (``ui/rich_copy.py``).

Staff paste them into Outlook, Gmail, Word and Slack, which take the HTML: the link must be
clickable there, the invitation's paragraphs kept, every name shown as written (never read as
markup), and the plain text exactly what it always was.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kombo_desktop.core.invitation import DEMO_MARK
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from kombo_desktop.ui import rich_copy
from kombo_desktop.ui.main_window import MainWindow
from tests.support.clipboard_html import clipboard_html
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.history_helpers import history_of, open_history
from tests.support.history_records import record_link
from tests.support.python_run import run_python
from tests.ui.conftest import WindowFactory, fill_form, make_link

# Kombo's links carry a token in their query; "&" in it must reach the href intact.
KOMBO_LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.e30.sig&lang=de"
# A name that would be markup if pasted as it is.
TRICKY_ORGANIZATION = 'Müller <b>&</b> "Söhne" <a href="https://evil.example">GmbH</a>'


@pytest.fixture
def kombo_window(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """A window making real (not demo) links, from a server speaking Kombo's wire format."""
    with FaultServer(fallback=tools_or(Reply.link(KOMBO_LINK))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        yield open_window("--api-base", kombo.base_url)


def test_copy_link_adds_a_clickable_link(qtbot: QtBot, kombo_window: MainWindow) -> None:
    fill_form(kombo_window)
    assert make_link(qtbot, kombo_window) == KOMBO_LINK
    QGuiApplication.clipboard().clear()

    kombo_window.copyButton.click()

    assert QGuiApplication.clipboard().text() == KOMBO_LINK  # the plain text, as before
    pasted = clipboard_html()
    assert pasted.links == [(KOMBO_LINK, KOMBO_LINK)]
    assert pasted.text == KOMBO_LINK
    assert "&amp;lang=de" in pasted.source  # escaped in the HTML, whole once read
    assert pasted.source.isascii()


def test_a_demo_link_is_copied_as_the_same_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    QGuiApplication.clipboard().clear()

    demo_window.copyButton.click()

    # The demo link's own words mark it ("DEMO" in it); the HTML shows exactly those.
    assert "DEMO" in link
    assert QGuiApplication.clipboard().text() == link
    pasted = clipboard_html()
    assert pasted.links == [(link, link)]
    assert pasted.text == link


def test_the_invitation_keeps_its_paragraphs_and_shows_names_as_written(
    qtbot: QtBot, kombo_window: MainWindow
) -> None:
    fill_form(kombo_window, organization=TRICKY_ORGANIZATION)
    make_link(qtbot, kombo_window)
    context = history_of(kombo_window).invitationBar.context
    assert context is not None and context.organization == TRICKY_ORGANIZATION
    body = context.invitation().body
    QGuiApplication.clipboard().clear()

    history_of(kombo_window).invitationBar.copyInvitationButton.click()

    assert QGuiApplication.clipboard().text() == body  # the plain text, as before
    pasted = clipboard_html()
    # The same words, in the same paragraphs (blank lines apart in the plain text).
    assert pasted.paragraphs == body.split("\n\n")
    assert pasted.outside_paragraphs == ""
    assert any(TRICKY_ORGANIZATION in paragraph for paragraph in pasted.paragraphs)
    # Only the link is a link: the name's "<a href>" and "<b>" are words, not markup.
    assert pasted.links == [(KOMBO_LINK, KOMBO_LINK)]
    assert set(pasted.tags) == {"p", "a"}
    assert pasted.source.isascii()  # "ü" as "&#252;": no program can misread its encoding


def test_a_demo_invitation_keeps_its_demo_warning(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window, organization="Acme & Co")
    link = make_link(qtbot, demo_window)
    QGuiApplication.clipboard().clear()

    history_of(demo_window).invitationBar.copyInvitationButton.click()

    text = QGuiApplication.clipboard().text()
    assert text.startswith(f"{DEMO_MARK}\n\n")
    pasted = clipboard_html()
    assert pasted.paragraphs[0] == DEMO_MARK
    assert pasted.text == text
    assert pasted.links == [(link, link)]


def test_lines_within_a_paragraph_stay_apart() -> None:
    body = "Hello,\n\nFirst line\nsecond line\n\n\nhttps://x.example/a\n\nBye"
    html = rich_copy.invitation_html(body, "https://x.example/a", clickable=True)
    assert html == (
        "<p>Hello,</p><p>First line<br>second line</p>"
        '<p><a href="https://x.example/a">https://x.example/a</a></p><p>Bye</p>'
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://example.com/connect", "file:///etc/passwd"]
)
def test_only_a_link_the_window_would_open_becomes_clickable(qapp: QApplication, url: str) -> None:
    # The same rule as "Open": https, or http to the demo service on this computer.
    rich_copy.copy_link(url, is_demo=False)
    assert QGuiApplication.clipboard().text() == url
    pasted = clipboard_html()
    assert pasted.links == [] and pasted.tags == []
    assert pasted.text == url


def test_the_history_copy_adds_a_clickable_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    store = history_of(demo_window).store
    entry = record_link(
        store,
        profile="default",
        email="eva@globex.example",
        organization="Globex SA",
        category=Category.ATS,
        tool="greenhouse",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=globex&x=1",
    )
    feature = open_history(qtbot, demo_window)
    feature.panel.select_row(0)
    QGuiApplication.clipboard().clear()

    feature.panel.historyCopyButton.click()

    assert QGuiApplication.clipboard().text() == entry.url
    assert clipboard_html().links == [(entry.url, entry.url)]


def test_the_program_ends_cleanly_after_a_copy() -> None:
    # Qt's basic clipboard (the one without a desktop, as in these tests) deletes what it holds
    # only after Python has shut down; a QMimeData made in Python crashed the program there.
    result = run_python(
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from kombo_desktop.ui import rich_copy\n"
        "rich_copy.copy_invitation('Hi\\n\\nhttps://x.example/a', 'https://x.example/a', False)\n"
        "kept = app.clipboard().mimeData()\n"
        "print(kept.html())\n"
    )
    assert result.returncode == 0, result.stderr
    assert '<a href="https://x.example/a">' in result.stdout
