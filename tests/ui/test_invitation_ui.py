"""The invitation buttons under the link: the clipboard text in the flow's language, and the
mailto: address handed to the mail program (intercepted with QDesktopServices)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import EntryKind, HistoryEntry
from kombo_desktop.core.invitation import (
    DEMO_MARK,
    DEMO_SUBJECT_MARK,
    invitation,
    mailto_url,
    marked_as_demo,
    texts_for,
)
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType
from kombo_desktop.ui.expiry import MAY_HAVE_EXPIRED
from kombo_desktop.ui.history_model import STATUS, status_text
from kombo_desktop.ui.main_window import MainWindow
from tests.support.clipboard_html import clipboard_html
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.found import named
from tests.support.history_helpers import UrlCatcher, catch_urls, history_of, open_history
from tests.support.history_records import record_link, record_relink
from tests.ui.conftest import WindowFactory, fill_form, make_link

INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


@pytest.fixture
def mail_program() -> Iterator[UrlCatcher]:
    yield from catch_urls("mailto")


def decode_mailto(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def recipient(window: MainWindow) -> str | None:
    """Whom the invitation is for (the demo's e-mail goes to no one, see the demo test)."""
    context = history_of(window).invitationBar.context
    assert context is not None
    return context.email


def button(window: MainWindow, name: str) -> QPushButton:
    found = window.findChild(QPushButton, name)
    assert found is not None, name
    return found


def make_relink(qtbot: QtBot, window: MainWindow, language: str = "en") -> str:
    before = window.linkField.text()
    window.show_relink_mode(INTEGRATION_ID)
    combo = window.relinkLanguageCombo
    combo.setCurrentIndex(combo.findData(language))
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", before), timeout=10_000)
    return window.linkField.text()


def test_the_buttons_wait_for_a_link(demo_window: MainWindow) -> None:
    copy, email = button(demo_window, "copyInvitationButton"), button(demo_window, "emailButton")
    assert copy.isVisible() and email.isVisible()
    assert not copy.isEnabled() and not email.isEnabled()


@pytest.mark.parametrize("language", list(Language))
def test_copy_invitation_holds_the_link_once_in_the_flow_language(
    qtbot: QtBot, demo_window: MainWindow, language: Language
) -> None:
    fill_form(demo_window, organization="Müller & Söhne GmbH", tool="personio")
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData(language.value))
    link = make_link(qtbot, demo_window)
    QGuiApplication.clipboard().clear()

    button(demo_window, "copyInvitationButton").click()

    text = QGuiApplication.clipboard().text()
    assert text.count(link) == 1
    assert "Personio" in text
    assert "Müller & Söhne GmbH" in text
    texts = texts_for(language)
    assert texts.validity[LinkType.MAGIC_LINK] in text
    expected = invitation(
        language,
        link=link,
        link_type=LinkType.MAGIC_LINK,
        organization="Müller & Söhne GmbH",
        tool_label="Personio",
        category=Category.HRIS,
    )
    # A demo link's invitation says so in its first line, wherever it is pasted.
    assert text == marked_as_demo(expected).body
    assert text.startswith(f"{DEMO_MARK}\n\n")
    assert "Invitation copied" in demo_window.statusLabel.text()


def test_the_invitations_language_is_named_in_english(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The window's sentences are English: "Invitation in Deutsch" mixed two languages, while
    # the form's list names each language in its own words for a customer watching.
    fill_form(demo_window, tool="personio")
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData("de"))
    make_link(qtbot, demo_window)
    label = named(demo_window, QLabel, "invitationLanguageLabel")
    assert label.text() == "Invitation in German"
    assert button(demo_window, "copyInvitationButton").toolTip() == (
        "Copy a short message in German with the link, ready to paste"
    )
    button(demo_window, "copyInvitationButton").click()
    assert demo_window.statusLabel.text().startswith("Invitation copied (German).")


def test_without_a_tool_the_invitation_asks_to_choose_and_says_an_hour(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool=None)
    demo_window.linkTypeCombo.setCurrentIndex(demo_window.linkTypeCombo.findData("EMBEDDED"))
    link = make_link(qtbot, demo_window)
    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    assert text.count(link) == 1
    assert "HR system" in text
    assert "one hour" in text


