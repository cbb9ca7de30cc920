"""The link and relink request models: every rule, the messages, and the wire bodies.

Bodies are checked against Kombo's published schema (a copy in tests/data, so a fresh clone
needs nothing outside the repository).
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kombo_desktop.core.catalog import Tool, ToolCatalog
from kombo_desktop.core.email_address import suggested_email
from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
from kombo_desktop.core.integration_id import (
    integration_id_as_sent,
    integration_tool,
    suggested_integration_id,
)
from kombo_desktop.core.link_request import (
    CATEGORY,
    EMAIL,
    ENABLE_FIELD_MAPPING,
    ENABLE_FILTERING,
    INTEGRATION_ID,
    LANGUAGE,
    LINK_TYPE,
    ORGANIZATION_NAME,
    ORIGIN_ID,
    REMOTE_ENVIRONMENT,
    SCOPE_CONFIG_ID,
    TOOL,
    FieldError,
    InvalidRequest,
    LinkRequest,
    RelinkRequest,
    suggested_tool,
    validate_field,
)
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from tests.support import openapi
from tests.support.strategies import kombo_emails

_validator = openapi.validator


def assert_valid_create_body(body: dict[str, object]) -> None:
    errors = [e.message for e in _validator("PostConnectCreateLinkRequestBody").iter_errors(body)]
    assert errors == [], f"{body} breaks the schema: {errors}"


def assert_valid_relink_body(body: dict[str, object]) -> None:
    validator = _validator("PostIntegrationsIntegrationIdRelinkRequestBody")
    errors = [e.message for e in validator.iter_errors(body)]
    assert errors == [], f"{body} breaks the schema: {errors}"


def form(**overrides: Any) -> dict[str, Any]:
    """A valid form, changed where a test needs it."""
    values: dict[str, Any] = {"email": "anna@example.com", "organization_name": "Acme GmbH"}
    values.update(overrides)
    return values


def errors_of(**overrides: Any) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest.from_form(**form(**overrides))
    return caught.value


def only_error(field: str, **overrides: Any) -> str:
    """The single message a form with ``overrides`` gets, checked to be about ``field``."""
    invalid = errors_of(**overrides)
    assert invalid.fields == (field,), invalid.errors
    message = invalid.message_for(field)
    assert message
    return message


# --- e-mail --------------------------------------------------------------------------------

GOOD_EMAILS = [
    "anna@example.com",
    "Anna.Berg@Example.COM",
    "anna+crm@example.com",
    "anna.b+tag-1@mail.eu.example.co.uk",
    "o'brien@example.ie",
    "x@a.io",
    "user@xn--mller-kva.de",
    "a_b-c@sub-domain.example.org",
]

BAD_EMAILS = [
    # Kombo accepts only the characters of its published address rule (see email_address.py).
    ("jürgen@example.de", "can't contain “ü” before the @"),
    ("juergen@müller.de", "enter the address as juergen@xn--mller-kva.de"),
    ("user@例え.jp", "enter the address as user@xn--r8jz45g.jp"),
    ("a@müller.рф", "can't contain “ü”"),  # its written form has an ending Kombo refuses
    ("a@mü_ller.de", "can't contain “ü”"),  # not a name that can be written so
    ("a@☃.de", "can't contain “☃”"),
    # Fits as typed (254 characters) but not once written for e-mail systems: no suggestion.
    ("a" * 64 + "@" + ".".join(["ü" * 20] * 8) + "." + "b" * 18 + ".de", "can't contain “ü”"),
    ("a&b@example.com", "can't contain “&” before the @"),
    ("{weird}@example.com", "plain letters"),
    ("obrien'@example.ie", "can't end with an apostrophe"),
    ("user@example.xn--p1ai", "real ending"),
    ("", "Enter the customer's e-mail address"),
    ("   ", "Enter the customer's e-mail address"),
    ("anna", "needs an @"),
    ("anna.example.com", "needs an @"),
    ("a@b", "incomplete"),
    ("anna@localhost", "incomplete"),
    ("@x.com", "before the @"),
    ("anna@", "after the @"),
    ("a@@b.com", "more than one @"),
    ("anna@example.com,bob@example.com", "more than one @"),
    ("anna@example.com bob@example.com", "spaces"),
    ("anna berg@example.com", "spaces"),
    ("anna@exa mple.com", "spaces"),
    ("a@b..com", "two dots"),
    ("a@b.com.", "two dots"),
    ("a@.b.com", "two dots"),
    ("a.@b.com", "two dots"),
    (".a@b.com", "two dots"),
    ("a..b@c.com", "two dots"),
    ("a@-b.com", "hyphen"),
    ("a@b-.com", "hyphen"),
    ("a@b.c", "real ending"),
    ("a@b.123", "real ending"),
    ("a@1.2.3.4", "real ending"),
    ("a@b_c.com", "can't contain “_”"),
    ("a@[127.0.0.1]", "can't contain"),
    ('"anna"@example.com', "can't contain “\"”"),
    ("a,b@example.com", "can't contain “,”"),
    ("<anna@example.com>", "without the angle brackets"),
    ("anna@example.com\x00", "invisible"),
    ("a" * 65 + "@example.com", "too long"),
    ("anna@" + "a" * 64 + ".com", "too long"),
    ("anna@" + ".".join(["abcdefghij"] * 23) + ".com", "too long"),
    ("a" * 60 + "@" + "b" * 190 + ".com", "too long (at most 254"),
]


@pytest.mark.parametrize("email", GOOD_EMAILS)
def test_real_addresses_pass(email: str) -> None:
    assert validate_field(EMAIL, email) is None
    request = LinkRequest.from_form(**form(email=email))
    assert request.end_user_email == email


@pytest.mark.parametrize(("email", "hint"), BAD_EMAILS)
def test_broken_addresses_are_refused_with_a_hint(email: str, hint: str) -> None:
    message = only_error(EMAIL, email=email)
    assert hint in message
    assert "e-mail" in message
    assert validate_field(EMAIL, email) == message


@pytest.mark.parametrize(
    ("email", "written"),
    [
        ("juergen@müller.de", "juergen@xn--mller-kva.de"),
        ("Anna@MÜLLER.DE", "Anna@xn--mller-kva.de"),
        ("user@例え.jp", "user@xn--r8jz45g.jp"),
        # IDNA 2008, as mail systems use it: the older rule would give strasse.de, another domain.
        ("a@straße.de", "a@xn--strae-oqa.de"),
    ],
)
def test_an_international_domain_is_offered_in_the_form_kombo_accepts(
    email: str, written: str
) -> None:
    message = only_error(EMAIL, email=email)
    assert f"enter the address as {written} (the same address" in message
    assert validate_field(EMAIL, written) is None
    assert LinkRequest.from_form(**form(email=written)).end_user_email == written


@pytest.mark.parametrize(
    ("pasted", "hint"),
    [
        # As mail programs copy an address: the one address in it is named, mid-sentence, so
        # that selecting it does not take the full stop along.
        ("Anna Berg <anna@example.com>", "address, anna@example.com, without the name and"),
        ('"Berg, Anna" <anna@example.com>', "address, anna@example.com, without the name and"),
        ("<anna@example.com>", "address, anna@example.com, without the angle brackets."),
        ("mailto:anna@example.com", "address, anna@example.com, without “mailto:”."),
        ("MAILTO:anna@example.com", "address, anna@example.com, without “MAILTO:”."),
        ("anna@example.com;", "address, anna@example.com, without the “;” after it."),
        ("anna@example.com, ", "address, anna@example.com, without the “,” after it."),
    ],
)
def test_an_address_copied_from_a_mail_program_is_named(pasted: str, hint: str) -> None:
    message = only_error(EMAIL, email=pasted)
    assert message.startswith("Enter only the e-mail address, ") and hint in message


@pytest.mark.parametrize(
    "pasted",
    [
        "a <b@example.com> <c@example.com>",  # two addresses: nothing is picked for the person
        "anna@example.com; bob@example.com;",
        "Anna <not an address>",
        "mailto:anna@example",
        "mailto:" * 40 + "anna@example.com",
    ],
)
def test_no_address_is_named_when_there_is_not_exactly_one_good_one(pasted: str) -> None:
    assert "Enter only the e-mail address" not in only_error(EMAIL, email=pasted)


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("Anna Berg <anna@example.com>", "anna@example.com"),
        (" mailto:anna@example.com ", "anna@example.com"),
        ("anna@example.com;", "anna@example.com"),
        ("juergen@müller.de", "juergen@xn--mller-kva.de"),
        # Copied with an invisible character (a zero-width space, a left-to-right mark...).
        ("anna\u200b@example.com", "anna@example.com"),
        ("\u200eanna@example.com", "anna@example.com"),
        ("\ufeffanna@example.com", "anna@example.com"),
        ("anna@exam\u00adple.com", "anna@example.com"),
        ("Anna <anna\u2060@example.com>", "anna@example.com"),
        ("anna\u200b@müller.de", "anna@xn--mller-kva.de"),
        ("anna@example\uff0ecom", "anna@example.com"),  # a full-width dot
        ("anna\u200b@example", None),  # no address Kombo takes even without it
        ("anna@example.com", None),  # nothing to fix
        ("jürgen@müller.de", None),  # the name before the @ cannot be written otherwise
        ("a <b@example.com> <c@example.com>", None),  # two addresses: not ours to pick
        ("", None),
    ],
)
def test_the_address_to_offer_as_a_fix(typed: str, address: str | None) -> None:
    assert suggested_email(typed) == address


_ENDINGS = st.sampled_from(["", ";", ",", ">"])
_INVISIBLE_IN_ADDRESSES = st.builds(
    lambda e, at, char: f"{e[:at]}{char}{e[at:]}",
    kombo_emails,
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["\u200b", "\u200e", "\u2060", "\u00ad", "\ufeff", "\u202e", "\u200d"]),
)
_AS_COPIED = st.one_of(
    st.text(max_size=60),
    _INVISIBLE_IN_ADDRESSES,
    st.builds(
        lambda name, e, end: f"{name}<{e}>{end}", st.text(max_size=12), kombo_emails, _ENDINGS
    ),
    st.builds(lambda e, end: f"mailto:{e}{end}", kombo_emails, _ENDINGS),
)


@settings(max_examples=300, deadline=None)
@given(_AS_COPIED)
def test_an_offered_address_is_always_accepted_and_named_in_the_message(typed: str) -> None:
    address = suggested_email(typed)
    if address is not None:
        assert validate_field(EMAIL, address) is None
        assert address in (validate_field(EMAIL, typed) or "")


_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        # As copied from a browser's address bar, and between quotes from a chat or a ticket.
        (f"https://app.kombo.dev/acme/integrations/{_ID}", _ID),
        ("https://app.kombo.dev/acme/integrations/personio%3A93fCvorjZ2jas7ZekX1V1n5d/logs", _ID),
        (f"https://app.kombo.dev/search?integration_id={_ID}&tab=1", _ID),
        (f'"{_ID}"', _ID),
        (f"“{_ID}”", _ID),
        (f"https://app.kombo.dev/acme/integrations/{_ID}.", _ID),  # the end of a sentence
        (_ID, None),  # nothing to fix
        ("https://app.kombo.dev/acme/integrations", None),  # no id in it
        ("https://app.kombo.dev/personio:abc/workday:def", None),  # two: not ours to pick
        ('"personio"', None),
    ],
)
def test_the_integration_id_to_offer_as_a_fix(typed: str, offered: str | None) -> None:
    assert suggested_integration_id(typed) == offered
    message = validate_field(INTEGRATION_ID, typed)
    if offered is not None:
        assert (message is not None and f"integration id in it, {offered}, " in message) or (
            message is not None and f"integration id, {offered}, without the quotes" in message
        )
        assert validate_field(INTEGRATION_ID, offered) is None


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(lambda path: f"https://app.kombo.dev/{path}", st.text(max_size=60)),
        st.builds(lambda q: f"{q}{_ID}{q}", st.text(alphabet="\"'“”` ", max_size=2)),
        st.builds(lambda end: f"{_ID}{end}", st.text(alphabet=".,;:!?…)]”' ", max_size=3)),
        st.builds(lambda a, b: f"{a} {_ID} {b}", st.text(max_size=20), st.text(max_size=20)),
        st.builds(
            lambda a, b: f"{a}{_ID}{b}",
            st.text(alphabet="\u200b\u2060\ufeff\u200e\u00ad \t", max_size=3),
            st.text(alphabet="\u200b\u2060\ufeff\u200e\u00ad \t", max_size=3),
        ),
    )
)
def test_an_offered_id_is_always_accepted_and_named_in_the_message(typed: str) -> None:
    offered = suggested_integration_id(typed)
    if offered is not None:
        assert validate_field(INTEGRATION_ID, offered) is None
        assert offered in (validate_field(INTEGRATION_ID, typed) or "")


@pytest.mark.parametrize(
    "typed",
    [
        _ID + "\u200b",  # a zero-width space after it, copied from a web page or a wiki
        "\u2060" + _ID,  # a word joiner before it
        "\ufeff" + _ID,  # a byte order mark, from the start of a file or an e-mail
        "personio:93fC\u200bvorjZ2jas7ZekX1V1n5d",  # inside, where a page may break a long word
        "\u200e" + _ID + "\u200f",  # direction marks around it
        f" \u00ad{_ID}\u200b ",  # a soft hyphen, and spaces too
    ],
    ids=repr,
)
def test_invisible_characters_copied_with_an_id_are_dropped(typed: str) -> None:
    # It said the id "contains characters an id can't have. Copy it again": copied again, it
    # brought the same invisible character along. An id never holds one.
    assert validate_field(INTEGRATION_ID, typed) is None
    assert RelinkRequest.from_form(integration_id=typed).integration_id == _ID
    assert integration_id_as_sent(typed) == _ID
    assert integration_tool(typed) == "personio"
    assert suggested_integration_id(typed) is None  # nothing to fix: it is taken as it is


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        # A label or a table row copied along, from an e-mail, a ticket or a dashboard list.
        (f"Integration ID: {_ID}", _ID),
        (f"Acme GmbH\t{_ID}\tactive", _ID),
        (f"{_ID}\tAcme GmbH\tInvalid", _ID),
        (f"Integration ID:\n{_ID}\n", _ID),
        (f"id: “{_ID}”, Personio", _ID),
        (f"(see {_ID})", _ID),
        (f"see https://app.kombo.dev/acme/integrations/{_ID} for it", _ID),
        (f"Integration ID: \u2060{_ID}\u200b", _ID),
        (f"The id is {_ID}.", _ID),  # copied from a sentence, with its full stop
        (f"Is it {_ID}?", _ID),
        (f"It is {_ID}, the one for Acme", _ID),
        (f"Integration ID: {_ID}!", _ID),
        (f"(the id is {_ID}).", _ID),
        (f"see https://app.kombo.dev/acme/integrations/{_ID}.", _ID),
        (f"{_ID} or workday:Ab12", None),  # two: not ours to pick
        ("personio: 93fC", None),
        ("Integration ID: none yet", None),
    ],
)
def test_an_id_pasted_among_words_is_offered(typed: str, offered: str | None) -> None:
    assert suggested_integration_id(typed) == offered
    message = validate_field(INTEGRATION_ID, typed)
    assert message is not None
    if offered is None:
        assert "can't contain spaces" in message
        return
    assert message == f"Enter only the integration id, {offered}, without the words around it."
    assert validate_field(INTEGRATION_ID, offered) is None


@pytest.mark.parametrize(
    ("typed", "offered", "without"),
    [
        # The last word of a sentence in an e-mail or a chat, copied with its full stop: the
        # id went to Kombo with it, and Kombo said there is no such integration.
        (f"{_ID}.", _ID, "the full stop after it"),
        (f"{_ID}...", _ID, "the punctuation after it"),
        (f"{_ID}…", _ID, "the punctuation after it"),
        (f"{_ID},", _ID, "the punctuation after it"),
        (f"{_ID};", _ID, "the punctuation after it"),
        (f"{_ID}:", _ID, "the punctuation after it"),
        (f"{_ID}!", _ID, "the punctuation after it"),
        (f"{_ID}?", _ID, "the punctuation after it"),
        (f"{_ID}).", _ID, "the punctuation after it"),
        (f"{_ID}”.", _ID, "the punctuation after it"),
        (f"({_ID}).", _ID, "the punctuation around it"),
        (f"“{_ID}.”", _ID, "the punctuation around it"),
        (f"{_ID}\u200b.", _ID, "the full stop after it"),
        # A full stop inside an id is the id's own: only the one at its end is taken away.
        ("workday:A-b_c.d~e.", "workday:A-b_c.d~e", "the full stop after it"),
    ],
    ids=repr,
)
def test_an_id_copied_with_a_sentences_punctuation_after_it_is_offered_without_it(
    typed: str, offered: str, without: str
) -> None:
    assert suggested_integration_id(typed) == offered
    message = f"Enter only the integration id, {offered}, without {without}."
    assert validate_field(INTEGRATION_ID, typed) == message
    with pytest.raises(InvalidRequest):
        RelinkRequest.from_form(integration_id=typed)
    assert validate_field(INTEGRATION_ID, offered) is None


@pytest.mark.parametrize(
    "typed",
    [
        "anna\u200b@example.com",
        "\u200eanna@example.com",
        "anna@exa\u200bmple.com",
        "anna@example.com\u200b",
    ],
    ids=repr,
)
def test_an_invisible_character_in_an_address_is_named_plainly(typed: str) -> None:
    message = only_error(EMAIL, email=typed)
    assert message == (
        "The e-mail address contains an invisible character, often copied along from a web "
        "page or a chat. Remove it: enter the address as anna@example.com (the same address, "
        "without it)."
    )
    assert suggested_email(typed) == "anna@example.com"


def test_a_look_alike_dot_is_named_with_the_address_offered() -> None:
    # It said the domain was incomplete and needed an ending like .com, while the button
    # offered anna@example.com.
    message = only_error(EMAIL, email="anna@example\uff0ecom")
    assert "incomplete" not in message
    assert "enter the address as anna@example.com" in message


def test_email_is_trimmed() -> None:
    request = LinkRequest.from_form(**form(email="  anna@example.com\n"))
    assert request.end_user_email == "anna@example.com"


def test_email_length_limit_is_inclusive() -> None:
    longest = "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".com"
    assert len(longest) == 254
    assert validate_field(EMAIL, longest) is None
    assert validate_field(EMAIL, "a" + longest) is not None


# --- organisation name ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_organisation_name_is_required(name: str) -> None:
    message = only_error(ORGANIZATION_NAME, organization_name=name)
    assert message == "Enter the name of the customer's organisation, like Acme GmbH."


def test_organisation_name_is_trimmed() -> None:
    request = LinkRequest.from_form(**form(organization_name="  Müller & Söhne KG  "))
    assert request.end_user_organization_name == "Müller & Söhne KG"


def test_organisation_name_length_is_capped() -> None:
    assert LinkRequest.from_form(**form(organization_name="x" * 200))
    message = only_error(ORGANIZATION_NAME, organization_name="x" * 201)
    assert "too long" in message
    assert "200" in message


def test_organisation_name_stays_on_one_line() -> None:
    message = only_error(ORGANIZATION_NAME, organization_name="Acme\nGmbH")
    assert "line breaks" in message


# --- origin id -----------------------------------------------------------------------------


@pytest.mark.parametrize("origin_id", ["", "   "])
def test_empty_origin_id_is_never_sent(origin_id: str) -> None:
    request = LinkRequest.from_form(**form(origin_id=origin_id))
    assert request.end_user_origin_id is None
    assert ORIGIN_ID not in request.to_json()


def test_origin_id_is_sent_trimmed() -> None:
    request = LinkRequest.from_form(**form(origin_id=" cust-42 "))
    assert request.to_json()[ORIGIN_ID] == "cust-42"


def test_origin_id_length_and_control_characters() -> None:
    assert LinkRequest.from_form(**form(origin_id="7" * 200)).end_user_origin_id == "7" * 200
    assert "too long" in only_error(ORIGIN_ID, origin_id="7" * 201)
    assert "line breaks" in only_error(ORIGIN_ID, origin_id="a\tb")


def test_constructor_also_drops_an_empty_origin_id() -> None:
    request = LinkRequest("anna@example.com", "Acme", end_user_origin_id="")
    assert request.end_user_origin_id is None
    assert ORIGIN_ID not in request.to_json()


# --- invisible characters in the customer's details ----------------------------------------

# Characters that show as nothing but come along when a name or an id is copied from a web page,
# a CRM or a chat: zero-width space, word joiner, left-to-right mark, soft hyphen, byte order
# mark, and the direction overrides and isolates that turn the text around them.
INVISIBLE_FORMATTING = ["\u200b", "\u2060", "\u200e", "\u00ad", "\ufeff", "\u202e", "\u2067"]


@pytest.mark.parametrize("invisible", INVISIBLE_FORMATTING, ids=repr)
def test_invisible_characters_are_not_sent(invisible: str) -> None:
    request = LinkRequest.from_form(
        **form(
            organization_name=f"{invisible}Acme Gm{invisible}bH {invisible}",
            origin_id=f"CUST-1042{invisible}",
            tool="haileyhr",
            remote_environment=f"{invisible}DEMO",
            scope_config_id=f"sc_8a7Vb{invisible}",
        )
    )
    body = request.to_json()
    assert body[ORGANIZATION_NAME] == "Acme GmbH"
    assert body[ORIGIN_ID] == "CUST-1042"
    assert body[REMOTE_ENVIRONMENT] == "DEMO"
    assert body[SCOPE_CONFIG_ID] == "sc_8a7Vb"
    assert validate_field(ORGANIZATION_NAME, f"{invisible}Acme") is None
    assert validate_field(SCOPE_CONFIG_ID, f"sc_8a7Vb{invisible}") is None


@pytest.mark.parametrize("name", ["\u200b", " \u200e\u2060 ", "\u00ad", "\u200d"], ids=repr)
def test_a_name_of_only_invisible_characters_is_no_name(name: str) -> None:
    """It looks empty on screen, so it is asked for like an empty one."""
    message = only_error(ORGANIZATION_NAME, organization_name=name)
    assert message == "Enter the name of the customer's organisation, like Acme GmbH."
    assert validate_field(ORGANIZATION_NAME, name) == message
    assert ORIGIN_ID not in LinkRequest.from_form(**form(origin_id=name)).to_json()


@pytest.mark.parametrize(
    "name",
    [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: the non-joiner is spelling
        "\u0915\u094d\u200d\u0937 Ltd",  # Devanagari: the joiner picks the letter's form
        "Team \U0001f468\u200d\U0001f469\u200d\U0001f467",  # one emoji, a family
        "Fire \u2764\ufe0f\u200d\U0001f525",
        "Lions \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
    ],
)
def test_joiners_a_name_is_written_with_are_kept(name: str) -> None:
    request = LinkRequest.from_form(**form(organization_name=name, origin_id=name))
    assert request.end_user_organization_name == name
    assert request.end_user_origin_id == name


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Acme\u200d", "Acme"),  # joins nothing
        ("\u200cAcme", "Acme"),
        ("Ac\u200dme", "Acme"),  # plain letters are never joined
        ("\u0645\u06cc\u200c \u062e", "\u0645\u06cc \u062e"),  # nothing to keep apart
        ("\U000e0067Acme", "Acme"),  # a tag without its flag
    ],
)
def test_joiners_that_join_nothing_are_not_sent(typed: str, sent: str) -> None:
    assert LinkRequest.from_form(**form(organization_name=typed)).end_user_organization_name == sent


# --- remote environment --------------------------------------------------------------------


def test_remote_environment_needs_a_tool() -> None:
    message = only_error(REMOTE_ENVIRONMENT, remote_environment="DEMO")
    assert "Choose a tool" in message
    assert validate_field(REMOTE_ENVIRONMENT, "DEMO", tool=None) == message
    assert validate_field(REMOTE_ENVIRONMENT, "DEMO", tool="  ") == message


def test_remote_environment_with_a_tool_is_sent() -> None:
    request = LinkRequest.from_form(**form(tool="haileyhr", remote_environment=" DEMO "))
    assert request.to_json()[REMOTE_ENVIRONMENT] == "DEMO"
    assert validate_field(REMOTE_ENVIRONMENT, "DEMO", tool="haileyhr") is None


def test_empty_remote_environment_is_fine_without_a_tool() -> None:
    request = LinkRequest.from_form(**form(remote_environment="  "))
    assert REMOTE_ENVIRONMENT not in request.to_json()
    assert validate_field(REMOTE_ENVIRONMENT, "", tool=None) is None


def test_remote_environment_length_is_capped() -> None:
    assert LinkRequest.from_form(**form(tool="haileyhr", remote_environment="E" * 100))
    message = only_error(REMOTE_ENVIRONMENT, tool="haileyhr", remote_environment="E" * 101)
    assert "too long" in message


# --- filtering and field mapping -----------------------------------------------------------


def test_filtering_is_allowed_for_hr_systems() -> None:
    request = LinkRequest.from_form(**form(category="HRIS", enable_filtering=True))
    assert request.to_json()[ENABLE_FILTERING] is True
    assert validate_field(ENABLE_FILTERING, True, category="HRIS") is None


@pytest.mark.parametrize("category", ["ATS", "ASSESSMENT", "LMS"])
def test_filtering_is_refused_outside_hr_systems(category: str) -> None:
    message = only_error(ENABLE_FILTERING, category=category, enable_filtering=True)
    # It said to choose "HR system", which the list of kinds of system does not offer.
    assert message == (
        "Employee filtering is only for HR systems. Turn it off, or choose “HR system (HRIS)” "
        "as the kind of system."
    )
    assert validate_field(ENABLE_FILTERING, True, category=category) == message
    assert validate_field(ENABLE_FILTERING, False, category=category) is None


@pytest.mark.parametrize("category", list(Category))
def test_field_mapping_is_allowed_everywhere(category: Category) -> None:
    request = LinkRequest.from_form(**form(category=category.value, enable_field_mapping=True))
    assert request.to_json()[ENABLE_FIELD_MAPPING] is True
    assert validate_field(ENABLE_FIELD_MAPPING, True, category=category) is None


# --- tool ----------------------------------------------------------------------------------


def test_no_tool_lets_the_customer_choose() -> None:
    for tool in (None, "", "  "):
        request = LinkRequest.from_form(**form(tool=tool))
        assert request.integration_tool is None
        assert TOOL not in request.to_json()
    assert validate_field(TOOL, "", category="HRIS") is None


def test_tool_must_belong_to_the_category() -> None:
    message = only_error(TOOL, category="HRIS", tool="lever")
    assert message.startswith("Lever can't be connected as “HR system (HRIS)”")
    assert validate_field(TOOL, "lever", category="HRIS") == message
    assert validate_field(TOOL, "lever", category="ATS") is None
    request = LinkRequest.from_form(**form(category="ATS", tool="lever"))
    assert request.to_json()[TOOL] == "lever"


@pytest.mark.parametrize(
    ("category", "typed", "expected"),
    [
        ("HRIS", "Greenhouse", "Greenhouse can't be connected as “HR system (HRIS)”"),
        ("ASSESSMENT", "personio", "Personio can't be connected as “Assessment tool”"),
        ("ASSESSMENT", "Bamboo HR", "BambooHR can't be connected as “Assessment tool”"),
    ],
)
def test_a_tool_typed_by_name_for_another_kind_of_system_is_named(
    category: str, typed: str, expected: str
) -> None:
    # The name typed under the wrong kind of system was said not to be a tool Kombo offers,
    # which hid the way forward: changing the kind of system.
    message = only_error(TOOL, category=category, tool=typed)
    assert message.startswith(expected)
    assert "change the kind of system" in message


def test_a_tool_the_accounts_list_leaves_out_is_said_to_be_unavailable_there() -> None:
    # The account's HR list left HiBob out: the message read "HiBob can't be connected as
    # HR system, only as ." and, for BambooHR, "only as Recruiting system", which is only
    # this account's list speaking.
    bundled = ToolCatalog.bundled()
    hris = [
        tool for tool in bundled.in_category(Category.HRIS) if tool.id not in ("hibob", "bamboohr")
    ]
    account = bundled.with_category_tools(Category.HRIS, hris)
    for typed, name in (("HiBob", "HiBob"), ("bamboohr", "BambooHR")):
        message = validate_field(TOOL, typed, category="HRIS", catalog=account)
        assert message is not None
        assert message.startswith(
            f"{name} is not available in your Kombo account for “HR system (HRIS)”"
        ), message
        assert " as ." not in message
    # Offered for other kinds in this account: those are named, as Kombo's list has them.
    message = validate_field(TOOL, "bamboohr", category="HRIS", catalog=account)
    assert message is not None and "“Recruiting system (ATS)”" in message


def test_a_tool_typed_by_name_is_sent_as_its_id() -> None:
    request = LinkRequest.from_form(**form(category="HRIS", tool="Bamboo HR"))
    assert request.integration_tool == "bamboohr"
    assert validate_field(TOOL, "Bamboo HR", category="HRIS") is None


def test_multi_category_tools_fit_each_of_their_categories() -> None:
    for category in ("HRIS", "ATS"):
        assert LinkRequest.from_form(**form(category=category, tool="personio"))
    assert "can't be connected" in only_error(TOOL, category="ASSESSMENT", tool="personio")
    for category in ("HRIS", "ATS", "LMS"):
        assert LinkRequest.from_form(**form(category=category, tool="sandbox"))


def test_an_id_typed_with_spaces_is_the_tool() -> None:
    # "SuccessFactors" was taken and "Success Factors" said to be no tool name Kombo uses.
    request = LinkRequest.from_form(**form(category="HRIS", tool="Success Factors"))
    assert request.integration_tool == "successfactors"
    assert validate_field(TOOL, "Success Factors", category="HRIS") is None


@pytest.mark.parametrize(
    ("category", "typed", "expected"),
    [
        # Part of one name of the kind of system: the list shows only that tool for it.
        ("HRIS", "bamboo", "“bamboo” is only part of a tool's name. Did you mean BambooHR?"),
        ("HRIS", "hibo", "“hibo” is only part of a tool's name. Did you mean HiBob?"),
        # A slip of the keyboard.
        ("ATS", "grenhouse", "“grenhouse” is not a tool Kombo offers. Did you mean Greenhouse?"),
        (
            "HRIS",
            "Personio HR",
            "“Personio HR” is not a tool name Kombo uses. Did you mean Personio?",
        ),
        # Part of several names: they are named, and none is picked for the person.
        (
            "ATS",
            "green",
            "“green” fits several tools: Greenhouse, Greenhouse (V3) and Greenhouse Job Board. "
            "Choose one from the list.",
        ),
        (
            "HRIS",
            "ukg",
            "“ukg” fits several tools: UKG Pro, UKG Pro WFM and UKG Ready. Choose one from the "
            "list.",
        ),
        # Only tools of other kinds of system fit.
        (
            "HRIS",
            "green",
            "Only tools for other kinds of system fit “green”, none for “HR system (HRIS)”. "
            "Choose a tool from the list, or change the kind of system.",
        ),
    ],
)
def test_a_tool_name_typed_in_part_or_with_a_slip_says_which_tool_fits(
    category: str, typed: str, expected: str
) -> None:
    # Each was said to be "not a tool Kombo offers", though the list had just shown the tool:
    # a newcomer could have told the customer their tool was not supported.
    assert only_error(TOOL, category=category, tool=typed) == expected
    assert validate_field(TOOL, typed, category=category) == expected


def test_a_slip_in_the_name_of_another_kinds_tool_names_that_tool() -> None:
    message = only_error(TOOL, category="HRIS", tool="grenhouse")
    assert message.startswith("Greenhouse can't be connected as “HR system (HRIS)”")


@pytest.mark.parametrize(
    ("typed", "category", "expected"),
    [
        ("bamboo", Category.HRIS, "bamboohr"),
        ("grenhouse", Category.ATS, "greenhouse"),
        ("green", Category.ATS, None),  # several fit: none is guessed
        ("BambooHR", Category.HRIS, None),  # names a tool: nothing to suggest
        ("grenhouse", Category.HRIS, None),  # not a tool of that kind of system
        ("notatool", Category.HRIS, None),
        ("", Category.HRIS, None),
    ],
)
def test_suggested_tool_is_the_one_the_message_names(
    typed: str, category: Category, expected: str | None
) -> None:
    catalog = ToolCatalog.bundled()
    tool = suggested_tool(typed, category, catalog)
    assert (tool.id if tool is not None else None) == expected
    if tool is not None:
        message = validate_field(TOOL, typed, category=category)
        assert message is not None and message.endswith(f"Did you mean {tool.label}?")


def test_unknown_tool_is_refused() -> None:
    message = only_error(TOOL, tool="notatool")
    assert "“notatool” is not a tool Kombo offers" in message
    assert "Choose a tool from the list" in message


def test_tool_id_with_odd_characters_is_refused_without_a_catalog_lookup() -> None:
    message = only_error(TOOL, tool="Personio HR")
    assert "not a tool name" in message
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest("anna@example.com", "Acme", integration_tool="a/b")
    assert caught.value.fields == (TOOL,)


def test_tool_is_checked_against_the_catalog_given() -> None:
    refreshed = ToolCatalog.bundled().with_category_tools(
        Category.HRIS, [Tool("brandnewhr", "Brand New HR", (Category.HRIS,))]
    )
    request = LinkRequest.from_form(**form(tool="brandnewhr", catalog=refreshed))
    assert request.integration_tool == "brandnewhr"
    assert validate_field(TOOL, "brandnewhr", category="HRIS", catalog=refreshed) is None
    # Personio is not enabled in that environment's HRIS list any more.
    assert "not available in your Kombo account for" in only_error(
        TOOL, tool="personio", catalog=refreshed
    )
    # The bundled list does not know the new tool.
    assert "not a tool Kombo offers" in only_error(TOOL, tool="brandnewhr")


# --- category, language, link type ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("HRIS", Category.HRIS), ("ats", Category.ATS), (" Lms ", Category.LMS)],
)
def test_category_is_read_from_its_enum(text: str, expected: Category) -> None:
    request = LinkRequest.from_form(**form(category=text))
    assert request.integration_category is expected
    assert request.to_json()[CATEGORY] == expected.value
    assert validate_field(CATEGORY, text) is None


@pytest.mark.parametrize("text", ["", "CRM", "HR", "HRIS,ATS"])
def test_unknown_category_is_a_field_error(text: str) -> None:
    message = only_error(CATEGORY, category=text)
    assert "kind of system" in message
    assert validate_field(CATEGORY, text) == message


def test_unknown_category_does_not_cause_follow_up_complaints() -> None:
    # Filtering and the tool cannot be judged against a category that does not exist.
    invalid = errors_of(category="CRM", enable_filtering=True, tool="lever")
    assert invalid.fields == (CATEGORY,)


@pytest.mark.parametrize("text", ["en", "de", "FR", " it ", "es"])
def test_language_is_read_from_its_enum(text: str) -> None:
    request = LinkRequest.from_form(**form(language=text))
    assert request.language is Language(text.strip().lower())
    assert validate_field(LANGUAGE, text) is None


@pytest.mark.parametrize("text", ["", "nl", "english", "en-US"])
def test_unknown_language_is_a_field_error(text: str) -> None:
    message = only_error(LANGUAGE, language=text)
    assert "English, Deutsch, Français, Italiano or Español" in message
    assert validate_field(LANGUAGE, text) == message


@pytest.mark.parametrize("text", ["MAGIC_LINK", "EMBEDDED", "embedded"])
def test_link_type_is_read_from_its_enum(text: str) -> None:
    request = LinkRequest.from_form(**form(link_type=text))
    assert request.link_type is LinkType(text.upper())
    assert validate_field(LINK_TYPE, text) is None


@pytest.mark.parametrize("text", ["", "QR", "MAGIC LINK"])
def test_unknown_link_type_is_a_field_error(text: str) -> None:
    message = only_error(LINK_TYPE, link_type=text)
    assert "valid 1 year" in message
    assert validate_field(LINK_TYPE, text) == message


def test_defaults_suit_staff_sending_links_by_hand() -> None:
    request = LinkRequest.from_form(**form())
    assert request.link_type is LinkType.MAGIC_LINK
    assert request.language is Language.EN
    assert request.integration_category is Category.HRIS
    body = request.to_json()
    # Kombo's own default is EMBEDDED (valid 1 hour), so the choice must be on the wire.
    assert body[LINK_TYPE] == "MAGIC_LINK"


def test_constructor_turns_enum_text_into_members_and_rejects_the_rest() -> None:
    request = LinkRequest(
        "anna@example.com",
        "Acme",
        integration_category=cast(Category, "ATS"),
        language=cast(Language, "de"),
        link_type=cast(LinkType, "EMBEDDED"),
    )
    assert request.integration_category is Category.ATS
    assert request.language is Language.DE
    assert request.link_type is LinkType.EMBEDDED
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest("anna@example.com", "Acme", integration_category=cast(Category, "CRM"))
    assert caught.value.fields == (CATEGORY,)


# --- scope config --------------------------------------------------------------------------


def test_scope_config_id_is_optional_and_trimmed() -> None:
    assert SCOPE_CONFIG_ID not in LinkRequest.from_form(**form(scope_config_id=" ")).to_json()
    request = LinkRequest.from_form(**form(scope_config_id=" sc_8a7Vb "))
    assert request.to_json()[SCOPE_CONFIG_ID] == "sc_8a7Vb"
    assert validate_field(SCOPE_CONFIG_ID, "sc_8a7Vb") is None


def test_scope_config_id_has_no_spaces_and_a_length_cap() -> None:
    message = only_error(SCOPE_CONFIG_ID, scope_config_id="sc 8a7Vb")
    assert "can't contain spaces" in message
    assert validate_field(SCOPE_CONFIG_ID, "sc 8a7Vb") == message
    assert LinkRequest.from_form(**form(scope_config_id="s" * 200))
    assert "too long" in only_error(SCOPE_CONFIG_ID, scope_config_id="s" * 201)


# --- all problems at once ------------------------------------------------------------------


def test_every_problem_is_reported_at_once_in_form_order() -> None:
    invalid = errors_of(
        email="a@b",
        organization_name=" ",
        origin_id="x" * 500,
        category="ASSESSMENT",
        tool="lever",
        language="nl",
        link_type="QR",
        scope_config_id="a b",
        enable_filtering=True,
    )
    assert invalid.fields == (
        EMAIL,
        ORGANIZATION_NAME,
        ORIGIN_ID,
        TOOL,
        LANGUAGE,
        LINK_TYPE,
        SCOPE_CONFIG_ID,
        ENABLE_FILTERING,
    )
    assert str(invalid).splitlines() == [error.message for error in invalid.errors]
    assert isinstance(invalid, ValueError)


def test_remote_environment_and_email_problems_come_together() -> None:
    invalid = errors_of(email="", remote_environment="DEMO")
    assert invalid.fields == (EMAIL, REMOTE_ENVIRONMENT)
    assert invalid.message_for(ORGANIZATION_NAME) is None
    assert invalid.errors[0] == FieldError(EMAIL, invalid.message_for(EMAIL) or "")


def _all_messages() -> list[str]:
    messages = [validate_field(EMAIL, email) for email, _ in BAD_EMAILS]
    messages += [
        validate_field(ORGANIZATION_NAME, ""),
        validate_field(ORGANIZATION_NAME, "x" * 300),
        validate_field(ORIGIN_ID, "x" * 300),
        validate_field(CATEGORY, "CRM"),
        validate_field(TOOL, "lever", category="HRIS"),
        validate_field(TOOL, "nope"),
        validate_field(TOOL, "no pe"),
        validate_field(REMOTE_ENVIRONMENT, "DEMO"),
        validate_field(LANGUAGE, "nl"),
        validate_field(LINK_TYPE, "QR"),
        validate_field(SCOPE_CONFIG_ID, "a b"),
        validate_field(ENABLE_FILTERING, True, category="ATS"),
        validate_field(INTEGRATION_ID, ""),
        validate_field(INTEGRATION_ID, "personio"),
        validate_field(INTEGRATION_ID, "personio:a/b"),
    ]
    return [message for message in messages if message is not None]


def test_messages_are_plain_sentences_without_jargon() -> None:
    messages = _all_messages()
    assert len(messages) == len(BAD_EMAILS) + 15
    for message in messages:
        assert message[0].isupper() or message[0] in "“", message
        assert message.endswith("."), message
        for jargon in ("end_user", "integration_", "null", "enum", "regex", "invalid", "None"):
            assert jargon not in message, message


# --- wire bodies against Kombo's schema ----------------------------------------------------


def test_minimal_body_matches_the_schema() -> None:
    body = LinkRequest.from_form(**form()).to_json()
    assert body == {
        EMAIL: "anna@example.com",
        ORGANIZATION_NAME: "Acme GmbH",
        CATEGORY: "HRIS",
        LANGUAGE: "en",
        ENABLE_FILTERING: False,
        ENABLE_FIELD_MAPPING: False,
        LINK_TYPE: "MAGIC_LINK",
    }
    assert_valid_create_body(body)


def test_full_body_matches_the_schema() -> None:
    request = LinkRequest.from_form(
        email="anna@example.com",
        organization_name="Acme GmbH",
        origin_id="cust-42",
        category="HRIS",
        tool="haileyhr",
        remote_environment="DEMO",
        language="de",
        link_type="EMBEDDED",
        scope_config_id="sc_1",
        enable_filtering=True,
        enable_field_mapping=True,
    )
    body = request.to_json()
    assert len(body) == 11
    assert_valid_create_body(body)


def test_the_schema_would_refuse_null_so_none_is_left_out() -> None:
    """Why ``to_json`` omits None: the schema's enums have no null (a test that can fail)."""
    body = LinkRequest.from_form(**form()).to_json()
    with pytest.raises(AssertionError, match="breaks the schema"):
        assert_valid_create_body({**body, TOOL: None})
    assert all(value is not None for value in body.values())


