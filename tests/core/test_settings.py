"""Profiles and remembered choices: validation, the JSON file, and what happens when it breaks."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import (
    MAX_PROFILE_NAME_LENGTH,
    REGION_BASES,
    REGION_NAMES,
    Profile,
    QrFileType,
    Region,
    Settings,
    SettingsNotReadError,
    SettingsStore,
    validate_profile_name,
    validate_typed_profile_name,
)
from kombo_desktop.core.vocabulary import (
    DEFAULT_CATEGORY,
    DEFAULT_LANGUAGE,
    DEFAULT_LINK_TYPE,
    Category,
    Language,
    LinkType,
)
from tests.support.locked_files import refuse_reading, unchangeable_folder


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.from_environment()


@pytest.fixture
def store(paths: AppPaths) -> SettingsStore:
    return SettingsStore(paths)


def write_settings(paths: AppPaths, content: str | bytes) -> None:
    paths.ensure()
    data = content.encode("utf-8") if isinstance(content, str) else content
    paths.settings_file.write_bytes(data)


def corrupt_copies(paths: AppPaths) -> list[Path]:
    return sorted(paths.config_dir.glob("settings.json.corrupt-*"))


# --- names and addresses ----------------------------------------------------------------------


def test_profile_names_are_trimmed_and_may_use_any_letters() -> None:
    assert validate_profile_name("  US team ") == "US team"
    assert validate_profile_name("Équipe Zürich") == "Équipe Zürich"
    assert validate_profile_name("x" * MAX_PROFILE_NAME_LENGTH) == "x" * MAX_PROFILE_NAME_LENGTH


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the profile a name"),
        ("   ", "Give the profile a name"),
        ("x" * (MAX_PROFILE_NAME_LENGTH + 1), "too long"),
        ("two\nlines", "line break"),
        ("tab\there", "invisible"),
        ("bell\x07", "invisible"),
        ("para\u2029graph", "line break"),
    ],
)
def test_bad_profile_names_get_plain_messages(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_profile_name(name)


# Keys as people paste them: the ones this repository's tests use, and keys in the usual
# alphabets (hexadecimal, letters and digits, URL-safe base64, a UUID).
KEY_SHAPED_TEXTS = [
    "kombo-eu-key-7f3a9c2e1b4d8a6f",
    "kombo-us-key-1234567890abcdef",
    "  kombo-us-key-1234567890abcdef\n",  # pasted with the line end from the dashboard
    "5ae04f310016abbe14f662921f4204e4",
    "hhS7bn6Nf0J07bY7ADoW7qzKJCACn3ad",
    "Xk9f-Q2mL_p0aZ-r7TbW_3nC8-vYh1",
    "3f2b8c1e-9a4d-4e7b-8c2a-6d5f1e0b9a7c",
]


@pytest.mark.parametrize("pasted", KEY_SHAPED_TEXTS)
def test_an_api_key_is_refused_as_a_profile_name_without_repeating_it(pasted: str) -> None:
    # "Add profile" selects the name field: a key pasted there, then Enter, became the
    # profile's name, on screen in the window's header and in settings.json in plain text.
    with pytest.raises(ValueError, match="looks like an API key") as refused:
        validate_typed_profile_name(pasted)
    assert pasted.strip() not in str(refused.value)
    assert "“API key”" in str(refused.value)  # where it goes instead


def test_a_key_the_program_knows_is_refused_as_a_name_whatever_its_shape() -> None:
    known = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(14))
    register_secret(known)  # as the credential store does with every key it reads
    with pytest.raises(ValueError, match="looks like an API key"):
        validate_typed_profile_name(known)
    with pytest.raises(ValueError, match="looks like an API key"):
        validate_typed_profile_name(f"team {known}")


@pytest.mark.parametrize(
    "name",
    [
        "default",
        "US team",
        "Acme GmbH sales team 2024 (EU)",
        "customer-success-emea-2024",
        "kombo-prod-eu-2024-q3",
        "sales_team_us_east_1",
        "Kundenerfolgsmanagementabteilung",
        "n" * MAX_PROFILE_NAME_LENGTH,
    ],
)
def test_names_people_give_profiles_are_not_taken_for_keys(name: str) -> None:
    assert validate_typed_profile_name(name) == name


@pytest.mark.parametrize("name", ["AcmeCorpProduction2025", "Office365Integration"])
def test_a_name_taken_for_a_key_is_told_how_to_write_it(name: str) -> None:
    # Names of words run together with a number read like a key; the message says to write
    # them with spaces, which no key has.
    with pytest.raises(ValueError, match="write it with spaces") as refused:
        validate_typed_profile_name(name)
    assert name not in str(refused.value)
    spaced = " ".join(re.findall(r"[A-Z][a-z]+|[0-9]+", name))
    assert validate_typed_profile_name(spaced) == spaced


@pytest.mark.parametrize(
    "name", ["AcmeCorpProduction2025", "5ae04f310016abbe14f662921f4204e4", "Office365Integration"]
)
def test_a_name_given_at_start_or_by_the_administrator_is_not_judged_a_key(name: str) -> None:
    # Such names stopped the program given with --profile, and dropped the administrator's
    # profile and its provisioned key: nobody pasted them by mistake.
    assert validate_profile_name(name) == name


def test_a_profile_saved_with_a_key_shaped_name_still_loads(
    store: SettingsStore, paths: AppPaths
) -> None:
    """Saved by an earlier version: set aside, the whole file (every other profile) was lost."""
    name = KEY_SHAPED_TEXTS[0]
    write_settings(paths, json.dumps({"profiles": [{"name": "default"}, {"name": name}]}))
    assert [p.name for p in store.load().profiles] == ["default", name]
    assert corrupt_copies(paths) == []


# --- profiles and settings --------------------------------------------------------------------


def test_region_addresses() -> None:
    assert Profile("a").api_base == "https://api.kombo.dev/v1"
    assert Profile("a", Region.US).api_base == "https://api.us.kombo.dev/v1"
    assert Profile("a", Region.CUSTOM, "https://k.example/v1/").api_base == "https://k.example/v1"
    assert set(REGION_NAMES) == set(Region)
    assert set(REGION_BASES) == {Region.EU, Region.US}


def test_custom_address_is_kept_while_another_region_is_chosen() -> None:
    profile = Profile("a", Region.EU, custom_base="https://k.example/v1")

    assert profile.api_base == REGION_BASES[Region.EU]
    assert profile.custom_base == "https://k.example/v1"


def test_custom_region_needs_an_address() -> None:
    with pytest.raises(ValueError, match="Enter the API address"):
        Profile("a", Region.CUSTOM)


def test_profile_rejects_a_plain_http_address() -> None:
    with pytest.raises(ValueError, match="https://"):
        Profile("a", Region.CUSTOM, "http://kombo.example/v1")


def test_profile_name_is_validated_and_trimmed() -> None:
    assert Profile("  default ").name == "default"
    with pytest.raises(ValueError):
        Profile("")


def test_default_settings() -> None:
    settings = Settings()

    assert [p.name for p in settings.profiles] == ["default"]
    assert settings.active == Profile("default", Region.EU)
    assert settings.language is DEFAULT_LANGUAGE
    assert settings.link_type is DEFAULT_LINK_TYPE is LinkType.MAGIC_LINK
    assert settings.category is DEFAULT_CATEGORY


def test_put_profile_adds_and_replaces() -> None:
    settings = Settings()
    settings.put_profile(Profile("us", Region.US))
    settings.put_profile(Profile("default", Region.US, environment_id="env_1"))

    assert [p.name for p in settings.profiles] == ["default", "us"]
    assert settings.profile("default") == Profile("default", Region.US, environment_id="env_1")


def test_names_differing_only_in_case_are_refused() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="already exists"):
        settings.put_profile(Profile("Default", Region.US))


def test_removing_the_active_profile_activates_another() -> None:
    settings = Settings()
    settings.put_profile(Profile("us", Region.US))
    settings.active_profile = "us"

    settings.remove_profile("us")
    settings.remove_profile("never-existed")

    assert settings.active.name == "default"
    assert settings.active_profile == "default"


def test_the_last_profile_cannot_be_removed() -> None:
    with pytest.raises(ValueError, match="last profile"):
        Settings().remove_profile("default")


def test_unknown_active_profile_falls_back_to_the_first() -> None:
    settings = Settings(active_profile="gone")
    assert settings.active.name == "default"


# --- the file ---------------------------------------------------------------------------------


def test_no_file_means_defaults_and_nothing_written(
    store: SettingsStore, isolated_home: Path
) -> None:
    assert store.load() == Settings()
    assert store.load_problem is None
    assert not isolated_home.exists()


def test_settings_survive_a_save_and_load(store: SettingsStore, paths: AppPaths) -> None:
    settings = Settings()
    settings.put_profile(Profile("US team", Region.US, environment_id="B1xxn1AXH7zkp4ycYC7Fb7eU"))
    settings.put_profile(Profile("demo", Region.CUSTOM, "http://127.0.0.1:8765/v1"))
    settings.put_profile(Profile("Zürich", Region.EU, custom_base="https://k.example/v1"))
    settings.active_profile = "US team"
    settings.language = Language.DE
    settings.link_type = LinkType.EMBEDDED
    settings.category = Category.LMS

    store.save(settings)
    loaded = SettingsStore(paths).load()

    assert loaded == settings
    assert loaded.active.api_base == "https://api.us.kombo.dev/v1"


def test_file_is_readable_json_with_a_version(store: SettingsStore, paths: AppPaths) -> None:
    store.save(Settings())

    data = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "active_profile": "default",
        "profiles": [
            {"name": "default", "region": "EU", "custom_base": None, "environment_id": None}
        ],
        "preferences": {
            "language": "en",
            "link_type": "MAGIC_LINK",
            "category": "HRIS",
            "qr_folder": None,
            "export_folder": None,
            "qr_file_type": "png",
        },
    }


def test_the_folders_last_saved_to_are_kept(store: SettingsStore, tmp_path: Path) -> None:
    codes, reports = tmp_path / "Kunden Ä", tmp_path / "reports"
    saved = Settings(qr_folder=str(codes), export_folder=str(reports))
    saved.qr_file_type = QrFileType.SVG
    store.save(saved)

    assert store.load() == saved


@pytest.mark.parametrize(
    "folder",
    [42, "", "relative/folder", "/tmp/with\nline break", "/" + "x" * 5000, ["/tmp"]],
    ids=["number", "empty", "relative", "control character", "too long", "list"],
)
def test_a_remembered_folder_that_makes_no_sense_is_forgotten(
    store: SettingsStore, paths: AppPaths, folder: object
) -> None:
    preferences = {"qr_folder": folder, "export_folder": folder, "qr_file_type": "gif"}
    write_settings(paths, json.dumps({"profiles": [{"name": "a"}], "preferences": preferences}))

    settings = store.load()

    assert store.load_problem is None  # the rest of the file is kept
    assert settings.qr_folder is None and settings.export_folder is None
    assert settings.qr_file_type is QrFileType.PNG


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_file_is_private_to_the_user(store: SettingsStore, paths: AppPaths) -> None:
    store.save(Settings())

    assert stat.S_IMODE(paths.settings_file.stat().st_mode) == 0o600


def test_save_replaces_the_file_and_leaves_no_temporary_files(
    store: SettingsStore, paths: AppPaths
) -> None:
    store.save(Settings())
    second = Settings(language=Language.FR)
    store.save(second)

    assert [p.name for p in paths.config_dir.iterdir()] == ["settings.json"]
    assert SettingsStore(paths).load() == second


def test_failed_save_keeps_the_old_file(
    store: SettingsStore, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(Settings(language=Language.IT))
    before = paths.settings_file.read_bytes()

    def disk_full(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        store.save(Settings(language=Language.ES))
    monkeypatch.undo()

    assert paths.settings_file.read_bytes() == before
    assert [p.name for p in paths.config_dir.iterdir()] == ["settings.json"]


def test_save_into_an_unwritable_place_raises(paths: AppPaths) -> None:
    paths.ensure()
    paths.settings_file.mkdir()  # a folder where the file should be: the rename must fail

    with pytest.raises(OSError):
        SettingsStore(paths).save(Settings())
    assert [p.name for p in paths.config_dir.iterdir()] == ["settings.json"]


def test_settings_are_saved_when_the_log_folder_cannot_be_made(paths: AppPaths) -> None:
    # Saving settings once created the log, history and cache folders too, and failed with
    # "you may write to .../config" for a log folder that could not be made.
    paths.log_dir.parent.mkdir(parents=True)
    paths.log_dir.write_text("a file where the log folder should be", encoding="utf-8")

    SettingsStore(paths).save(Settings(language=Language.ES))

    assert SettingsStore(paths).load().language is Language.ES
    assert not paths.data_dir.exists() and not paths.cache_dir.exists()


def test_settings_are_saved_beside_a_log_folder_that_refuses_changes(paths: AppPaths) -> None:
    # A log folder another account owns, or on a read-only disk, is no concern of the settings.
    paths.log_dir.mkdir(parents=True)
    with unchangeable_folder(paths.log_dir):
        SettingsStore(paths).save(Settings(language=Language.ES))

    assert SettingsStore(paths).load().language is Language.ES


def test_file_from_a_newer_version_still_opens(store: SettingsStore, paths: AppPaths) -> None:
    write_settings(
        paths,
        json.dumps(
            {
                "version": 7,
                "active_profile": "us",
                "profiles": [
                    {"name": "default", "region": "EU", "colour": "blue"},
                    {"name": "us", "region": "US"},
                ],
                "preferences": {"language": "nl", "link_type": "QR_ONLY", "category": "ATS"},
                "window": {"width": 800},
            }
        ),
    )

    settings = store.load()

    assert store.load_problem is None
    assert [p.name for p in settings.profiles] == ["default", "us"]
    assert settings.active.name == "us"
    assert settings.language is DEFAULT_LANGUAGE
    assert settings.link_type is DEFAULT_LINK_TYPE
    assert settings.category is Category.ATS
    assert corrupt_copies(paths) == []


def test_unknown_active_profile_in_the_file_selects_the_first(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, '{"active_profile": "gone", "profiles": [{"name": "only"}]}')

    settings = store.load()

    assert settings.active_profile == "only"
    assert settings.active.region is Region.EU


BROKEN_FILES = {
    "not JSON": b'{"profiles": [',
    "not UTF-8": b'{"profiles": "\xff\xfe"}',
    "empty": b"",
    "a list": b"[]",
    "no profiles": b'{"active_profile": "default"}',
    "empty profile list": b'{"profiles": []}',
    "profile not an object": b'{"profiles": ["default"]}',
    "profile without name": b'{"profiles": [{"region": "EU"}]}',
    "name not text": b'{"profiles": [{"name": 5}]}',
    "name too long": json.dumps({"profiles": [{"name": "n" * 65}]}).encode(),
    "custom without address": b'{"profiles": [{"name": "a", "region": "CUSTOM"}]}',
    "address not text": b'{"profiles": [{"name": "a", "custom_base": 1}]}',
    "environment id not text": b'{"profiles": [{"name": "a", "environment_id": []}]}',
    "duplicate names": b'{"profiles": [{"name": "a"}, {"name": "a"}]}',
    "names differing in case": b'{"profiles": [{"name": "a"}, {"name": "A"}]}',
    "nested too deeply": b'{"profiles": ' + b"[" * 100_000,  # stopped the program's start
}


@pytest.mark.parametrize("content", BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_broken_file_is_set_aside_and_defaults_are_used(
    content: bytes, store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, content)

    settings = store.load()

    assert settings == Settings()
    [kept] = corrupt_copies(paths)
    assert kept.read_bytes() == content
    assert not paths.settings_file.exists()
    assert store.load_problem is not None
    assert "could not be read" in store.load_problem
    assert kept.name in store.load_problem


def test_after_a_broken_file_saving_works_and_the_problem_clears(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, "garbage")
    store.load()
    store.save(Settings(language=Language.DE))

    assert store.load().language is Language.DE
    assert store.load_problem is None
    assert len(corrupt_copies(paths)) == 1


def test_two_broken_files_in_the_same_second_are_both_kept(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, "first")
    store.load()
    write_settings(paths, "second")
    store.load()

    kept = corrupt_copies(paths)
    assert sorted(p.read_bytes() for p in kept) == [b"first", b"second"]


def test_a_file_that_cannot_be_read_just_now_is_left_alone_and_not_overwritten(
    store: SettingsStore, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No permission, a lock held by a backup tool: the file may hold every profile the person
    made, so it is neither set aside nor replaced, and saving says why it waits."""
    store.save(Settings(active_profile="us", profiles=[Profile("us", Region.US)]))
    saved = paths.settings_file.read_bytes()
    refuse_reading(monkeypatch, paths.settings_file)
    assert store.load() == Settings()
    assert store.load_problem is not None
    assert "left as it is" in store.load_problem
    with pytest.raises(SettingsNotReadError, match="Restart the program"):
        store.save(Settings(language=Language.DE))
    monkeypatch.undo()
    assert paths.settings_file.read_bytes() == saved
    assert corrupt_copies(paths) == []

    # Readable again: loading finds the profiles, and saving works.
    assert store.load().active.name == "us"
    assert store.load_problem is None
    store.save(Settings(language=Language.DE))
    assert store.load().language is Language.DE


