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
  below the form or beside it, wherever it leaves the form its first fields (``history_dock``).
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
warning and the panel, with their modules, are made the first time they are needed. That keeps
``sqlite3``, the history's model and panel (about 15 ms of imports and building) off the path
to the first frame, as nothing of them is on screen at start. The panel's modules are then
loaded in small steps while nobody waits (``history_warm_up``), so that the first click on
History only builds the panel.

The parts with rules of their own live beside this module: opening the database in the
background and saving the links made meanwhile (``history_opening``), the links the file could
not take when made, saved once it can (``history_waiting``), the duplicate warning's flow and
which earlier links count (``duplicate_flow``), and who a link is for (``link_customer``).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6 import QtCore
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton, QWidget

from kombo_desktop.core.integration_id import integration_id_as_sent, integration_tool
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import DEFAULT_CATEGORY, NEW_LINK_TAB_TEXT
from kombo_desktop.ui.duplicate_flow import DuplicateFlow
from kombo_desktop.ui.history_closing import ClosingWithHistory
from kombo_desktop.ui.history_opening import BackgroundHistory, HistoryNotReadyError
from kombo_desktop.ui.history_waiting import WaitingSaves
from kombo_desktop.ui.invitation_bar import InvitationBar
from kombo_desktop.ui.link_customer import Customer, RelinkCustomer, organization_to_name
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.relink_form import RELINK_TEXT
from kombo_desktop.ui.result_panel import ShownLink, link_refusal
from kombo_desktop.ui.widgets import chain_tab_order

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QDockWidget

    from kombo_desktop.core.history import HistoryEntry, HistoryStore
    from kombo_desktop.core.link_check import LinkProblem
    from kombo_desktop.ui.connection import Target
    from kombo_desktop.ui.duplicate_banner import DuplicateBanner
    from kombo_desktop.ui.history_panel import HistoryPanel
    from kombo_desktop.ui.main_window import MadeLink, MainWindow

_log = logging.getLogger(__name__)

HISTORY_TEXT = "History"
HISTORY_LOCKED_TOOLTIP = (
    "The history lists other customers. Turn off screen-sharing mode to open it."
)
HISTORY_TOOLTIP = "Show or hide the links made before"
# Said when the History button is clicked in screen-sharing mode, with SHOW_HISTORY_TEXT.
HISTORY_HIDDEN_TEXT = (
    "The history is hidden while screen-sharing mode is on, as it shows other customers' "
    "names. Turn screen-sharing mode off only when no customer can see your screen."
)
SHOW_HISTORY_TEXT = "Turn off and show history"
# The history panel's button that fills the form with an entry; it names the question too.
FILL_TEXT = "Fill the form"
# Said with each link made while the history lives in memory (its file could not be used,
# see the note start-up gave): the note scrolls away, the links go on being forgotten.
KEPT_UNTIL_CLOSING = "It is kept in the history only until the program closes."


