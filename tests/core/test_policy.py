"""The administrator's policy file: found where IT puts it, read fully, never fatal when broken."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from kombo_desktop.core.policy import (
    MISSING_NOTICE,
    MISTAKES_NOTICE,
    POLICY_ENV,
    UNUSABLE_NOTICE,
    Policy,
    PolicyProfile,
    load_policy,
    policy_locations,
)
from kombo_desktop.core.settings import Profile, Region
from kombo_desktop.core.vocabulary import Language, LinkType


def write(tmp_path: Path, content: object | str) -> dict[str, str]:
    path = tmp_path / "policy.json"
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return {POLICY_ENV: str(path)}


def test_full_policy_is_read(tmp_path: Path) -> None:
    env = write(
        tmp_path,
        {
            "profiles": [
                {"name": "default", "region": "EU"},
                {"name": "us-team", "region": "us"},
                {"name": "proxy", "region": "CUSTOM", "custom_base": "https://k.corp.example/v1/"},
            ],
            "default_profile": "us-team",
            "hide_demo": True,
            "fixed_api_base": "https://api.kombo.dev/v1/",
            "default_language": "DE",
            "default_link_type": "embedded",
        },
    )
    policy = load_policy(env)
    assert policy == Policy(
        profiles=(
            PolicyProfile("default", "EU"),
            PolicyProfile("us-team", "US"),
            PolicyProfile("proxy", "CUSTOM", "https://k.corp.example/v1"),
        ),
        default_profile="us-team",
        hide_demo=True,
        fixed_api_base="https://api.kombo.dev/v1",
        default_language=Language.DE,
        default_link_type=LinkType.EMBEDDED,
        source=Path(env[POLICY_ENV]),
        problems=(),
    )
    assert policy.api_base_locked
    # As the settings hold them: what the settings store offers in place of the person's own.
    assert policy.managed_profiles == (
        Profile("default"),
        Profile("us-team", Region.US),
        Profile("proxy", Region.CUSTOM, "https://k.corp.example/v1"),
    )
    assert policy.profile("proxy") == PolicyProfile("proxy", "CUSTOM", "https://k.corp.example/v1")
    assert policy.profile("nobody") is None


def test_no_file_means_nothing_decided(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_DIRS": str(tmp_path / "empty")}
    if sys.platform.startswith("linux") and Path("/etc/xdg/kombo-desktop/policy.json").exists():
        pytest.skip("this machine has a real administrator policy installed")
    policy = load_policy(env)
    assert policy == Policy()
    assert not policy.api_base_locked
    assert not policy.hide_demo


def test_named_file_that_is_missing_is_reported(tmp_path: Path) -> None:
    policy = load_policy({POLICY_ENV: str(tmp_path / "nope.json")})
    assert policy.profiles == ()
    assert len(policy.problems) == 1
    assert "nope.json" in policy.problems[0]
    assert "not found" in policy.problems[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{ not json", "not valid JSON (line 1)"),
        ("[1, 2]", "one JSON object"),
        ("\udcff", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),  # nested too deeply: stopped the program's start
    ],
)
def test_corrupt_file_gives_empty_policy_and_a_plain_sentence(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    policy = load_policy({POLICY_ENV: str(path)})
    assert policy.profiles == ()
    assert policy.fixed_api_base is None
    assert policy.source == path
    assert len(policy.problems) == 1
    assert expected in policy.problems[0]
    assert policy.notice == UNUSABLE_NOTICE  # what the person reads; the problem is for IT


def test_utf8_bom_from_windows_notepad_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"hide_demo": True}).encode())
    assert load_policy({POLICY_ENV: str(path)}).hide_demo is True


def test_huge_file_is_refused(tmp_path: Path) -> None:
    env = write(tmp_path, json.dumps({"hide_demo": True, "pad": "x" * 300_000}))
    policy = load_policy(env)
    assert policy.hide_demo is False
    assert "too large" in policy.problems[0]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    env = write(tmp_path, {"hide_demo": True})
    Path(env[POLICY_ENV]).chmod(0)
    policy = load_policy(env)
    assert policy.hide_demo is False
    assert "could not be used" in policy.problems[0]


def test_read_error_is_reported_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = write(tmp_path, {"hide_demo": True})

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    policy = load_policy(env)
    assert policy.hide_demo is False
    assert policy.problems == (
        f"The administrator's settings file {env[POLICY_ENV]} could not be used: "
        "Permission denied.",
    )
    assert policy.notice == UNUSABLE_NOTICE


def test_a_folder_in_place_of_the_file_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.mkdir()
    policy = load_policy({POLICY_ENV: str(path)})
    assert policy.profiles == ()
    assert "not found" in policy.problems[0]


def test_bad_entries_are_skipped_and_the_rest_applies(tmp_path: Path) -> None:
    env = write(
        tmp_path,
        {
            "profiles": [
                {"name": "good", "region": "US"},
                "just text",
                {"region": "EU"},
                {"name": "good", "region": "EU"},
                {"name": "mars", "region": "MARS"},
                {"name": "nobase", "region": "CUSTOM"},
                {"name": "plain", "region": "CUSTOM", "custom_base": "http://k.corp.example"},
                {"name": "eu", "region": "EU", "custom_base": "https://ignored.example"},
            ],
            "hide_demo": "yes",
            "fixed_api_base": "http://api.kombo.dev/v1",
            "default_language": "klingon",
            "default_link_type": "CARRIER_PIGEON",
            "default_profile": 7,
        },
    )
    policy = load_policy(env)
    assert policy.profiles == (PolicyProfile("good", "US"), PolicyProfile("eu", "EU"))
    assert policy.hide_demo is False
    assert policy.fixed_api_base is None
    assert policy.default_language is None
    assert policy.default_link_type is None
    assert policy.default_profile is None
    text = "\n".join(policy.problems)
    for fragment in (
        "profile number 2 must be an object",
        "profile number 3 has no name",
        'profile "good" is listed twice',
        'region "MARS"',
        'profile "nobase" needs an https://',
        'profile "plain" needs an https://',
        '"custom_base" only applies to region CUSTOM',
        '"hide_demo" must be true or false',
        '"fixed_api_base" must be an https:// address',
        '"default_language" must be one of en, de, fr, it, es',
        '"default_link_type" must be one of MAGIC_LINK, EMBEDDED',
        '"default_profile" must be text',
    ):
        assert fragment in text
    assert len(policy.problems) == 12
    assert all(p.endswith("It was ignored.") for p in policy.problems)
    assert policy.notice == MISTAKES_NOTICE


@pytest.mark.parametrize(
    "address",
    ["https://xn--zz.example/v1", "https://a\u2488b.example/v1", "https://999.1.1.1/v1"],
)
def test_an_address_requests_cannot_go_to_is_ignored_with_the_rules_sentence(
    tmp_path: Path, address: str
) -> None:
    # The same rule and words as Settings and the command line: the entry is ignored, named
    # for the IT team, and the rest of the file applies (no profile points there).
    env = write(
        tmp_path,
        {
            "profiles": [
                {"name": "default", "region": "US"},
                {"name": "proxy", "region": "CUSTOM", "custom_base": address},
            ],
            "fixed_api_base": address,
            "hide_demo": True,
        },
    )
    policy = load_policy(env)
    assert policy.profiles == (PolicyProfile("default", "US"),)
    assert policy.fixed_api_base is None
    assert policy.hide_demo is True
    rule = "The API address is not a valid web address. Use one like https://api.kombo.dev/v1."
    assert len(policy.problems) == 2
    assert f'profile "proxy": "custom_base" cannot be used. {rule}' in policy.problems[0]
    assert f'"fixed_api_base" cannot be used. {rule}' in policy.problems[1]
    assert policy.notice == MISTAKES_NOTICE
    assert address not in policy.notice  # the entries are in the details, not on screen


def test_profiles_must_be_a_list(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, {"profiles": {"name": "x"}, "hide_demo": True}))
    assert policy.profiles == ()
    assert policy.hide_demo is True
    assert '"profiles" must be a list' in policy.problems[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux only")
def test_linux_searches_every_xdg_folder_then_etc_xdg(tmp_path: Path) -> None:
    vendor, site = tmp_path / "vendor", tmp_path / "site"
    env = {"XDG_CONFIG_DIRS": f"{vendor}:{site}"}
    assert policy_locations(env) == [
        vendor / "kombo-desktop" / "policy.json",
        site / "kombo-desktop" / "policy.json",
        Path("/etc/xdg/kombo-desktop/policy.json"),
    ]
    (site / "kombo-desktop").mkdir(parents=True)
    (site / "kombo-desktop" / "policy.json").write_text('{"hide_demo": true}')
    policy = load_policy(env)
    assert policy.hide_demo is True
    assert policy.source == site / "kombo-desktop" / "policy.json"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux only")
def test_linux_default_location_is_etc_xdg() -> None:
    assert policy_locations({}) == [Path("/etc/xdg/kombo-desktop/policy.json")]


def test_override_wins_over_system_folders(tmp_path: Path) -> None:
    env = {POLICY_ENV: str(tmp_path / "p.json"), "XDG_CONFIG_DIRS": str(tmp_path)}
    assert policy_locations(env) == [tmp_path / "p.json"]


def test_environment_defaults_to_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = write(tmp_path, {"default_language": "fr"})
    monkeypatch.setenv(POLICY_ENV, env[POLICY_ENV])
    assert load_policy().default_language is Language.FR


def test_entries_a_profile_could_not_hold_are_skipped_not_fatal(tmp_path: Path) -> None:
    """Every profile and address the policy keeps must be one the settings accept: the window
    builds a ``Profile`` from it at start-up, and a refused one would stop the program."""
    from kombo_desktop.core.api_address import normalize_api_base
    from kombo_desktop.core.settings import Profile, Region

    env = write(
        tmp_path,
        {
            "profiles": [
                {"name": "tab\there", "region": "EU"},
                {"name": "n" * 65, "region": "EU"},
                {"name": "login", "region": "CUSTOM", "custom_base": "https://u:p@k.example/v1"},
                {"name": "query", "region": "CUSTOM", "custom_base": "https://k.example/v1?t=1"},
                {"name": "good", "region": "CUSTOM", "custom_base": "https://K.example/v1/"},
            ],
            "fixed_api_base": "https://u:p@api.kombo.dev/v1",
        },
    )
    policy = load_policy(env)
    assert [p.name for p in policy.profiles] == ["good"]
    assert policy.fixed_api_base is None
    assert len(policy.problems) == 5
    for managed in policy.profiles:
        Profile(name=managed.name, region=Region(managed.region), custom_base=managed.custom_base)
    fixed = load_policy(write(tmp_path, {"fixed_api_base": "https://API.kombo.dev/v1/"}))
    assert fixed.fixed_api_base == "https://api.kombo.dev/v1"
    assert fixed.fixed_api_base == normalize_api_base(fixed.fixed_api_base)


def test_the_administrators_profile_names_are_not_judged_to_be_keys(tmp_path: Path) -> None:
    # Words run together with a number read like a key to the rule for names typed in
    # Settings; here they dropped the administrator's profile and its provisioned key.
    name = "AcmeCorpProduction2025"
    env = write(
        tmp_path,
        {"profiles": [{"name": name, "region": "EU"}], "default_profile": name},
    )
    policy = load_policy(env)
    assert [p.name for p in policy.profiles] == [name]
    assert policy.default_profile == name
    assert policy.problems == ()


def test_what_the_person_reads_is_one_plain_sentence_and_the_mistakes_are_for_the_it_team(
    tmp_path: Path,
) -> None:
    # Each mistake was a line of raw configuration in the status line on every start, on a
    # screen that may be shared ('"fixed_api_base" must be an https:// address, not
    # "http://api.corp.local/v1"'), with no "Ask your IT team" and nothing to copy.
    env = write(
        tmp_path,
        {"fixed_api_base": "http://api.corp.local/v1", "hide_demo": "yes", "profiles": []},
    )
    policy = load_policy(env)
    assert policy.notice == (
        "Your IT team's settings for Kombo Desktop contain mistakes, so some of them were not "
        "used. Press “Copy details” and send them to your IT team."
    )
    for raw in (env[POLICY_ENV], "fixed_api_base", "api.corp.local", "hide_demo", '"'):
        assert raw not in policy.notice
    # The details say what is wrong and where, one line each.
    assert policy.problem_details.splitlines() == list(policy.problems)
    assert env[POLICY_ENV] in policy.problem_details
    assert '"fixed_api_base" must be an https:// address' in policy.problem_details
    assert '"hide_demo" must be true or false' in policy.problem_details


def test_a_file_that_cannot_be_used_at_all_is_said_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text("{ not json", encoding="utf-8")
    policy = load_policy({POLICY_ENV: str(path)})
    assert policy.notice == UNUSABLE_NOTICE
    assert str(path) not in policy.notice and "JSON" not in policy.notice
    assert "not valid JSON (line 1)" in policy.problem_details
    missing = load_policy({POLICY_ENV: str(tmp_path / "nope.json")})
    assert missing.notice == MISSING_NOTICE
    assert "nope.json" not in missing.notice and "nope.json" in missing.problem_details


def test_a_policy_used_in_full_has_nothing_to_say(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path, {"hide_demo": True})).notice is None
    assert Policy().notice is None
