"""An API key echoed back in another form is masked as surely as the key as written.

A server or a proxy may repeat the key it was sent lower- or upper-cased, or percent-encoded as
it puts it into an address: ``quote`` escapes "/", "+" and "=", and some encoders escape every
sign ("Tangerine%2DLighthouse"), with upper- or lower-case hex digits. The masking looked for
the key only as it was written, so each of these forms reached the error's text, "Copy
details" and the log, where the key can be read back by anyone who sees them.
"""

from __future__ import annotations

import logging
import re
import string
from urllib.parse import quote, unquote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.errors import KomboError
from kombo_desktop.core.field_text import holds_known_key
from kombo_desktop.core.logs import (
    MASK,
    SECRET_FLAGS,
    configure_logging,
    holds_registered_secret,
    mask_registered_secrets,
    redact,
    register_secret,
    secret_finder,
    secret_forms,
    stop_logging,
)
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.safe_text import clean_text, unsafe_to_show
from tests.support.fault_server import FaultServer, Reply

# Shaped like a real key: letters of both cases, digits, and the signs a base64 key holds.
# The client registers it with the log filter, as it does every key it sends.
REGISTERED_KEY = "kombo-key_7f3a/9c2e+5b81=d604aa17ZZq"
# Text typed into Settings and checked with Kombo before it is taken for a key: not
# registered, so only the request made with it masks it. No digits: nothing else masks it.
TYPED_KEY = "Tangerine-Lighthouse/Orchard+Velvet"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda escape: escape.group().lower(), text)


def echoed_forms(key: str) -> dict[str, str]:
    """The forms a server or proxy may send a key back in."""
    return {
        "lower case": key.lower(),
        "upper case": key.upper(),
        "case swapped": key.swapcase(),
        "percent-encoded": quote(key, safe=""),
        "percent-encoded, lower-case hex": _lower_hex(quote(key, safe="")),
        "percent-encoded, '/' kept": quote(key),
        "every sign percent-encoded": "".join(
            char if char.isalnum() else f"%{ord(char):02X}" for char in key
        ),
        "percent-encoded, then lower case": quote(key, safe="").lower(),
    }


def shows_key(text: str, key: str) -> bool:
    """Whether ``key`` can be read in ``text``: in any case of its letters, as written or once
    percent-decoded."""
    wanted = key.translate(_ASCII_LOWER)
    return any(wanted in form.translate(_ASCII_LOWER) for form in (text, unquote(text)))


def _signs_decoded(text: str) -> str:
    """``text`` with every percent-escape decoded but those of ASCII letters and digits,
    which no encoder writes."""

    def decoded(escape: re.Match[str]) -> str:
        char = chr(int(escape.group(1), 16))
        return escape.group() if char.isascii() and char.isalnum() else char

    return re.sub("%([0-9A-Fa-f]{2})", decoded, text)


def reads_as_key(text: str, key: str) -> bool:
    """Whether ``key`` is in ``text`` in a form an echo takes: letter case aside, with any of
    its characters but letters and digits percent-encoded."""
    return key.translate(_ASCII_LOWER) in _signs_decoded(text).translate(_ASCII_LOWER)


def test_every_echoed_form_differs_from_the_key_and_reads_as_it() -> None:
    for key in (REGISTERED_KEY, TYPED_KEY):
        for form in echoed_forms(key).values():
            assert form != key and shows_key(form, key)


# --- echoed over real HTTP ----------------------------------------------------------------------

# Where the server puts the echo, and the words around it that must still be shown.
ECHO_PLACES = {
    "kombo error": (
        lambda echo: Reply.kombo_error(
            401,
            "PLATFORM.AUTHENTICATION_INVALID",
            f"The key {echo} is not valid.",
            title=f"Refused {echo}",
            log_url=f"https://app.kombo.dev/logs?key={echo}",
        ),
        "is not valid.",
    ),
    "plain text page": (
        lambda echo: Reply.text(500, f"upstream refused the key {echo} at the gateway"),
        "at the gateway",
    ),
    "redirect": (
        lambda echo: Reply(302, (("Location", f"https://portal.example/sign-in?k={echo}"),)),
        "portal.example",
    ),
}