def test_every_published_tool_makes_a_valid_body_in_each_of_its_categories() -> None:
    enum = openapi.schema("PostConnectCreateLinkRequestBody")["properties"][TOOL]["enum"]
    assert len(enum) == 190
    catalog = ToolCatalog.bundled()
    for tool_id in enum:
        tool = catalog.get(tool_id)
        assert tool is not None, tool_id
        for category in tool.categories:
            request = LinkRequest.from_form(**form(category=category.value, tool=tool_id))
            assert_valid_create_body(request.to_json())


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=80), st.text(alphabet='ab1.@-_+ ü,"é', max_size=30)))
def test_any_text_accepted_as_email_makes_a_valid_body(text: str) -> None:
    problem = validate_field(EMAIL, text)
    if problem is None:
        body = LinkRequest.from_form(**form(email=text)).to_json()
        assert_valid_create_body(body)
        local, _, domain = cast(str, body[EMAIL]).partition("@")
        assert local and "." in domain and " " not in local + domain
    else:
        with pytest.raises(InvalidRequest):
            LinkRequest.from_form(**form(email=text))


@settings(deadline=None)
@given(
    kombo_emails,
    st.text(min_size=1, max_size=50).filter(lambda s: s.strip() and s.isprintable()),
)
def test_generated_addresses_and_names_pass(email: str, name: str) -> None:
    request = LinkRequest.from_form(**form(email=email, organization_name=name))
    assert_valid_create_body(request.to_json())


