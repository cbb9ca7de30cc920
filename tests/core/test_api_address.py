"""The API address rule shared by ``--api-base``, Settings and the client."""

from __future__ import annotations

import re

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kombo_desktop.core import api_address
from kombo_desktop.core.client import KomboClient
from kombo_desktop.core.settings import Profile, Region
from tests.support.python_run import run_python

NOT_A_WEB_ADDRESS = (
    "The API address is not a valid web address. Use one like https://api.kombo.dev/v1."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.kombo.dev/v1", "https://api.kombo.dev/v1"),
        (" https://api.kombo.dev/v1/ ", "https://api.kombo.dev/v1"),
        ("https://kombo.corp.example:8443/v1", "https://kombo.corp.example:8443/v1"),
        ("http://127.0.0.1:8765/v1", "http://127.0.0.1:8765/v1"),
        ("http://localhost:8765/v1", "http://localhost:8765/v1"),
        ("http://LOCALHOST/v1", "http://localhost/v1"),
        ("HTTPS://API.Kombo.dev/v1/", "https://api.kombo.dev/v1"),
        ("http://[::1]:8765/v1", "http://[::1]:8765/v1"),
    ],
)
def test_good_addresses_are_accepted_in_one_form(url: str, expected: str) -> None:
    assert api_address.normalize_api_base(url) == expected
    assert KomboClient(url, None).api_base == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "Enter the API address"),
        ("api.kombo.dev/v1", "starting with https://"),
        ("http://api.kombo.dev/v1", "must start with https://"),
        ("http://127.0.0.2/v1", "must start with https://"),
        ("http://localhost.example.com/v1", "must start with https://"),
        ("http://10.0.0.5/v1", "must start with https://"),
        ("http://[::0001]/v1", "must start with https://"),
        ("ftp://api.kombo.dev/v1", "starting with https://"),
        ("https://", "starting with https://"),
        ("https://api.kombo.dev:port/v1", "not a valid web address"),
        ("https://api.kombo .dev/v1", "spaces"),
        ("https://user:secret@api.kombo.dev/v1", "user name or password"),
        ("https://api.kombo.dev/v1?x=1", "can't contain ? or #"),
        ("https://api.kombo.dev/v1#top", "can't contain ? or #"),
        ("https://api.kombo.dev/v1?", "can't contain ? or #"),
    ],
)
def test_bad_addresses_get_plain_messages_everywhere(url: str, words: str) -> None:
    for check in (api_address.normalize_api_base, lambda url: KomboClient(url, None)):
        with pytest.raises(ValueError, match=re.escape(words)) as caught:
            check(url)
        assert "secret" not in str(caught.value)
    with pytest.raises(ValueError, match=re.escape(words)):
        Profile("custom", Region.CUSTOM, custom_base=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://xn--zz.example/v1",  # "xn--" but no IDNA name behind it
        "https://xn--.example/v1",
        "https://a\u2488b.example/v1",  # "⒈", a digit and a dot in one character
        "https://\u0661\u0662.example/v1",  # Arabic-Indic digits alone
        "https://\u0300abc.example/v1",  # a name starting with an accent
        "https://999.1.1.1/v1",  # four numbers, one of them above 255
    ],
)
def test_an_address_requests_cannot_go_to_is_refused_where_it_is_entered(url: str) -> None:
    # Such addresses passed --api-base and Settings (start-up said "Ready", the header showed
    # the host), then the client refused them on a worker thread and "Create link" said
    # "Something unexpected went wrong ... try again", which could never work.
    for check in (
        api_address.normalize_api_base,
        lambda url: Profile("custom", Region.CUSTOM, custom_base=url),
        lambda url: KomboClient(url, None),
    ):
        with pytest.raises(ValueError) as caught:
            check(url)
        assert str(caught.value) == NOT_A_WEB_ADDRESS


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://B\u00fccher.example/v1", "https://b\u00fccher.example/v1"),
        ("https://xn--bcher-kva.example/v1", "https://xn--bcher-kva.example/v1"),
        ("https://ex\u00dfample.com/v1", "https://ex\u00dfample.com/v1"),
        ("https://10.0.0.5/v1", "https://10.0.0.5/v1"),
    ],
)
def test_international_names_and_ip_addresses_are_accepted(url: str, expected: str) -> None:
    assert api_address.normalize_api_base(url) == expected
    assert KomboClient(url, None).api_base == expected


_HOST_LETTERS = st.sampled_from(
    [*"abxn09-_.%", "\u00fc", "\u00df", "\u00e9", "\u4e2d", "\u2488", "\u0661", "\u0300", "\ufb01"]
)
_HOSTS = (
    st.text(_HOST_LETTERS, min_size=1, max_size=16)
    | st.text(_HOST_LETTERS, max_size=10).map(lambda rest: f"xn--{rest}")
    | st.lists(st.integers(0, 999), min_size=4, max_size=4).map(
        lambda parts: ".".join(map(str, parts))
    )
)


@settings(max_examples=400, deadline=None)
@given(_HOSTS)
def test_the_rule_gives_the_http_librarys_answer_for_every_host(host: str) -> None:
    """What is accepted here can be sent to; what the HTTP library could send to is not
    refused for its host. The rule checks the host without loading httpx, by httpx's rules."""
    url = f"https://{host}/v1"
    try:
        httpx.Request("POST", f"{url}/connect/create-link")
        sendable = True
    except (httpx.InvalidURL, ValueError):
        sendable = False
    try:
        api_address.normalize_api_base(url)
        accepted = True
    except ValueError as error:
        accepted = False
        if str(error) != NOT_A_WEB_ADDRESS:
            return  # refused before its host was looked at
    assert accepted == sendable


def test_an_ordinary_address_is_checked_without_loading_idna() -> None:
    # idna takes some 20-40 ms to import, and every start checks the address in use.
    result = run_python(
        "import sys\n"
        "from kombo_desktop.core.api_address import normalize_api_base\n"
        "normalize_api_base('https://kombo.corp.example:8443/v1')\n"
        "normalize_api_base('https://10.0.0.5/v1')\n"
        "print('idna' in sys.modules, 'httpx' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