@pytest.fixture
def kombo_window(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """A window making real (not demo) links, from a server speaking Kombo's wire format."""
    with FaultServer(fallback=tools_or(Reply.link(KOMBO_LINK))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        yield open_window("--api-base", kombo.base_url)


KOMBO_LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.e30.sig"


def test_email_opens_a_correctly_encoded_mailto(
    qtbot: QtBot, kombo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    email = "anna.mueller+hr@example.com"
    organization = "Müller & Söhne GmbH"
    fill_form(kombo_window, email=email, organization=organization, tool="personio")
    kombo_window.languageCombo.setCurrentIndex(kombo_window.languageCombo.findData("de"))
    link = make_link(qtbot, kombo_window)
    assert link == KOMBO_LINK

    button(kombo_window, "emailButton").click()

    (url,) = mail_program.urls
    expected = invitation(
        Language.DE,
        link=link,
        link_type=LinkType.MAGIC_LINK,
        organization=organization,
        tool_label="Personio",
        category=Category.HRIS,
    )
    assert url == mailto_url(email, expected)
    assert " " not in url and "+hr" not in url  # spaces and plus signs are percent-encoded
    address, fields = decode_mailto(url)
    assert address == email
    assert fields["subject"] == [expected.subject]
    (body,) = fields["body"]
    assert body == expected.body.replace("\n", "\r\n")
    assert body.count(link) == 1
    assert organization in body
    # Qt says only that it asked the system: without a mail program nothing may open.
    assert "press Send" in kombo_window.statusLabel.text()
    assert "If none opens, use “Copy invitation”" in kombo_window.statusLabel.text()


def test_a_demo_invitation_is_addressed_to_no_one(
    qtbot: QtBot, demo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    # "Copy invitation" warned that a demo link must not go to a customer, but "E-mail…"
    # addressed it to the customer and said "press Send".
    fill_form(demo_window, email="anna@customer.example")
    link = make_link(qtbot, demo_window)
    button(demo_window, "emailButton").click()
    (url,) = mail_program.urls
    address, fields = decode_mailto(url)
    assert address == ""
    assert fields["body"][0].count(link) == 1
    assert fields["subject"][0].startswith(DEMO_SUBJECT_MARK)
    words = demo_window.statusLabel.text()
    assert "addressed to no one" in words and "do not send it to a customer" in words
    assert "press Send" not in words
    assert "no one" in button(demo_window, "emailButton").toolTip()


def test_an_invitation_too_long_for_a_mail_program_is_handed_over_by_the_clipboard(
    qtbot: QtBot,
    open_window: WindowFactory,
    mail_program: UrlCatcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every accented letter takes six characters in a mailto: address; with a Kombo link (a JWT
    # of some 300 characters) and the longest organisation name it passes the 2,000 some mail
    # programs on Windows keep, and the link at its end would arrive cut off.
    kombo_link = "https://connect.kombo.dev/v1?token=" + "e" * 300
    with FaultServer(fallback=tools_or(Reply.link(kombo_link))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        fill_form(window, organization="Ü" * 200, tool="personio")
        assert make_link(qtbot, window) == kombo_link

        QGuiApplication.clipboard().clear()
        button(window, "emailButton").click()

    # The e-mail opens addressed and with its subject; the invitation itself is on the
    # clipboard to paste (it was refused outright, and the subject had to be written anew).
    (url,) = mail_program.urls
    address, fields = decode_mailto(url)
    assert address == "anna@example.com"
    context = window.history.invitationBar.context
    assert context is not None  # the bar is for the link just made
    assert fields["subject"] == [context.invitation().subject]
    assert "body" not in fields
    assert QGuiApplication.clipboard().text().count(kombo_link) == 1
    assert clipboard_html().links == [(kombo_link, kombo_link)]  # clickable once pasted
    assert "paste" in window.statusLabel.text()


def test_a_relink_invitation_uses_the_relink_language_and_no_unknown_address(
    qtbot: QtBot, demo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    link = make_relink(qtbot, demo_window, "es")
    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    assert text.count(link) == 1
    assert texts_for(Language.ES).your_organization in text  # no organisation known
    assert "Personio" in text  # from the integration id
    # It asks to reconnect (it asked "to connect your company", as for a first connection).
    assert "volver a conectar su empresa" in text
    assert "la página de conexión de Personio, donde solo tendrá que introducir de nuevo" in text

    assert recipient(demo_window) is None  # no address known
    button(demo_window, "emailButton").click()
    (url,) = mail_program.urls
    assert url.startswith("mailto:?subject=")
    address, fields = decode_mailto(url)
    assert address == ""
    assert fields["body"][0].count(link) == 1


def test_a_relink_invitation_uses_the_email_known_from_the_history(
    qtbot: QtBot, demo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    feature = history_of(demo_window)
    record_relink(
        feature.store,
        profile="default",
        integration_id=INTEGRATION_ID,
        language=Language.IT,
        link_type=LinkType.MAGIC_LINK,
        url="http://127.0.0.1:1/demo/connect?token=DEMO-earlier",
        email="eva@globex.example",
        organization="Globex SA",
        is_demo=True,
    )
    link = make_relink(qtbot, demo_window, "it")
    assert recipient(demo_window) == "eva@globex.example"  # for a real link (demo: no one)
    button(demo_window, "emailButton").click()
    (url,) = mail_program.urls
    _address, fields = decode_mailto(url)
    assert "Globex SA" in fields["body"][0]
    assert fields["body"][0].count(link) == 1
    # The new reconnection is recorded for the same customer.
    assert feature.store.search(limit=1)[0].email == "eva@globex.example"


def test_a_relink_after_a_reconnection_instead_is_addressed_to_the_form_customer(
    qtbot: QtBot, demo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, demo_window)
    demo_window.createButton.click()
    feature = history_of(demo_window)
    assert feature.banner.isVisible()
    feature.banner.relinkInsteadButton.click()
    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    before = demo_window.linkField.text()
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() not in ("", before), timeout=10_000)

    assert recipient(demo_window) == "anna@acme.example"  # for a real link (demo: no one)


def test_the_invitation_follows_a_link_shown_from_the_history(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    store = history_of(demo_window).store
    entry = record_link(
        store,
        profile="default",
        email="eva@globex.example",
        organization="Globex SA",
        category=Category.ATS,
        tool="greenhouse",
        language=Language.FR,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=globex",
    )
    feature = open_history(qtbot, demo_window)
    feature.panel.select_row(0)
    feature.panel.historyQrButton.click()
    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    assert text.count(entry.url) == 1
    assert "Globex SA" in text and "Greenhouse" in text
    assert texts_for(Language.FR).validity[LinkType.MAGIC_LINK] in text


def test_an_earlier_link_sent_again_says_until_when_it_works(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Use the existing link" on a link made 300 days before copied "valid for one year".
    made = datetime.now(UTC) - timedelta(days=300)
    fill_form(demo_window)
    assert demo_window.demo_server is not None
    record_link(
        history_of(demo_window).store,
        profile="default",
        email="anna@example.com",
        organization="Acme GmbH",
        category=Category.HRIS,
        tool="personio",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url=f"{demo_window.demo_server.origin}/demo/connect?token=earlier",
        created_at=made,
        is_demo=True,
    )
    demo_window.createButton.click()
    feature = history_of(demo_window)
    qtbot.waitUntil(feature.banner.isVisible)
    feature.banner.useExistingButton.click()
    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    last_day = (made.astimezone() + timedelta(days=365)).date()
    month = texts_for(Language.EN).months[last_day.month - 1]
    assert f"The link is valid until {last_day.day} {month} {last_day.year}." in text
    assert "one year" not in text


def test_a_link_the_history_says_may_have_expired_is_said_so_in_its_invitation(
    qtbot: QtBot, demo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    # An hour-long link made while this computer's clock was 30 minutes ahead, put right
    # since: the history says "May have expired", yet its invitation told the customer "The
    # link is valid until" an hour from now, and the notice that it "stops working in an hour".
    entry = record_link(
        history_of(demo_window).store,
        profile="default",
        email="eva@globex.example",
        organization="Globex SA",
        category=Category.HRIS,
        tool="personio",
        language=Language.EN,
        link_type=LinkType.EMBEDDED,
        url="https://connect.kombo.dev/v1?token=made-ahead",
        created_at=datetime.now(UTC) + timedelta(minutes=30),
    )
    feature = open_history(qtbot, demo_window)
    assert feature.panel.model.cell_text(entry, STATUS) == MAY_HAVE_EXPIRED
    feature.panel.select_row(0)
    feature.panel.historyQrButton.click()
    assert demo_window.linkField.text() == entry.url

    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    assert text.count(entry.url) == 1
    assert "This link may have expired already." in text
    assert "please let us know and we will send you a new one" in text
    assert "until" not in text and "one hour" not in text
    notice = demo_window.statusLabel.text()
    assert "this link may have expired already" in notice
    assert "make a new link" in notice
    assert "stops working in an hour" not in notice

    button(demo_window, "emailButton").click()
    (url,) = mail_program.urls
    _address, fields = decode_mailto(url)
    assert "This link may have expired already." in fields["body"][0]
    assert "until" not in fields["body"][0]


@pytest.mark.parametrize(
    "lead",
    [timedelta(0), timedelta(seconds=59), timedelta(seconds=61), timedelta(hours=3)],
)
@pytest.mark.parametrize("link_type", list(LinkType))
def test_the_invitation_says_may_have_expired_exactly_when_the_history_does(
    lead: timedelta, link_type: LinkType
) -> None:
    # One decision for both: a link dated ``lead`` later than now, by a clock that was ahead.
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    made = now + lead
    entry = HistoryEntry(
        id=1,
        created_at=made,
        profile="default",
        environment_id=None,
        kind=EntryKind.LINK,
        email="eva@globex.example",
        organization="Globex SA",
        origin_id=None,
        category=Category.HRIS,
        tool=None,
        tool_label=None,
        language=Language.EN,
        link_type=link_type,
        url="https://connect.kombo.dev/v1?token=made-ahead",
        expires_at=made + LINK_LIFETIMES[link_type],
        integration_id=None,
    )
    history_says = status_text(entry, now) == MAY_HAVE_EXPIRED
    sent = invitation(
        Language.EN,
        link=entry.url,
        link_type=link_type,
        organization=entry.organization,
        made=made,
        now=now,
    )
    assert ("may have expired" in sent.body) is history_says
    assert history_says is (link_type is LinkType.EMBEDDED and lead > timedelta(minutes=1))


def test_the_invitation_never_pairs_details_with_another_link(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.resultPanel.clear()
    assert not button(demo_window, "copyInvitationButton").isEnabled()
    assert not button(demo_window, "emailButton").isEnabled()


def test_a_reconnection_link_shown_from_the_history_asks_to_reconnect(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    record_relink(
        history_of(demo_window).store,
        profile="default",
        integration_id=INTEGRATION_ID,
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=globex-again",
        email="eva@globex.example",
        organization="Globex AG",
    )
    feature = open_history(qtbot, demo_window)
    feature.panel.select_row(0)
    feature.panel.historyQrButton.click()
    button(demo_window, "copyInvitationButton").click()
    text = QGuiApplication.clipboard().text()
    assert "Globex AG wieder mit uns verbinden" in text
    assert "Verbindungsseite für Personio, auf der Sie lediglich Ihre Zugangsdaten" in text


def test_handing_on_an_hour_long_embedded_link_says_it_will_not_last(
    qtbot: QtBot, kombo_window: MainWindow, mail_program: UrlCatcher
) -> None:
    # Kombo's embedded links are for an app's own flow and last an hour; a person e-mailing
    # one was not told that a customer reading it the next morning finds it dead.
    fill_form(kombo_window)
    make_link(qtbot, kombo_window)
    button(kombo_window, "copyInvitationButton").click()
    assert "stops working in an hour" not in kombo_window.statusLabel.text()

    fill_form(kombo_window, email="eva@globex.example", organization="Globex SA")
    kombo_window.linkTypeCombo.setCurrentIndex(kombo_window.linkTypeCombo.findData("EMBEDDED"))
    kombo_window.resultPanel.clear()
    make_link(qtbot, kombo_window)
    button(kombo_window, "copyInvitationButton").click()
    # It said "this link is for an app's embedded flow and works for one hour only; for an
    # e-mail, … links last a year": jargon, and the hour said twice. Now in the form's words.
    words = (
        " Note: this link is of the type “Embed in our app (valid 1 hour)” and stops working in "
        "an hour. To e-mail a link, make a new one with the link type “Send to the customer "
        "(valid 1 year)”."
    )
    assert kombo_window.statusLabel.text().endswith(words)
    button(kombo_window, "emailButton").click()
    assert len(mail_program.urls) == 1
    assert words in kombo_window.statusLabel.text()