# --- relink --------------------------------------------------------------------------------


def test_relink_body_matches_the_schema_without_the_id() -> None:
    request = RelinkRequest.from_form(integration_id=" personio:93fCvorjZ2jas7ZekX1V1n5d ")
    assert request.integration_id == "personio:93fCvorjZ2jas7ZekX1V1n5d"
    body = request.to_json()
    assert body == {LANGUAGE: "en", LINK_TYPE: "MAGIC_LINK"}
    assert_valid_relink_body(body)

    full = RelinkRequest.from_form(
        integration_id="workday:Ab_c-1.2~x",
        language="fr",
        link_type="EMBEDDED",
        scope_config_id="s1",
    )
    assert full.to_json() == {LANGUAGE: "fr", LINK_TYPE: "EMBEDDED", SCOPE_CONFIG_ID: "s1"}
    assert_valid_relink_body(full.to_json())


@pytest.mark.parametrize(
    ("integration_id", "hint"),
    [
        ("", "Enter the integration id"),
        ("   ", "Enter the integration id"),
        ("93fCvorjZ2jas7ZekX1V1n5d", "starts with the tool's name and a colon"),
        ("personio:", "starts with the tool's name and a colon"),
        (":93fCvorjZ2jas7ZekX1V1n5d", "starts with the tool's name and a colon"),
        ("personio: 93fC", "can't contain spaces"),
        ("https://app.kombo.dev/integrations/personio:93fC", "web address"),
        ("personio:93fC/relink", "characters an id can't have"),
        ("personio:93fC?x=1", "characters an id can't have"),
        ("personio:93:fC", "characters an id can't have"),
        ("per$onio:93fC", "characters an id can't have"),
        ("personio:" + "a" * 200, "too long"),
    ],
)
def test_bad_integration_ids_are_refused(integration_id: str, hint: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        RelinkRequest.from_form(integration_id=integration_id)
    assert caught.value.fields == (INTEGRATION_ID,)
    message = caught.value.message_for(INTEGRATION_ID)
    assert message is not None
    assert hint in message
    # An example to follow, or the id found in what was pasted.
    shown = suggested_integration_id(integration_id) or "personio:93fCvorjZ2jas7ZekX1V1n5d"
    assert shown in message
    assert validate_field(INTEGRATION_ID, integration_id) == message


@pytest.mark.parametrize(
    "integration_id",
    ["personio:93fCvorjZ2jas7ZekX1V1n5d", "360learning:abc", "workday:A-b_c.d~e"],
)
def test_good_integration_ids_pass(integration_id: str) -> None:
    assert validate_field(INTEGRATION_ID, integration_id) is None
    assert RelinkRequest.from_form(integration_id=integration_id).integration_id == integration_id


def test_relink_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidRequest) as caught:
        RelinkRequest.from_form(
            integration_id="nope", language="nl", link_type="QR", scope_config_id="a b"
        )
    assert caught.value.fields == (INTEGRATION_ID, LANGUAGE, LINK_TYPE, SCOPE_CONFIG_ID)


