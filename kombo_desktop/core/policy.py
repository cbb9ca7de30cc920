"""Administrator defaults: profiles and rules an IT department sets for every user of a laptop.

Companies roll this program out to many laptops at once. They want each copy to start already
pointed at the right Kombo region, with their own profile names, and sometimes with parts of the
program locked (no demo mode on a sales laptop, no way to point it at another server). They do
that with one read-only JSON file in the system-wide configuration folder, which only an
administrator can write and which the program never writes:

=========  ==========================================================================
Linux      ``/etc/xdg/kombo-desktop/policy.json`` (every folder in ``$XDG_CONFIG_DIRS``
           is searched, ``/etc/xdg`` last)
Windows    ``C:\\ProgramData\\kombo-desktop\\policy.json``
macOS      ``/Library/Application Support/kombo-desktop/policy.json``
=========  ==========================================================================

The environment variable ``KOMBO_DESKTOP_POLICY`` names another file instead (tests, trials).

The file (every key optional)::

    {
      "profiles": [
        {"name": "default", "region": "EU"},
        {"name": "us-team", "region": "US"},
        {"name": "proxy", "region": "CUSTOM", "custom_base": "https://kombo.corp.example/v1"}
      ],
      "default_profile": "default",
      "hide_demo": true,
      "fixed_api_base": "https://api.kombo.dev/v1",
      "default_language": "de",
      "default_link_type": "MAGIC_LINK"
    }

API keys never go in this file: an administrator provisions them into each user's credential
store with ``keyring set kombo-desktop <profile name>``.

How the window uses it (``policy = load_policy()`` once at start):

- ``policy.profiles``: profiles to offer in addition to the user's own; a user profile of the same
  name is replaced by the administrator's, so IT can correct a region centrally.
- ``policy.default_profile``: the profile to start with when the user has not chosen one (the
  settings store keeps it, see ``SettingsStore``).
- ``policy.hide_demo``: no demo button or ``--demo``; the demo service is never started.
- ``policy.fixed_api_base``: every profile talks to this API base; ``--api-base``,
  ``KOMBO_API_BASE`` and the settings' region choice are ignored and shown as locked.
- ``policy.default_language`` / ``policy.default_link_type``: the form's initial choices, until
  the user makes their own.
- ``policy.notice``: the one plain sentence to show (once, in the status line) when the file
  could not be used in full; the rest of the file still applies. ``policy.problems`` say what
  was wrong, one line each with the file and the entry, for the details the person copies and
  sends to their IT team: the screen may be shared, and raw entries mean nothing to the person.

A broken file must never stop anyone from working, so nothing here raises: an unreadable or
malformed file becomes an empty policy plus a sentence in ``problems``, and a bad entry is
skipped with a sentence of its own.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, TypeVar
from urllib.parse import urlsplit

from kombo_desktop.core.api_address import normalize_api_base
from kombo_desktop.core.settings import Profile, Region, validate_profile_name
from kombo_desktop.core.vocabulary import Language, LinkType

APP_NAME = "kombo-desktop"
POLICY_FILE_NAME = "policy.json"
POLICY_ENV = "KOMBO_DESKTOP_POLICY"

# The regions an administrator can name; the same words as the settings' Region values.
REGIONS = ("EU", "US", "CUSTOM")

# A policy file is a few hundred bytes; anything huge is a mistake we refuse to parse.
_MAX_POLICY_BYTES = 256 * 1024

# What the person reads (``Policy.notice``). The file's path and entries are in the details
# beside it ("Copy details", named here as it reads), for the IT team that can mend them.
_SEND_DETAILS = "Press “Copy details” and send them to your IT team."
MISTAKES_NOTICE = (
    "Your IT team's settings for Kombo Desktop contain mistakes, so some of them were not "
    f"used. {_SEND_DETAILS}"
)
UNUSABLE_NOTICE = (
    f"Your IT team's settings for Kombo Desktop could not be read, so none of them are used. "
    f"{_SEND_DETAILS}"
)
MISSING_NOTICE = (
    f"The settings file named in {POLICY_ENV} was not found, so none of its settings are used. "
    f"{_SEND_DETAILS}"
)

# Records one ignored part of the file as a plain sentence.
_Skip = Callable[[str], None]
_Choice = TypeVar("_Choice", bound=StrEnum)


class PolicyProfile(NamedTuple):
    """A connection profile prepared by the administrator (never holds a key)."""

    name: str
    region: str = "EU"  # one of REGIONS
    custom_base: str | None = None  # only with region "CUSTOM"

    def as_profile(self) -> Profile:
        """This profile as the settings hold it."""
        return Profile(name=self.name, region=Region(self.region), custom_base=self.custom_base)


class Policy(NamedTuple):
    """What the administrator decided; the defaults mean "nothing decided".

    A named tuple rather than a frozen dataclass, which compiles its methods as this module
    loads, before the window's first frame (see benchmarks/README.md, "tenth look")."""

    profiles: tuple[PolicyProfile, ...] = ()
    default_profile: str | None = None
    hide_demo: bool = False
    fixed_api_base: str | None = None
    default_language: Language | None = None
    default_link_type: LinkType | None = None
    source: Path | None = None  # the file that was read, None when there is none
    problems: tuple[str, ...] = ()  # for the details: what was wrong, and where
    # The file could not be read at all (unreadable, too large, not a JSON object): nothing in
    # it applies, rather than some entries.
    unreadable: bool = False

    @property
    def notice(self) -> str | None:
        """The sentence for the status line when the file could not be used in full (the
        ``problems`` go in the details beside it); None when all of it applies."""
        if not self.problems:
            return None
        if self.source is None:
            return MISSING_NOTICE
        return UNUSABLE_NOTICE if self.unreadable else MISTAKES_NOTICE

    @property
    def problem_details(self) -> str:
        """The ``problems``, one a line, for the details the person copies for the IT team."""
        return "\n".join(self.problems)

    @property
    def api_base_locked(self) -> bool:
        """True when users may not choose the API base themselves."""
        return self.fixed_api_base is not None

    def profile(self, name: str) -> PolicyProfile | None:
        """The administrator's profile of that name, if there is one."""
        return next((p for p in self.profiles if p.name == name), None)

    @property
    def managed_profiles(self) -> tuple[Profile, ...]:
        """The administrator's profiles as the settings hold them (for ``SettingsStore``)."""
        return tuple(p.as_profile() for p in self.profiles)


