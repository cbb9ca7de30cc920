"""The history in the main window: recording, the duplicate warning, the panel and invitations.

The window (``main_window``) offers hooks for all of this and this module plugs into them, so
the window's own code stays about making links:

* ``link_made``: every link and reconnection link made is recorded in the
  :class:`~kombo_desktop.core.history.HistoryStore` with the profile, its environment id when
  the settings know it, every field, the link and its expiry.
* ``create_guards``: before a new link is sent, the history is asked for a still-valid link for
  the same customer and tool. If there is one, ``duplicateBanner`` appears in ``bannerArea`` and
  nothing is sent until the person chooses. Editing the form closes the warning.
* the dock areas: the history panel (``historyPanel``) is a dock, closed at start, opened
  below the form or beside it, wherever it leaves the form its first fields (``history_dock``,
  opened and closed by ``history_placement``).
* the header: the button that opens the history, beside the window's ``privacySwitch``.
* the result area: ``copyInvitationButton`` and ``emailButton`` under the link.

The history follows the window's screen-sharing mode (``screen_sharing``), on at every start.
While it is on:

* the history panel is closed and the panel's model keeps no entries; its button stays
  clickable, and a click says on the status line why the history is hidden, with a button that
  turns screen-sharing mode off and opens it (a disabled button said nothing, its reason only
  in a tooltip that touch screens and keyboards never show);
* the duplicate warning names no one (the earlier link may have been matched by organisation
  name while its e-mail address is someone else's); it says only that a link for this customer
  and tool was already made on a given day;
* a link that was shown from the history (not made for the customer in the form) is cleared
  from the result area when the mode is switched on, and the status line is reset, since it may
  name the customer of a history entry.

What the form holds and the link just made stay: they are the current customer's own. The tool
list and its completer show only Kombo's tool names, never customers.

Start-up: only what the first frame shows is built with the window (the history button, the
invitation buttons). The database is opened right after the first frame (see
``ui/start_up.py``), on a worker thread, as a large or old file takes a while. A link requested
before it is open waits for it (``LinkMaking``, through ``when_ready``), with the window busy
as for a request and usable, a second at most (``OPENING_WAIT_SECONDS``): after that the link
is made unchecked, and the status line says why; the History button pressed meanwhile waits
the same way. Requested before the first frame, the duplicate check opens it itself. The
warning, the panel and what an entry chosen in it does (``history_fill``), with their modules,
are made the first time they are needed. That keeps ``sqlite3``, the history's model and panel
(about 15 ms of imports and building) off the path to the first frame, as nothing of them is on
screen at start. The panel's modules are then loaded in small steps while nobody waits
(``history_warm_up``), so that the first click on History only builds the panel.

The parts with rules of their own live beside this module: opening the database in the
background and saving the links made meanwhile (``history_opening``), the links the file could
not take when made, saved once it can (``history_waiting``), the duplicate warning's flow and
which earlier links count (``duplicate_flow``), who a link is for (``link_customer``), the
panel's dock and the History button, opened, closed and kept out of the way
(``history_placement``), and what an entry chosen in the panel does, shown or filled into the
form, with the profile a reconnection needs (``history_fill``).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from kombo_desktop.core.link_request import RelinkRequest
from kombo_desktop.ui.duplicate_flow import DuplicateFlow
from kombo_desktop.ui.history_closing import ClosingWithHistory
from kombo_desktop.ui.history_opening import BackgroundHistory
from kombo_desktop.ui.history_placement import HistoryPlacement
from kombo_desktop.ui.history_waiting import WaitingSaves
from kombo_desktop.ui.invitation_bar import InvitationBar
from kombo_desktop.ui.link_customer import RelinkCustomer
from kombo_desktop.ui.widgets import chain_tab_order

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QDockWidget

    from kombo_desktop.core.history import HistoryEntry, HistoryStore
    from kombo_desktop.core.integrations import IntegrationInfo
    from kombo_desktop.ui.connection import Target
    from kombo_desktop.ui.customer import Customer
    from kombo_desktop.ui.duplicate_banner import DuplicateBanner
    from kombo_desktop.ui.export_closing import ClosingDuringExport
    from kombo_desktop.ui.history_fill import FillFromHistory
    from kombo_desktop.ui.history_panel import HistoryPanel
    from kombo_desktop.ui.made_link import MadeLink
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.shown_link import ShownLink

_log = logging.getLogger(__name__)

# Said with each link made while the history lives in memory (its file could not be used,
# see the note start-up gave): the note scrolls away, the links go on being forgotten.
KEPT_UNTIL_CLOSING = "It is kept in the history only until the program closes."


def _store_made(
    store: HistoryStore,
    made: MadeLink,
    customer: Customer,
    tool_label: str | None,
    environment_id: str | None,
) -> None:
    """Hand a link just made for ``customer`` to ``store``, to be written on a worker thread
    (``WaitingSaves.save_new``); safe on any thread, and writes nothing. A relink request
    names no customer: the history keeps the one it was made for."""
    store.queue_request(
        made.request,
        made.url,
        profile=made.target.profile,
        environment_id=environment_id,
        tool_label=tool_label,
        created_at=made.created,
        is_demo=made.is_demo,
        customer=customer.for_history(),
    )


class HistoryFeature(QObject):
    """Everything the history adds to one main window; ``close()`` when the window closes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # Made when first needed (see the module docstring's start-up note): the database is
        # opened right after the window's first frame, the warning and the panel on first use.
        # A link made while it was being opened is written by ``_waiting`` too, once it is.
        self._history = BackgroundHistory(
            window.setup.paths.history_file,
            window.show_note,
            lambda shown: self._waiting.save_new(shown=shown),
        )
        # Links made are written on a worker thread; those the file could not take when made
        # (a full disk...) are saved once it can.
        self._waiting = WaitingSaves(window, self._history, self._list_saved)
        # Links made while it was being opened are saved before the program exits.
        self._closing = ClosingWithHistory(window, self._history, self._waiting)
        # An export being written when the window is closed (made when first needed).
        self._export_closing: ClosingDuringExport | None = None
        self.relink_customer = RelinkCustomer(window, self._history)
        self.duplicates = DuplicateFlow(self)
        # The panel's dock and the header's History button (``history_placement``); what an
        # entry chosen in the panel does is made when first needed (``from_history``).
        self.placement = HistoryPlacement(self)
        self.historyButton = self.placement.historyButton
        self._from_history: FillFromHistory | None = None

        self.invitationBar = InvitationBar(window.resultPanel.link_has_expired)
        self._add_to_result_area()
        self._chain_tab_order()

        self._connect()
        self._screen_sharing_changed(window.screen_sharing.on)
        window.start_up.add(self._open_store)
        window.start_up.add(self._warm_up_panel)

    # --- parts made when first needed ----------------------------------------------------------

    @property
    def store(self) -> HistoryStore:
        """The history database, opened now if the start-up step has not done so yet; while
        it is being opened, this raises HistoryNotReadyError at once (see
        ``BackgroundHistory.store``): wait for it with ``when_ready`` first. Raises
        RuntimeError after ``close()``."""
        return self._history.store

    @property
    def worth_waiting_for(self) -> bool:
        """Whether the history is still being opened, and a click needing it should wait
        (see ``BackgroundHistory.worth_waiting_for``)."""
        return self._history.worth_waiting_for

    def when_ready(self, then: Callable[[], None]) -> Callable[[], None]:
        """Call ``then`` once the history is open, or a second later at most without it,
        never making the window wait; returns what calls it off (``BackgroundHistory``)."""
        return self._history.when_ready(then)

    def when_saved(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the links handed over so far are saved (or found waiting for the
        file) and listed in the panel (``WaitingSaves``). A link made while the history is
        being opened is handed to the store once it is open (``BackgroundHistory.save``), so
        this waits for the opening first (``when_open``), however long it takes: at once only
        when nothing is being opened or saved. Never called once the window has closed. The
        history's own closing waits on ``WaitingSaves`` directly; this is the way in for code
        outside the history, so far only the tests' ``make_link`` and ``wait_saved``."""
        self._history.when_open(lambda: self._waiting.when_saved(then))

    @property
    def is_open(self) -> bool:
        """Whether the history database is open (the start-up step opens it in the background)."""
        return self._history.is_open

    def _open_store(self) -> None:
        self._history.open_in_background(self.window.runner)

    def _warm_up_panel(self) -> None:
        """Load the panel's modules while nobody waits for them (see ``history_warm_up``)."""
        from kombo_desktop.ui.history_warm_up import STEPS

        self.window.start_up.add_in_idle_turns(STEPS)

    @property
    def banner(self) -> DuplicateBanner:
        """The duplicate warning above the forms (hidden until a duplicate is found)."""
        return self.duplicates.banner

    @property
    def from_history(self) -> FillFromHistory:
        """What an entry chosen from the history does: shown, or filled into the form (see
        ``history_fill``, loaded with the panel's modules after the first frame)."""
        if self._from_history is None:
            from kombo_desktop.ui.history_fill import FillFromHistory

            self._from_history = FillFromHistory(self)
        return self._from_history

    @property
    def panel(self) -> HistoryPanel:
        """The history panel, in a dock at the bottom of the window (closed until opened)."""
        return self.placement.panel

    @property
    def dock(self) -> QDockWidget:
        return self.placement.dock

    # --- construction ------------------------------------------------------------------------

    def _chain_tab_order(self) -> None:
        """Tab through the new controls where they are seen: the header's screen-sharing switch
        and history button before Settings (the warning's choices join later, see ``banner``)."""
        window = self.window
        chain_tab_order(
            [
                window.demoBanner.leaveDemoButton,
                window.screen_sharing.privacySwitch,
                self.historyButton,
                window.header.settingsButton,
                window.firstRunNotice.openSettingsButton,
                window.firstRunNotice.tryDemoButton,
                window.tabs,
            ]
        )

    def _add_to_result_area(self) -> None:
        """Put the invitation buttons right under the link's own Copy / Open buttons."""
        result = self.window.resultPanel
        result.add_link_actions(self.invitationBar)
        QWidget.setTabOrder(result.openButton, self.invitationBar.copyInvitationButton)
        QWidget.setTabOrder(self.invitationBar.copyInvitationButton, self.invitationBar.emailButton)
        QWidget.setTabOrder(self.invitationBar.emailButton, result.exportQrButton)

    def _connect(self) -> None:
        window = self.window
        window.create_guards.append(self.duplicates.check)
        window.link_made.connect(self.record)
        window.target_changed.connect(self._target_changed)
        window.profile_renamed.connect(self._profile_renamed)
        # The next customer: a reconnection started for the last one is not theirs.
        window.linkForm.cleared.connect(self.relink_customer.forget)
        self.invitationBar.notice.connect(window.show_status)
        window.resultPanel.linkField.textChanged.connect(self.invitationBar.link_shown)
        window.screen_sharing.changed.connect(self._screen_sharing_changed)

        window.linkForm.edited.connect(self._form_edited)
        window.linkForm.tool_reset.connect(self._tool_reset)

    # --- recording ---------------------------------------------------------------------------

    def _profile_renamed(self, old: str, new: str) -> None:
        """Earlier links follow their renamed profile, or the duplicate check would miss them:
        once the history is open, if it is still being opened, however long that takes (a
        click's wait gives up after a second; this must not)."""
        self._history.when_open(lambda: self._rename_in_history(old, new))

    def _rename_in_history(self, old: str, new: str) -> None:
        """Move the earlier links to the new name on a worker thread: writing waits for the
        disk, and for another program holding the file (a second, with the window frozen,
        when it was done on the UI thread)."""
        try:
            store = self.store
            self.window.runner.run(
                lambda _token: store.rename_profile(old, new),
                on_done=lambda _changed: self._renamed_in_history(old, new),
                on_error=lambda error: self._not_renamed_in_history(old, error),
                name="history-rename-profile",
            )
        except RuntimeError as error:  # the history or the window is closed
            self._not_renamed_in_history(old, error)

    def _not_renamed_in_history(self, old: str, error: BaseException) -> None:
        from kombo_desktop.core.history import HistoryError

        if not isinstance(error, HistoryError | RuntimeError):  # a slip: reported, not hidden
            sys.excepthook(type(error), error, error.__traceback__)
        _log.warning("The history could not follow a renamed profile: %s", error)
        self.window.show_note(
            f"Links made with the profile “{old}” before it was renamed could not be moved "
            "to its new name, so the duplicate warning will not know about them."
        )

    def _renamed_in_history(self, old: str, new: str) -> None:
        panel = self.placement.built_panel
        if panel is not None:
            if panel.model.current_profile == old:  # the profile in use, renamed
                panel.model.set_current_profile(new)
            panel.refresh()

    def tool_label(self, tool: str | None) -> str | None:
        """How the tool list names the tool with the id ``tool`` (its id when the list does not
        know it); None for no tool (the customer was to choose)."""
        return self.window.linkForm.catalog.label_for(tool) if tool else None

    def record(self, made: MadeLink) -> None:
        """Remember a link just made, and let the invitation buttons use it. The link is
        handed to the history and written on a worker thread (``WaitingSaves``): the window
        never waits for the file, which another program may be holding."""
        from kombo_desktop.core.history import HistoryError

        request = made.request
        # A link kept off the screen leaves the one on show (chosen from the history while
        # it was made, see LinkMaking._show_created) as it was: still taken off the screen
        # when screen-sharing mode is turned on, with its invitation.
        if self._from_history is not None and made.shown:
            self._from_history.link_made()
        self.duplicates.clear()  # e.g. the reconnection link it suggested was just made
        unchecked = self.duplicates.take_unchecked_reason(request)
        if unchecked is not None:
            # After what the window said about the link (ready, kept off the screen...).
            self.window.show_status(f"{self.window.statusPanel.text} {unchecked}", "info")
        try:
            customer = made.customer
            label = self.tool_label(customer.tool)
            if made.shown:
                context = customer.invitation(
                    made.url,
                    request.language,
                    request.link_type,
                    tool_label=label,
                    is_demo=made.is_demo,
                    made=made.created,
                    reconnection=isinstance(request, RelinkRequest),
                )
            else:  # kept off the screen (see LinkMaking._show_created): no invitation either
                context = None
            if made.shown or self.window.resultPanel.shown is None:
                self.invitationBar.set_context(context)
            environment_id = made.environment_id  # the key's it was made with
            # Handed to the history now, or once it is open if it is still being opened (see
            # ``BackgroundHistory.save`` and ``close``), and written on a worker thread: the
            # window waits neither for the disk nor for another program holding the file.
            queued = self._history.save(
                lambda store: _store_made(store, made, customer, label, environment_id),
                shown=made.shown,
            )
            if not queued:
                self._name_when_kombo_does(made)
                return
        except (HistoryError, RuntimeError) as error:
            _log.warning("Recording a link in the history failed: %s", error)
            if not made.shown:
                # Kept off the screen for details typed meanwhile, and not in the history
                # either: nothing is left to copy.
                self.window.show_status(
                    "A link was made for the details the form had when you pressed the button, "
                    "but it could not be saved in the history, and the form was changed since, "
                    "so it is not kept. Enter those details again and make a new link; "
                    "restarting the program may help the history.",
                    "error",
                )
                return
            self.window.show_status(
                "The link is ready, but it could not be saved in the history, so the duplicate "
                "warning will not know about it. Copy it now; restarting the program may help.",
                "error",
            )
            return
        # Listed once saved; said why if the file cannot take it yet (a full disk, a file
        # held by another program), and kept until it can.
        self._waiting.save_new(shown=made.shown)
        self._name_when_kombo_does(made)
        if self.forgets_at_exit and made.shown:
            panel = self.window.statusPanel
            self.window.show_status(f"{panel.text} {KEPT_UNTIL_CLOSING}", panel.kind)

    def _name_when_kombo_does(self, made: MadeLink) -> None:
        """A reconnection link made before Kombo said whose integration it is (pressed at once
        after pasting the id, or Kombo was slow to answer) has an entry naming no customer:
        it is given the organisation once Kombo names it. So is the link on show, its title
        and its invitation, if it is still this one (``_name_on_show``)."""
        request, customer = made.request, made.customer
        if not isinstance(request, RelinkRequest) or (
            customer.organization or customer.email or customer.origin_id
        ):
            return
        lookup = self.window.integration_lookup
        if lookup is None:
            return
        shown = self.window.resultPanel.shown if made.shown else None
        if shown is not None and shown.url != made.url:
            shown = None

        def named(info: IntegrationInfo) -> None:
            self._history.when_open(lambda: self._name_in_history(made.url, info))
            if shown is not None:
                self._name_on_show(shown, info)

        lookup.when_answered(request.integration_id, named)

    def _name_on_show(self, shown: ShownLink, info: IntegrationInfo) -> None:
        """Name the organisation Kombo gave (``info``) in the title of the reconnection link
        ``shown`` and in its invitation, if it is still the link on show. Without it the
        invitation asked "your company" to reconnect, and the title named no one, while the
        history named the customer. A link shown since (another customer's, maybe, made
        meanwhile) is left as it is: the name is not its customer's. In screen-sharing mode
        the title leaves the organisation out, as the reconnection tab does."""
        if not info.organization or not self.window.resultPanel.name_organization(
            shown, info.organization
        ):
            return
        context = self.invitationBar.context
        if context is not None and context.url == shown.url and context.organization is None:
            self.invitationBar.set_context(
                replace(
                    context,
                    organization=info.organization,
                    category=context.category or info.category,
                )
            )

    def _name_in_history(self, url: str, info: IntegrationInfo) -> None:
        """Name the organisation Kombo gave (``info``) in the entry of the reconnection link
        ``url``, on a worker thread (writing waits for the disk, and for another program
        holding the file); the panel shows it then."""
        if not info.organization:
            return
        organization, category = info.organization, info.category

        def named(entry: HistoryEntry | None) -> None:
            panel = self.placement.built_panel
            if entry is not None and panel is not None:
                panel.model.replace_entry(entry)

        def failed(error: BaseException) -> None:
            from kombo_desktop.core.history import HistoryError

            if not isinstance(error, HistoryError | RuntimeError):  # a slip: reported
                sys.excepthook(type(error), error, error.__traceback__)
            _log.warning("The history could not name a reconnection's customer: %s", error)

        try:
            store = self.store
            self.window.runner.run(
                lambda _token: store.name_relink_organization(url, organization, category),
                on_done=named,
                on_error=failed,
                name="history-name-customer",
            )
        except RuntimeError as error:  # the history or the window is closed
            failed(error)

    def _list_saved(self, entry: HistoryEntry) -> None:
        """A link just saved goes on top of the history panel (if it was made)."""
        panel = self.placement.built_panel
        if panel is not None:
            panel.model.add_newest(entry)

    @property
    def forgets_at_exit(self) -> bool:
        """True when the history lives in memory (its file could not be used): the links
        made are forgotten when the program closes."""
        return self._history.in_memory

    def relink_started_for(self, integration_id: str) -> str | None:
        """The organisation a reconnection was started for (the duplicate warning's "make a
        reconnection link instead", or a history entry), unless it was for another id."""
        return self.relink_customer.started_for(integration_id)

    # --- an integration removed in Kombo ------------------------------------------------------

    def integration_removed(self, integration_id: str) -> bool:
        """Whether Kombo's "no such integration" for ``integration_id`` means it was removed
        in Kombo: this profile made a link for it before, in the same Kombo environment, so
        neither a mistyped id nor another region or environment explains it. Its reconnection
        links can no longer work, and the duplicate warning stops offering them."""
        return self.duplicates.integration_removed(integration_id)

    # --- for the duplicate warning (and the panel) -------------------------------------------

    def demo_origin(self) -> str | None:
        """Where the links the history marks as demo links (made on this computer) work now:
        the running demo service, or a local service the profile itself sends to (a test
        set-up); None when neither is in use, and every such link leads nowhere."""
        from kombo_desktop.core.api_address import is_loopback_url

        target, server = self.window.target, self.window.demo_server
        if target is None:
            return None
        if target.demo:
            return server.origin if server is not None else None
        if is_loopback_url(target.api_base):
            address = urlsplit(target.api_base)
            return f"{address.scheme}://{address.netloc}"
        return None

    def entry_tool(self, entry: HistoryEntry) -> str | None:
        """The name of the tool ``entry``'s link is for (None: the customer was to choose)."""
        return entry.tool_label or self.tool_label(entry.tool)

    def _target_changed(self, target: Target) -> None:
        self.duplicates.target_changed()
        panel = self.placement.built_panel
        if panel is not None:
            panel.model.set_current_profile(target.profile)
            panel.model.set_demo_origin(self.demo_origin())

    def _form_edited(self) -> None:
        self.relink_customer.forget_unbound()
        self.duplicates.drop_warning(edited=True)

    def _tool_reset(self) -> None:
        """A refreshed tool list took the tool out of the form: the warning's link is no longer
        the one the form asks for ("Create anyway" would send another). The customer a
        reconnection was started for stays: the person has not moved on to someone else."""
        self.duplicates.drop_warning()

    # --- screen-sharing mode and the panel -----------------------------------------------------

    def _screen_sharing_changed(self, on: bool) -> None:
        """The window's screen-sharing mode is now ``on`` or off: while on, the history is
        closed and cannot be opened (the button says why when clicked), and a link shown from
        it goes."""
        self.placement.screen_sharing_changed(on)
        if on and self._from_history is not None:
            self._from_history.take_shown_link_off_screen()

    def open_history(self) -> bool:
        """Open the history panel; refused (False) in screen-sharing mode (see
        ``HistoryPlacement.open_history``)."""
        return self.placement.open_history()

    def close_history(self) -> None:
        self.placement.close_history()

    @property
    def history_open(self) -> bool:
        return self.placement.history_open

    # --- closing -------------------------------------------------------------------------------

    def may_close(self, *, refused_asked: bool = False) -> bool:
        """Whether the person closing the window may go ahead as far as the history goes: links
        made while it was being opened are waited for, a few seconds at most, and the person is
        asked before closing without them, or without links its file refused, unless that was
        ``refused_asked`` already (see ``history_closing``)."""
        return self._closing.may_close(refused_asked=refused_asked)

    def refused_links(self) -> str:
        """What closing now would leave out of the history: the links its file refused, said
        for the closing question; "" when none waits (see ``history_closing``)."""
        return self._closing.refused_links()

    def export_lets_close(self) -> bool:
        """Whether the person closing the window may go ahead as far as an export of the
        history goes: while one is written the window stays open, and closes once it is saved
        or when closed again (see ``export_closing``)."""
        panel = self.placement.built_panel
        if self._export_closing is None:
            if panel is None or not panel.exporting:
                return True
            from kombo_desktop.ui.export_closing import ClosingDuringExport

            self._export_closing = ClosingDuringExport(
                self.window, lambda: self.placement.built_panel
            )
        return self._export_closing.may_close()

    def closing_called_off(self) -> None:
        """The person closing the window kept it open after all (a question while closing):
        it no longer closes once an export is saved (see ``export_closing``)."""
        if self._export_closing is not None:
            self._export_closing.called_off()

    def wait_before_closing(self) -> None:
        """Give the history being opened a few seconds more to finish, when links made
        meanwhile wait for it, so that ``close`` saves them (see ``history_closing``); stop an
        export still being written, and wait a moment for it to end, so that it leaves no
        half-written file (see ``export_closing``)."""
        self._closing.wait()
        panel = self.placement.built_panel
        if panel is not None and panel.exporting:
            from kombo_desktop.ui.export_closing import stop_export_before_closing

            stop_export_before_closing(self.window, panel)

    def close(self) -> None:
        """Close the history file (after the window's background tasks have stopped); links
        made while it was being opened are saved first (see ``BackgroundHistory.close``), and
        those the file could not take are tried once more (see ``HistoryStore.close``)."""
        self._waiting.stop()
        self._history.close()
