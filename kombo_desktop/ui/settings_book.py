"""The profiles the settings dialog edits, kept in step with where their keys are stored.

A key is stored under its profile's name, so renaming or removing a profile moves or deletes
its key too; that pairing lives here, in one place, rather than in the widgets (which run the
key's part on a worker thread, see ``settings_key``). Every change to the settings is
written to disk at once, on a worker thread, after the window's other changes to the file
(``settings_writes``): the file is flushed to the disk before it replaces the old one, and
on a disk slow to confirm a write (0.3 s on some laptops, seconds for a home folder on a
network share) the dialog froze for every change. What follows a change (the list shown
again, the window told) waits for its write, and so does whatever the person does meanwhile
(:meth:`ProfileBook.when_saved`): it starts from the settings as saved, in the order it was
done. When a write fails the status line says so and the book goes back to what is on disk,
so the dialog never shows settings that were not saved.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import shiboken6

from kombo_desktop.core.credentials import CredentialStore, KeyLocation
from kombo_desktop.core.settings import (
    REGION_NAMES,
    RESTART_TEXT,
    Profile,
    Region,
    Settings,
    SettingsNotReadError,
    SettingsStore,
    address_not_from_region,
    free_profile_name,
    name_taken_message,
    validate_typed_profile_name,
)
from kombo_desktop.ui.connection import Target, profile_target
from kombo_desktop.ui.settings_writes import SettingsWrites

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from kombo_desktop.ui.tasks import TaskRunner

_log = logging.getLogger(__name__)

NEW_PROFILE_NAME = "New profile"
NOT_SAVED_TEXT = "The settings could not be saved."
# Keys the profile owns; one from KOMBO_API_KEY is the run's, not the profile's.
OWN_KEY = (KeyLocation.CREDENTIAL_STORE, KeyLocation.SESSION_ONLY)


@dataclasses.dataclass(frozen=True)
class NotSaved:
    """A change that could not be written, for whoever says so in its own words (see
    ``ProfileBook._change``), after its own account of what was not done.

    ``what_to_do``: the rest of the message, in a sentence or two. For a file that could not
    be written, the way forward ("Check that there is free disk space … then try again.",
    or :data:`RESTART_TEXT`); for a change the settings on disk refused (a name taken by
    another copy of the program meanwhile), the refusal as the book would say it, which
    says both why and what to do; empty for a mistake in the program (reported as one).
    ``to_put_right``: where trying again here helps once something is put right, what
    ("Check that there is free disk space and that you may write to …", no full stop);
    empty where it does not. ``restart_needed``: nothing is written before a restart (the
    settings file could not be read at start). ``refused``: the settings on disk refused the
    change (``what_to_do`` says why), the file itself could be written."""

    what_to_do: str
    to_put_right: str = ""
    restart_needed: bool = False
    refused: bool = False


class Say(Protocol):
    """The dialog's status line; ``kind`` "error" or "success" colours it. ``aloud=False``:
    shown, not read out, as what comes next says it again (see ``TypedKeySave``)."""

    def __call__(self, message: str, kind: str = "info", *, aloud: bool = True) -> None: ...


class ProfileBook:
    """The settings being edited, the profile selected in the list, and the one in use.

    ``current_profile`` is the profile the window uses now (``--profile`` may differ from the
    saved choice; default: the saved one). ``api_base_override`` is the address from
    ``--api-base`` / ``KOMBO_API_BASE``: when given, keys are checked there. ``fixed_api_base``
    is the administrator's address for every profile (see ``core.policy``), which wins over
    both. ``address_set_by`` says who set either of them (``WindowSetup.address_set_by``), for
    what the dialog says about an address it cannot change. The administrator's profiles come
    with the store's settings; only their keys may be changed here.

    Changes are written by ``tasks`` on worker threads, one at a time, in order: through
    ``writes``, the window's, after its other changes to the file (by default, writes of the
    book's own); with ``owner`` (the dialog) gone, what was to follow them is dropped.
    """

    def __init__(
        self,
        store: SettingsStore,
        credentials: CredentialStore,
        say: Say,
        *,
        tasks: TaskRunner,
        writes: SettingsWrites | None = None,
        owner: QObject | None = None,
        current_profile: str | None,
        api_base_override: str | None,
        fixed_api_base: str | None = None,
        address_set_by: str | None = None,
    ) -> None:
        self.credentials = credentials
        self.api_base_override = api_base_override
        self.fixed_api_base = fixed_api_base
        self.address_set_by = address_set_by
        self._store = store
        self._say = say
        self._writes = writes if writes is not None else SettingsWrites(tasks)
        self._owner = owner
        self._unsaved_current = current_profile
        # True while a change that shows another profile once it is written (one added or
        # removed) is being written: the form shows one about to go (see ``settings_saving``).
        self.showing_another = False
        # How many changes could not be written so far, and what was said of the last one:
        # the dialog closing once its changes are saved stays open when one was not.
        self.failed_writes = 0
        self.last_failure = ""
        self.settings: Settings = self._read()
        found = self.settings.profile(current_profile) if current_profile else None
        self.current = found.name if found is not None else self.settings.active.name
        self.selected = self.current

    def _read(self) -> Settings:
        """The settings on disk now, with the profile the window uses (see
        :func:`_with_unsaved_current`)."""
        return _with_unsaved_current(self._store.load(), self._unsaved_current)

    # -- writing, in order -----------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        """True while a change asked for here is being written, or waits for its turn
        (behind the window's other changes to the settings file, which come first)."""
        if self._owner is None:
            return self._writes.saving
        return self._writes.saving_for(self._owner)

    def when_saved(self, step: Callable[[], object]) -> None:
        """Run ``step`` (on the UI thread) once the changes asked for before it are written:
        at once when none is (see :meth:`SettingsWrites.when_saved`). Not once the dialog
        is gone: the step would show what follows in it."""
        owner = self._owner
        if owner is None:
            self._writes.when_saved(step)
            return

        def unless_gone() -> None:
            if shiboken6.isValid(owner):
                step()

        self._writes.when_saved(unless_gone, owner)

    def wait_before_closing(self) -> None:
        """The window is closing: wait for the changes being written, within the one wait
        the window gives them all (see :meth:`SettingsWrites.wait_before_closing`)."""
        self._writes.wait_before_closing()

    @property
    def window_closing(self) -> bool:
        """True once the window began closing (see :attr:`SettingsWrites.window_closing`)."""
        return self._writes.window_closing

    def watch_writes(self, told: Callable[[bool], object], owner: QObject) -> None:
        """``told(writing)`` as each write begins and ends (see :meth:`SettingsWrites.watch`)."""
        self._writes.watch(told, owner)

    def _change(
        self,
        apply: Callable[[Settings], None],
        then: Callable[[], None] | None = None,
        *,
        whatever_happens: bool = False,
        shows_another: bool = False,
        if_not_saved: Callable[[NotSaved], None] | None = None,
    ) -> None:
        """Apply one change to the settings as they are on disk when it is written, and save
        them; then ``then``, if they were saved (``whatever_happens``: saved or not).
        ``shows_another``: once written, the dialog shows another profile (see
        ``showing_another``). ``if_not_saved(not_saved)``: where the change could not be
        written, the book says nothing, and the caller says it all in one message, which it
        keeps as :attr:`last_failure`: two messages in a row were read out one over the
        other, the first cut off.

        Each change starts from the file, not from what the dialog read when it opened:
        another copy of the program (a second window, another user session) may have saved
        since, and writing the dialog's old copy back deleted what that one had added. The
        file is read and written again under the store's lock (``SettingsStore.update``):
        a QR code's folder remembered on a worker meanwhile is kept, not undone.
        """
        self.when_saved(
            lambda: self._write(apply, then, whatever_happens, shows_another, if_not_saved)
        )

    def _write(
        self,
        apply: Callable[[Settings], None],
        then: Callable[[], None] | None,
        always: bool,
        shows_another: bool,
        if_not_saved: Callable[[NotSaved], None] | None,
    ) -> None:
        refused: list[Settings] = []
        unsaved_current = self._unsaved_current
        store = self._store

        def change(settings: Settings) -> None:  # on the worker
            _with_unsaved_current(settings, unsaved_current)
            try:
                apply(settings)
            except ValueError:  # e.g. a name another copy took meanwhile: nothing is written
                refused.append(settings)
                raise

        def written(settings: Settings) -> None:
            self.showing_another = False
            self.settings = settings
            self._unsaved_current = None  # written now (or removed): nothing to add any more
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self.showing_another = False
            self.failed_writes += 1
            if isinstance(error, ValueError) and refused:
                said = str(error)
                not_saved = NotSaved(said, refused=True)
                self.settings = refused[0]
            elif isinstance(error, OSError):
                said, not_saved = self._not_saved(error)
                self.settings = self._read()
            else:  # a mistake in the program: reported as one
                said, not_saved = "", NotSaved("")
                sys.excepthook(type(error), error, error.__traceback__)
                self.settings = self._read()
            self.last_failure = said or NOT_SAVED_TEXT
            if if_not_saved is not None:
                if_not_saved(not_saved)
            elif said:
                self._say(said, "error")
            if always and then is not None:
                then()

        self.showing_another = shows_another  # its write begins right after this step
        self._writes.write(
            lambda: store.update(change), written=written, failed=failed, owner=self._owner
        )

    @property
    def profiles(self) -> list[Profile]:
        return self.settings.profiles

    def profile(self) -> Profile:
        """The selected profile."""
        profile = self.settings.profile(self.selected)
        if profile is None:  # removed meanwhile: fall back to the one in use
            profile = self.settings.active
            self.selected = profile.name
        return profile

    def is_managed(self) -> bool:
        """True when the selected profile is the administrator's: its name, region and address
        are not the person's to change, nor is it theirs to remove."""
        return self.selected in self._store.managed_names

    def key_address(self) -> str:
        """Where the selected profile's key is checked: where its links go."""
        return self.address_not_from_region() or self.profile().api_base

    def address_not_from_region(self) -> str | None:
        """:meth:`key_address` when the region list does not decide it (another address,
        ``--api-base``, the administrator's); None when it does."""
        return address_not_from_region(
            self.profile(),
            fixed_api_base=self.fixed_api_base,
            api_base_override=self.api_base_override,
        )

    def target_in_use(self) -> Target:
        """Where links go with the profile in use, and with which key, as the window sees it:
        what the dialog says about a switch is then the window's sentence, word for word."""
        profile = self.settings.profile(self.current) or Profile(self.current)
        return profile_target(
            profile,
            fixed_api_base=self.fixed_api_base,
            api_base_override=self.api_base_override,
            run_key=self.credentials.run_key_in_use,
        )

    # -- saving ----------------------------------------------------------------------------------

    def _not_saved(self, error: OSError) -> tuple[str, NotSaved]:
        """What to say where the settings could not be saved, and what the person may do
        about it, for a caller that says it in its own words."""
        _log.warning("Settings could not be saved: %s", error)
        if isinstance(error, SettingsNotReadError):  # the file was never read: say why
            return str(error), NotSaved(RESTART_TEXT, restart_needed=True)
        to_put_right = (
            "Check that there is free disk space and that you may write to "
            f"{self._store.path.parent}"
        )
        what_to_do = f"{to_put_right}, then try again."
        return f"{NOT_SAVED_TEXT} {what_to_do}", NotSaved(what_to_do, to_put_right)

    def replace(
        self,
        old_name: str,
        profile: Profile,
        then: Callable[[], None] | None = None,
        *,
        whatever_happens: bool = False,
        if_not_saved: Callable[[NotSaved], None] | None = None,
    ) -> None:
        """Put ``profile`` in the place of the one called ``old_name``; then ``then`` (see
        :meth:`_change`, also for ``if_not_saved``)."""

        def apply(settings: Settings) -> None:
            profiles = settings.profiles
            taken = settings.spelling_of(profile.name, besides=old_name)
            if taken is not None:  # another copy saved that name since the dialog checked it
                raise ValueError(name_taken_message(taken))
            index = next((i for i, p in enumerate(profiles) if p.name == old_name), None)
            if index is None:  # removed by another copy meanwhile: this change brings it back
                profiles.append(profile)
            else:
                profiles[index] = profile
            if profile.name != old_name:  # renamed: its key moves with the name, and so does
                settings.move_key_refused(old_name, profile.name)  # what Kombo said of it
            if settings.active_profile == old_name:
                settings.active_profile = profile.name

        self._change(apply, then, whatever_happens=whatever_happens, if_not_saved=if_not_saved)

    def set_environment_id(self, environment_id: str | None, then: Callable[[], None]) -> None:
        """Remember the environment Kombo named for the selected profile's key (None: forget);
        then ``then``, whether or not that could be saved: the key itself was (the status
        line says what could not be)."""

        def remember() -> None:
            profile = self.profile()
            if profile.environment_id == environment_id:
                then()
                return
            updated = dataclasses.replace(profile, environment_id=environment_id)
            self.replace(profile.name, updated, then, whatever_happens=True)

        self.when_saved(remember)

    def set_key_refused(
        self, name: str, refused: bool, then: Callable[[], None] | None = None
    ) -> None:
        """Remember that Kombo refused the key the password store holds for profile ``name``
        (``refused``), or that it did not (another key saved, or this one accepted): said at
        the next start (``key_verdicts``). Then ``then``, whether or not that could be saved.
        Nothing is written when that is what the settings say already."""

        def remember() -> None:
            if (self.settings.key_refused_at(name) is not None) == refused:
                if then is not None:
                    then()
                return
            when = datetime.now(UTC)

            def apply(settings: Settings) -> None:
                if refused:
                    settings.remember_key_refused(name, when)
                else:
                    settings.forget_key_refused(name)

            self._change(apply, then, whatever_happens=True)

        self.when_saved(remember)

    # -- profiles --------------------------------------------------------------------------------

    def add(
        self,
        then: Callable[[str], None],
        if_not_saved: Callable[[NotSaved], None] | None = None,
    ) -> None:
        """Add a profile with a free "New profile" name and select it; then ``then(name)``,
        if it was saved; ``if_not_saved`` where it was not (see :meth:`_change`)."""
        chosen: list[str] = []

        def apply(settings: Settings) -> None:
            name = free_profile_name(NEW_PROFILE_NAME, (p.name for p in settings.profiles))
            settings.put_profile(Profile(name))
            chosen.append(name)

        def added() -> None:
            self.selected = chosen[0]
            then(chosen[0])

        self._change(apply, added, shows_another=True, if_not_saved=if_not_saved)

    def usable_name(self, text: str) -> str:
        """``text`` as a new name for the selected profile; ValueError (plain words) if not."""
        name = validate_typed_profile_name(text)
        clash = self.settings.spelling_of(name, besides=self.selected)
        if clash is not None:
            raise ValueError(name_taken_message(clash))
        return name

    def rename(
        self,
        new: str,
        then: Callable[[], None],
        if_not_saved: Callable[[NotSaved], None] | None = None,
    ) -> None:
        """Rename the selected profile to a :meth:`usable_name`; then ``then``, if saved;
        ``if_not_saved`` where it was not (see :meth:`_change`). Its key is moved separately,
        by :meth:`move_key` on a worker thread: the credential store may keep anyone waiting."""
        old = self.selected

        def renamed() -> None:
            self.selected = new
            if self.current == old:
                self.current = new
            then()

        profile = dataclasses.replace(self.profile(), name=new)
        self.replace(old, profile, renamed, if_not_saved=if_not_saved)

    def remove(self, then: Callable[[], None]) -> None:
        """Remove the selected profile; the one in use is then selected, and ``then`` follows,
        if saved. Its key is deleted separately, by :meth:`delete_key` on a worker thread."""
        name = self.selected

        def removed() -> None:
            if name == self.current:
                self.current = self.settings.active.name
            self.selected = self.current
            then()

        self._change(lambda settings: settings.remove_profile(name), removed, shows_another=True)

    def use_selected(
        self, then: Callable[[], None], if_not_saved: Callable[[NotSaved], None] | None = None
    ) -> None:
        """Make links with the selected profile from now on; then ``then``, if saved, else
        ``if_not_saved(not_saved)``, which says why (see :meth:`_change`)."""
        selected = self.selected

        def apply(settings: Settings) -> None:
            settings.active_profile = selected

        def used() -> None:
            self.current = selected
            then()

        self._change(apply, used, if_not_saved=if_not_saved)

    # The two methods below talk to the credential store, which can wait on a prompt ("allow
    # access to the keychain?", "unlock the keyring"): they are for a worker thread, and
    # touch nothing but the store.

    def move_key(self, old: str, new: str) -> KeyLocation | None:
        """The key is stored under the profile name, so a rename moves it to the new name
        (see ``CredentialStore.move``); returns where the new name's key is kept now."""
        return self.credentials.move(old, new)

    def delete_key(self, name: str) -> bool:
        """Delete the key of a removed profile (only its own: KOMBO_API_KEY stays in use);
        False when the store could not be cleared. Not looked up first: a store that cannot
        be read may still hold a key, which a new profile of that name would inherit."""
        return self.credentials.delete(name)


def _with_unsaved_current(settings: Settings, name: str | None) -> Settings:
    """``settings`` with the profile called ``name``, the one the window uses.

    The window may use a profile that was never saved (``--profile`` with a new name, often
    with a key an administrator provisioned): listed, so that its key can be seen, checked
    and replaced here; saved with the next change.
    """
    if name and settings.profile(name) is None:
        with contextlib.suppress(ValueError):  # a name another only differs from in case
            settings.put_profile(Profile(name))
    return settings


def describe(profile: Profile) -> str:
    """Where a profile connects, in the words of the region list."""
    if profile.region is Region.CUSTOM:
        return profile.api_base
    return REGION_NAMES[profile.region]