@pytest.mark.parametrize("place", list(ECHO_PLACES))
@pytest.mark.parametrize("form", list(echoed_forms(REGISTERED_KEY)))
@pytest.mark.parametrize("key", [REGISTERED_KEY, TYPED_KEY], ids=["registered", "typed"])
def test_a_key_echoed_back_in_another_form_is_masked_everywhere(
    caplog: pytest.LogCaptureFixture, key: str, form: str, place: str
) -> None:
    """The error's text, its details for support and every log record (as logged, and as
    written to the log file) hold the echo masked, with the server's other words kept.

    The records from INFO up, as the log file takes them: httpcore's debug trace repeats the
    raw headers of every answer and never reaches it."""
    echo = echoed_forms(key)[form]
    make_reply, kept_words = ECHO_PLACES[place]
    caplog.set_level(logging.INFO)
    paths = AppPaths.from_environment()
    configure_logging(paths)  # after the capture's handler, which sees each record unmasked
    try:
        with (
            FaultServer(make_reply(echo)) as server,
            KomboClient(
                server.base_url, key, max_attempts=1, register_key=key == REGISTERED_KEY
            ) as client,
            pytest.raises(KomboError) as caught,
        ):
            client.check_api_key()
    finally:
        stop_logging()
    assert server.requests[0].header("Authorization") == f"Bearer {key}"
    error = caught.value
    support = error.detail.as_support_text()
    shown = [str(error), error.user_message, support, repr(error.detail)]
    shown += [str(value) for value in vars(error.detail).values()]
    assert [text for text in shown if shows_key(text, key)] == []
    assert MASK in support and kept_words in support
    logged = "".join(path.read_text("utf-8") for path in paths.log_dir.glob("kombo-desktop.log*"))
    assert "Request failed" in caplog.text and "Request failed" in logged
    assert not shows_key(caplog.text, key)
    assert not shows_key(logged, key)


def test_a_registered_key_logged_in_another_form_is_masked_in_the_log_file() -> None:
    """The log file's own masking, for text that reaches it without the client's cleaning."""
    register_secret(REGISTERED_KEY)
    paths = AppPaths.from_environment()
    configure_logging(paths)
    try:
        log = logging.getLogger("kombo_desktop.test")
        for name, echo in echoed_forms(REGISTERED_KEY).items():
            log.warning("Echo %s: %s", name, echo, extra={"echoed": echo})
    finally:
        stop_logging()
    logged = paths.log_file.read_text("utf-8")
    assert logged.count(MASK) == len(echoed_forms(REGISTERED_KEY))
    assert not shows_key(logged, REGISTERED_KEY)


# --- the masking, word by word ------------------------------------------------------------------


@pytest.mark.parametrize("key", [REGISTERED_KEY, TYPED_KEY, "kombo%25key%key"])
def test_the_forms_of_a_key_are_each_matched_whole_and_nothing_shorter(key: str) -> None:
    forms = re.compile(secret_forms(key), SECRET_FLAGS)
    for echo in (key, *echoed_forms(key).values()):
        assert forms.fullmatch(echo), echo
    assert forms.search(key[:-1]) is None and forms.search(key[1:]) is None


def test_a_key_without_letters_or_digits_is_masked_in_every_form_all_the_same() -> None:
    """Found without the quick look for its letters and digits, as it has none."""
    signs = "!-_/+=.~*"
    finder = secret_finder((signs,))
    assert finder is not None
    for echo in (signs, *echoed_forms(signs).values()):
        assert finder.found_in(f"a{echo}b") and finder.masked(f"a{echo}b") == f"a{MASK}b"
    assert not finder.found_in(signs[:-1]) and finder.masked("a-b") == "a-b"


@pytest.mark.parametrize("form", list(echoed_forms(REGISTERED_KEY)))
def test_a_registered_key_is_masked_in_every_form(form: str) -> None:
    register_secret(REGISTERED_KEY)
    echo = echoed_forms(REGISTERED_KEY)[form]
    text = f"Key {echo} refused."
    assert holds_registered_secret(text)
    assert mask_registered_secrets(text) == f"Key {MASK} refused."
    assert redact(text) == f"Key {MASK} refused."
    assert redact(redact(text)) == redact(text)
    assert clean_text(text) == f"Key {MASK} refused."
    assert unsafe_to_show(f"https://connect.kombo.dev/v1?token={echo}", None)
    assert holds_known_key(echo)  # refused in the form's fields too


@pytest.mark.parametrize("form", list(echoed_forms(TYPED_KEY)))
def test_a_requests_own_key_is_masked_in_every_form(form: str) -> None:
    echo = echoed_forms(TYPED_KEY)[form]
    assert not holds_registered_secret(echo)
    text = f"Key {echo} refused."
    assert clean_text(text, secrets=(TYPED_KEY,)) == f"Key {MASK} refused."
    assert unsafe_to_show(f"https://connect.kombo.dev/v1?token={echo}", TYPED_KEY)


@pytest.mark.parametrize("form", list(echoed_forms(TYPED_KEY)))
def test_a_requests_own_key_in_another_form_broken_across_lines_hides_the_text(
    form: str,
) -> None:
    """As for the key as written: a piece on each line matches no key, so the whole text is
    hidden when the key turns up once the line break is gone."""
    echo = echoed_forms(TYPED_KEY)[form]
    half = len(echo) // 2
    assert clean_text(f"Key {echo[:half]}\n{echo[half:]} refused.", secrets=(TYPED_KEY,)) == MASK


