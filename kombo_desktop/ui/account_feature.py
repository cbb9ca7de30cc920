"""Where the window's links go, and with which key: the profile, the demo, and Settings.

The main window builds the forms and wires its parts together; this part decides where the
links are sent. It holds the window's ``Connection`` (a target and its key) and replaces it
when the person switches profile, saves another key, enters or leaves the demo, or renames a
profile in Settings; around each new connection it does the background work that keeps the
first click fast and the tool lists right: a key check and warm-up a moment after the change,
then the account's own tool lists in place of the bundled ones, and, while the key given at
start (KOMBO_API_KEY) is used for every profile, which Kombo environment that key belongs to,
so that the history and its duplicate check file its links where they were made.

It is apart from ``main_window`` so that these rules can be read in one place: a link being
made keeps the key it was sent with, a renamed profile keeps its link on show, another place
takes the earlier place's link off the screen. The window keeps the names other parts and
tests use (``window.use_target``, ``window.target``, ``window.demo_server`` ...) and hands
them to this part; making the link itself is ``link_making``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject

from kombo_desktop.core.catalog import CatalogCache
from kombo_desktop.core.credentials import STORE_UNREADABLE
from kombo_desktop.ui.connection import Connection, KeyStatus, Target, known_environment_id
from kombo_desktop.ui.header import LEAVE_DEMO_TEXT, OPEN_SETTINGS_TEXT
from kombo_desktop.ui.tasks import TaskHandle, quiet_failure

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QDialog

    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.demo_server import DemoKomboServer
    from kombo_desktop.ui.catalog_refresh import RefreshedCatalog
    from kombo_desktop.ui.key_verdicts import KeyVerdicts
    from kombo_desktop.ui.main_window import MainWindow

# Said when the profile (or the demo) changes while a link is being made, which cancels it.
CANCELLED_BY_CHANGE_TEXT = "The link that was being made was cancelled: make it again if needed."


def key_removed_text(profile: str) -> str:
    """What the window says of a key "Forget key" removed in Settings, before the way on."""
    return f"The key of the profile “{profile}” was removed from this computer."


class AccountFeature(QObject):
    """Where one main window's links go; ``close()`` when the window closes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.connection: Connection | None = None
        self.demo_server: DemoKomboServer | None = None
        self.settings_dialog: QDialog | None = None
        # How often the person opened Settings: closing once an export is saved asks whether
        # they did since (see ``export_closing``), the dialog being gone by then.
        self.settings_opened = 0
        # Whose tool lists the form shows (API address, Kombo environment); None: the bundled.
        self._tools_account: tuple[str, str | None] | None = None
        self._background: list[TaskHandle] = []
        # Connections a new key replaced while a request ran on them: closed once it ends.
        self._retired: list[Connection] = []
        # The Kombo environment of the key given at start, by API address (it is the key of
        # every profile, and one key belongs to one environment); kept in memory, like the
        # key, and asked for once per address (``_check_run_key``).
        self._run_key_environments: dict[str, str] = {}
        # What Kombo said of the stored key, kept for the next start (made when first used).
        self._key_verdicts: KeyVerdicts | None = None

    @property
    def key_verdicts(self) -> KeyVerdicts:
        """What Kombo said of the stored key, kept for the next start (see ``key_verdicts``);
        its module loads with the first answer about a key, after the first frame."""
        if self._key_verdicts is None:
            from kombo_desktop.ui.key_verdicts import KeyVerdicts

            self._key_verdicts = KeyVerdicts(self._window, self)
        return self._key_verdicts

    @property
    def target(self) -> Target | None:
        return self.connection.target if self.connection is not None else None

    @property
    def is_demo(self) -> bool:
        return self.target is not None and self.target.demo

    def environment_id(self, target: Target) -> str | None:
        """The Kombo environment of the key links for ``target`` go with, when a key check has
        told: the profile's saved key's, or while KOMBO_API_KEY is set that key's (checked in
        the background, see ``_check_run_key``); none in the demo. Not known yet, it is None,
        as for a saved key never checked: the duplicate check then goes by the profile."""
        window = self._window
        return known_environment_id(
            window.setup.settings, window.credentials, target, self._run_key_environments
        )

    def use_target(self, target: Target, status: str | None = None) -> None:
        """Send links to ``target`` from now on: new client, header, banner, tool list; then
        say ``status`` (and that a link being made was cancelled, if one was)."""
        window = self._window
        previous = self.target
        cancelled = window.link_making.request_running
        window.link_making.cancel_request()
        window.link_making.end_pause()  # another account may have limits of its own
        self._stop_background()
        if self.connection is not None:
            self.connection.close()
        self.connection = Connection(target, window.credentials, window.setup.client_options)
        window.show_where_links_go(target)
        window.take_focus_from(window.firstRunNotice)  # "Try the demo" may have it
        window.firstRunNotice.hide()
        # A tool the new list lacks is said with the news below: said apart, the news (e.g.
        # "Demo ready") replaced it at once, and the reset went unnoticed.
        reset = self._use_bundled_tools(demo=target.demo, quiet=True)
        if previous is not None and _made_elsewhere(previous, target):
            # The link shown belongs where it was made: a demo link stops working with the
            # demo service, and another profile's link must not pass for one of this profile.
            window.resultPanel.clear()
        if target.demo and status is None:
            status = "Demo ready: make a link to see how it works. No key needed."
        news = [status or "", reset, CANCELLED_BY_CHANGE_TEXT if cancelled else ""]
        said = " ".join(part for part in news if part)
        if said:  # what the key's check finds next is said below it
            window.show_status(said, "info", notes_follow=True)
        self._warm_up_soon(self.connection)
        window.target_changed.emit(target)

    def use_new_key(self, status: str | None = None, *, quiet: bool = False) -> None:
        """The profile in use has another key (saved or forgotten in Settings, or replaced
        outside the program and checked there), its place unchanged: the next request goes
        with it, and it is checked and its tool lists fetched in the background. A link
        being made goes on with the key it was sent with: a new connection for it would
        cancel the request, and a link Kombo may have made already would be lost (if that
        key was refused, the window says to send it again, with the new one: see
        ``RefusalDisplay._key_replaced_since``). Its connection is closed once it ends. ``status``
        is said unless a link is being made, whose progress and result are what the status
        line is for then; ``quiet``: shown, not read out (Settings, open, said it)."""
        window = self._window
        old = self.connection
        if old is None or window.closed:
            return
        self._stop_background()
        if window.link_making.request_running:
            self._retired.append(old)
        else:
            old.close()
        self.connection = Connection(old.target, window.credentials, window.setup.client_options)
        reset = ""
        if self._tools_account != (old.target.api_base, self.environment_id(old.target)):
            # Another environment's key: the lists shown are another account's, and if its
            # own cannot be fetched (a 403, offline), the bundled lists are the right ones.
            # A tool they lack is said with ``status``, which said apart replaced it at once.
            reset = self._use_bundled_tools(quiet=True)
        window.take_focus_from(window.firstRunNotice)  # "Open settings" may have it
        window.firstRunNotice.hide()  # shown again by the key's check if it is still missing
        # While a link is being made its progress keeps the status line; a reset is still said.
        news = [status if status is not None and not window.link_making.busy else "", reset]
        said = " ".join(part for part in news if part)
        if said:  # what the key's check finds next is said below it
            window.show_status(said, "info", notes_follow=True, quiet=quiet)
        self._warm_up_soon(self.connection)
        window.target_changed.emit(self.connection.target)

    def _use_bundled_tools(self, *, demo: bool = False, quiet: bool = False) -> str:
        """Show the program's own tool lists (the demo's, or until the account's arrive);
        returns what the form says of a tool they lack (see ``LinkForm.set_catalog``)."""
        self._tools_account = None
        form, bundled = self._window.linkForm, self._window.bundled_catalog
        if form.catalog is bundled:
            # Shown already (the form is made with them, so at every start): the same list
            # filled in again changes nothing, and delayed the first frame by about 0.6 ms.
            return ""
        return form.set_catalog(bundled, demo=demo, quiet=quiet)

    def _stop_background(self) -> None:
        """Stop the key check and tool list refresh of the connection being replaced."""
        for handle in self._background:
            handle.cancel()
        self._background.clear()

    def close_retired(self) -> None:
        """Close the connections new keys replaced, once no request runs on them (called when
        a request ends)."""
        retired, self._retired = self._retired, []
        for connection in retired:
            connection.close()

    def _warm_up_soon(self, connection: Connection) -> None:
        """Warm up once the start-up's own work is done, in a turn of its own (at once after a
        later change of profile). It waited a fixed 150 ms from the window's making, which on a
        slow, loaded machine came before the first frame (loading keyring and the QR encoder
        into it) or in the middle of a first click on History."""
        asked = self._window.link_making.links_asked  # links asked for before this connection
        self._window.start_up.add_in_idle_turns([lambda: self._warm_up(connection, asked)])

    def _warm_up(self, connection: Connection, asked: int) -> None:
        """Check the key and build the client in the background, so the first click is fast;
        only for the connection still in use (two changes in a moment look once). ``asked``:
        how many links had been asked for when the connection was set up."""
        if self._window.closed or connection is not self.connection:
            return

        from kombo_desktop.ui import qr_image  # on the UI thread: it sets up Qt's image types

        # Nothing is sent to an address this version refuses (see ``Target.address_problem``).
        usable = connection.target.address_problem is None

        def work(_token: object) -> KeyStatus:
            status = connection.key_status()
            if status.has_key and usable:
                connection.client()  # imports httpx and sets up TLS now, not on the first click
            qr_image.qr_qimage("warm-up", 1)  # loads the QR encoder
            return status

        self._background.append(
            self._window.runner.run(
                work,
                on_done=lambda status: self._key_checked(connection, status, asked),
                on_error=quiet_failure("The warm-up"),
                name="warm-up",
            )
        )

    def _key_checked(self, connection: Connection, status: KeyStatus, asked: int) -> None:
        """What the key check found, said only for what it was made for: the connection's
        profile, address and key, as they were before any link was asked for with it."""
        if connection is not self.connection:
            return  # the target or key changed meanwhile: its own check says what it finds
        # While a link is being made (with the key it was sent with, see ``use_new_key``), a
        # note would take the place of its progress; once one was asked for with this
        # connection, of its outcome: "Link ready", or the same problem said as an error with
        # the way forward (the check is slow when the password store waits for its user, as
        # at an unlock prompt). The next link, if it fails for the key, says it that way too.
        making = self._window.link_making
        overtaken = making.links_asked != asked
        quiet = making.request_running or overtaken
        if status.problem and not quiet:
            self._window.show_note(status.problem, action=self._way_to_settings(status))
        if connection.target.demo:
            return
        if status.unreadable:
            return  # the store's problem, said above, is the way forward; no "no key" here
        if connection.target.address_problem is not None:
            return  # its address is corrected first: said at start, and by every link asked
        if not status.has_key:
            # Not once a link was asked for here since the check began: its outcome is the
            # word on the key, read after this check. A missing key is said with this notice
            # then (``RefusalDisplay.show_error``); a link made without one, at a local address,
            # shows that none is needed, and "paste your company's key" below "Link ready"
            # sent the person to Settings for nothing.
            if not overtaken:
                self._window.firstRunNotice.show()
            if not quiet:
                # Shown, not read out, for a key forgotten in the Settings still open: it said
                # so where the person is (see ``_key_removed_in_settings``).
                removed = self._key_removed_in_settings(connection.target.profile)
                self._window.show_note("No API key is set for this profile yet.", quiet=removed)
            return
        if not quiet:  # refused the last time: said, its tool lists then try it again
            self.key_verdicts.note_at_start(connection, status)
        self._refresh_catalog(connection)

    def _way_to_settings(self, status: KeyStatus) -> tuple[str, Callable[[], None]] | None:
        """ "Open settings" with a note of a password store that could not be read, whose way
        forward is entering the key there, as every other key problem on the status line
        offers it (``RefusalDisplay.show_error``); the first-start notice, which offers it too,
        is for a profile without a key, not shown then. Not for a store that is locked (to be
        unlocked, then tried again), nor for the key given at start, not changed there."""
        if status.problem != STORE_UNREADABLE or self._window.credentials.run_key_in_use:
            return None
        return self.settings_action()

    def settings_action(self) -> tuple[str, Callable[[], None]] | None:
        """ "Open settings" for the status line, the way forward of a problem mended in
        Settings (a key missing, refused or unreadable, an address to correct); None while the
        first-start notice is on show, whose own "Open settings" is the way there: the window
        offered two at once, one above the other. What the status line says may still send
        the person to Settings, or to the notice. Every "Open settings" on the status line
        comes from here."""
        if not self._window.firstRunNotice.isHidden():
            return None
        return (OPEN_SETTINGS_TEXT, self._window.open_settings)

    def _refresh_catalog(self, connection: Connection) -> None:
        """Replace the bundled tool lists with the account's, without ever making anyone wait."""
        # Imported here: the key is checked, and the lists asked for, after the first frame.
        from kombo_desktop.ui.catalog_refresh import UNREACHABLE_TEXT, refresh_catalog

        cache = CatalogCache(self._window.setup.paths.catalog_cache_dir)
        environment_id = self.environment_id(connection.target)
        bundled = self._window.bundled_catalog

        def work(token: object) -> RefreshedCatalog:
            return refresh_catalog(
                connection, cache, token, environment_id=environment_id, bundled=bundled
            )

        def apply(fresh: RefreshedCatalog) -> None:
            if connection is not self.connection:
                return
            if fresh.refused is not None:
                self.key_verdicts.refused(connection, fresh.refused)
            elif fresh.answered:
                self.key_verdicts.accepted(connection)
            if fresh.refused is not None and not self._window.link_making.busy:
                # Every link would be refused too: said now, with the way to Settings, rather
                # than after the whole form is filled in.
                self._window.link_making.refusals.show_error(fresh.refused, after_notes=True)
            if fresh.refused is None:
                self._check_run_key(connection)
            if fresh.unreachable and self._window.statusPanel.at_rest:
                # Quietly, beside what start-up said: the form is filled in meanwhile.
                self._window.show_note(UNREACHABLE_TEXT, quiet=True)
            if fresh.catalog is None:
                return
            # Made on the worker (``refresh_catalog``): here the tool list is only filled.
            self._window.linkForm.set_catalog(fresh.catalog)
            self._tools_account = (connection.target.api_base, environment_id)

        self._background.append(
            self._window.runner.run(
                work,
                on_done=apply,
                on_error=quiet_failure("Refreshing the tool lists"),
                name="catalog",
            )
        )

    def _check_run_key(self, connection: Connection) -> None:
        """Ask Kombo which environment the key given at start belongs to (``GET
        /check-api-key``), once per address, after the tool lists (a key they found refused
        is not asked about again). Without it the history filed that key's links under no
        environment, and a link for the same customer made the next day with the profile
        that key belongs to got no duplicate warning. Only the environment's id is kept,
        never the key; a failure leaves it unknown, as for a saved key never checked."""
        target = connection.target
        if target.demo or not self._window.credentials.run_key_in_use:
            return
        if target.api_base in self._run_key_environments:
            return

        def work(token: CancelToken) -> str:
            return connection.client().check_api_key(token)

        def learnt(environment_id: str) -> None:
            self._run_key_environments[target.api_base] = environment_id
            if self._tools_account == (target.api_base, None):
                # The lists shown are this key's: not another environment's to reset.
                self._tools_account = (target.api_base, environment_id)

        self._background.append(
            self._window.runner.run(
                work,
                on_done=learnt,
                on_error=quiet_failure("Checking the key given at start"),
                name="run-key-check",
            )
        )

    def start_demo(self) -> None:
        """Switch to the embedded demo service (started here, stopped when leaving or closing)."""
        if self._window.setup.policy.hide_demo:
            from kombo_desktop.core.messages import DEMO_TURNED_OFF_MESSAGE  # not at start: app.py

            self._window.show_status(DEMO_TURNED_OFF_MESSAGE, "info")
            return
        from kombo_desktop.core.demo_server import DemoKomboServer

        if self.demo_server is None or not self.demo_server.running:
            self.demo_server = DemoKomboServer().start()
        profile = self._window.setup.profile_target.profile
        self.use_target(
            Target(profile=profile, api_base=self.demo_server.base_url, region="demo", demo=True)
        )

    def leave_demo(self) -> None:
        target = self._window.setup.profile_target
        self.use_target(target, f"Left the demo. {target.now_used_text}")
        self._stop_demo_server()

    def _stop_demo_server(self) -> None:
        server, self.demo_server = self.demo_server, None
        if server is not None:
            server.stop()

    def open_settings(self) -> None:
        """Open the settings (profiles, region, key) as a window-modal dialog."""
        from kombo_desktop.ui.settings_dialog import SettingsDialog

        if self.settings_dialog is not None and self.settings_dialog.isVisible():
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        window, setup = self._window, self._window.setup
        dialog = SettingsDialog(
            setup.settings_store,
            window.credentials,
            window.runner,
            window,
            current_profile=setup.profile_name,
            api_base_override=setup.api_base_override,
            fixed_api_base=setup.policy.fixed_api_base,
            address_set_by=setup.address_set_by,
            demo=self.is_demo,
            log_folder=setup.paths.log_dir,
            writes=window.settings_writes,
            refused_key_of=self._refused_key_profile(),
            paused_key_check=window.link_making.pause_for_key_check,
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.profileChanged.connect(self.use_profile)
        dialog.profileRenamed.connect(self._follow_renamed_profile)
        dialog.profileRenamed.connect(self._move_tool_lists)
        dialog.profileRemoved.connect(self._follow_settings)
        dialog.profileRemoved.connect(self._forget_tool_lists)
        dialog.storedKeyAccepted.connect(self._follow_stored_key)
        dialog.storedKeyMissing.connect(self._drop_missing_key)
        dialog.storedKeyRefused.connect(self._say_stored_key_refused)
        dialog.finished.connect(self._follow_settings)
        dialog.finished.connect(self._say_which_profile_is_used)
        dialog.destroyed.connect(self._settings_closed)
        self.settings_dialog = dialog
        self.settings_opened += 1
        dialog.open()

    def _refused_key_profile(self) -> str | None:
        """The profile in use, when Kombo refused the key its links go with and no other was
        read since; not for the key given at start, which Settings cannot change."""
        connection = self.connection
        if connection is None or connection.target.demo or not connection.holds_refused_key:
            return None
        if self._window.credentials.run_key_in_use:
            return None
        return connection.target.profile

    def _follow_renamed_profile(self, old: str, new: str) -> None:
        """A renamed profile is still the same place: its connection takes the new name, so
        the link on show stays when the window switches to it (see ``use_target``). The
        profile in use goes on under its new name at once: a dialog closed right after the
        name was typed is gone before it could say more. A status naming any renamed profile
        names it anew: it is the same profile, which the old name no longer finds."""
        setup = self._window.setup
        connection = self.connection
        for retired in self._retired:  # a link still being made with the profile's old key
            if retired.target.profile == old:
                retired.follow_rename(new)
        if connection is not None and connection.target.profile == old:
            connection.follow_rename(new)
        self._follow_settings()  # any profile's: the history asks whether it exists
        if setup.profile_name == old:
            setup.profile_name = new
            if connection is not None and connection.target.profile == new:
                self._window.header.show_target(connection.target)
        self._window.statusPanel.follow_rename(old, new)
        self._window.profile_renamed.emit(old, new)

    def _follow_stored_key(self, name: str, key: str) -> None:
        """Kombo accepted the key stored for the profile in use at a check in Settings. It
        may be another than the window holds (replaced outside the program, a revoked key
        rotated): the settings hold its environment now, for the history and its duplicate
        check, and the next link goes with the key as stored now. Not a change of profile: a
        link being made goes on (see ``use_new_key``). ``key`` names it as Settings did: "the
        key" where it is kept for this session only, which "the stored key" is not."""
        self._window.setup.settings = self._window.setup.settings_store.load()
        target = self.target
        if target is not None and not target.demo and target.profile == name:
            # Said in place of a refusal of the replaced key, which no longer holds.
            self.use_new_key(key_accepted_text(key))

    def _say_stored_key_refused(self, name: str, error: object) -> None:
        """Kombo refused the key checked in Settings for the profile in use (the stored one, or
        KOMBO_API_KEY's): Settings said so, and the window went on saying "Ready." until the
        next link was refused. The window says it now, as that link's refusal would, with its
        way forward; and the next request reads the key from the store again, as after a
        refusal of its own (the window may hold an older key, replaced outside the program).
        Not in the demo, which needs no key, nor over a link being made, whose own outcome
        is what the status line is for then."""
        connection, target = self.connection, self.target
        if connection is None or target is None or target.demo or target.profile != name:
            return
        if not isinstance(error, BaseException):
            return
        connection.stored_key_refused()
        making = self._window.link_making
        if not making.busy:
            making.refusals.show_error(error)

    def _drop_missing_key(self, name: str) -> None:
        """Settings found no key stored for the profile in use, while the window's connection
        still holds the one it read before (deleted outside the program since, by the person
        or by IT): the connection goes, so that the next request reads the store again, and
        the key check that follows says that no key is set, with the way to Settings. A link
        being made goes on with the key it was sent with (see ``use_new_key``)."""
        connection, target = self.connection, self.target
        if connection is None or target is None or target.demo or target.profile != name:
            return
        if connection.holds_key:
            self.use_new_key()

    def _follow_settings(self, *_changed: object) -> None:
        """The window's settings follow every change of profiles made in Settings (one
        renamed, added, removed, whether in use or not), read again from the store: kept,
        what asks whether a profile exists (a reconnection filled in from the history, see
        ``history_fill``) said that a profile renamed to its name "was removed", or sent
        the person to choose one Settings no longer listed. Called on each rename and
        removal, and when Settings closes, for profiles added there. The profile in use,
        when it changed, is switched by ``use_profile``."""
        setup = self._window.setup
        setup.settings = setup.settings_store.load()

    def _move_tool_lists(self, old: str, new: str) -> None:
        """A renamed profile's cached tool lists go with it: left under the old name, a later
        profile of that name would be shown them while its own cannot be fetched."""
        CatalogCache(self._window.setup.paths.catalog_cache_dir).rename(old, new)

    def _forget_tool_lists(self, profile: str) -> None:
        """A removed profile's cached tool lists go with it: a new profile of the same name,
        perhaps for another Kombo account, must not be shown them while offline."""
        CatalogCache(self._window.setup.paths.catalog_cache_dir).forget(profile)

    def _say_which_profile_is_used(self, _result: int) -> None:
        """Settings closed with another profile in use than the one last changed there (a
        profile added, its key saved, its region set): the status line says which one links
        are still made with. Without it, a person who set up "US team" and closed Settings
        made the US customer's link with the other profile's key, never told."""
        from kombo_desktop.ui.settings_dialog import SettingsDialog

        dialog, window, target = self.settings_dialog, self._window, self.target
        if not isinstance(dialog, SettingsDialog) or window.closed or target is None:
            return
        edited = dialog.edited_profile
        if edited is None or edited == target.profile or target.demo:
            return  # in the demo, its banner says where links go
        if window.link_making.busy:
            return  # the status line is the link's, being made
        window.show_status(still_used_text(target, edited), "info")

    def _settings_closed(self) -> None:
        self.settings_dialog = None

    def use_profile(self, name: str) -> None:
        """Make links with profile ``name`` (after the settings changed it, its key or region).

        In the demo the new profile is only remembered: leaving the demo switches to it. Its
        name goes on the demo's links, which the history and its duplicate check keep apart
        by profile.
        """
        setup = self._window.setup
        setup.settings = setup.settings_store.load()
        setup.profile_name = name
        target = self.target
        if target is not None and target.demo:
            if target.profile != name:
                self.use_target(target._replace(profile=name))
            self._say_still_the_demo(name)
            return
        target = setup.profile_target
        if self._only_renamed(target):
            return
        if self.connection is not None and self.connection.target == target:
            # The same place: only the key.
            quiet = self._key_removed_in_settings(target.profile)
            self.use_new_key(self._key_changed_text(target), quiet=quiet)
            return
        self.use_target(target, target.now_used_text)

    def _say_still_the_demo(self, name: str) -> None:
        """Settings changed profile ``name`` during the demo: the window goes on making demo
        links (a key just saved there was taken for one that would be used, and the next link
        was a demo link again), and says how to leave it. For a key forgotten there, it says
        the key was removed: "press “Leave the demo”" led to "No API key is set for this
        profile yet.", so it sends the person to Settings for a key first."""
        if self._key_removed_in_settings(name):
            self._window.statusPanel.show_message(
                f"{key_removed_text(name)} This is still the demo; to make real links, paste a "
                "key in Settings and leave the demo.",
                action=self.settings_action(),
                quiet=self._key_removed_in_settings(name),
            )
            return
        self._window.statusPanel.show_message(
            f"Settings saved. This is still the demo: press “{LEAVE_DEMO_TEXT}” to make "
            f"real links with the profile “{name}”.",
            action=(LEAVE_DEMO_TEXT, self.leave_demo),
        )

    def _key_changed_text(self, target: Target) -> str:
        """What the status line says when only the key of the profile in use changed in
        Settings. "Links are now made with the profile …" said a change of profile nobody
        made, in place of the refusal the new key had just put right. A key Kombo accepted
        there has its environment recorded (one saved unchecked, or forgotten, has none); the
        key given at start and an address to correct are still said as before, as they are
        what links go with, or why none are made."""
        if target.run_key or target.address_problem is not None:
            return target.now_used_text
        if self._key_removed_in_settings(target.profile):
            return (
                f"{key_removed_text(target.profile)} Paste a key in Settings to make links again."
            )
        if self.environment_id(target) is not None:
            return key_accepted_text("the key")
        return f"The key of the profile “{target.profile}” was changed in Settings."

    def _key_removed_in_settings(self, profile: str) -> bool:
        """Whether the open Settings forgot ``profile``'s key ("Forget key"): "was changed"
        read as if another key had been saved. Settings said so where the person is: what
        the window says of it then is shown, not read out. A screen reader read three
        sentences in a row, Settings' own, the window's "…was removed from this computer…"
        and "No API key is set for this profile yet."."""
        if self.settings_dialog is None:
            return False  # never opened: its module need not be loaded
        from kombo_desktop.ui.settings_dialog import SettingsDialog

        dialog = self.settings_dialog
        return isinstance(dialog, SettingsDialog) and dialog.key_removed(profile)

    def _only_renamed(self, target: Target) -> bool:
        """Whether ``target`` is the connection's own, only renamed (``_follow_renamed_profile``
        followed it already): then the connection carries on, with a link being made (a new
        connection would cancel the request, and the link Kombo made would be lost) and a
        duplicate warning on show, and only the header follows."""
        connection = self.connection
        if connection is None or connection.take_rename() != target.profile:
            return False
        if target != connection.target:
            return False
        self._window.header.show_target(target)
        return True

    def wait_before_closing(self) -> None:
        """The window is closing: a change Settings is still writing to the settings file is
        given a few seconds (see ``SettingsDialog.wait_before_closing``)."""
        if self.settings_dialog is None:
            return  # never opened: its module need not be loaded
        from kombo_desktop.ui.settings_dialog import SettingsDialog

        if isinstance(self.settings_dialog, SettingsDialog):
            self.settings_dialog.wait_before_closing()

    def close(self) -> None:
        """Stop the demo service, which releases the answers it is holding back, and close
        every connection; the window told its workers to stop first."""
        self._stop_demo_server()
        if self.connection is not None:
            self.connection.close()
        self.close_retired()


def still_used_text(target: Target, edited: str) -> str:
    """What the window says when Settings closed with ``target``'s profile still in use, not
    the profile ``edited`` there, and how to use that one."""
    from kombo_desktop.ui.settings_profiles import USE_PROFILE_TEXT
    from kombo_desktop.ui.widgets import spoken_name

    return (
        f"{target.made_with_words('still')}, not with “{edited}”. To use “{edited}”, open "
        f"Settings, select it and press “{spoken_name(USE_PROFILE_TEXT)}”."
    )


def _made_elsewhere(previous: Target, target: Target) -> bool:
    """Whether links made for ``previous`` belong to another place than ``target``'s."""
    return (previous.profile, previous.api_base, previous.demo) != (
        target.profile,
        target.api_base,
        target.demo,
    )


def key_accepted_text(key: str) -> str:
    """The status line once Kombo accepted the key of the profile in use at a check in
    Settings, and the next link goes with it; ``key`` names it as Settings did ("the key",
    "the stored key")."""
    return f"Kombo accepted {key}: the next link goes with it."