def test_a_missing_file_that_cannot_be_read_does_not_block_saving(
    store: SettingsStore, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refusing to save protects a file that exists; once it is gone there is nothing to lose."""
    paths.ensure()
    paths.settings_file.mkdir()  # reading a folder fails like a file we may not open
    assert store.load() == Settings()
    assert store.load_problem is not None
    paths.settings_file.rmdir()
    store.save(Settings(language=Language.FR))
    assert store.load().language is Language.FR


def test_huge_file_is_set_aside(store: SettingsStore, paths: AppPaths) -> None:
    write_settings(paths, b" " * 1_000_001)

    assert store.load() == Settings()
    assert store.load_problem is not None


def test_byte_order_mark_from_windows_editors_is_accepted(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, b'\xef\xbb\xbf{"profiles": [{"name": "bom"}]}')

    assert store.load().active.name == "bom"
    assert store.load_problem is None


def test_no_api_key_is_ever_written_with_the_settings(
    store: SettingsStore, paths: AppPaths, isolated_home: Path
) -> None:
    key = "kmb_" + secrets.token_urlsafe(30)
    credentials = CredentialStore({})
    settings = Settings()
    settings.put_profile(Profile("us", Region.US, environment_id="env_123"))
    for profile in settings.profiles:
        credentials.save(profile.name, key)
    settings.active_profile = "us"

    store.save(settings)
    store.save(store.load())

    text = paths.settings_file.read_text(encoding="utf-8")
    assert key not in text
    assert "env_123" in text
    assert not any(key.encode() in p.read_bytes() for p in isolated_home.rglob("*") if p.is_file())


# -- a stored key Kombo refused (see ui.key_verdicts) ------------------------------------------


def test_a_refused_key_is_remembered_as_a_time_and_nothing_of_the_key(
    store: SettingsStore, paths: AppPaths, isolated_home: Path
) -> None:
    key = "kmb_" + secrets.token_urlsafe(30)
    CredentialStore({}).save("default", key)
    when = datetime(2026, 11, 30, 16, 5, 7, tzinfo=UTC)
    store.update(lambda settings: settings.remember_key_refused("default", when))

    assert store.load().key_refused_at("default") == when
    content = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    # "refused at <time>", by profile: nothing else, no fingerprint of the key.
    assert content["refused_keys"] == {"default": "2026-11-30T16:05:07+00:00"}
    assert content["profiles"] == [
        {"name": "default", "region": "EU", "custom_base": None, "environment_id": None}
    ]
    digest = hashlib.sha256(key.encode()).hexdigest()
    for path in (p for p in isolated_home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        assert key.encode() not in data and digest[:8].encode() not in data

    store.update(lambda settings: settings.forget_key_refused("default"))
    assert store.load().key_refused_at("default") is None
    assert "refused_keys" not in json.loads(paths.settings_file.read_text(encoding="utf-8"))


def test_a_refused_key_goes_with_its_profile_renamed_or_removed() -> None:
    when = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)
    settings = Settings()
    settings.put_profile(Profile("us", Region.US))
    settings.remember_key_refused("us", when)
    settings.move_key_refused("us", "US team")
    assert settings.key_refused_at("us") is None
    assert settings.key_refused_at("US team") == when
    settings.put_profile(Profile("US team", Region.US))
    settings.remove_profile("US team")
    assert settings.refused_keys == {}


@pytest.mark.parametrize(
    "written",
    [
        '"yesterday"',
        '["default"]',
        '{"default": "not a time"}',
        '{"default": "2026-11-30T16:05:07"}',  # no time zone: not one this program wrote
        '{"default": 3}',
        '{"   ": "2026-11-30T16:05:07+00:00"}',
    ],
)
def test_a_remembered_refusal_that_makes_no_sense_is_dropped_not_the_file(
    store: SettingsStore, paths: AppPaths, written: str
) -> None:
    profiles = '[{"name": "default", "region": "EU"}]'
    write_settings(paths, f'{{"profiles": {profiles}, "refused_keys": {written}}}')
    settings = store.load()
    assert store.load_problem is None
    assert settings.refused_keys == {} and settings.key_refused_at("default") is None
    store.save(settings)
    assert "refused_keys" not in json.loads(paths.settings_file.read_text(encoding="utf-8"))


# -- the administrator's profiles (see core.policy) ------------------------------------------

US_TEAM = Profile("us-team", Region.US)
PROXY = Profile("proxy", Region.CUSTOM, custom_base="https://kombo.corp.example/v1")


def managed_store(paths: AppPaths, first_profile: str | None = None) -> SettingsStore:
    return SettingsStore(
        paths,
        managed=(US_TEAM, PROXY),
        first_profile=first_profile,
        first_language=Language.FR,
        first_link_type=LinkType.EMBEDDED,
    )


def test_the_administrators_profiles_are_offered_in_place_of_the_persons_own(
    paths: AppPaths,
) -> None:
    own = Settings(
        profiles=[
            Profile("default"),
            Profile("us-team", Region.US, environment_id="env-us"),  # the same address
            # Another letter case: the person's own, whose key is kept under this spelling.
            Profile("Proxy", Region.US, environment_id="env-mine"),
        ],
        active_profile="us-team",
    )
    SettingsStore(paths).save(own)

    store = managed_store(paths)
    settings = store.load()

    assert [p.name for p in settings.profiles] == ["default", "us-team", "Proxy", "proxy"]
    # The administrator's version wins; an environment id belongs to a key at one address.
    assert settings.profile("us-team") == replace(US_TEAM, environment_id="env-us")
    assert settings.profile("Proxy") == own.profiles[2]
    assert settings.profile("proxy") == PROXY
    assert settings.active.name == "us-team"  # still the one the person was using
    assert store.managed_names == {"us-team", "proxy"}


def test_an_administrators_profile_at_another_address_forgets_the_environment(
    paths: AppPaths,
) -> None:
    SettingsStore(paths).save(Settings(profiles=[Profile("us-team", environment_id="env-eu")]))
    assert managed_store(paths).load().profile("us-team") == US_TEAM


def test_an_edited_settings_file_cannot_undo_an_administrators_profile(
    paths: AppPaths,
) -> None:
    store = managed_store(paths)
    settings = store.load()
    settings.put_profile(Profile("us-team", Region.EU))  # as an edit of the file would
    store.save(settings)
    assert store.load().profile("us-team") == US_TEAM


def test_the_administrators_defaults_stay_after_the_first_save(
    paths: AppPaths,
) -> None:
    # A fresh installation started with the administrator's default profile, but the first
    # thing saved (the form's language after a link) wrote "default" as the profile in use.
    store = managed_store(paths, first_profile="proxy")
    settings = store.load()
    assert settings.active.name == "proxy"
    assert (settings.language, settings.link_type) == (Language.FR, LinkType.EMBEDDED)
    settings.qr_folder = str(paths.config_dir)  # saving something else
    store.save(settings)

    again = managed_store(paths, first_profile="proxy").load()
    assert again.active.name == "proxy"
    assert (again.language, again.link_type) == (Language.FR, LinkType.EMBEDDED)
    again.language = Language.DE  # the person's own choice stays theirs
    store.save(again)
    assert managed_store(paths).load().language == Language.DE
    settings = store.load()
    settings.active_profile = "default"  # the person chose another one
    store.save(settings)
    assert managed_store(paths, first_profile="proxy").load().active.name == "default"


def test_without_an_administrator_nothing_is_added(store: SettingsStore) -> None:
    assert [p.name for p in store.load().profiles] == ["default"]
    assert store.managed_names == frozenset()


def test_an_administrators_default_profile_that_is_only_a_name_is_kept(paths: AppPaths) -> None:
    # "default_profile": "sales" with a key provisioned for it but no profile in the policy:
    # the window used "sales" at a first start, but the first save wrote "default".
    store = SettingsStore(paths, first_profile="sales")
    settings = store.load()
    assert settings.active == Profile("sales")
    store.save(settings)
    assert SettingsStore(paths, first_profile="sales").load().active == Profile("sales")


def test_a_profile_the_administrator_retires_does_not_live_on(paths: AppPaths) -> None:
    # Saved with the rest of the settings, an administrator's profile stayed after the policy
    # dropped it, editable as the person's own, and still in use (a decommissioned proxy).
    store = managed_store(paths)
    settings = store.load()
    settings.put_profile(Profile("mine", Region.US))
    settings.active_profile = "proxy"
    store.save(settings)
    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert [p.get("managed", False) for p in saved["profiles"]] == [False, True, True, False]

    retired = SettingsStore(paths, managed=(US_TEAM,)).load()
    assert [p.name for p in retired.profiles] == ["default", "us-team", "mine"]
    assert retired.active.name == "default"
    assert [p.name for p in SettingsStore(paths).load().profiles] == ["default", "mine"]


def test_a_newer_versions_profile_is_kept_for_it_not_set_aside(
    store: SettingsStore, paths: AppPaths
) -> None:
    # One profile with a region this version does not know (written by a newer one, before
    # an administrator rolled the release back) set the whole file aside: every profile gone,
    # and gone for the newer version too.
    sydney = {"name": "Sydney", "region": "AU", "environment_id": "env-7", "future": {"x": 1}}
    document = {
        "version": 1,
        "active_profile": "Sydney",
        "profiles": [{"name": "default", "region": "EU"}, sydney],
    }
    write_settings(paths, json.dumps(document))

    settings = store.load()

    assert [p.name for p in settings.profiles] == ["default"]
    assert settings.active.name == "default"
    assert store.load_problem is not None and "“Sydney”" in store.load_problem
    assert corrupt_copies(paths) == []
    settings.put_profile(Profile("US team", Region.US))
    store.save(settings)
    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert [p["name"] for p in saved["profiles"]] == ["default", "US team", "Sydney"]
    assert saved["profiles"][2] == sydney  # as the newer version wrote it


def test_a_newer_versions_profile_alone_leaves_the_usual_one_beside_it(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, json.dumps({"profiles": [{"name": "Sydney", "region": "AU"}]}))
    settings = store.load()
    assert [p.name for p in settings.profiles] == ["default"]
    assert [p["name"] for p in settings.newer_profiles] == ["Sydney"]


def test_a_newer_versions_default_profile_survives_a_save(
    store: SettingsStore, paths: AppPaths
) -> None:
    # The usual single profile, "default", in a newer region: the stand-in made here took its
    # name, and the first save (the form's language, after a link) dropped the newer one.
    write_settings(paths, json.dumps({"profiles": [{"name": "default", "region": "AU"}]}))
    settings = store.load()
    assert [p.name for p in settings.profiles] == ["default 2"]
    store.save(settings)
    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert [(p["name"], p["region"]) for p in saved["profiles"]] == [
        ("default 2", "EU"),
        ("default", "AU"),
    ]


def test_an_unknown_region_with_an_unusable_name_still_sets_the_file_aside(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, json.dumps({"profiles": [{"name": "  ", "region": "AU"}]}))
    assert store.load() == Settings()
    assert len(corrupt_copies(paths)) == 1


def test_a_profile_is_found_in_any_letter_case_except_the_one_renamed() -> None:
    settings = Settings(profiles=[Profile("US-Team"), Profile("default")])
    assert settings.spelling_of("us-team") == "US-Team"
    assert settings.spelling_of("US-Team") == "US-Team"
    assert settings.spelling_of("us-team", besides="US-Team") is None  # renaming it: its own
    assert settings.spelling_of("Europe") is None
    with pytest.raises(ValueError, match="“US-Team” already exists"):
        settings.put_profile(Profile("us-TEAM"))


# --- a file a newer version wrote ------------------------------------------------------------

# settings.json as a newer version wrote it before an administrator rolled the release back:
# a later file version, settings and profile details this version does not know, and a
# language it cannot offer.
NEWER_DOCUMENT = {
    "version": 2,
    "active_profile": "US team",
    "profiles": [
        {
            "name": "default",
            "region": "EU",
            "custom_base": None,
            "environment_id": "env-eu-1",
            "proxy": "http://proxy.corp.example:8080",
            "key_reminder_days": 30,
        },
        {"name": "US team", "region": "US", "custom_base": None, "environment_id": "env-us-1"},
    ],
    "preferences": {
        "language": "pt",
        "link_type": "MAGIC_LINK",
        "category": "HRIS",
        "qr_folder": None,
        "export_folder": None,
        "qr_file_type": "svg",
        "theme": "dark",
        "invitation_template": "Hallo {name}, ...",
    },
    "shortcuts": {"create": "Ctrl+Enter"},
}


def saved_document(paths: AppPaths) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(paths.settings_file.read_text("utf-8"))
    return loaded


def test_a_newer_versions_settings_keep_what_this_version_does_not_know(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, json.dumps(NEWER_DOCUMENT))
    settings = store.load()
    assert settings.language is DEFAULT_LANGUAGE  # "pt" cannot be offered here
    # What a link made here saves: the form's language and kind of system, as they were.
    settings.language = DEFAULT_LANGUAGE
    settings.category = Category.HRIS
    store.save(settings)

    assert saved_document(paths) == NEWER_DOCUMENT  # nothing lost, nothing lowered


def test_a_setting_changed_here_is_saved_over_the_newer_versions_value(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, json.dumps(NEWER_DOCUMENT))
    settings = store.load()
    settings.language = Language.DE
    settings.qr_folder = str(paths.config_dir)
    store.save(settings)

    saved = saved_document(paths)
    preferences = saved["preferences"]
    assert isinstance(preferences, dict)
    assert preferences["language"] == "de"
    assert preferences["qr_folder"] == str(paths.config_dir)
    assert preferences["theme"] == "dark"
    assert saved["version"] == 2 and saved["shortcuts"] == {"create": "Ctrl+Enter"}
    assert SettingsStore(paths).load().language is Language.DE


def test_a_profiles_unknown_details_stay_with_it_when_it_is_changed_here(
    store: SettingsStore, paths: AppPaths
) -> None:
    write_settings(paths, json.dumps(NEWER_DOCUMENT))
    settings = store.load()
    default = settings.profile("default")
    assert default is not None
    # Renamed and moved to another region in Settings (which replaces the profile).
    renamed = replace(default, name="Main", region=Region.US, environment_id=None)
    settings.profiles[settings.profiles.index(default)] = renamed
    store.save(settings)

    profiles = saved_document(paths)["profiles"]
    assert isinstance(profiles, list)
    assert profiles[0] == {
        "name": "Main",
        "region": "US",
        "custom_base": None,
        "environment_id": None,
        "proxy": "http://proxy.corp.example:8080",
        "key_reminder_days": 30,
    }
    # And again after this version read its own file.
    store.save(SettingsStore(paths).load())
    assert saved_document(paths)["profiles"] == profiles


def test_the_profile_a_newer_version_used_stays_its_choice(
    store: SettingsStore, paths: AppPaths
) -> None:
    document = {
        "version": 1,
        "active_profile": "Sydney",
        "profiles": [{"name": "default", "region": "EU"}, {"name": "Sydney", "region": "AU"}],
    }
    write_settings(paths, json.dumps(document))
    settings = store.load()
    assert settings.active.name == "default"  # Sydney cannot be used here
    store.save(settings)
    assert saved_document(paths)["active_profile"] == "Sydney"

    settings = store.load()
    settings.put_profile(Profile("US team", Region.US))
    settings.active_profile = "US team"  # chosen here
    store.save(settings)
    assert saved_document(paths)["active_profile"] == "US team"


def test_a_newer_versions_details_of_an_administrators_profile_are_kept(
    paths: AppPaths,
) -> None:
    """The administrator's profile took the place of the person's with only its environment
    id: what a newer version had written for it (kept for going back to that version) was
    gone at the next save."""
    write_settings(
        paths,
        json.dumps(
            {
                "version": 1,
                "active_profile": "default",
                "profiles": [
                    {"name": "default", "region": "EU", "proxy": "http://proxy.corp:3128"},
                    {"name": "Corp EU", "region": "EU", "managed": True,
                     "environment_id": "env-eu", "proxy": "http://proxy.corp:3128"},
                ],
            }
        ),
    )  # fmt: skip
    store = SettingsStore(paths, managed=(Profile("Corp EU", Region.EU),))
    settings = store.load()
    assert settings.profile("Corp EU") == Profile("Corp EU", Region.EU, environment_id="env-eu")
    store.save(settings)
    saved = {p["name"]: p for p in saved_document(paths)["profiles"]}
    assert saved["Corp EU"]["proxy"] == "http://proxy.corp:3128"
    assert saved["Corp EU"]["managed"] is True
    assert saved["default"]["proxy"] == "http://proxy.corp:3128"


def test_an_administrators_mark_is_not_kept_from_the_file(paths: AppPaths) -> None:
    """The file's own keys of a profile are kept, but not the mark of the administrator's
    profiles: the current policy decides it at every save."""
    write_settings(
        paths,
        json.dumps({"profiles": [{"name": "mine", "region": "EU", "managed": True}]}),
    )
    managed = SettingsStore(paths, managed=(Profile("mine", Region.US),))
    managed.save(managed.load())
    assert saved_document(paths)["profiles"] == [
        {"name": "mine", "region": "US", "custom_base": None, "environment_id": None,
         "managed": True}
    ]  # fmt: skip
    mine = SettingsStore(paths).load()  # no longer the administrator's: dropped at load
    assert [p.name for p in mine.profiles] == ["default"]
