"""The invitation e-mail in all five languages, and the mailto: address that opens it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kombo_desktop.core.invitation import (
    MAILTO_SAFE_LENGTH,
    Invitation,
    InvitationTexts,
    invitation,
    mailto_url,
    marked_as_demo,
    texts_for,
)
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType
from tests.support.time_zones import BERLIN, ONE_HOUR_EAST, computer_time_zone

LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"

# Written independently of the resource files: how each language must state the validity.
VALIDITY_WORDS = {
    Language.EN: {LinkType.MAGIC_LINK: "one year", LinkType.EMBEDDED: "one hour"},
    Language.DE: {LinkType.MAGIC_LINK: "ein Jahr", LinkType.EMBEDDED: "eine Stunde"},
    Language.FR: {LinkType.MAGIC_LINK: "un an", LinkType.EMBEDDED: "une heure"},
    Language.IT: {LinkType.MAGIC_LINK: "un anno", LinkType.EMBEDDED: "un'ora"},
    Language.ES: {LinkType.MAGIC_LINK: "un año", LinkType.EMBEDDED: "una hora"},
}
# A word every text of the language has and no other language's text has.
SIGNATURE = {
    Language.EN: "Kind regards",
    Language.DE: "Viele Grüße",
    Language.FR: "Bien cordialement",
    Language.IT: "Cordiali saluti",
    Language.ES: "Un cordial saludo",
}
HR_SYSTEM = {
    Language.EN: "HR system",
    Language.DE: "HR-System",
    Language.FR: "logiciel RH",
    Language.IT: "software HR",
    Language.ES: "sistema de recursos humanos",
}
YOUR_COMPANY = {
    Language.EN: "your company",
    Language.DE: "Ihr Unternehmen",
    Language.FR: "votre entreprise",
    Language.IT: "la Sua azienda",
    Language.ES: "su empresa",
}

ALL_LANGUAGES = list(Language)
ALL_LINK_TYPES = list(LinkType)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
@pytest.mark.parametrize("link_type", ALL_LINK_TYPES)
def test_the_invitation_names_the_tool_and_holds_the_link_once(
    language: Language, link_type: LinkType
) -> None:
    made = invitation(
        language,
        link=LINK,
        link_type=link_type,
        organization="Müller & Söhne GmbH",
        tool_label="SAP SuccessFactors",
        category=Category.HRIS,
    )
    assert made.language is language
    assert made.body.count(LINK) == 1
    assert LINK not in made.subject
    assert "SAP SuccessFactors" in made.subject
    assert "SAP SuccessFactors" in made.body
    assert HR_SYSTEM[language] not in made.body  # the tool is named, not the kind of system
    assert "Müller & Söhne GmbH" in made.body
    assert VALIDITY_WORDS[language][link_type] in made.body
    other_type = next(t for t in LinkType if t is not link_type)
    assert VALIDITY_WORDS[language][other_type] not in made.body
    assert SIGNATURE[language] in made.body
    for other in Language:
        if other is not language:
            assert SIGNATURE[other] not in made.body
    assert "{" not in made.body + made.subject and "}" not in made.body + made.subject
    assert made.body.splitlines().count(LINK) == 1  # on a line of its own, easy to click


# Written independently of the resource files: the link opens Kombo's connection page, not
# the tool. "It takes you straight to SAP SuccessFactors, where you only need to enter your
# access details again" sent customers to type their SAP password on a page that is not SAP's.
CONNECTION_PAGE = {
    Language.EN: "connection page",
    Language.DE: "Verbindungsseite",
    Language.FR: "page de connexion",
    Language.IT: "pagina di collegamento",
    Language.ES: "página de conexión",
}
STRAIGHT_TO = {
    Language.EN: "straight to",
    Language.DE: "direkt zu",
    Language.FR: "directement à",
    Language.IT: "direttamente a",
    Language.ES: "directamente a",
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
@pytest.mark.parametrize("reconnection", [False, True])
@pytest.mark.parametrize("tool_label", ["SAP SuccessFactors", "Ashby", None])
def test_the_link_is_said_to_open_a_connection_page_not_the_tool(
    language: Language, reconnection: bool, tool_label: str | None
) -> None:
    made = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme",
        tool_label=tool_label,
        category=Category.HRIS,
        reconnection=reconnection,
    )
    assert STRAIGHT_TO[language] not in made.body
    if tool_label is not None or reconnection:
        assert CONNECTION_PAGE[language] in made.body
    # Italian "a Ashby" wants "ad"; no preposition that depends on the name stands before it.
    assert not re.search(r"\b(a|à) A", made.body)


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_no_sentence_says_only_twice(language: Language) -> None:
    made = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme",
        tool_label="Personio",
        category=Category.HRIS,
        reconnection=True,
    )
    only = {Language.DE: r"\bnur\b", Language.ES: r"\bsolo\b", Language.IT: r"\bsolo\b"}
    for sentence in re.split(r"(?<=[.:])\s", made.body):
        if language in only:
            assert len(re.findall(only[language], sentence)) <= 1, sentence


def test_french_punctuation_and_times_never_break_from_their_words() -> None:
    # A plain space before ":" let a line end before the colon ("…à nos services" / ":").
    for reconnection in (False, True):
        for tool_label in ("Personio", None):
            made = invitation(
                Language.FR,
                link=LINK,
                link_type=LinkType.EMBEDDED,
                organization="Müller & Söhne GmbH",
                tool_label=tool_label,
                category=Category.HRIS,
                reconnection=reconnection,
                made=datetime(2026, 11, 29, 9, 5, tzinfo=UTC),
                now=datetime(2026, 11, 29, 9, 30, tzinfo=UTC),
            )
            text = made.body + made.subject
            assert not re.search(r" [:;!?]", text), text
            assert not re.search(r"\d h|h \d", text), text


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_without_a_tool_the_customer_is_asked_to_choose(language: Language) -> None:
    made = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme",
        category=Category.HRIS,
    )
    assert made.body.count(LINK) == 1
    assert HR_SYSTEM[language] in made.body
    assert HR_SYSTEM[language] in made.subject
    assert "{" not in made.body + made.subject


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_every_category_has_its_own_words(language: Language) -> None:
    bodies = {
        invitation(
            language, link=LINK, link_type=LinkType.MAGIC_LINK, organization="A", category=c
        ).body
        for c in (*Category, None)
    }
    assert len(bodies) == len(Category) + 1


# Words that cannot stand next to each other, whatever the kind of system put after them:
# French and Italian articles drop their vowel before one ("l'outil", "l'applicazione"),
# Spanish contracts "de el" and "a el".
ARTICLE_SLIPS = {
    Language.FR: re.compile(r"\b[Ll][ea] [aeiouyàâéèêëîïôûœ]"),
    Language.IT: re.compile(r"\b(?:[Ii]l|[Ll][oa]) [aeiouàèéìòù]"),
    Language.ES: re.compile(r"\b(?:[Dd]e|[Aa]) el\b"),
}


@pytest.mark.parametrize("language", list(ARTICLE_SLIPS))
def test_the_kind_of_system_fits_the_words_before_it(language: Language) -> None:
    for category in (*Category, None):
        made = invitation(
            language, link=LINK, link_type=LinkType.MAGIC_LINK, organization=None, category=category
        )
        for text in (made.subject, made.body):
            slip = ARTICLE_SLIPS[language].search(text)
            assert slip is None, f"{category}: “{slip.group(0) if slip else ''}” in {text!r}"


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_an_unknown_organisation_is_worded_politely(language: Language) -> None:
    for organization in (None, "", "   "):
        made = invitation(
            language,
            link=LINK,
            link_type=LinkType.MAGIC_LINK,
            organization=organization,
            tool_label="Personio",
        )
        assert YOUR_COMPANY[language] in made.body
        assert made.body.count(LINK) == 1


def test_texts_are_written_with_their_real_letters() -> None:
    de = invitation(Language.DE, link=LINK, link_type=LinkType.MAGIC_LINK, organization="A")
    fr = invitation(Language.FR, link=LINK, link_type=LinkType.MAGIC_LINK, organization="A")
    it = invitation(Language.IT, link=LINK, link_type=LinkType.MAGIC_LINK, organization="A")
    es = invitation(Language.ES, link=LINK, link_type=LinkType.MAGIC_LINK, organization="A")
    assert "ü" in de.body and "Grüße" in de.body
    assert "à" in fr.body and "répondre" in fr.body
    assert "è" in it.body and "può" in it.body
    assert "ñ" in es.body and "válido" in es.body


def test_braces_and_link_like_text_in_values_are_kept_literally() -> None:
    made = invitation(
        Language.EN,
        link=LINK,
        link_type=LinkType.EMBEDDED,
        organization="{link} {0} {organization}",
        tool_label="Tool {tool_sentence}",
    )
    assert made.body.count(LINK) == 1
    assert "{link} {0} {organization}" in made.body
    assert "Tool {tool_sentence}" in made.subject


def test_a_line_break_in_a_name_does_not_split_the_subject() -> None:
    made = invitation(
        Language.EN,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme",
        tool_label="Per\nsonio",
    )
    assert "\n" not in made.subject and "\r" not in made.subject


def test_languages_may_be_given_by_their_codes() -> None:
    by_code = invitation(
        Language("fr"), link=LINK, link_type=LinkType("EMBEDDED"), organization="A"
    )
    assert by_code == invitation(
        Language.FR, link=LINK, link_type=LinkType.EMBEDDED, organization="A"
    )
    with pytest.raises(ValueError):
        invitation(Language("nl"), link=LINK, link_type=LinkType.EMBEDDED, organization="A")


# ------------------------------------------------------------------------------ resources


def test_each_language_has_its_own_resource_file() -> None:
    files = sorted(p.name for p in resource_path("invitations").glob("*.json"))
    assert files == sorted(f"{language.value}.json" for language in Language)
    keys = {
        name: set(json.loads((resource_path("invitations") / name).read_text("utf-8")))
        for name in files
    }
    assert len({frozenset(k) for k in keys.values()}) == 1
    for language in Language:
        assert isinstance(texts_for(language), InvitationTexts)


def write_texts(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(resource_path("invitations/en.json").read_text("utf-8"))
    data.update(changes)
    path = tmp_path / "xx.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"body": ["Hello", "{tool_sentence} {validity_sentence}"]}, "lacks"),
        ({"body": ["{intro} {link} {link} {tool_sentence} {validity_sentence}"]}, "exactly once"),
        ({"body": ["Hello", "{link}", "{tool_sentence} {validity_sentence}"]}, "lacks"),
        ({"body": ["{link} {tool_sentence} {validity_sentence} {api_key}"]}, "unknown"),
        ({"body": ["{intro} {link} {tool_sentence} The link is valid {validity}."]}, "unknown"),
        ({"validity_sentence": "The link is valid."}, "lacks"),
        ({"may_have_expired_sentence": "It may have expired {validity}."}, "unknown"),
        ({"may_have_expired_sentence": " "}, "empty"),
        ({"body": "not a list"}, "list of lines"),
        ({"tool_sentence": "Use {tool"}, "broken"),
        ({"choose_tool_sentence": "Choose one."}, "lacks"),
        ({"validity": {"MAGIC_LINK": "one year"}}, "EMBEDDED"),
        ({"systems": {"ANY": "system"}}, "HRIS"),
        ({"validity_until": "until"}, "lacks"),
        ({"validity_until_time": "until later"}, "lacks"),
        ({"validity_until_time": "until {minute} ({offset})"}, "lacks {hour} or {hour2}"),
        ({"validity_until_time_hour_one": "until {hour}:{minute} {time}"}, "unknown"),
        ({"relink_tool_sentence": "Enter your details again."}, "lacks"),
        ({"day_format": "{day} {month}"}, "lacks"),
        ({"months": ["January"]}, "twelve months"),
        ({"systems": {"ANY": "", "HRIS": "a", "ATS": "b", "ASSESSMENT": "c", "LMS": "d"}}, "empty"),
    ],
)
def test_a_broken_translation_is_refused(
    tmp_path: Path, changes: dict[str, object], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        InvitationTexts.from_file(write_texts(tmp_path, **changes))


def test_an_intact_translation_file_loads(tmp_path: Path) -> None:
    texts = InvitationTexts.from_file(write_texts(tmp_path))
    assert texts == texts_for(Language.EN)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"xx\.json"):
        InvitationTexts.from_file(tmp_path / "xx.json")


# ------------------------------------------------------------------------------ mailto


def decode_mailto(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.fragment == ""
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


@pytest.mark.parametrize(
    "organization",
    ["Müller & Söhne GmbH", "A+B Consulting", "Team #1 Ltd", "Ärzte ohne? Grenzen = 100%"],
)
def test_mailto_round_trips_with_urllib(organization: str) -> None:
    made = invitation(
        Language.DE,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization=organization,
        tool_label="Personio",
    )
    url = mailto_url("anna.müller+hr@bäckerei.example", made)

    address, fields = decode_mailto(url)
    assert address == "anna.müller+hr@bäckerei.example"
    assert fields == {
        "subject": [made.subject],
        "body": [made.body.replace("\n", "\r\n")],
    }
    assert organization in fields["body"][0]


@pytest.mark.parametrize("language", list(Language))
def test_usual_invitations_stay_well_within_what_mail_programs_take(language: Language) -> None:
    kombo_link = "https://connect.kombo.dev/v1?token=" + "e" * 280  # a JWT, as Kombo sends
    usual = invitation(
        language,
        link=kombo_link,
        link_type=LinkType.MAGIC_LINK,
        organization="Müller & Söhne Personaldienstleistungen GmbH & Co. KG",
        tool_label="SAP SuccessFactors",
    )
    assert len(mailto_url("anna.mueller@example.com", usual)) < MAILTO_SAFE_LENGTH // 2
    extreme = invitation(
        language, link=kombo_link, link_type=LinkType.MAGIC_LINK, organization="Ü" * 200
    )
    assert len(mailto_url("anna.mueller@example.com", extreme)) > MAILTO_SAFE_LENGTH


def test_mailto_encoding_follows_rfc_6068() -> None:
    made = Invitation(
        language=Language.DE,
        subject="Grüße & mehr",
        body="Zeile eins\nZeile+zwei #3\n" + LINK,
    )
    url = mailto_url("  anna+x@example.com ", made)
    assert url.startswith("mailto:anna%2Bx@example.com?subject=")
    query = url.split("?", 1)[1]
    assert "+" not in query and " " not in query and "#" not in url
    assert "Gr%C3%BC%C3%9Fe%20%26%20mehr" in query  # UTF-8 umlauts, spaces as %20, & encoded
    assert "Zeile%20eins%0D%0AZeile%2Bzwei%20%233%0D%0A" in query
    assert "https%3A%2F%2Fconnect.kombo.dev%2Fv1%3Ftoken%3D" in query
    assert query.count("&") == 1  # only between subject and body


def test_mailto_keeps_existing_crlf_and_lone_cr_as_one_break() -> None:
    made = Invitation(language=Language.EN, subject="S", body="a\r\nb\rc\nd")
    _, fields = decode_mailto(mailto_url("x@example.com", made))
    assert fields["body"] == ["a\r\nb\r\nc\r\nd"]


@given(
    email=st.text(min_size=1).filter(lambda s: s.strip() == s),
    subject=st.text().map(lambda s: " ".join(s.split())),
    body=st.text(),
)
def test_mailto_round_trips_any_text(email: str, subject: str, body: str) -> None:
    url = mailto_url(email, Invitation(language=Language.EN, subject=subject, body=body))
    address, fields = decode_mailto(url)
    assert address == email
    assert fields["subject"] == [subject]
    normalized = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert fields["body"] == [normalized]


# Written independently of the resource files: the last day of a link sent again later.
UNTIL_WORDS = {
    Language.EN: ("until 1 December 2027", "until 8 November 2027"),
    Language.DE: ("bis zum 1. Dezember 2027", "bis zum 8. November 2027"),
    Language.FR: ("jusqu'au 1er décembre 2027", "jusqu'au 8 novembre 2027"),
    Language.IT: ("fino al giorno 1º dicembre 2027", "fino al giorno 8 novembre 2027"),
    Language.ES: ("hasta el 1 de diciembre de 2027", "hasta el 8 de noviembre de 2027"),
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_link_sent_again_later_says_its_last_day_not_a_whole_year(
    language: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last day is the computer's: 10:00 UTC falls on another day at UTC+14 or UTC-11, and
    # the test failed on such computers.
    with computer_time_zone(monkeypatch, ONE_HOUR_EAST):
        said_again_later(language)


def said_again_later(language: Language) -> None:
    # "Use the existing link" on a link made 11 months earlier copied "valid for one year".
    first = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    eighth = datetime(2026, 11, 8, 10, 0, tzinfo=UTC)
    for made, words in zip((first, eighth), UNTIL_WORDS[language], strict=True):
        later = invitation(
            language,
            link=LINK,
            link_type=LinkType.MAGIC_LINK,
            organization="Acme GmbH",
            tool_label="Personio",
            made=made,
            now=made + timedelta(days=300),
        )
        assert words in later.body
        assert VALIDITY_WORDS[language][LinkType.MAGIC_LINK] not in later.body
    # Made today, it still has its whole year.
    fresh = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme GmbH",
        made=first,
        now=first + timedelta(hours=3),
    )
    assert VALIDITY_WORDS[language][LinkType.MAGIC_LINK] in fresh.body


def test_the_last_day_is_the_one_the_window_shows_across_summer_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Made at 23:30 in Berlin in winter time, a year later falls in summer time: the window
    # said "Valid until 28 Oct 2027" and the invitation "until 27 October 2027".
    with computer_time_zone(monkeypatch, BERLIN):
        made = datetime(2026, 10, 27, 23, 30).astimezone()
        later = invitation(
            Language.EN,
            link=LINK,
            link_type=LinkType.MAGIC_LINK,
            organization="Acme GmbH",
            made=made,
            now=made + timedelta(days=30),
        )
        shown = (made + LINK_LIFETIMES[LinkType.MAGIC_LINK]).astimezone()
    assert shown.date() == date(2027, 10, 28)
    assert "until 28 October 2027" in later.body


# Written independently of the resource files: the end of an hour-long link sent again later.
UNTIL_TIME_WORDS = {
    Language.EN: "until 15:30 (UTC+01:00)",
    Language.DE: "bis 15:30 Uhr (UTC+01:00)",
    Language.FR: "jusqu'à 15\u00a0h\u00a030 (UTC+01:00)",
    Language.IT: "fino alle ore 15:30 (UTC+01:00)",
    Language.ES: "hasta las 15:30 (UTC+01:00)",
}


@pytest.fixture
def one_hour_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with computer_time_zone(monkeypatch, ONE_HOUR_EAST):
        yield


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_an_hour_long_link_sent_again_later_says_when_it_stops(
    language: Language, one_hour_east: None
) -> None:
    # A 55-minute-old embedded link from the history was "valid for one hour".
    made = datetime(2026, 11, 29, 13, 30, tzinfo=UTC)
    later = hour_long_invitation(language, made, minutes_later=55)
    assert UNTIL_TIME_WORDS[language] in later.body
    assert VALIDITY_WORDS[language][LinkType.EMBEDDED] not in later.body
    fresh = hour_long_invitation(language, made, minutes_later=0)
    assert VALIDITY_WORDS[language][LinkType.EMBEDDED] in fresh.body


# Written independently of the resource files: a link that may have expired already, and the
# way on, a new one (asked for in other words than the closing line's "reply to this e-mail").
MAY_HAVE_EXPIRED_WORDS = {
    Language.EN: ("may have expired already", "send you a new one"),
    Language.DE: ("möglicherweise bereits abgelaufen", "einen neuen"),
    Language.FR: ("a peut-être déjà expiré", "un nouveau"),
    Language.IT: ("potrebbe essere già scaduto", "un nuovo link"),
    Language.ES: ("ya haya caducado", "uno nuevo"),
}
# The words that promise a time it works until ("until", "bis", "jusqu'à"...).
PROMISED_END = {
    Language.EN: "until",
    Language.DE: "bis",
    Language.FR: "jusqu",
    Language.IT: "fino",
    Language.ES: "hasta",
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_an_hour_long_link_dated_later_than_now_says_it_may_have_expired(
    language: Language, one_hour_east: None
) -> None:
    # Made while this computer's clock was three hours ahead (put right since), it was made
    # by now at the latest, perhaps hours ago: the history says "May have expired", but the
    # invitation promised "valid until 15:30", an hour from now, a time it may not reach.
    made = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)
    sent = hour_long_invitation(language, made, minutes_later=-180)
    for words in MAY_HAVE_EXPIRED_WORDS[language]:
        assert words in sent.body
    assert PROMISED_END[language] not in sent.body
    assert VALIDITY_WORDS[language][LinkType.EMBEDDED] not in sent.body
    assert sent.body.count(LINK) == 1


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_link_dated_a_moment_ahead_or_valid_a_year_keeps_its_validity(
    language: Language, one_hour_east: None
) -> None:
    # Clocks are put right by seconds at a time: a link dated 30 seconds ahead was made a
    # moment ago, as the history takes it too, and still says its time.
    made = datetime(2026, 11, 29, 13, 30, 30, tzinfo=UTC)
    moment_ahead = invitation(
        language,
        link=LINK,
        link_type=LinkType.EMBEDDED,
        organization="Acme GmbH",
        made=made,
        now=made - timedelta(seconds=30),
    )
    assert MAY_HAVE_EXPIRED_WORDS[language][0] not in moment_ahead.body
    assert UNTIL_TIME_WORDS[language] in moment_ahead.body  # 13:30 UTC and an hour, there
    # A year-long link dated three hours ahead has most of its year left.
    year_long = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme GmbH",
        made=made,
        now=made - timedelta(hours=3),
    )
    assert MAY_HAVE_EXPIRED_WORDS[language][0] not in year_long.body
    assert VALIDITY_WORDS[language][LinkType.MAGIC_LINK] in year_long.body


def hour_long_invitation(language: Language, made: datetime, *, minutes_later: int) -> Invitation:
    """The invitation of an embedded link made at ``made``, sent ``minutes_later``."""
    return invitation(
        language,
        link=LINK,
        link_type=LinkType.EMBEDDED,
        organization="Acme GmbH",
        made=made,
        now=made + timedelta(minutes=minutes_later),
    )


# Written independently of the resource files: the same, ending between 1:00 and 1:59.
UNTIL_ONE_O_CLOCK_WORDS = {
    Language.EN: "until 01:20 (UTC+01:00)",
    Language.DE: "bis 01:20 Uhr (UTC+01:00)",
    Language.FR: "jusqu'à 1\u00a0h\u00a020 (UTC+01:00)",
    Language.IT: "fino alle ore 1:20 (UTC+01:00)",
    Language.ES: "hasta la 1:20 (UTC+01:00)",  # "hasta las 01:20" was wrong
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_an_hour_long_link_ending_after_one_o_clock_is_worded_right(
    language: Language, one_hour_east: None
) -> None:
    made = datetime(2026, 11, 29, 23, 20, tzinfo=UTC)  # 00:20 on the computer's clock
    later = hour_long_invitation(language, made, minutes_later=30)
    assert UNTIL_ONE_O_CLOCK_WORDS[language] in later.body


# Written independently of the resource files: what a reconnection link's invitation asks.
RECONNECT_WORDS = {
    Language.EN: ("Your link to reconnect Personio", "reconnect Acme GmbH", "access details again"),
    Language.DE: ("Verbinden Sie Personio erneut", "wieder mit uns verbinden", "Zugangsdaten"),
    Language.FR: ("pour reconnecter Personio", "reconnecter Acme GmbH", "identifiants"),
    Language.IT: ("per ricollegare Personio", "ricollegare Acme GmbH", "credenziali"),
    Language.ES: ("volver a conectar Personio", "volver a conectar Acme GmbH", "datos de acceso"),
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_reconnection_link_asks_to_reconnect_not_to_set_up_a_connection(
    language: Language,
) -> None:
    # A customer whose connection broke was asked to "connect your company" and told
    # "setting up the connection only takes a few minutes", as if they had none.
    new_link = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme GmbH",
        tool_label="Personio",
    )
    reconnection = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization="Acme GmbH",
        tool_label="Personio",
        reconnection=True,
    )
    subject, intro, details = RECONNECT_WORDS[language]
    assert subject in reconnection.subject and subject not in new_link.subject
    assert intro in reconnection.body and intro not in new_link.body
    assert details in reconnection.body and details not in new_link.body
    assert reconnection.body.count(LINK) == 1
    assert VALIDITY_WORDS[language][LinkType.MAGIC_LINK] in reconnection.body
    # Without the tool's name (and the organisation's), it still reads as a reconnection.
    unnamed = invitation(
        language,
        link=LINK,
        link_type=LinkType.MAGIC_LINK,
        organization=None,
        category=Category.HRIS,
        reconnection=True,
    )
    assert details in unnamed.body
    assert texts_for(language).systems["HRIS"] in unnamed.subject


@pytest.mark.parametrize("language", list(Language))
def test_a_demo_invitation_says_so_in_its_subject_and_first_line(language: Language) -> None:
    real = invitation(language, link=LINK, link_type=LinkType.MAGIC_LINK, organization="Acme")
    demo = marked_as_demo(real)
    assert demo.subject == f"[DEMO, do not send] {real.subject}"
    first_line, blank, *rest = demo.body.split("\n")
    assert "DEMO" in first_line and "Do not send it to a customer" in first_line
    assert blank == "" and "\n".join(rest) == real.body
    assert demo.body.count(LINK) == 1