def test_relink_reads_enums_case_insensitively() -> None:
    request = RelinkRequest.from_form(
        integration_id="lever:x1", language="DE", link_type="embedded"
    )
    assert request.language is Language.DE
    assert request.link_type is LinkType.EMBEDDED
    assert (
        RelinkRequest.from_form(integration_id="lever:x1", scope_config_id="").scope_config_id
        is None
    )


# --- validate_field ------------------------------------------------------------------------


def test_validate_field_refuses_a_field_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="end_user_phone"):
        validate_field("end_user_phone", "123")


def test_validate_field_accepts_what_the_form_accepts() -> None:
    assert validate_field(ORGANIZATION_NAME, " Acme ") is None
    assert validate_field(ORIGIN_ID, "") is None
    assert validate_field(ENABLE_FILTERING, "true", category="ATS") is not None
    assert validate_field(ENABLE_FILTERING, "false", category="ATS") is None
    # Without a category, filtering cannot be judged yet.
    assert validate_field(ENABLE_FILTERING, True) is None


# A key the program has read (from the store or KOMBO_API_KEY) is registered as a secret.
PASTED_KEY = "kombo-key-pasted-by-mistake-5f3a9c2e1b4d8a6f"


@pytest.mark.parametrize(
    ("field", "form"),
    [
        ("end_user_organization_name", {"organization_name": f"Acme {PASTED_KEY}"}),
        ("end_user_origin_id", {"origin_id": PASTED_KEY}),
        ("end_user_email", {"email": f"{PASTED_KEY}@acme.example"}),
        ("scope_config_id", {"scope_config_id": PASTED_KEY}),
        ("integration_tool", {"tool": PASTED_KEY}),
    ],
)
def test_a_known_key_in_any_field_is_refused(field: str, form: dict[str, str]) -> None:
    # Pasted into the wrong field, it went to Kombo as customer data, into the history and
    # into the QR code's file name.
    register_secret(PASTED_KEY)
    values: dict[str, Any] = {
        "email": "anna@acme.example",
        "organization_name": "Acme GmbH",
        **form,
    }
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest.from_form(**values)
    assert (field, KEY_IN_FIELD_PROBLEM) in [(e.field, e.message) for e in caught.value.errors]
    assert validate_field(field, form[next(iter(form))]) == KEY_IN_FIELD_PROBLEM
    assert PASTED_KEY not in KEY_IN_FIELD_PROBLEM


