"""Connection profiles and the window's remembered choices, kept in one small JSON file.

A profile is a name, a Kombo region (or a custom API address) and, once the key was checked, the
id of the Kombo environment the key belongs to. The key itself is never here: it lives in the
credential store under the profile's name (see ``credentials``), and this file has no field that
could hold it.

The file is replaced atomically (written to a temporary file, then renamed over the old one), so
a crash or a full disk mid-save leaves the previous settings intact. A file that cannot be read
or makes no sense is set aside as ``settings.json.corrupt-<time>`` and the program starts with
defaults, saying so in ``SettingsStore.load_problem``: settings are never a reason not to start.
A file a newer version wrote keeps, through every save here, what this version does not know
(see ``FileAsRead``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from kombo_desktop.core.api_address import normalize_api_base
from kombo_desktop.core.files import atomic_write
from kombo_desktop.core.paths import AppPaths, ensure_private_dir
from kombo_desktop.core.vocabulary import (
    DEFAULT_CATEGORY,
    DEFAULT_LANGUAGE,
    DEFAULT_LINK_TYPE,
    Category,
    Language,
    LinkType,
)

SETTINGS_VERSION = 1
DEFAULT_PROFILE_NAME = "default"
MAX_PROFILE_NAME_LENGTH = 64
# Real settings are a few hundred bytes; a huge file is damage, not settings.
_MAX_SETTINGS_BYTES = 1_000_000
_MAX_FOLDER_LENGTH = 4096  # longer than any path a file system accepts

_log = logging.getLogger(__name__)
_E = TypeVar("_E", bound=StrEnum)


class Region(StrEnum):
    """Which Kombo deployment a profile talks to. A key works only in its own region."""

    EU = "EU"
    US = "US"
    CUSTOM = "CUSTOM"


REGION_BASES: dict[Region, str] = {
    Region.EU: "https://api.kombo.dev/v1",
    Region.US: "https://api.us.kombo.dev/v1",
}

# Kombo's regions as sentences name them ("… the profile “default” (Europe)").
REGION_PLACES: dict[Region, str] = {
    Region.EU: "Europe",
    Region.US: "United States",
}

# The region list in Settings: the place, with the address it stands for.
REGION_NAMES: dict[Region, str] = {
    Region.EU: f"{REGION_PLACES[Region.EU]} (api.kombo.dev)",
    Region.US: f"{REGION_PLACES[Region.US]} (api.us.kombo.dev)",
    Region.CUSTOM: "Other address",
}


class QrFileType(StrEnum):
    """The two kinds of file a QR code can be saved as (the file name's extension)."""

    PNG = "png"
    SVG = "svg"


KEY_AS_PROFILE_NAME = (
    "This looks like an API key, and a profile's name is shown on screen. Paste the key into "
    "the “API key” field instead, and give the profile a name like “US team”. If it is a "
    "name, write it with spaces, like “Acme Production 2025”."
)


def validate_typed_profile_name(name: str) -> str:
    """A name typed for a profile in Settings, without surrounding spaces; raises
    ``ValueError`` with a plain message.

    Besides what every name must be (``validate_profile_name``), it must not be an API key:
    "Add profile" leaves the name field selected, and a key pasted there became a name shown
    in the window's header (shared screens too), written to settings.json and used as the
    credential store's user name. The message never repeats the text, and says how to write
    a name the rule takes for a key (with spaces). Only names typed here are judged so: a
    name given with ``--profile`` or in the administrator's file is not one pasted by
    mistake, and refusing it would stop the program or drop the administrator's profile.
    """
    from kombo_desktop.core.safe_text import looks_like_api_key, unsafe_to_show  # Settings only

    cleaned = validate_profile_name(name)
    if unsafe_to_show(cleaned, None) or looks_like_api_key(cleaned):
        raise ValueError(KEY_AS_PROFILE_NAME)
    return cleaned


def validate_profile_name(name: str) -> str:
    """A profile's name (saved, given with ``--profile`` or in the administrator's file)
    without surrounding spaces; raises ``ValueError`` with a plain message.

    The name is also the user name in the credential store, so it has to be short and free of
    control characters that some stores cannot hold. Whether it looks like a key is judged
    only for names typed in Settings (``validate_typed_profile_name``): a saved one is still
    loaded, as refusing it would set the whole file, every other profile with it, aside.
    """
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("Give the profile a name, for example “default” or “US team”.")
    if len(cleaned) > MAX_PROFILE_NAME_LENGTH:
        raise ValueError(
            f"The profile name is too long ({len(cleaned)} characters). Use at most "
            f"{MAX_PROFILE_NAME_LENGTH}."
        )
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in cleaned):
        raise ValueError(
            "The profile name contains a line break or another invisible character. Type the "
            "name again using letters, digits and spaces."
        )
    return cleaned


