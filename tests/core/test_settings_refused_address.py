"""A settings file holding an API address this version refuses (one an earlier version took,
or one edited by hand): everything else in it stays in use, the profile stays with its address
kept as written, and nothing is sent there until the person corrects it in Settings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import (
    REGION_BASES,
    Profile,
    Region,
    SettingsStore,
    refused_addresses_text,
)
from kombo_desktop.core.vocabulary import Language

REFUSED_ADDRESSES = [
    "https://xn--zz.example/v1",  # an xn-- name that does not decode
    "https://a\u2488b.example/v1",  # "a⒈b": a name without an IDNA 2008 form
    "https://999.1.1.1/v1",  # four numbers that are no IPv4 address
    "http://kombo.corp.example/v1",  # plain http to another computer
]
FIX_IT = "Open Settings and correct the address of the profile “proxy”."


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.from_environment()


def write_file(paths: AppPaths, address: str, *, region: str = "CUSTOM") -> bytes:
    """A settings file with the profile "proxy" at ``address`` in use, beside two others."""
    content = {
        "version": 1,
        "active_profile": "proxy",
        "profiles": [
            {"name": "default", "region": "EU", "custom_base": None, "environment_id": "env-eu"},
            {"name": "US team", "region": "US", "custom_base": None, "environment_id": None},
            {
                "name": "proxy",
                "region": region,
                "custom_base": address,
                "environment_id": "env-proxy",
                "proxy_server": "http://proxy.corp:3128",  # a newer version's detail
            },
        ],
        "preferences": {
            "language": "de",
            "link_type": "MAGIC_LINK",
            "category": "ATS",
            "qr_folder": str(paths.config_dir.parent / "QR codes"),
            "export_folder": None,
            "qr_file_type": "svg",
        },
    }
    raw = json.dumps(content, indent=2, ensure_ascii=False).encode("utf-8")
    paths.ensure()
    paths.settings_file.write_bytes(raw)
    return raw


def set_aside_copies(paths: AppPaths) -> list[Path]:
    return sorted(paths.config_dir.glob("settings.json.corrupt-*"))


def saved_profile(paths: AppPaths, name: str) -> dict[str, object]:
    document = json.loads(paths.settings_file.read_text("utf-8"))
    return next(p for p in document["profiles"] if p["name"] == name)


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_the_rest_of_the_settings_stays_in_use_and_the_file_is_not_set_aside(
    paths: AppPaths, address: str
) -> None:
    raw = write_file(paths, address)
    store = SettingsStore(paths)

    settings = store.load()

    assert [p.name for p in settings.profiles] == ["default", "US team", "proxy"]
    assert settings.profile("default") == Profile("default", environment_id="env-eu")
    assert settings.profile("US team") == Profile("US team", Region.US)
    assert settings.active.name == "proxy"
    assert settings.language is Language.DE
    assert settings.qr_folder == str(paths.config_dir.parent / "QR codes")
    assert set_aside_copies(paths) == []
    assert paths.settings_file.read_bytes() == raw  # loading writes nothing
    assert store.load_problem is None  # the file itself is fine
    said = refused_addresses_text(settings.profiles)
    assert said is not None
    assert "“proxy”" in said and FIX_IT in said
    assert "Your other settings were kept." in said
    assert address not in said  # the sentence names the profile, not what it holds


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_the_profile_is_marked_and_never_goes_to_kombos_usual_address(
    paths: AppPaths, address: str
) -> None:
    write_file(paths, address)

    proxy = SettingsStore(paths).load().profile("proxy")

    assert proxy is not None
    assert proxy.region is Region.CUSTOM
    assert proxy.refused_base == address
    assert proxy.custom_base is None
    assert proxy.environment_id == "env-proxy"
    assert proxy.address_problem is not None and FIX_IT in proxy.address_problem
    # Links for it do not fall back to one of Kombo's regions: its key is not for them.
    assert proxy.api_base not in REGION_BASES.values()


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_saving_another_change_keeps_the_address_as_it_was_written(
    paths: AppPaths, address: str
) -> None:
    write_file(paths, address)
    store = SettingsStore(paths)

    def change(settings: object) -> None:
        settings.language = Language.FR  # type: ignore[attr-defined]
        settings.put_profile(Profile("Sales", Region.US))  # type: ignore[attr-defined]

    store.update(change)

    saved = saved_profile(paths, "proxy")
    assert saved["region"] == "CUSTOM"
    assert saved["custom_base"] == address
    assert saved["environment_id"] == "env-proxy"
    assert saved["proxy_server"] == "http://proxy.corp:3128"
    again = SettingsStore(paths).load()
    assert again.language is Language.FR
    assert again.profile("proxy") is not None
    assert again.profile("proxy").refused_base == address  # type: ignore[union-attr]


def test_a_corrected_address_replaces_the_refused_one(paths: AppPaths) -> None:
    write_file(paths, REFUSED_ADDRESSES[0])
    store = SettingsStore(paths)

    def correct(settings: object) -> None:
        proxy = settings.profile("proxy")  # type: ignore[attr-defined]
        fixed = replace(proxy, custom_base="https://Kombo.Corp.example/v1/")
        settings.put_profile(fixed)  # type: ignore[attr-defined]

    store.update(correct)

    proxy = SettingsStore(paths).load().profile("proxy")
    assert proxy is not None
    assert proxy.api_base == "https://kombo.corp.example/v1"
    assert proxy.refused_base is None and proxy.address_problem is None
    assert saved_profile(paths, "proxy")["custom_base"] == "https://kombo.corp.example/v1"
    assert refused_addresses_text(SettingsStore(paths).load().profiles) is None


def test_another_region_chosen_keeps_the_refused_address_for_later(paths: AppPaths) -> None:
    address = REFUSED_ADDRESSES[3]
    write_file(paths, address)
    store = SettingsStore(paths)

    def to_europe(settings: object) -> None:
        proxy = settings.profile("proxy")  # type: ignore[attr-defined]
        settings.put_profile(replace(proxy, region=Region.EU))  # type: ignore[attr-defined]

    store.update(to_europe)

    settings = SettingsStore(paths).load()
    proxy = settings.profile("proxy")
    assert proxy is not None
    assert proxy.api_base == REGION_BASES[Region.EU]
    assert proxy.address_problem is None
    assert refused_addresses_text(settings.profiles) is None  # its links go to Europe now
    assert saved_profile(paths, "proxy")["custom_base"] == address


def test_a_refused_address_kept_beside_another_region_is_no_problem(paths: AppPaths) -> None:
    # Settings keeps the other address while a region is chosen; one now refused is kept too.
    address = REFUSED_ADDRESSES[0]
    raw = write_file(paths, address, region="US")
    store = SettingsStore(paths)

    settings = store.load()

    proxy = settings.profile("proxy")
    assert proxy is not None and proxy.api_base == REGION_BASES[Region.US]
    assert proxy.address_problem is None
    assert refused_addresses_text(settings.profiles) is None
    assert store.load_problem is None
    assert paths.settings_file.read_bytes() == raw
    store.update(lambda settings: None)
    assert saved_profile(paths, "proxy")["custom_base"] == address


def test_several_profiles_with_refused_addresses_are_named_together(paths: AppPaths) -> None:
    content = {
        "profiles": [
            {"name": "default"},
            {"name": "proxy", "region": "CUSTOM", "custom_base": REFUSED_ADDRESSES[0]},
            {"name": "test", "region": "CUSTOM", "custom_base": REFUSED_ADDRESSES[3]},
        ]
    }
    paths.ensure()
    paths.settings_file.write_text(json.dumps(content), "utf-8")
    store = SettingsStore(paths)

    settings = store.load()

    assert [p.name for p in settings.profiles] == ["default", "proxy", "test"]
    said = refused_addresses_text(settings.profiles)
    assert said is not None
    assert "“proxy” and “test”" in said
    assert "Open Settings and correct their addresses." in said
    in_settings = refused_addresses_text(settings.profiles, in_settings=True)
    assert in_settings is not None
    assert "“proxy” and “test”" in in_settings and "Open Settings" not in in_settings


def test_an_administrators_profile_of_that_name_leaves_nothing_to_correct(
    paths: AppPaths,
) -> None:
    write_file(paths, REFUSED_ADDRESSES[0])
    managed = Profile("proxy", Region.CUSTOM, "https://kombo.corp.example/v1")
    store = SettingsStore(paths, managed=[managed])

    settings = store.load()

    assert settings.profile("proxy") == managed
    assert refused_addresses_text(settings.profiles) is None
    assert settings.profile("default") == Profile("default", environment_id="env-eu")
    assert set_aside_copies(paths) == []


def test_an_address_that_is_usable_is_never_taken_for_a_refused_one() -> None:
    profile = Profile("p", Region.CUSTOM, refused_base="https://Kombo.Corp.example/v1/")

    assert profile.custom_base == "https://kombo.corp.example/v1"
    assert profile.refused_base is None and profile.address_problem is None