def unusable_link_words(problem: LinkProblem) -> str:
    """Said when an entry is chosen whose link the rule for links refuses (``result_panel.
    link_refusal``): kept by an older version, it is neither shown, copied nor opened."""
    return f"This link can't be used because {problem.reason}. Use “{FILL_TEXT}” to make a new one."


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
        self._from_history_url: str | None = None
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
        self.relink_customer = RelinkCustomer(window, self._history)
        # The reconnection last filled in from the history ("Fill the form"): which profile
        # made it tells what Kombo not knowing its id means (``removed_profile_of``).
        self._filled_reconnection: HistoryEntry | None = None
        self.duplicates = DuplicateFlow(self)
        self._panel: HistoryPanel | None = None
        self._dock: QDockWidget | None = None
        # The History button pressed while the history was being opened: what calls off
        # opening the panel once it is (``open_history``).
        self._call_off_waiting: Callable[[], None] | None = None

        self.historyButton = QPushButton(HISTORY_TEXT)
        self.historyButton.setObjectName("historyToggleButton")
        self.historyButton.setAccessibleName("History")
        self.historyButton.setAccessibleDescription("Show or hide the link history")
        self.historyButton.setCheckable(True)
        self.historyButton.setAutoDefault(False)
        window.header.add_before_settings(self.historyButton)  # after the screen-sharing switch

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
    def panel(self) -> HistoryPanel:
        """The history panel, in a dock at the bottom of the window (closed until opened)."""
        if self._panel is None:
            from PySide6.QtWidgets import QDockWidget

            from kombo_desktop.ui.history_panel import HistoryPanel

            window = self.window
            panel = HistoryPanel(
                self.store, window.runner, lambda: window.linkForm.catalog, window.save_places
            )
            target = window.target
            panel.model.set_current_profile(target.profile if target is not None else None)
            panel.model.set_demo_origin(self.demo_origin())
            dock = QDockWidget("Link history", window)
            dock.setObjectName("historyDock")
            dock.setWidget(panel)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetClosable
                | QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            areas = QtCore.Qt.DockWidgetArea
            window.addDockWidget(areas.BottomDockWidgetArea, dock)
            dock.hide()
            # Beside the form (or floating over it) the panel is narrow (see ``history_dock``),
            # whoever put it there; docked, it is never compact as it floats.
            dock.dockLocationChanged.connect(
                lambda area: panel.set_narrow(
                    area in (areas.LeftDockWidgetArea, areas.RightDockWidgetArea)
                    or dock.isFloating()
                )
            )
            dock.topLevelChanged.connect(
                lambda floating: None if floating else panel.set_compact(False)
            )
            panel.notice.connect(window.show_status)
            panel.show_requested.connect(self.show_entry)
            panel.fill_requested.connect(self.fill_from)
            panel.deleted.connect(self._entry_deleted)
            dock.visibilityChanged.connect(self._dock_visibility_changed)
            self._panel, self._dock = panel, dock
        return self._panel

    @property
    def dock(self) -> QDockWidget:
        _ = self.panel
        assert self._dock is not None
        return self._dock

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
        self.historyButton.toggled.connect(self._history_button_toggled)

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
        if self._panel is not None:
            if self._panel.model.current_profile == old:  # the profile in use, renamed
                self._panel.model.set_current_profile(new)
            self._panel.refresh()

    def _tool_label(self, tool: str | None) -> str | None:
        return self.window.linkForm.catalog.label_for(tool) if tool else None

    def record(self, made: MadeLink) -> None:
        """Remember a link just made, and let the invitation buttons use it. The link is
        handed to the history and written on a worker thread (``WaitingSaves``): the window
        never waits for the file, which another program may be holding."""
        from kombo_desktop.core.history import HistoryError

        request = made.request
        self._from_history_url = None
        self.duplicates.clear()  # e.g. the reconnection link it suggested was just made
        unchecked = self.duplicates.take_unchecked_reason(request)
        if unchecked is not None:
            # After what the window said about the link (ready, kept off the screen...).
            self.window.show_status(f"{self.window.statusPanel.text} {unchecked}", "info")
        try:
            customer = made.customer
            label = self._tool_label(customer.tool)
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
        if self.forgets_at_exit and made.shown:
            panel = self.window.statusPanel
            self.window.show_status(f"{panel.text} {KEPT_UNTIL_CLOSING}", panel.kind)

    def _list_saved(self, entry: HistoryEntry) -> None:
        """A link just saved goes on top of the history panel (if it was made)."""
        if self._panel is not None:
            self._panel.model.add_newest(entry)

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

    def new_link_instead(self, integration_id: str) -> None:
        """The New link tab for the customer of an integration removed in Kombo: their
        details are filled in, unless the form holds them already (with the choices made
        for them there). Not in screen-sharing mode: the history's details of whoever the
        id was for stay off the screen, and the form keeps what was typed. Typing they would
        replace that no link was made with (the next customer's) is asked about first, as
        "Fill the form" does: Cancel changes nothing."""
        window = self.window
        customer = (
            None
            if window.screen_sharing.on
            else self.relink_customer.of_integration(integration_id)
        )
        if customer is not None and window.linkForm.customer_text() == customer.typed():
            customer = None  # the form holds them already, with the choices made there
        if customer is not None and window.linkForm.filling_loses_typing(customer.typed()):
            from kombo_desktop.ui.confirm import may_lose

            lost = [f"what is typed on the “{NEW_LINK_TAB_TEXT}” tab"]
            if not may_lose(window, lost, f"{FILL_TEXT}?", FILL_TEXT):
                return
        window.relinkForm.let_go(integration_id)  # gone in Kombo: nothing to keep it for
        note = ""
        if customer is not None:
            note = window.linkForm.fill(
                email=customer.email or "",
                organization_name=customer.organization or "",
                origin_id=customer.origin_id,
                category=customer.category or DEFAULT_CATEGORY,
                tool=customer.tool or integration_tool(integration_id),
                remote_environment=customer.remote_environment,
            )
        window.show_create_mode()
        # An empty form (screen-sharing mode, nothing typed) has no details to check yet.
        step = "Check" if any(window.linkForm.customer_text()) else "Enter"
        window.show_status(
            f"{step} the customer's details, then press “{CREATE_TEXT}” to make a new "
            f"connection link.{f' {note}' if note else ''}",
            "info",
        )

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
        return entry.tool_label or self._tool_label(entry.tool)

    def make_room_for_warning(self) -> None:
        """A duplicate warning is shown: a history floating over the window would cover its
        choices and closes; a docked one gives the warning room from the form, not the other
        way round."""
        if self._history_floats():
            self.close_history()
        elif self.history_open:
            self._place_history()

    def _target_changed(self, target: Target) -> None:
        self.duplicates.target_changed()
        if self._panel is not None:
            self._panel.model.set_current_profile(target.profile)
            self._panel.model.set_demo_origin(self.demo_origin())

    def _form_edited(self) -> None:
        self.relink_customer.forget_unbound()
        self.duplicates.drop_warning(edited=True)

    def _tool_reset(self) -> None:
        """A refreshed tool list took the tool out of the form: the warning's link is no longer
        the one the form asks for ("Create anyway" would send another). The customer a
        reconnection was started for stays: the person has not moved on to someone else."""
        self.duplicates.drop_warning()

    # --- entries from the history --------------------------------------------------------------

    def show_entry(self, entry: HistoryEntry) -> None:
        """Show an entry's link and QR code in the result area (history panel)."""
        from kombo_desktop.ui.history_model import (
            ENDED_DEMO_WORDS,
            local_date,
            made_when,
            status_text,
        )

        problem = link_refusal(entry.url, entry.is_demo)
        if problem is not None:  # shown, its code and Copy would hand it on all the same
            self.window.show_status(unusable_link_words(problem), "error")
            return
        if entry.from_an_ended_demo(self.demo_origin()):
            # Nothing to show: shown, it looked valid, with a code and Open that led nowhere.
            self.window.show_status(ENDED_DEMO_WORDS, "info")
            return
        self.show_history_link(entry)
        self._from_history_url = entry.url
        target = self.window.target
        if target is not None and target.profile != entry.profile:
            made = f"made with profile “{entry.profile}” {made_when(entry.created_at)}"
        else:
            made = f"made {made_when(entry.created_at)}"
        if entry.is_valid():
            valid = status_text(entry)  # "Valid until 14:32" for a link of an hour
            self.window.show_status(
                f"Showing the link {made}. It is {valid[0].lower()}{valid[1:]}.", "info"
            )
        else:
            self.window.show_status(
                f"This link expired on {local_date(entry.expires_at)} and no longer works. Use "
                f"“{FILL_TEXT}” to make a new one.",
                "info",
            )

    def show_history_link(self, entry: HistoryEntry, customer: LinkRequest | None = None) -> None:
        """Show ``entry``'s link, for ``customer`` (the form's, after the duplicate warning) or
        else for the entry's own (from the history panel)."""
        from kombo_desktop.core.history import EntryKind

        # The link's own flow language; the people are the ones in the form when there are.
        who = Customer.of_entry(entry)
        # What the code's file name is made from, by the rule of a link just made.
        if customer is not None:
            organization = organization_to_name(entry, customer)
            who = replace(who, organization=organization, email=customer.end_user_email)
            integration_id = None  # "kombo-link" when no organisation is named
        else:
            organization, integration_id = entry.organization, entry.integration_id
        reconnection = entry.kind is EntryKind.RELINK
        # The panel's title names a reconnection link's tool ("Reconnection link · Personio").
        tool = (
            self.entry_tool(entry) or self._tool_label(integration_tool(entry.integration_id or ""))
            if reconnection
            else None
        )
        self.window.show_link(
            ShownLink(
                url=entry.url,
                link_type=entry.link_type,
                is_demo=entry.is_demo,
                created=entry.created_at.astimezone(),
                organization=organization,
                integration_id=integration_id,
                reconnection=reconnection,
                tool_label=tool,
            )
        )
        self.invitationBar.set_context(
            who.invitation(
                entry.url,
                entry.language,
                entry.link_type,
                tool_label=self.entry_tool(entry),
                is_demo=entry.is_demo,
                made=entry.created_at.astimezone(),
                reconnection=reconnection,
            )
        )

    def _profile_to_reconnect_with(
        self, profile: str, in_use: str, made_in: str | None = None
    ) -> str:
        """What the status line adds when a reconnection filled in from the history was made
        with ``profile``, not the one in use: Kombo knows an integration only in the account
        it was connected in, so only that profile's key can reconnect it. A profile removed
        since is said to be gone, with the way forward: sent to choose it in Settings, the
        person found no such profile there. Made in the Kombo environment ``made_in`` that
        the key in use is known to belong to (the key given at start, or another profile's
        key of the same account), the profile it was made with does not matter: nothing."""
        if not self._needs_another_profile(profile, in_use, made_in):
            return ""
        if self.window.setup.settings.profile(profile) is None:
            from kombo_desktop.core.integrations import removed_profile_text

            return f" {removed_profile_text(profile)}"
        return (
            f" The integration was connected with profile “{profile}”: a reconnection link "
            "can be made only with that profile (choose it in Settings)."
        )

    def _needs_another_profile(self, profile: str, in_use: str, made_in: str | None) -> bool:
        """Whether only ``profile``'s key can reconnect an integration connected with it (in
        ``made_in``), not the key of ``in_use`` (see :meth:`_profile_to_reconnect_with`)."""
        if profile == in_use:
            return False
        target = self.window.target
        return not (
            made_in is not None
            and target is not None
            and self.window.environment_id(target) == made_in
        )

    def removed_profile_of(self, integration_id: str) -> str | None:
        """The profile a reconnection of ``integration_id`` filled in from the history was
        made with, when only that profile's key could reconnect it and it was removed since
        (what the status line said on filling it in); None otherwise. Kombo not knowing the
        id with the key in use is then no mistyped id, nor a matter of choosing a profile."""
        entry = self._filled_reconnection
        # Compared as sent: the form was filled with the id cleaned (``integration_id_as_sent``)
        # of what an older version may have kept with invisible characters.
        if entry is None or entry.integration_id is None:
            return None
        if integration_id_as_sent(entry.integration_id) != integration_id_as_sent(integration_id):
            return None
        target = self.window.target
        in_use = target.profile if target is not None else entry.profile
        made_in = None if entry.is_demo else entry.environment_id
        if not self._needs_another_profile(entry.profile, in_use, made_in):
            return None
        if self.window.setup.settings.profile(entry.profile) is not None:
            return None
        return entry.profile

    def _reconnect_note(self, entry: HistoryEntry, in_use: str) -> str:
        """:meth:`_profile_to_reconnect_with` for a reconnection ``entry`` (demo links have
        no Kombo environment)."""
        made_in = None if entry.is_demo else entry.environment_id
        return self._profile_to_reconnect_with(entry.profile, in_use, made_in)

    def fill_from(self, entry: HistoryEntry) -> None:
        """Fill the form with an entry: a new link's values, or a reconnection's integration.
        Typing it would replace that no link was made with (the next customer's details, read
        out on a call) is asked about first, as clearing the form does: Cancel changes nothing."""
        from kombo_desktop.core.history import EntryKind

        if not self._may_fill_over_typing(entry):
            return
        self._out_of_the_way()
        window = self.window
        target = window.target
        in_use = target.profile if target is not None else entry.profile
        if entry.kind is EntryKind.RELINK and entry.integration_id:
            self.relink_customer.remember(Customer.of_entry(entry))
            self._filled_reconnection = entry
            window.relinkForm.fill(
                entry.integration_id, entry.language, entry.link_type, from_history=True
            )
            window.show_relink_mode()
            window.show_status(
                "The reconnection form is filled in from the history. Check it, then press "
                f"“{RELINK_TEXT}”.{self._reconnect_note(entry, in_use)}",
                "info",
            )
            return
        tool_note = window.linkForm.fill(
            email=entry.email or "",
            organization_name=entry.organization or "",
            origin_id=entry.origin_id,
            category=entry.category or DEFAULT_CATEGORY,
            tool=entry.tool,
            remote_environment=entry.remote_environment,
            language=entry.language,
            link_type=entry.link_type,
            scope_config_id=entry.scope_config_id,
            enable_filtering=entry.enable_filtering,
            enable_field_mapping=entry.enable_field_mapping,
        )
        window.show_create_mode()
        elsewhere = (
            f" That link was made with profile “{entry.profile}”; the new one will be made with "
            f"the profile in use, “{in_use}”."
            if entry.profile != in_use
            else ""
        )
        window.show_status(
            f"The form is filled in from the history. Check it, then press “{CREATE_TEXT}”."
            f"{elsewhere}{f' {tool_note}' if tool_note else ''}",
            "info",
        )

    def _entry_deleted(self, entry: HistoryEntry) -> None:
        """Details filled in from ``entry`` were not counted as unused typing, as the history
        kept them; now that it no longer does, the forms are their only copy, and clearing or
        closing asks about them again (it emptied them unasked)."""
        window = self.window
        window.linkForm.forget_filled(Customer.of_entry(entry).typed())
        if entry.integration_id:
            window.relinkForm.forget_filled(entry.integration_id)

    def _may_fill_over_typing(self, entry: HistoryEntry) -> bool:
        """Whether ``entry`` may be filled in: at once when that replaces no unused typing (the
        same details, or those last filled in from the history, are none), else as the person
        answers (see ``confirm.may_lose``)."""
        from kombo_desktop.core.history import EntryKind

        window = self.window
        if entry.kind is EntryKind.RELINK and entry.integration_id:
            words = window.unused_relink_id()
            lost = (
                [words]
                if words and window.relinkForm.integration_id != entry.integration_id
                else []
            )
        else:
            customer = Customer.of_entry(entry).typed()
            lost = ["what is typed in it"] if window.linkForm.filling_loses_typing(customer) else []
        if not lost:
            return True
        from kombo_desktop.ui.confirm import may_lose

        return may_lose(window, lost, f"{FILL_TEXT}?", FILL_TEXT)

    # --- screen-sharing mode and the panel -----------------------------------------------------

    def _screen_sharing_changed(self, on: bool) -> None:
        """The window's screen-sharing mode is now ``on`` or off: while on, the history is
        closed and cannot be opened (the button says why when clicked), and a link shown from
        it goes."""
        self.historyButton.setToolTip(HISTORY_LOCKED_TOOLTIP if on else HISTORY_TOOLTIP)
        if on:
            self.close_history()
            shown = self.window.resultPanel.shown
            if shown is not None and shown.url == self._from_history_url:
                self.window.resultPanel.clear()
                self.invitationBar.set_context(None)
            self._from_history_url = None

    def open_history(self) -> bool:
        """Open the history panel; refused (False) in screen-sharing mode. While the history
        is still being opened, the button stays pressed, and the panel opens once it is, or
        the status line says why it cannot, a second later at most (``when_ready``); closing
        the history meanwhile (the button again, screen-sharing mode) calls that off."""
        if self.window.screen_sharing.on:
            return False
        if self.worth_waiting_for:
            self._set_history_button(True)
            self._stop_waiting_to_open()
            self._call_off_waiting = self.when_ready(self._open_once_ready)
            return True
        try:
            _ = self.store
        except HistoryNotReadyError as error:  # still being opened after the wait: said why
            self._set_history_button(False)
            self.window.show_status(str(error), "info")
            return False
        self._set_history_button(True)
        self._place_history()
        self.dock.raise_()
        if self.dock.isFloating():
            # A window of its own, which Qt shows without making it active (a tool window:
            # on Windows never active): without this the keys stayed in the main window, and
            # Tab, F6 or Ctrl+Tab never reached the history it covers.
            self.dock.activateWindow()
        self.panel.activate()
        self.panel.historySearchEdit.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        return True

    def _place_history(self) -> None:
        """Open the dock where it leaves the form its first fields (see ``history_dock``)."""
        from kombo_desktop.ui.history_dock import place_history

        place_history(
            self.window, self.dock, self.panel, warning_shown=self.duplicates.warning_shown
        )

    def _open_once_ready(self) -> None:
        self._call_off_waiting = None
        self.open_history()

    def _stop_waiting_to_open(self) -> None:
        call_off, self._call_off_waiting = self._call_off_waiting, None
        if call_off is not None:
            call_off()

    def close_history(self) -> None:
        self._set_history_button(False)
        self._stop_waiting_to_open()
        if self._panel is None:
            return  # never opened: nothing to close
        held_the_keys = self.dock.isFloating() and self.dock.isActiveWindow()
        self.dock.hide()
        self.panel.deactivate()
        if held_the_keys:  # else no window has them (filled in from it, say): back to the form
            self.window.activateWindow()

    @property
    def history_open(self) -> bool:
        return self._dock is not None and not self._dock.isHidden()

    def _history_floats(self) -> bool:
        """Open in a window of its own, over the main window (a small screen, see
        ``history_dock``)."""
        return self.history_open and self.dock.isFloating()

    def close_floating_history(self) -> None:
        """Esc: a history floating over the form closes, and the focus goes to the button that
        opens it again (in the main window, which Tab then goes round)."""
        if not self._history_floats():
            return
        self.close_history()
        self.window.activateWindow()
        self.historyButton.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)

    def _out_of_the_way(self) -> None:
        """A history floating over the form closes when the form is filled from it, which it
        would cover (see ``history_dock``)."""
        if self._history_floats():
            self.close_history()

    def _set_history_button(self, checked: bool) -> None:
        self.historyButton.blockSignals(True)
        self.historyButton.setChecked(checked)
        self.historyButton.blockSignals(False)

    def _history_button_toggled(self, checked: bool) -> None:
        if checked:
            if not self.open_history():
                self._set_history_button(False)
                if self.window.screen_sharing.on:
                    self._say_history_hidden()
        else:
            self.close_history()

    def _say_history_hidden(self) -> None:
        """The History button was clicked in screen-sharing mode: say why nothing opens, with
        the way on (turn the mode off, then the history opens) as the status line's button."""
        self.window.statusPanel.show_message(
            HISTORY_HIDDEN_TEXT, "info", action=(SHOW_HISTORY_TEXT, self._show_after_sharing)
        )

    def _show_after_sharing(self) -> None:
        """Turn screen-sharing mode off, which says so on the status line, and open the history
        the person asked for."""
        self.window.screen_sharing.set_on(False)
        self.open_history()

    def _dock_visibility_changed(self, _visible: bool) -> None:
        # The dock's own close button hides it; a minimised window only makes it invisible.
        if self.dock.isHidden() and self.panel.model.active:
            self.close_history()

    # --- closing -------------------------------------------------------------------------------

    def may_close(self) -> bool:
        """Whether the person closing the window may go ahead as far as the history goes: links
        made while it was being opened are waited for, a few seconds at most, and the person is
        asked before closing without them (see ``history_closing``)."""
        return self._closing.may_close()

    def wait_before_closing(self) -> None:
        """Give the history being opened a few seconds more to finish, when links made
        meanwhile wait for it, so that ``close`` saves them (see ``history_closing``)."""
        self._closing.wait()

    def close(self) -> None:
        """Close the history file (after the window's background tasks have stopped); links
        made while it was being opened are saved first (see ``BackgroundHistory.close``), and
        those the file could not take are tried once more (see ``HistoryStore.close``)."""
        self._waiting.stop()
        self._history.close()