@dataclass(frozen=True)
class Profile:
    """One Kombo connection. Validated on creation: a Profile that exists is usable, except
    for an other address read from the settings file that this version refuses
    (``refused_base``), which says so in ``address_problem``."""

    name: str
    region: Region = Region.EU
    custom_base: str | None = None  # kept when switching regions, used only with CUSTOM
    environment_id: str | None = None  # from GET /check-api-key, shown to tell keys apart
    # What a newer version wrote for this profile that this one does not know (a proxy, say),
    # written back with it, renamed or moved to another region here or not (see FileAsRead).
    other_details: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The other address as the settings file holds it, when this version refuses it (one an
    # earlier version accepted, like ``https://xn--zz.example/v1``, or one edited by hand):
    # kept and written back as it is, so the person's choice is not lost, until an address
    # that can be used takes its place. Nothing is ever sent to it, nor anywhere else in its
    # stead: the profile's key was saved for that address (see ``address_problem``).
    refused_base: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", validate_profile_name(self.name))
        object.__setattr__(self, "region", Region(self.region))
        if self.custom_base is None and self.refused_base is not None:
            with contextlib.suppress(ValueError):  # usable after all: it is the address
                object.__setattr__(self, "custom_base", normalize_api_base(self.refused_base))
        if self.custom_base is not None:
            object.__setattr__(self, "custom_base", normalize_api_base(self.custom_base))
            object.__setattr__(self, "refused_base", None)  # replaced by a usable one
        elif self.region is Region.CUSTOM and self.refused_base is None:
            raise ValueError(
                "Enter the API address for this profile, or choose Europe or United States."
            )
        if self.environment_id is not None and not self.environment_id.strip():
            object.__setattr__(self, "environment_id", None)

    @property
    def api_base(self) -> str:
        """The address requests for this profile go to. For a refused address
        (``address_problem``) it is that address as written, which no client accepts
        (``KomboClient`` checks it again), rather than one of Kombo's regions."""
        if self.region is Region.CUSTOM:
            address = self.custom_base if self.custom_base is not None else self.refused_base
            assert address is not None  # guaranteed by __post_init__
            return address
        return REGION_BASES[self.region]

    @property
    def address_refusal(self) -> str | None:
        """Why this profile's own address cannot be used (the rule's plain sentence, as
        Settings says it beside the address), while its links would go there; else None."""
        if self.region is not Region.CUSTOM or self.custom_base is not None:
            return None
        assert self.refused_base is not None  # guaranteed by __post_init__
        try:
            normalize_api_base(self.refused_base)
        except ValueError as error:
            return str(error)
        return None  # not reached: a usable address is ``custom_base``

    @property
    def address_problem(self) -> str | None:
        """The sentence saying that no links are made with this profile until its address is
        corrected, and how (see ``refused_address_text``); None when its address is usable."""
        refusal = self.address_refusal
        return None if refusal is None else refused_address_text(self.name, refusal)


def refused_address_text(name: str, refusal: str) -> str:
    """What is said when links would go with the profile ``name`` to an address this version
    refuses (``refusal`` says why, in the rule's words). Its key is not sent there, nor to
    one of Kombo's regions in its place: it was saved for the address the person chose, and
    links made elsewhere would land in another account. The way forward is named."""
    return (
        f"The API address saved for the profile “{name}” can no longer be used, so no links "
        f"are made with it and its key is not sent anywhere. {refusal} Open Settings and "
        f"correct the address of the profile “{name}”."
    )


def name_taken_message(name: str) -> str:
    """Why a profile name cannot be used: ``name`` (its saved spelling) is taken."""
    return f"A profile called “{name}” already exists. Choose another name."


def address_not_from_region(
    profile: Profile, *, fixed_api_base: str | None, api_base_override: str | None
) -> str | None:
    """Where ``profile``'s links go when its region does not decide it: the administrator's
    fixed address, else ``--api-base`` / ``KOMBO_API_BASE``, else the profile's own other
    address; None when the region does. The window's header and Settings both name this
    address, and a refused key there is not a matter of choosing the other region (even if
    the address happens to be one of Kombo's: the region in Settings would change nothing)."""
    if fixed_api_base is not None:
        return fixed_api_base
    if api_base_override is not None:
        return api_base_override
    return profile.api_base if profile.region is Region.CUSTOM else None


def _default_profiles() -> list[Profile]:
    return [Profile(DEFAULT_PROFILE_NAME)]


class FileAsRead(NamedTuple):
    """The settings file as it was read, for what this version does not know.

    A newer version (which an administrator rolled back from, say) writes settings, details of
    profiles and values this one cannot read. A save writes what this version knows over the
    file as it was read, so that version finds its settings again: everything else stays as
    it was, ``version`` is never lowered, and a value this version could not read (a
    language it does not offer) is written back as it was unless it was changed here. The
    newer version's profiles with a region this one does not know are ``newer_profiles``.
    """

    content: Mapping[str, Any]
    """The file's JSON object."""
    preferences: Mapping[str, Any]
    """The preferences as this version read them, as it writes them: one unchanged since is
    written back as the file had it."""
    active_profile: str
    """The profile this version took for the one in use."""


@dataclass
class Settings:
    """Everything the program remembers between runs, except keys and history."""

    profiles: list[Profile] = field(default_factory=_default_profiles)
    active_profile: str = DEFAULT_PROFILE_NAME
    # The form's last choices, so a person making many links does not pick them every time.
    language: Language = DEFAULT_LANGUAGE
    link_type: LinkType = DEFAULT_LINK_TYPE
    category: Category = DEFAULT_CATEGORY
    # Where QR codes and history exports were last saved, so the save dialogs open there again,
    # and whether the last QR code was saved as a PNG picture or an SVG drawing.
    qr_folder: str | None = None
    export_folder: str | None = None
    qr_file_type: QrFileType = QrFileType.PNG
    # Profiles a newer version wrote with a region this one does not know, as they were in
    # the file: not offered here, written back unchanged, so going back to that version (an
    # administrator rolling a release back and forth) finds them again.
    newer_profiles: list[dict[str, Any]] = field(default_factory=list)
    # When Kombo last refused the key kept in the password store for a profile (by profile
    # name, the time in UTC as ISO 8601 text): a refusal said only in the window was
    # forgotten at the next start, which said a key was stored and failed the first link
    # again. Only the time is kept, never the key nor anything taken from it (a fingerprint
    # too would tell something about a secret): "that profile's key was refused then". See
    # ``key_refused_at``.
    refused_keys: dict[str, str] = field(default_factory=dict)
    # The file these settings were read from (None: not read from one), see FileAsRead.
    file_as_read: FileAsRead | None = field(default=None, compare=False, repr=False)

    def profile(self, name: str) -> Profile | None:
        """The profile called ``name``, if any."""
        return next((p for p in self.profiles if p.name == name), None)

    def spelling_of(self, name: str, *, besides: str | None = None) -> str | None:
        """The saved name of the profile called ``name`` in any letter case, leaving out the
        one called ``besides`` (a profile being renamed); None if there is none. Names that
        differ only in letter case are one profile: the Windows credential store keeps their
        keys as one."""
        folded = name.casefold()
        return next(
            (p.name for p in self.profiles if p.name != besides and p.name.casefold() == folded),
            None,
        )

    @property
    def active(self) -> Profile:
        """The profile in use; the first one when the remembered name no longer exists."""
        found = self.profile(self.active_profile)
        if found is not None:
            return found
        if not self.profiles:
            self.profiles = _default_profiles()
        return self.profiles[0]

    def put_profile(self, profile: Profile) -> None:
        """Add ``profile``, or replace the one with exactly the same name.

        Names that differ only in upper/lower case are refused: the Windows credential store
        does not tell them apart, so two such profiles would share one key.
        """
        for index, existing in enumerate(self.profiles):
            if existing.name == profile.name:
                self.profiles[index] = profile
                return
        taken = self.spelling_of(profile.name)
        if taken is not None:
            raise ValueError(name_taken_message(taken))
        self.profiles.append(profile)

    def remove_profile(self, name: str) -> None:
        """Remove a profile (its key is the credential store's business). One always remains."""
        remaining = [p for p in self.profiles if p.name != name]
        if len(remaining) == len(self.profiles):
            return
        if not remaining:
            raise ValueError("The last profile cannot be removed. Change it instead.")
        self.profiles = remaining
        self.refused_keys.pop(name, None)  # its key goes with it, and a new one may come
        if self.active_profile == name:
            self.active_profile = remaining[0].name

    # -- a stored key Kombo refused --------------------------------------------------------------

    def key_refused_at(self, name: str) -> datetime | None:
        """When Kombo last refused the key stored for profile ``name``, if it has not been
        replaced or accepted since (see ``refused_keys``); None otherwise."""
        found = self.refused_keys.get(name)
        return None if found is None else _refusal_time(found)

    def remember_key_refused(self, name: str, when: datetime) -> None:
        """Kombo refused the key stored for profile ``name`` at ``when`` (a time zone given)."""
        self.refused_keys[name] = when.astimezone(UTC).isoformat(timespec="seconds")

    def forget_key_refused(self, name: str) -> None:
        """Profile ``name`` has another key, or Kombo accepted the stored one: no refusal."""
        self.refused_keys.pop(name, None)

    def move_key_refused(self, old: str, new: str) -> None:
        """A profile was renamed: its key, and what is known of it, go with the name."""
        found = self.refused_keys.pop(old, None)
        if found is not None and old != new:
            self.refused_keys[new] = found


def refused_addresses_text(profiles: Sequence[Profile], *, in_settings: bool = False) -> str | None:
    """What is said of the ``profiles`` whose address must be corrected (see
    ``Profile.address_problem``): at start, with the way to Settings; ``in_settings``, with
    the way to the address there. None when there are none. The addresses themselves are not
    repeated: what the file holds may be anything, and the screen may be shared; Settings
    shows each beside the sentence saying why it is refused."""
    problems = [(p.name, p.address_problem) for p in profiles if p.address_problem is not None]
    if not problems:
        return None
    if in_settings:
        if len(problems) == 1:
            return (
                f"The API address saved for the profile “{problems[0][0]}” can no longer be "
                "used, so no links are made with it. Select it in the list and correct its "
                "address, then press Enter."
            )
        return (
            f"The API addresses saved for the profiles {_listed(problems)} can no longer be "
            "used, so no links are made with them. Select each in the list and correct its "
            "address, then press Enter."
        )
    if len(problems) == 1:
        return f"{problems[0][1]} Your other settings were kept."
    return (
        f"The API addresses saved for the profiles {_listed(problems)} can no longer be used, "
        "so no links are made with them and their keys are not sent anywhere. Open Settings "
        "and correct their addresses. Your other settings were kept."
    )


def _listed(named: Sequence[tuple[str, object]]) -> str:
    """The names of ``named`` in a sentence: “a”, “b” and “c”."""
    quoted = [f"“{name}”" for name, _ in named]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _with_managed_profiles(settings: Settings, managed: Sequence[Profile]) -> Settings:
    """``settings`` with each of ``managed`` in the place of the person's profile of exactly the
    same name, else added at the end. A replaced profile keeps its environment id when it
    connects to the same address, since that id belongs to the key, which stays the person's;
    so do the details a newer version wrote for it (``other_details``), kept for going back to
    that version, which would otherwise be gone at the next save.
    A profile whose name differs only in letter case stays the person's own: its key is kept
    under its own spelling (on Windows, whose store ignores case, the two share one key).
    """
    for profile in managed:
        own = settings.profile(profile.name)
        if own is None:
            settings.profiles.append(profile)
            continue
        if own.api_base == profile.api_base:
            profile = replace(
                profile, environment_id=own.environment_id, other_details=own.other_details
            )
        settings.profiles[settings.profiles.index(own)] = profile
    return settings


class SettingsFileError(ValueError):
    """The settings file exists but does not hold settings this program understands."""


# The way forward where the settings file could not be read at start: nothing is written
# before a restart. Said at the end of ``SETTINGS_NOT_READ_TEXT``, and where a change is
# said in other words (Settings, with a key saved for a profile it could not take into use).
RESTART_TEXT = "Restart the program, then try again."
# Said alone, and after what was not done ("No profile was added: the settings were not
# saved, as …"): with a colon of its own, that sentence had two.
SETTINGS_NOT_READ_TEXT = (
    "The settings were not saved, as the saved settings file could not be read when the "
    f"program started and saving now would replace it. {RESTART_TEXT}"
)


class SettingsNotReadError(OSError):
    """Saving was refused: it would replace a settings file this run could not read."""


class SettingsStore:
    """Reads and writes ``settings.json`` in the configuration folder."""

    def __init__(
        self,
        paths: AppPaths,
        *,
        managed: Sequence[Profile] = (),
        first_profile: str | None = None,
        first_language: Language | None = None,
        first_link_type: LinkType | None = None,
    ) -> None:
        """``managed`` are the administrator's profiles (see ``core.policy``): every load
        offers them, in place of the person's own of the same name, so neither the settings
        dialog nor an edited file can undo them. The ``first_...`` values are the
        administrator's defaults: the profile in use and the form's choices until the person
        makes their own. A fresh installation starts with them, and its first save (a key's
        environment, a QR code's folder) writes them, or the next start would forget them.
        """
        self._paths = paths
        self._managed = tuple(managed)
        self._first_profile = first_profile
        self._first_language = first_language
        self._first_link_type = first_link_type
        self.load_problem: str | None = None
        # True while the file exists but the last attempt to read it failed (no permission,
        # locked by another program, disk trouble): it may well hold the person's profiles, so
        # it is neither moved aside nor written over until a later read succeeds.
        self._file_not_read = False
        # One save at a time, and none between the reading and the writing of an ``update``:
        # the folder of a saved QR code is remembered from a worker thread while the window
        # changes the settings too (a profile added in Settings, the form's choices kept after
        # a link). Each change is an ``update``, so neither undoes the other.
        self._saving = threading.Lock()

    @property
    def path(self) -> Path:
        return self._paths.settings_file

    @property
    def managed_names(self) -> frozenset[str]:
        """The names of the administrator's profiles: only their keys are the person's."""
        return frozenset(profile.name for profile in self._managed)

    def load(self) -> Settings:
        """The saved settings, with the administrator's profiles; defaults when there are none
        or they cannot be used.

        Never raises. A damaged file is moved aside; a file that cannot be read just now is
        left as it is (see ``save``). ``load_problem`` says what happened. A profile whose
        address this version refuses is loaded all the same, marked (``refused_base``; see
        ``refused_addresses_text`` for what is said of it).
        """
        settings = _with_managed_profiles(self._read(), self._managed)
        if not self.path.exists():  # a fresh installation: the administrator's defaults
            first = self._first_profile
            if first is not None:
                if settings.profile(first) is None:  # a name only, its key provisioned
                    settings.profiles.append(Profile(first))
                settings.active_profile = first
            settings.language = self._first_language or settings.language
            settings.link_type = self._first_link_type or settings.link_type
        return settings

    def _read(self) -> Settings:
        self.load_problem = None
        self._file_not_read = False
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Settings()
        except OSError as error:
            _log.warning("Settings file %s could not be read: %s", self.path, error)
            self._file_not_read = True
            self.load_problem = (
                "Your saved settings could not be read just now, so the program started with "
                f"the usual settings. The file {self.path} was left as it is; restart the "
                "program to use it again."
            )
            return Settings()
        try:
            if len(raw) > _MAX_SETTINGS_BYTES:
                raise SettingsFileError("far too large")
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise SettingsFileError(f"not JSON: {error}") from None
            except RecursionError:  # thousands of nested brackets: not a file this program wrote
                raise SettingsFileError("not JSON: nested too deeply") from None
            settings = self._without_retired(settings_from_json(data), data)
        except SettingsFileError as error:
            _log.warning("Settings file %s is not usable: %s", self.path, error)
            return self._start_over()
        if settings.newer_profiles:
            names = ", ".join(f"“{p['name']}”" for p in settings.newer_profiles)
            self.load_problem = (
                f"A newer version of Kombo Desktop made the profile {names} with a region this "
                "version does not know. It is not offered here and is kept for that version."
            )
        return settings

    def _without_retired(self, settings: Settings, data: object) -> Settings:
        """``settings`` without the profiles the file marks as the administrator's that the
        administrator no longer offers: retired with the policy, they must not live on as the
        person's own (a decommissioned proxy still in use)."""
        raw = data.get("profiles") if isinstance(data, dict) else None
        marked = {
            entry.get("name")
            for entry in (raw if isinstance(raw, list) else [])
            if isinstance(entry, dict) and entry.get("managed") is True
        }
        retired = marked - self.managed_names
        if retired:
            kept = [p for p in settings.profiles if p.name not in retired]
            settings.profiles = kept or _default_profiles()
        return settings

    def save(self, settings: Settings) -> None:
        """Write the settings atomically. Raises ``OSError`` when the folder is not writable,
        and ``SettingsNotReadError`` rather than replace a file that could not be read."""
        with self._saving:
            self._write(settings)

    def update(self, change: Callable[[Settings], None]) -> Settings:
        """Load the settings, ``change`` them and save them, with no other save in between;
        returns them as saved. Raises as :meth:`save` does, and whatever ``change`` raises
        (then nothing is written). Every change of settings already saved goes through here,
        on the UI thread or a worker: settings loaded first and saved later would undo a save
        made in between (see ``_saving``)."""
        with self._saving:
            settings = self.load()
            change(settings)
            self._write(settings)
        return settings

    def _write(self, settings: Settings) -> None:
        if self._file_not_read and self.path.exists():
            raise SettingsNotReadError(SETTINGS_NOT_READ_TEXT)
        ensure_private_dir(self._paths.config_dir)
        content = settings_to_json(settings, managed=self.managed_names)
        text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        atomic_write(self.path, text.encode("utf-8"))

    def _start_over(self) -> Settings:
        kept = self._set_aside()
        if kept is not None:
            self.load_problem = (
                "Your saved settings could not be read, so the program started with the usual "
                f"settings. The old file was kept as {kept.name} in {kept.parent}."
            )
        else:
            self.load_problem = (
                "Your saved settings could not be read, so the program started with the usual "
                "settings."
            )
        return Settings()

    def _set_aside(self) -> Path | None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        base = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        target = base
        number = 1
        while target.exists():
            target = base.with_name(f"{base.name}-{number}")
            number += 1
        try:
            os.replace(self.path, target)
        except OSError as error:
            _log.warning("Could not move the unusable settings file aside: %s", error)
            return None
        return target


def settings_to_json(settings: Settings, managed: Collection[str] = ()) -> dict[str, Any]:
    """The file's content. Lists each field explicitly so nothing unintended is ever written.
    The administrator's profiles (``managed``) are marked, so that one the administrator
    retires is dropped at the next load instead of living on as the person's own.

    Written over the file as it was read (``Settings.file_as_read``): what a newer version
    wrote that this one does not know stays, see :class:`FileAsRead`."""
    as_read = settings.file_as_read
    content: Mapping[str, Any] = {} if as_read is None else as_read.content
    # Written only while a refusal is remembered: the file's own goes with the last one.
    content = {key: value for key, value in content.items() if key != _REFUSED_KEYS}
    refused = {name: when for name, when in settings.refused_keys.items() if _refusal_time(when)}
    newer_profiles = _newer_profiles_kept(settings)
    return {
        **content,
        "version": _version_to_write(content.get("version")),
        "active_profile": _active_to_write(settings, newer_profiles),
        "profiles": [
            *(
                {
                    "name": p.name,
                    "region": p.region.value,
                    # A refused address stays as the file had it until it is corrected.
                    "custom_base": p.custom_base if p.custom_base is not None else p.refused_base,
                    "environment_id": p.environment_id,
                    **({"managed": True} if p.name in managed else {}),
                    **p.other_details,
                }
                for p in settings.profiles
            ),
            *newer_profiles,
        ],
        "preferences": _preferences_to_write(settings),
        **({_REFUSED_KEYS: refused} if refused else {}),
    }


def _preferences_json(settings: Settings) -> dict[str, Any]:
    """The form's remembered choices and the save dialogs' places, as the file holds them."""
    return {
        "language": settings.language.value,
        "link_type": settings.link_type.value,
        "category": settings.category.value,
        "qr_folder": settings.qr_folder,
        "export_folder": settings.export_folder,
        "qr_file_type": settings.qr_file_type.value,
    }


def _preferences_to_write(settings: Settings) -> dict[str, Any]:
    """The preferences over those of the file as it was read: one not changed since is
    written as the file had it (a newer version's language stays that version's choice)."""
    preferences = _preferences_json(settings)
    as_read = settings.file_as_read
    found = None if as_read is None else as_read.content.get("preferences")
    if as_read is None or not isinstance(found, dict):
        return preferences
    unchanged = {
        key: found[key]
        for key, value in preferences.items()
        if key in found and as_read.preferences.get(key) == value
    }
    return {**found, **preferences, **unchanged}


def _version_to_write(found: object) -> int:
    """This version's file version, or the file's own when a newer version wrote a later one:
    lowered, the newer version would take its own file for an older one."""
    if isinstance(found, int) and not isinstance(found, bool) and found > SETTINGS_VERSION:
        return found
    return SETTINGS_VERSION


def _active_to_write(settings: Settings, newer_profiles: list[dict[str, Any]]) -> str:
    """The profile in use, or the newer version's profile the file had in use when this
    version could not use it (a region it does not know) and no other was chosen here."""
    active = settings.active.name
    as_read = settings.file_as_read
    found = None if as_read is None else as_read.content.get("active_profile")
    if (
        as_read is not None
        and isinstance(found, str)
        and any(p.get("name") == found for p in newer_profiles)
        and as_read.active_profile == active
    ):
        return found
    return active


# Where the file keeps when Kombo last refused a profile's stored key (``Settings.refused_keys``).
_REFUSED_KEYS = "refused_keys"

# What this version writes for a profile; the file's other keys are its ``other_details``.
_PROFILE_KEYS = frozenset({"name", "region", "custom_base", "environment_id", "managed"})


def free_profile_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or "``base`` 2", "``base`` 3"... : the first that none of ``taken`` is, in
    any letter case (two such names would share one key in the Windows credential store)."""
    used = {name.casefold() for name in taken}
    name, number = base, 2
    while name.casefold() in used:
        name, number = f"{base} {number}", number + 1
    return name


def _newer_profiles_kept(settings: Settings) -> list[dict[str, Any]]:
    """The newer version's profiles, except one whose name a profile here took meanwhile."""
    taken = {p.name.casefold() for p in settings.profiles}
    return [p for p in settings.newer_profiles if str(p["name"]).casefold() not in taken]


def settings_from_json(data: object) -> Settings:
    """Settings from the file's content; raises ``SettingsFileError`` when it makes no sense.

    Unknown keys are ignored and unknown preference values fall back to the defaults, so a file
    written by a newer version still opens; they are written back at the next save (see
    :class:`FileAsRead`). Profiles must be valid: dropping one silently would
    lose the user's set-up, so a bad profile sets the whole file aside instead.
    """
    if not isinstance(data, dict):
        raise SettingsFileError("the file does not hold a JSON object")
    raw_profiles = data.get("profiles")
    if not isinstance(raw_profiles, list) or not raw_profiles:
        raise SettingsFileError("no list of profiles")
    settings = Settings(profiles=[])
    for entry in raw_profiles:
        try:
            profile = _profile_from_json(entry)
        except _NewerRegionError:
            assert isinstance(entry, dict)
            settings.newer_profiles.append(dict(entry))
            continue
        if settings.profile(profile.name) is not None:
            raise SettingsFileError(f"profile {profile.name!r} is listed twice")
        try:
            settings.put_profile(profile)
        except ValueError as error:
            raise SettingsFileError(str(error)) from None
    if not settings.profiles:  # only the newer version's: a usual one beside them
        # Not "default" if a newer version's profile has that name: its key is stored under
        # it, for its region, and writing both would leave the file with a name twice.
        newer_names = [str(p.get("name", "")) for p in settings.newer_profiles]
        settings.profiles = [Profile(free_profile_name(DEFAULT_PROFILE_NAME, newer_names))]
    active = data.get("active_profile")
    settings.active_profile = active if isinstance(active, str) else settings.profiles[0].name
    settings.active_profile = settings.active.name
    preferences = data.get("preferences")
    if isinstance(preferences, dict):
        settings.language = _enum_or(Language, preferences.get("language"), DEFAULT_LANGUAGE)
        settings.link_type = _enum_or(LinkType, preferences.get("link_type"), DEFAULT_LINK_TYPE)
        settings.category = _enum_or(Category, preferences.get("category"), DEFAULT_CATEGORY)
        settings.qr_folder = _folder_or_none(preferences.get("qr_folder"))
        settings.export_folder = _folder_or_none(preferences.get("export_folder"))
        settings.qr_file_type = _enum_or(
            QrFileType, preferences.get("qr_file_type"), QrFileType.PNG
        )
    settings.refused_keys = _refused_keys_from_json(data.get(_REFUSED_KEYS))
    settings.file_as_read = FileAsRead(data, _preferences_json(settings), settings.active.name)
    return settings


class _NewerRegionError(SettingsFileError):
    """A profile with a region this version does not know: a newer version's, kept as it is."""


def _profile_from_json(entry: object) -> Profile:
    if not isinstance(entry, dict):
        raise SettingsFileError("a profile is not a JSON object")
    name, region = entry.get("name"), entry.get("region", Region.EU.value)
    custom_base, environment_id = entry.get("custom_base"), entry.get("environment_id")
    if not isinstance(name, str) or not isinstance(region, str):
        raise SettingsFileError("a profile has no name or region")
    if not (custom_base is None or isinstance(custom_base, str)):
        raise SettingsFileError(f"profile {name!r} has a custom address that is not text")
    if not (environment_id is None or isinstance(environment_id, str)):
        raise SettingsFileError(f"profile {name!r} has an environment id that is not text")
    if region not in {r.value for r in Region}:
        try:
            usable = validate_profile_name(name) == name
        except ValueError:
            usable = False
        if not usable:
            raise SettingsFileError(f"profile {name!r} has an unusable name")
        raise _NewerRegionError(f"profile {name!r} has the region {region!r}")
    refused_base = None
    if custom_base is not None:
        try:
            normalize_api_base(custom_base)
        except ValueError:
            # Kept for the person to correct in Settings, not a reason to set every other
            # profile and preference aside with it (see ``Profile.refused_base``).
            custom_base, refused_base = None, custom_base
    try:
        return Profile(
            name=name,
            region=Region(region),
            custom_base=custom_base,
            environment_id=environment_id,
            other_details={key: value for key, value in entry.items() if key not in _PROFILE_KEYS},
            refused_base=refused_base,
        )
    except ValueError as error:
        raise SettingsFileError(f"profile {name!r}: {error}") from None


def _refusal_time(text: str) -> datetime | None:
    """The time a refusal was remembered at, from the file's text; None when it is not one
    (edited by hand, say): a refusal that cannot be read is not said."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _refused_keys_from_json(value: object) -> dict[str, str]:
    """The file's remembered refusals (see ``Settings.refused_keys``): only a profile's name
    with a time. Anything else is dropped, not trusted: this part of the file holds times and
    names, nothing more, whatever was written into it."""
    if not isinstance(value, dict):
        return {}
    kept: dict[str, str] = {}
    for name, when in value.items():
        if not isinstance(name, str) or not isinstance(when, str) or len(when) > 64:
            continue
        try:
            usable = validate_profile_name(name) == name
        except ValueError:
            usable = False
        if usable and _refusal_time(when) is not None:
            kept[name] = when
    return kept


def _folder_or_none(value: object) -> str | None:
    """A remembered folder as it can be offered again: a whole path (relative to nothing), in
    text without control characters; anything else is forgotten rather than trusted."""
    if not isinstance(value, str) or not value or len(value) > _MAX_FOLDER_LENGTH:
        return None
    if any(unicodedata.category(char) == "Cc" for char in value):
        return None
    return value if os.path.isabs(value) else None


def _enum_or(kind: type[_E], value: object, default: _E) -> _E:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return kind(value)
    return default