# A key with characters a web address writes as %2F, %2B and %3D (base64 keys have them).
ENCODABLE_KEY = "kombo-eu-key/7f3a9c2e+b81d4e6a0c5f=="


@pytest.mark.parametrize(
    "encoded",
    [
        quote(ENCODABLE_KEY, safe=""),  # as in a copied web address: kombo-eu-key%2F7f3a...
        "".join(f"%{byte:02X}" for byte in ENCODABLE_KEY.encode()),  # every character
    ],
    ids=["as-in-an-address", "every-character"],
)
@pytest.mark.parametrize(
    ("field", "values"),
    [
        (ORGANIZATION_NAME, {"organization_name": "Acme {}"}),
        (ORIGIN_ID, {"origin_id": "{}"}),
        (EMAIL, {"email": "{}@acme.example"}),
        (SCOPE_CONFIG_ID, {"scope_config_id": "{}"}),
        (REMOTE_ENVIRONMENT, {"tool": "personio", "remote_environment": "{}"}),
        (TOOL, {"tool": "{}"}),
    ],
)
def test_a_known_key_percent_encoded_in_a_field_is_refused(
    field: str, values: dict[str, str], encoded: str
) -> None:
    # Copied out of a web address, the key is written with %2F for "/" and so on: still the
    # key to anyone who reads it (one step undoes it), and the log does not mask it so written.
    # Sent, it went to Kombo as customer data, into the history and the QR code's file name.
    register_secret(ENCODABLE_KEY)
    filled = {name: value.format(encoded) for name, value in values.items()}
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest.from_form(**form(**filled))
    assert caught.value.message_for(field) == KEY_IN_FIELD_PROBLEM
    assert validate_field(field, filled[list(values)[-1]], tool=filled.get("tool")) == (
        KEY_IN_FIELD_PROBLEM
    )


