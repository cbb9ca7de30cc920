"""The API address rule shared by ``--api-base``, Settings and the client."""

from __future__ import annotations

import re

import pytest

from kombo_desktop.core import api_address, client
from kombo_desktop.core.settings import Profile, Region


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
    assert client.normalize_api_base(url) == expected


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
    for check in (api_address.normalize_api_base, client.normalize_api_base):
        with pytest.raises(ValueError, match=re.escape(words)) as caught:
            check(url)
        assert "secret" not in str(caught.value)
    with pytest.raises(ValueError, match=re.escape(words)):
        Profile("custom", Region.CUSTOM, custom_base=url)