@pytest.mark.parametrize(
    "near_miss",
    [
        "kombo-key_7f3a/9c2e+5b81=d604aa17ZZ",  # one character short
        "kombo-key_7f3a/9c2e+5b81=d604aa17ZZx",  # one character changed
        "kombo_key_7f3a/9c2e+5b81=d604aa17ZZq",  # "_" for "-"
        "kombo%2Ekey_7f3a/9c2e+5b81=d604aa17ZZq",  # the escape of another sign
        "kombo%252Dkey_7f3a%252F9c2e%252B5b81%253Dd604aa17ZZq",  # escaped twice
        "kombo%2key_7f3a/9c2e+5b81=d604aa17ZZq",  # an escape cut short
        "kombo key_7f3a/9c2e+5b81=d604aa17ZZq",  # a space for "-"
    ],
)
def test_text_close_to_a_key_but_not_it_is_left_as_it_is(near_miss: str) -> None:
    register_secret(REGISTERED_KEY)
    text = f"Key {near_miss} refused."
    assert not holds_registered_secret(text)
    assert mask_registered_secrets(text) == text
    assert clean_text(text, secrets=(REGISTERED_KEY,)) == text


def test_words_spelt_like_a_short_part_of_a_key_are_left_as_they_are() -> None:
    register_secret(REGISTERED_KEY)
    text = "KOMBO-KEY refused; Kombo%2DKey was sent at 7F3A."
    assert mask_registered_secrets(text) == text
    assert clean_text(text, secrets=(TYPED_KEY,)) == text


# --- any form, inside any text ------------------------------------------------------------------

# The properties' keys: letters of both cases, digits and signs, and no "%" of their own. Each
# starts and ends with a letter that is no hex digit, so no "%" and hex digit around one can
# take a character of it into an escape of their own. The second is never registered.
PROPERTY_KEY = "kmb-Key_9d/4E+x7=Q2.w~Zt"
UNREGISTERED_KEY = "Orchard-Velvet/Lantern+Meadow.Quay~Tern"


def _character_forms(char: str) -> st.SearchStrategy[str]:
    """``char`` as it may be echoed: a letter in either case, a digit as it is, any other
    character as it is or percent-encoded with hex digits of either case."""
    if char.isascii() and char.isalnum():
        return st.sampled_from(sorted({char.lower(), char.upper()}))
    escape = f"%{ord(char):02X}"
    return st.sampled_from([char, escape, escape.lower()])


def key_forms(key: str) -> st.SearchStrategy[str]:
    """``key`` in any mix of letter case and percent-encoding, character by character."""
    return st.tuples(*(_character_forms(char) for char in key)).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.text(), key_forms(PROPERTY_KEY), st.text())
@example("", PROPERTY_KEY.upper(), "")
@example("%4", quote(PROPERTY_KEY, safe="").lower(), "%")
def test_a_registered_key_in_any_form_inside_any_text_is_never_left_visible(
    before: str, form: str, after: str
) -> None:
    register_secret(PROPERTY_KEY)
    text = before + form + after
    assert holds_registered_secret(text)
    assert unsafe_to_show(text, None)
    for masked in (mask_registered_secrets(text), redact(text), clean_text(text)):
        assert not shows_key(masked, PROPERTY_KEY)


@settings(max_examples=400, deadline=None)
@given(st.text(), key_forms(UNREGISTERED_KEY), st.text())
@example("", UNREGISTERED_KEY.lower(), "")
def test_a_requests_own_key_in_any_form_inside_any_text_is_never_left_visible(
    before: str, form: str, after: str
) -> None:
    """The same for a key not registered, masked by the request that was made with it."""
    text = before + form + after
    assert not shows_key(clean_text(text, secrets=(UNREGISTERED_KEY,)), UNREGISTERED_KEY)
    assert unsafe_to_show(text, UNREGISTERED_KEY)


@settings(max_examples=600, deadline=None)
@given(st.text(), key_forms(PROPERTY_KEY), st.data(), st.text(max_size=4), st.text())
def test_text_masked_is_text_that_reads_as_a_key_and_no_other(
    before: str, form: str, data: st.DataObject, changed: str, after: str
) -> None:
    """Around a key in any form, one piece of it changed: the text is masked when it still
    reads as the key in a form an echo takes, and is left as it is when not."""
    register_secret(PROPERTY_KEY)
    start = data.draw(st.integers(0, len(form) - 1))
    end = data.draw(st.integers(start, min(len(form), start + 3)))
    text = before + form[:start] + changed + form[end:] + after
    if reads_as_key(text, PROPERTY_KEY):
        assert not reads_as_key(mask_registered_secrets(text), PROPERTY_KEY)
    else:
        assert mask_registered_secrets(text) == text