def test_a_known_key_percent_encoded_in_an_integration_id_is_refused() -> None:
    register_secret(ENCODABLE_KEY)
    encoded = f"personio:{quote(ENCODABLE_KEY, safe='')}"
    with pytest.raises(InvalidRequest) as caught:
        RelinkRequest.from_form(integration_id=encoded)
    assert [e.message for e in caught.value.errors] == [KEY_IN_FIELD_PROBLEM]
    assert validate_field(INTEGRATION_ID, encoded) == KEY_IN_FIELD_PROBLEM


@pytest.mark.parametrize(
    "typed",
    [
        PASTED_KEY,  # the shape of a tool id: "“kombo-key-…” is not a tool Kombo offers"
        f"Personio {PASTED_KEY}",  # no tool id: "“Personio kombo-key-…” is not a tool name"
        f"{PASTED_KEY}/",
    ],
)
@pytest.mark.parametrize("category", [None, "HRIS"])
def test_a_known_key_in_the_tool_field_is_refused_without_quoting_it(
    typed: str, category: str | None
) -> None:
    # The tool field had no key guard: its message quoted what was typed ("“kombo-key-pasted-
    # by-mistake-5f3a9c2e1b4d8a6f” is not a tool Kombo offers"), so the key stood on screen
    # under the field, and a key with the shape of a tool id passed the constructor's check.
    register_secret(PASTED_KEY)
    assert validate_field(TOOL, typed, category=category) == KEY_IN_FIELD_PROBLEM
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest.from_form(**form(tool=typed, category=category or "HRIS"))
    assert [(e.field, e.message) for e in caught.value.errors] == [(TOOL, KEY_IN_FIELD_PROBLEM)]
    with pytest.raises(InvalidRequest) as caught:
        LinkRequest("anna@example.com", "Acme GmbH", integration_tool=typed)
    assert [(e.field, e.message) for e in caught.value.errors] == [(TOOL, KEY_IN_FIELD_PROBLEM)]
    assert PASTED_KEY[-16:] not in str(caught.value)