def policy_locations(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where a policy file is looked for, in order; the first one that exists is used."""
    env = os.environ if environ is None else environ
    override = env.get(POLICY_ENV, "").strip()
    if override:
        return [Path(override)]
    return [folder / POLICY_FILE_NAME for folder in _system_config_folders(env)]


def _system_config_folders(env: Mapping[str, str]) -> list[Path]:
    """The platform's system-wide configuration folders for this program.

    Written out here instead of asking platformdirs because the answer must not depend on the
    user's environment in surprising ways, and Linux desktops often set ``XDG_CONFIG_DIRS`` to a
    vendor folder first: every listed folder is searched and ``/etc/xdg`` always is.
    """
    if sys.platform == "win32":
        program_data = env.get("PROGRAMDATA") or env.get("ALLUSERSPROFILE") or r"C:\ProgramData"
        return [Path(program_data) / APP_NAME]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support") / APP_NAME]
    folders = [Path(p) for p in env.get("XDG_CONFIG_DIRS", "").split(os.pathsep) if p.strip()]
    if Path("/etc/xdg") not in folders:
        folders.append(Path("/etc/xdg"))
    return [folder / APP_NAME for folder in folders]


def load_policy(environ: Mapping[str, str] | None = None) -> Policy:
    """Read the administrator's policy file; an empty policy when there is none. Never raises."""
    env = os.environ if environ is None else environ
    for location in policy_locations(env):
        try:
            if not location.is_file():
                continue
        except OSError:
            continue
        return _read_policy_file(location)
    if env.get(POLICY_ENV, "").strip():
        # Someone named a file on purpose; silently ignoring a typo would hide the mistake.
        missing = policy_locations(env)[0]
        return Policy(
            problems=(f"The settings file {missing} named in {POLICY_ENV} was not found.",)
        )
    return Policy()


def _read_policy_file(path: Path) -> Policy:
    def unusable(reason: str) -> Policy:
        problem = f"The administrator's settings file {path} could not be used: {reason}."
        return Policy(source=path, problems=(problem,), unreadable=True)

    try:
        raw = path.read_bytes()
    except OSError as error:
        return unusable(error.strerror or type(error).__name__)
    if len(raw) > _MAX_POLICY_BYTES:
        return unusable("it is far too large")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        return unusable(f"it is not valid JSON{where}")
    if not isinstance(data, dict):
        return unusable("it must hold one JSON object {...}")
    return _parse(data, path)


def _parse(data: dict[str, object], path: Path) -> Policy:
    problems: list[str] = []

    def skip(what: str) -> None:
        problems.append(f"The administrator's settings file {path}: {what} It was ignored.")

    profiles = _parse_profiles(data.get("profiles", []), skip)

    default_profile = _optional_text(data.get("default_profile"), "default_profile", skip)
    # A default may name one of the user's own profiles, so it is not checked against the list;
    # it must be a name all the same, which the window shows and makes a profile of.
    if default_profile is not None:
        try:
            default_profile = validate_profile_name(default_profile)
        except ValueError as error:
            skip(f'"default_profile" cannot be used. {error}')
            default_profile = None

    hide_demo = data.get("hide_demo", False)
    if not isinstance(hide_demo, bool):
        skip('"hide_demo" must be true or false.')
        hide_demo = False

    fixed_api_base = _optional_text(data.get("fixed_api_base"), "fixed_api_base", skip)
    if fixed_api_base is not None and not _is_https_url(fixed_api_base):
        skip(f'"fixed_api_base" must be an https:// address, not "{fixed_api_base}".')
        fixed_api_base = None
    elif fixed_api_base is not None:
        fixed_api_base = _usable_api_base('"fixed_api_base"', fixed_api_base, skip)

    # Language codes are lower case and link types upper case; either is accepted in any case.
    language = _optional_choice(data, "default_language", Language, str.lower, skip)
    link_type = _optional_choice(data, "default_link_type", LinkType, str.upper, skip)

    return Policy(
        profiles=profiles,
        default_profile=default_profile,
        hide_demo=hide_demo,
        fixed_api_base=fixed_api_base,
        default_language=language,
        default_link_type=link_type,
        source=path,
        problems=tuple(problems),
    )


def _parse_profiles(value: object, skip: _Skip) -> tuple[PolicyProfile, ...]:
    if not isinstance(value, list):
        skip('"profiles" must be a list of profiles [...].')
        return ()
    profiles: list[PolicyProfile] = []
    for number, entry in enumerate(value, start=1):
        label = f"profile number {number}"
        if not isinstance(entry, dict):
            skip(f'{label} must be an object like {{"name": "default", "region": "EU"}}.')
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            skip(f"{label} has no name.")
            continue
        try:
            # The window makes a settings Profile of it, which would refuse the name at start-up.
            name = validate_profile_name(name)
        except ValueError as error:
            skip(f"{label} has a name that cannot be used. {error}")
            continue
        if any(p.name == name for p in profiles):
            skip(f'profile "{name}" is listed twice; the first one counts.')
            continue
        region = entry.get("region", "EU")
        if not isinstance(region, str) or region.strip().upper() not in REGIONS:
            skip(f'profile "{name}" has region "{region}"; use one of {", ".join(REGIONS)}.')
            continue
        region = region.strip().upper()
        custom_base = entry.get("custom_base")
        if region == "CUSTOM":
            if not isinstance(custom_base, str) or not _is_https_url(custom_base.strip()):
                skip(f'profile "{name}" needs an https:// "custom_base" for region CUSTOM.')
                continue
            custom_base = _usable_api_base(f'profile "{name}": "custom_base"', custom_base, skip)
            if custom_base is None:
                continue
        elif custom_base is not None:
            skip(f'profile "{name}": "custom_base" only applies to region CUSTOM.')
            custom_base = None
        profiles.append(PolicyProfile(name=name, region=region, custom_base=custom_base))
    return tuple(profiles)


def _optional_text(value: object, key: str, skip: _Skip) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        skip(f'"{key}" must be text in quotes.')
        return None
    return value.strip() or None


def _optional_choice(
    data: dict[str, object],
    key: str,
    choices: type[_Choice],
    spelling: Callable[[str], str],
    skip: _Skip,
) -> _Choice | None:
    """The member of ``choices`` that ``data[key]`` names (``spelling`` applied); None if absent.

    An unknown name is reported through ``skip`` and ignored like any other bad entry, so the
    rest of the file still applies.
    """
    text = _optional_text(data.get(key), key, skip)
    if text is None:
        return None
    try:
        return choices(spelling(text))
    except ValueError:
        listed = ", ".join(item.value for item in choices)
        skip(f'"{key}" must be one of {listed}, not "{text}".')
        return None


def _usable_api_base(what: str, text: str, skip: _Skip) -> str | None:
    """``text`` in the form the settings and the client use, or None (reported) when they would
    refuse it (a user name, a ``?`` or ``#``): at start-up that refusal would stop the program."""
    try:
        return normalize_api_base(text)
    except ValueError as error:
        skip(f"{what} cannot be used. {error}")
        return None


def _is_https_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and " " not in text