def test_percent_signs_in_a_name_are_not_taken_for_a_key() -> None:
    # Only a decoded text holding a key the program knows is refused; a name with a percent
    # sign ("100%25 Bio GmbH" reads as "100% Bio GmbH" decoded) is a name.
    register_secret(ENCODABLE_KEY)
    for name in ("100% Bio GmbH", "100%25 Bio GmbH", "Acme %E2%9C%93"):
        assert validate_field(ORGANIZATION_NAME, name) is None


@pytest.mark.parametrize("name", ["Bearer Brothers GmbH", "API-Key=Solutions AG"])
def test_a_name_holding_words_the_log_masks_is_not_taken_for_a_key(name: str) -> None:
    # The log masks what follows "Bearer" or "api_key="; a real company can be called so, and
    # the form must let its name through: only keys the program knows are refused.
    assert validate_field(ORGANIZATION_NAME, name) is None
    assert LinkRequest.from_form(**form(organization_name=name)).end_user_organization_name == name


def test_a_known_key_in_an_integration_id_is_refused() -> None:
    register_secret(PASTED_KEY)
    with pytest.raises(InvalidRequest) as caught:
        RelinkRequest(integration_id=f"personio:{PASTED_KEY}")
    assert [e.message for e in caught.value.errors] == [KEY_IN_FIELD_PROBLEM]
