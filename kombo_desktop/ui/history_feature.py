"""The history in the main window: recording, the duplicate warning, the panel, invitations,
and screen-sharing mode.

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
* the header: ``privacySwitch`` ("Screen-sharing mode") and the button that opens the history.
* the result area: ``copyInvitationButton`` and ``emailButton`` under the link.

Screen-sharing mode is ON at every start, by design, and not remembered in the settings: staff
share their screen with customers all day, often straight after starting the program, and a
remembered "off" would put the list of every other customer on the next shared screen. Turning
it off is one click when no one is watching. While it is on:

* the history panel is closed, its button disabled, and the panel's model keeps no entries;
* the duplicate warning names no one (the earlier link may have been matched by organisation
  name while its e-mail address is someone else's); it says only that a link for this customer
  and tool was already made on a given day;
* a link that was shown from the history (not made for the customer in the form) is cleared
  from the result area when the mode is switched on, and the status line is reset, since it may
  name the customer of a history entry.

What the form holds and the link just made stay: they are the current customer's own. The tool
list and its completer show only Kombo's tool names, never customers.

Start-up: only what the first frame shows is built with the window (the switch, the history
button, the invitation buttons). The database is opened right after the first frame (see
``ui/start_up.py``), on a worker thread, as a large or old file takes a while; the duplicate
check waits for it (or opens it itself) if a link is requested before it is open, for a
second at most (``OPENING_WAIT_SECONDS``): after that the link is made unchecked, and the
status line says why; the warning and the panel, with their modules, are made the first time
they are needed. That keeps ``sqlite3``, the history's model and panel (about 15 ms of imports
and building) off the path to the first frame, as nothing of them is on screen at start.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6 import QtCore
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from kombo_desktop.core.link_request import LinkRequest, RelinkRequest, integration_tool
from kombo_desktop.core.vocabulary import DEFAULT_CATEGORY, Category, Language, LinkType
from kombo_desktop.ui import theme
from kombo_desktop.ui.invitation_bar import InvitationBar, InvitationContext
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.result_panel import ShownLink, file_stem_for
from kombo_desktop.ui.widgets import chain_tab_order

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from PySide6.QtWidgets import QDockWidget

    from kombo_desktop.core.history import HistoryEntry, HistoryStore
    from kombo_desktop.ui.connection import Target
    from kombo_desktop.ui.duplicate_banner import DuplicateBanner
    from kombo_desktop.ui.history_panel import HistoryPanel
    from kombo_desktop.ui.main_window import MadeLink, MainWindow

    # Saves a link made while the history was being opened into the store given. Runs on the
    # UI thread, or on the opening's worker thread once the window has closed: it uses only
    # the store (thread-safe) and what the window knew when the link was made.
    _PendingSave = Callable[[HistoryStore], HistoryEntry]

_log = logging.getLogger(__name__)

PRIVACY_ON_TEXT = "Screen-sharing mode: on"
PRIVACY_OFF_TEXT = "Screen-sharing mode: off"
PRIVACY_TOOLTIP = (
    "While on, nothing about other customers is shown (the link history stays closed). "
    "Keep it on whenever you share your screen."
)
HISTORY_TEXT = "History"
# On: calm blue. Off: amber, like the demo warning, because off is the state in which other
# customers can appear on a shared screen, and it should catch the eye before sharing.
_SWITCH_STYLE = f"""
QPushButton#privacySwitch:checked {{
    background: #e8f0fc; border: 2px solid {theme.ACCENT}; color: {theme.ACCENT_DARK};
    padding: 5px 13px;
}}
QPushButton#privacySwitch:!checked {{
    background: #fff4d6; border: 2px solid #b7791f; color: #5c3d00; padding: 5px 13px;
}}
"""
HISTORY_LOCKED_TOOLTIP = (
    "The history lists other customers. Turn off screen-sharing mode to open it."
)
HISTORY_TOOLTIP = "Show or hide the links made before"
RELINK_CHECK_TYPED_HINT = (
    "The integration id you typed before is still there: check that it is this customer's, "
    "then press “Create reconnection link”."
)
# The most a click waits for the history being opened on its worker thread; the window cannot
# repaint meanwhile. Opening takes milliseconds, about a second to upgrade 100,000 links once;
# a file another program holds locked takes the store's two busy waits (two seconds) before it
# is read without the lock, and a slow disk longer still: the person is told at once instead.
OPENING_WAIT_SECONDS = 1.0
HISTORY_IN_USE = (
    "Another program is using the link history file (a database tool, or a second copy of "
    "Kombo Desktop). Close that program, then restart Kombo Desktop."
)
HISTORY_STILL_OPENING = "The link history is still being opened. Try again in a moment."
# Said with each link made while the history lives in memory (its file could not be used,
# see the note start-up gave): the note scrolls away, the links go on being forgotten.
KEPT_UNTIL_CLOSING = "It is kept in the history only until the program closes."
UNCHECKED = "Earlier links were not checked for this customer."
UNCHECKED_STILL_OPENING = (
    "Earlier links were not checked for this customer, as the link history was still being opened."
)
RELINK_PASTE_HINT = (
    "Paste the customer's integration id into “Integration id” (find it in the Kombo dashboard "
    "under Integrations; it looks like personio:93fCvorjZ2jas7ZekX1V1n5d), then press "
    "“Create reconnection link”."
)


@dataclass(frozen=True)
class _Customer:
    """Who a link is for, as far as the window knows (from the form or the history)."""

    email: str | None = None
    organization: str | None = None
    origin_id: str | None = None
    category: Category | None = None
    tool: str | None = None
    integration_id: str | None = None  # None: not known yet (the person pastes it)
    remote_environment: str | None = None  # the tool's environment (None: its live system)

    @classmethod
    def of_request(cls, request: LinkRequest, integration_id: str | None = None) -> _Customer:
        return cls(
            email=request.end_user_email,
            organization=request.end_user_organization_name,
            origin_id=request.end_user_origin_id,
            category=request.integration_category,
            tool=request.integration_tool,
            integration_id=integration_id,
            remote_environment=request.remote_environment,
        )

    def typed(self) -> tuple[str, str, str]:
        """E-mail, organisation and customer id as the new-link form's ``customer_text``."""
        return self.email or "", self.organization or "", self.origin_id or ""

    @classmethod
    def of_entry(cls, entry: HistoryEntry) -> _Customer:
        # A history entry keeps every one of these under the same name.
        return cls(**{field.name: getattr(entry, field.name) for field in fields(cls)})

    def invitation(
        self,
        url: str,
        language: Language,
        link_type: LinkType,
        *,
        tool_label: str | None,
        is_demo: bool,
        made: datetime,
        reconnection: bool,
    ) -> InvitationContext:
        """What the invitation buttons need for ``url``, made for this customer at ``made``."""
        return InvitationContext(
            url=url,
            language=language,
            link_type=link_type,
            organization=self.organization,
            email=self.email,
            tool_label=tool_label,
            category=self.category,
            is_demo=is_demo,
            made=made,
            reconnection=reconnection,
        )


def _organization_to_name(earlier: HistoryEntry, customer: LinkRequest) -> str | None:
    """The organisation the invitation and the QR code's file name name when ``earlier``'s
    link is handed to the form's ``customer``: the form's, or none when the link was made for
    another organisation (the same e-mail address or customer id).

    That link connects the other organisation, so the form's name would label a code that
    does not connect it; and the other organisation's name is what the warning leaves out
    (in screen-sharing mode the watching customer would read it in the save dialog, or in
    the e-mail). A neutral "kombo-link.png" and "your company" say nothing untrue and name
    no one.
    """
    from kombo_desktop.ui.duplicate_banner import made_for_another_organization

    if made_for_another_organization(earlier, customer):
        return None
    return customer.end_user_organization_name


def _store_made(
    store: HistoryStore,
    made: MadeLink,
    customer: _Customer,
    tool_label: str | None,
    environment_id: str | None,
) -> HistoryEntry:
    """Save a link just made for ``customer`` in ``store``; safe on any thread."""
    request = made.request
    profile = made.target.profile
    if isinstance(request, LinkRequest):
        return store.record_request(
            request,
            made.url,
            profile=profile,
            environment_id=environment_id,
            tool_label=tool_label,
            created_at=made.created,
            is_demo=made.is_demo,
        )
    # A relink request names no customer; the history keeps the one it was made for.
    return store.record_relink(
        profile=profile,
        environment_id=environment_id,
        integration_id=request.integration_id,
        language=request.language,
        link_type=request.link_type,
        url=made.url,
        email=customer.email,
        organization=customer.organization,
        origin_id=customer.origin_id,
        category=customer.category,
        tool=customer.tool,
        tool_label=tool_label,
        created_at=made.created,
        is_demo=made.is_demo,
        remote_environment=customer.remote_environment,
    )


class _Opening:
    """The history database being opened on a worker thread (``open``); ``result`` waits for
    it on the UI thread, for a limited time. A window closed meanwhile has it closed once it is
    open, after the links made meanwhile are saved in it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._store: HistoryStore | None = None
        self._error: BaseException | None = None
        self._close_when_open = False
        self._saves_before_closing: list[_PendingSave] = []

    def open(self, path: Path) -> None:
        from kombo_desktop.core.history import HistoryStore

        try:
            store = HistoryStore(path)
        except BaseException as error:
            with self._lock:
                self._error, lost = error, self._saves_before_closing
            self._done.set()
            if lost:
                _log.warning("%d link(s) made while the history was opened are lost", len(lost))
            raise
        with self._lock:
            self._store, close = store, self._close_when_open
            saves, self._saves_before_closing = self._saves_before_closing, []
        self._done.set()
        if close:
            _save_then_close(store, saves)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def result(self, wait: float) -> HistoryStore | None:
        """The opened history, or None if it is still being opened after ``wait`` seconds."""
        if not self._done.wait(wait):
            return None
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store

    def close_when_open(self, saves: list[_PendingSave]) -> None:
        """Save ``saves`` and close the database now if it is open (and unused), else as soon
        as it is (on the worker thread: the window's callback is not run after closing)."""
        with self._lock:
            store, self._close_when_open = self._store, self._store is None
            failed = self._error is not None
            if store is None and not failed:
                self._saves_before_closing.extend(saves)
        if store is not None:
            _save_then_close(store, saves)
        elif failed and saves:
            _log.warning("%d link(s) made while the history was opened are lost", len(saves))
        elif saves:
            _log.warning(
                "The history is still being opened at closing: %d link(s) made meanwhile are "
                "saved if it opens before the program exits",
                len(saves),
            )


def _save_then_close(store: HistoryStore, saves: list[_PendingSave]) -> None:
    """Save the links made while the history was being opened, then close it: the history is
    the only record of the links handed out, and nobody is left to tell of a failure."""
    from kombo_desktop.core.history import HistoryError

    for save in saves:
        try:
            save(store)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Recording a link in the history failed: %s", error)
    if saves and store.in_memory:
        _log.warning("%d link(s) made while the history was opened kept in memory", len(saves))
    store.close()


class HistoryFeature(QObject):
    """Everything the history adds to one main window; ``close()`` when the window closes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.private = True
        self._bypass_once = False
        self._held: LinkRequest | None = None
        self._held_for: Target | None = None  # where the held request was going
        self._relink_customer: _Customer | None = None
        # Integrations this profile made links for that Kombo no longer has (removed there).
        self._removed_integrations: set[str] = set()
        self._from_history_url: str | None = None
        # Built when first needed (see the module docstring's start-up note): the database is
        # opened right after the window's first frame, the warning and the panel on first use.
        self._store: HistoryStore | None = None
        self._opening: _Opening | None = None  # the database, opened on a worker thread
        self._waited_for_opening = False  # a click waited its limit: later ones do not wait
        self._unrecorded: list[_PendingSave] = []  # made while it was opened
        # The request sent without the duplicate check, and why (said with its link).
        self._unchecked: tuple[LinkRequest, str] | None = None
        self._closed = False
        self._banner: DuplicateBanner | None = None
        self._panel: HistoryPanel | None = None
        self._dock: QDockWidget | None = None

        self.privacySwitch = QPushButton(PRIVACY_ON_TEXT)
        self.privacySwitch.setObjectName("privacySwitch")
        self.privacySwitch.setAccessibleName(PRIVACY_ON_TEXT)
        self.privacySwitch.setToolTip(PRIVACY_TOOLTIP)
        self.privacySwitch.setCheckable(True)
        self.privacySwitch.setChecked(True)
        self.privacySwitch.setAutoDefault(False)
        self.privacySwitch.setStyleSheet(_SWITCH_STYLE)
        self.historyButton = QPushButton(HISTORY_TEXT)
        self.historyButton.setObjectName("historyToggleButton")
        self.historyButton.setAccessibleName("History")
        self.historyButton.setAccessibleDescription("Show or hide the link history")
        self.historyButton.setCheckable(True)
        self.historyButton.setAutoDefault(False)
        self._add_to_header()

        self.invitationBar = InvitationBar(window.resultPanel.link_has_expired)
        self._add_to_result_area()
        self._chain_tab_order()

        self._connect()
        self._apply_privacy(True)
        window.start_up.add(self._open_store)

    # --- parts made when first needed ----------------------------------------------------------

    @property
    def store(self) -> HistoryStore:
        """The history database, opened now if the start-up step has not done so yet.

        A link can be requested before that step runs (a very quick click, or a window that
        is never shown, as in the self-test); the duplicate check then opens it here. While
        the worker is still opening it, this waits ``OPENING_WAIT_SECONDS`` (once: after that
        not at all until it is open) and then raises HistoryError with the reason (another
        program holds the file, or it is still being opened). Raises RuntimeError after
        ``close()``.
        """
        if self._store is None:
            if self._closed:
                raise RuntimeError("the link history is closed")
            if self._opening is not None:
                self._store = self._wait_for_opening(self._opening)
                self._opening = None
            else:
                from kombo_desktop.core.history import HistoryStore

                self._store = HistoryStore(self.window.setup.paths.history_file)
            if self._store.problem:
                self.window.show_note(self._store.problem)
            self._record_unrecorded(self._store)
        return self._store

    def _wait_for_opening(self, opening: _Opening) -> HistoryStore:
        from kombo_desktop.core.history import HistoryError, held_by_another_program

        store = opening.result(0 if self._waited_for_opening else OPENING_WAIT_SECONDS)
        if store is not None:
            return store
        self._waited_for_opening = True
        if held_by_another_program(self.window.setup.paths.history_file):
            raise HistoryError(HISTORY_IN_USE)
        raise HistoryError(HISTORY_STILL_OPENING)

    @property
    def _still_opening(self) -> bool:
        return self._store is None and self._opening is not None and not self._opening.done

    @property
    def is_open(self) -> bool:
        """Whether the history database is open (the start-up step opens it in the background)."""
        return self._store is not None

    def _open_store(self) -> None:
        """Open the history on a worker thread: a large file, or one a newer version of the
        program must upgrade first (a second for 100,000 links), must not freeze the window."""
        if self._closed or self._store is not None or self._opening is not None:
            return
        opening = _Opening()
        path = self.window.setup.paths.history_file
        self._opening = opening
        self.window.runner.run(
            lambda _token: opening.open(path),
            on_done=lambda _none: self._opened(),
            on_error=self._opened,
            name="history-open",
        )

    def _opened(self, _error: object = None) -> None:
        """Take the history opened on the worker thread into use (or raise its error)."""
        if not self._closed:
            _ = self.store

    @property
    def banner(self) -> DuplicateBanner:
        """The duplicate warning above the forms (hidden until a duplicate is found)."""
        if self._banner is None:
            from kombo_desktop.ui.duplicate_banner import DuplicateBanner

            banner = DuplicateBanner()
            self.window.bannerArea.addWidget(banner)
            banner.set_private(self.private)
            banner.use_existing.connect(self.use_existing)
            banner.relink_instead.connect(self.relink_instead)
            banner.create_anyway.connect(self.create_anyway)
            banner.dismissed.connect(self._dismiss)
            # Its choices come between the header and the forms when tabbing.
            chain_tab_order(
                [
                    self.window.firstRunNotice.tryDemoButton,
                    banner.useExistingButton,
                    banner.relinkInsteadButton,
                    banner.createAnywayButton,
                    banner.dismissButton,
                    self.window.tabs,
                ]
            )
            self._banner = banner
        return self._banner

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
            panel.model.set_demo_origin(self._demo_origin())
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
            dock.visibilityChanged.connect(self._dock_visibility_changed)
            self._panel, self._dock = panel, dock
        return self._panel

    @property
    def dock(self) -> QDockWidget:
        _ = self.panel
        assert self._dock is not None
        return self._dock

    # --- construction ------------------------------------------------------------------------

    def _add_to_header(self) -> None:
        header = self.window.header
        layout = header.layout()
        assert isinstance(layout, QHBoxLayout)
        index = layout.indexOf(header.settingsButton)  # beside Settings, right-aligned
        layout.insertWidget(max(index, 0), self.historyButton)
        layout.insertWidget(max(index, 0), self.privacySwitch)

    def _chain_tab_order(self) -> None:
        """Tab through the new controls where they are seen: the header's switch and history
        button before Settings (the warning's choices join later, see ``banner``)."""
        window = self.window
        chain_tab_order(
            [
                window.demoBanner.leaveDemoButton,
                self.privacySwitch,
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
        window.create_guards.append(self.check_duplicate)
        window.link_made.connect(self.record)
        window.target_changed.connect(self._target_changed)
        window.profile_renamed.connect(self._profile_renamed)
        # The next customer: a reconnection started for the last one is not theirs.
        window.linkForm.cleared.connect(self._forget_relink_customer)
        self.invitationBar.notice.connect(window.show_status)
        window.resultPanel.linkField.textChanged.connect(self.invitationBar.link_shown)
        self.privacySwitch.toggled.connect(self.set_private)
        self.historyButton.toggled.connect(self._history_button_toggled)

        form = window.linkForm
        for edit in (
            form.emailEdit,
            form.organizationEdit,
            form.originIdEdit,
            form.environmentEdit,
            form.scopeConfigEdit,
        ):
            edit.textChanged.connect(self._form_edited)
        for combo in (form.categoryCombo, form.languageCombo, form.linkTypeCombo):
            combo.currentIndexChanged.connect(self._form_edited)
        form.toolCombo.currentTextChanged.connect(self._form_edited)
        form.tool_reset.connect(self._tool_reset)
        for check in (form.filteringCheck, form.fieldMappingCheck):
            check.toggled.connect(self._form_edited)

    # --- recording ---------------------------------------------------------------------------

    def _profile_renamed(self, old: str, new: str) -> None:
        """Earlier links follow their renamed profile, or the duplicate check would miss them."""
        from kombo_desktop.core.history import HistoryError

        try:
            self.store.rename_profile(old, new)
        except (HistoryError, RuntimeError) as error:
            _log.warning("The history could not follow a renamed profile: %s", error)
            self.window.show_note(
                f"Links made with the profile “{old}” before it was renamed could not be moved "
                "to its new name, so the duplicate warning will not know about them."
            )
            return
        if self._panel is not None:
            if self._panel.model.current_profile == old:  # the profile in use, renamed
                self._panel.model.set_current_profile(new)
            self._panel.refresh()

    def _tool_label(self, tool: str | None) -> str | None:
        return self.window.linkForm.catalog.label_for(tool) if tool else None

    def record(self, made: MadeLink) -> None:
        """Remember a link just made, and let the invitation buttons use it."""
        from kombo_desktop.core.history import HistoryError

        request = made.request
        self._from_history_url = None
        self._clear_banner()  # e.g. the reconnection link it suggested was just made
        unchecked, self._unchecked = self._unchecked, None
        if unchecked is not None and unchecked[0] == request:
            # After what the window said about the link (ready, kept off the screen...).
            self.window.show_status(f"{self.window.statusPanel.text} {unchecked[1]}", "info")
        try:
            customer = self._customer_of_made(request)
            label = self._tool_label(customer.tool)
            shown = self.window.resultPanel.shown
            if shown is not None and shown.url == made.url:
                context = customer.invitation(
                    made.url,
                    request.language,
                    request.link_type,
                    tool_label=label,
                    is_demo=made.is_demo,
                    made=made.created,
                    reconnection=isinstance(request, RelinkRequest),
                )
            else:  # kept off the screen (see MainWindow._show_created): no invitation either
                context = None
            self.invitationBar.set_context(context)
            environment_id = made.environment_id  # the key's it was made with
            if self._still_opening:
                # Saved once it is open (see ``store`` and ``close``), without making the
                # window wait.
                self._unrecorded.append(
                    lambda store: _store_made(store, made, customer, label, environment_id)
                )
                return
            entry = _store_made(self.store, made, customer, label, environment_id)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Recording a link in the history failed: %s", error)
            shown = self.window.resultPanel.shown
            if shown is None or shown.url != made.url:
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
        if self._panel is not None:
            self._panel.model.add_newest(entry)
        shown = self.window.resultPanel.shown
        if self.forgets_at_exit and shown is not None and shown.url == made.url:
            panel = self.window.statusPanel
            self.window.show_status(f"{panel.text} {KEPT_UNTIL_CLOSING}", panel.kind)

    @property
    def forgets_at_exit(self) -> bool:
        """True when the history lives in memory (its file could not be used): the links
        made are forgotten when the program closes."""
        return self._store is not None and self._store.in_memory

    def _record_unrecorded(self, store: HistoryStore) -> None:
        """Save the links made while the history was being opened, now that it is open."""
        from kombo_desktop.core.history import HistoryError

        unrecorded, self._unrecorded = self._unrecorded, []
        for store_made in unrecorded:
            try:
                store_made(store)
            except (HistoryError, RuntimeError) as error:
                _log.warning("Recording a link in the history failed: %s", error)
                self.window.show_note(
                    "A link made while the history was being opened could not be saved in "
                    "it, so the duplicate warning will not know about it."
                )

    def _customer_of_made(self, request: LinkRequest | RelinkRequest) -> _Customer:
        """The customer of a link just made: the form's, or for a reconnection link the one
        it was started for (the tool at least, from the integration id)."""
        if isinstance(request, LinkRequest):
            self._forget_unbound_relink_customer()
            return _Customer.of_request(request)
        from kombo_desktop.core.integrations import another_organization

        warned_for = self.relink_started_for(request.integration_id)
        named = self._customer_named_by_kombo(request.integration_id)
        if named is not None and another_organization(warned_for, named.organization):
            # Kombo names another organisation than the customer the reconnection was started
            # for (the reconnection tab said so), and the person went ahead: the link goes to
            # the one Kombo names, and its e-mail address is theirs to add, not the first
            # customer's.
            known = self._relink_customer = named
        else:
            known = self._customer_for_relink(request.integration_id) or named or _Customer()
        return replace(known, tool=known.tool or integration_tool(request.integration_id))

    def _customer_named_by_kombo(self, integration_id: str) -> _Customer | None:
        """The organisation Kombo named when the id was typed (``integration_lookup``)."""
        lookup = self.window.integration_lookup
        info = lookup.known(integration_id) if lookup is not None else None
        if info is None or not info.organization:
            return None
        return _Customer(
            organization=info.organization, category=info.category, integration_id=integration_id
        )

    def _customer_for_relink(self, integration_id: str) -> _Customer | None:
        """The customer a reconnection link is for: from the form or history entry it was
        started from, else from an earlier reconnection of the same integration."""
        known = self._relink_customer
        if known is not None and known.integration_id in (None, integration_id):
            # Later reconnections of this integration find these details in the history.
            self._relink_customer = replace(known, integration_id=integration_id)
            return known
        from kombo_desktop.core.history import HistoryError

        try:
            for entry in self.store.search(integration_id, limit=20):
                if entry.integration_id == integration_id and (entry.email or entry.organization):
                    return _Customer.of_entry(entry)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Looking up the customer of %s failed: %s", integration_id, error)
        return None

    def relink_started_for(self, integration_id: str) -> str | None:
        """The organisation a reconnection was started for (the duplicate warning's "make a
        reconnection link instead", or a history entry), unless it was for another id."""
        known = self._relink_customer
        if known is None or known.integration_id not in (None, integration_id):
            return None
        return known.organization

    def _forget_relink_customer(self) -> None:
        self._relink_customer = None

    def _forget_unbound_relink_customer(self) -> None:
        """A customer remembered for "reconnect instead" whose integration id was never
        pasted belongs to that moment only; a later reconnection may be for someone else."""
        if self._relink_customer is not None and self._relink_customer.integration_id is None:
            self._relink_customer = None

    # --- an integration removed in Kombo ------------------------------------------------------

    def integration_removed(self, integration_id: str) -> bool:
        """Whether Kombo's "no such integration" for ``integration_id`` means it was removed
        in Kombo: this profile made a link for it before, in the same Kombo environment, so
        neither a mistyped id nor another region or environment explains it. Its reconnection
        links can no longer work, and the duplicate warning stops offering them."""
        if integration_id in self._removed_integrations:
            return True
        if not self._made_here_before(integration_id):
            return False
        self._removed_integrations.add(integration_id)
        return True

    def _made_here_before(self, integration_id: str) -> bool:
        """Whether the history has a link for ``integration_id`` made where links go now (the
        duplicate check's rules: this profile, the same Kombo environment when known)."""
        target = self.window.target
        if target is None or target.demo:
            return False
        from kombo_desktop.core.history import HistoryError

        demo = self._duplicates_are_demo_links(target)
        environment_id = self.window.environment_id(target)
        try:
            entries = self.store.search(integration_id, limit=20)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Looking up earlier links of %s failed: %s", integration_id, error)
            return False
        return any(
            entry.integration_id == integration_id
            and entry.profile == target.profile
            and (demo is None or entry.is_demo == demo)
            and (environment_id is None or entry.environment_id in (None, environment_id))
            for entry in entries
        )

    def new_link_instead(self, integration_id: str) -> None:
        """The New link tab for the customer of an integration removed in Kombo: their
        details are filled in, unless the form holds them already (with the choices made
        for them there). Not in screen-sharing mode: the history's details of whoever the
        id was for stay off the screen, and the form keeps what was typed."""
        window = self.window
        window.relinkForm.let_go(integration_id)  # gone in Kombo: nothing to keep it for
        customer = None if self.private else self._customer_for_relink(integration_id)
        note = ""
        if customer is not None and window.linkForm.customer_text() != customer.typed():
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

    # --- duplicate warning -------------------------------------------------------------------

    def check_duplicate(self, request: LinkRequest) -> bool:
        """Create guard: False (request held, warning shown) if a valid earlier link exists."""
        self._unchecked = None
        if self._bypass_once:
            self._bypass_once = False
            return True
        target = self.window.target
        if target is None:
            return True
        from kombo_desktop.core.history import HistoryError

        try:
            earlier = self.store.duplicate_of(
                request,
                profile=target.profile,
                demo=self._duplicates_are_demo_links(target),
                environment_id=self.window.environment_id(target),
            )
        except (HistoryError, RuntimeError) as error:
            # The history is a safety net, not a gate: when it cannot be read, links still work.
            _log.warning("Duplicate check failed: %s", error)
            if str(error) == HISTORY_IN_USE:  # said with the link (see ``record``)
                self._unchecked = (request, f"{UNCHECKED} {HISTORY_IN_USE}")
            elif str(error) == HISTORY_STILL_OPENING:
                self._unchecked = (request, UNCHECKED_STILL_OPENING)
            return True
        if earlier is not None and earlier.from_an_ended_demo(self._demo_origin()):
            earlier = None  # a demo service of an earlier session: its links no longer open
        if earlier is not None and earlier.integration_id in self._removed_integrations:
            earlier = None  # a reconnection of an integration removed in Kombo cannot work
        if earlier is None:
            self._clear_banner()
            return True
        self._held, self._held_for = request, target
        self.banner.show_for(
            earlier, private=self.private, tool_label=self._entry_tool(earlier), wanted=request
        )
        if self._history_floats():
            self.close_history()  # over the window, it would cover the warning's choices
        elif self.history_open:
            self._place_history()  # the warning takes room from the form, not the other way
        shown = self.window.resultPanel.shown
        if shown is not None and shown.url != earlier.url:
            # The link on show is someone else's (the last one made): it must not sit under a
            # warning about this customer, ready to be copied or scanned for the wrong person.
            self.window.resultPanel.clear()
            self.invitationBar.set_context(None)
        # One line, even in a small window: the warning above says the rest (by its place
        # and name, not its colour alone).
        self.window.show_status("Nothing was sent: choose what to do in the warning above.")
        return False

    def _duplicates_are_demo_links(self, target: Target) -> bool | None:
        """Which earlier links can be duplicates: demo links in the demo, real ones with a
        Kombo address, and either with a service on this computer (a test set-up), whose
        links count as demo links when they lead to this computer too."""
        if target.demo:
            return True
        return None if self._demo_origin() is not None else False

    def _demo_origin(self) -> str | None:
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

    def _entry_tool(self, entry: HistoryEntry) -> str | None:
        return entry.tool_label or self._tool_label(entry.tool)

    def _clear_banner(self) -> None:
        self._held, self._held_for = None, None
        if self._banner is not None:
            self._banner.clear()

    def _target_changed(self, target: Target) -> None:
        self._removed_integrations.clear()  # another profile, key or region: ask again
        # The held request and the earlier link belong to the previous profile (or the demo):
        # "Use the existing link" must not hand that link out as one of the new profile's.
        if self._banner is not None and self._banner.earlier is not None:
            self._clear_banner()
        if self._panel is not None:
            self._panel.model.set_current_profile(target.profile)
            self._panel.model.set_demo_origin(self._demo_origin())

    def _form_edited(self, *_args: object) -> None:
        self._forget_unbound_relink_customer()
        if self._banner is not None and self._banner.earlier is not None:
            self._clear_banner()

    def _tool_reset(self) -> None:
        """A refreshed tool list took the tool out of the form: the warning's link is no longer
        the one the form asks for ("Create anyway" would send another). The customer a
        reconnection was started for stays: the person has not moved on to someone else."""
        if self._banner is not None and self._banner.earlier is not None:
            self._clear_banner()

    def _dismiss(self) -> None:
        self._clear_banner()
        self.window.show_status("Nothing was sent.", "info")
        # Back to the form (the warning's button the focus was on is gone; Qt would put it on
        # the tab bar).
        self.window.linkForm.focus_first_field()

    def use_existing(self) -> None:
        """Show the earlier link in the result area; nothing is sent."""
        earlier, request = self.banner.earlier, self._held
        self._clear_banner()
        if earlier is None:
            return
        if not earlier.is_valid():  # it expired while the warning was open
            self.window.show_status(
                "The earlier link has expired in the meantime, so it cannot be used. Press "
                f"“{CREATE_TEXT}” to make a new one.",
                "info",
            )
            self.window.createButton.setFocus()
            return
        from kombo_desktop.ui.duplicate_banner import differences, made_for_another_organization
        from kombo_desktop.ui.history_model import local_date

        made = local_date(earlier.created_at)
        self._show(earlier, customer=request)
        if request is not None and made_for_another_organization(earlier, request):
            self.window.show_status(
                f"Showing the link made on {made} for another organisation with the same "
                "details: it connects that organisation, not the one in the form, so its "
                "invitation names no organisation. Nothing was sent to Kombo.",
                "info",
            )
        else:
            # What the warning said of it stays said: the link handed out is not what the form
            # asks for (another tool, no scope config...), though it is this customer's.
            unlike = differences(earlier, request, self._entry_tool(earlier)) if request else ""
            self.window.show_status(
                f"Showing the link made on {made} for this customer.{unlike} Nothing was sent "
                "to Kombo.",
                "info" if unlike else "success",
            )
        # On the link, as after a new one: the copy keys copy it at once.
        self.window.linkField.setFocus()

    def relink_instead(self) -> None:
        """Switch to the reconnection tab for this customer; the integration id is asked for."""
        earlier, request = self.banner.earlier, self._held
        self._clear_banner()
        if request is None:
            return
        known_id = earlier.integration_id if earlier is not None else None
        self._relink_customer = _Customer.of_request(request, known_id)
        # An id typed on the tab and not used yet may be this customer's (pasted first): it
        # stays, checked against this customer when Kombo names its organisation. One a
        # reconnection link was made with is the last customer's.
        form = self.window.relinkForm
        typed = form.integration_id if form.holds_unused_id() else ""
        # The earlier link on show (this customer's) makes way for the reconnection link; the
        # id typed next must not read as another customer's details (see _customer_typed).
        self.window.resultPanel.clear()
        form.fill(known_id or typed, request.language, request.link_type)
        self.window.show_relink_mode()
        if known_id:
            self.window.show_status(
                "The integration id of the earlier reconnection link is filled in. Check it, "
                "then press “Create reconnection link”.",
                "info",
            )
        elif typed:
            self.window.show_status(RELINK_CHECK_TYPED_HINT, "info")
        else:
            self.window.show_status(RELINK_PASTE_HINT, "info")

    def create_anyway(self) -> None:
        """Send the held request after all (the form is unchanged: editing closes the warning).

        If the profile changed meanwhile (settings, demo), the check runs again for the new one.
        """
        confirmed_for = self._held_for
        self._clear_banner()
        self._bypass_once = confirmed_for is not None and confirmed_for == self.window.target
        # From Create, the focus goes on to Cancel while Kombo works (see RequestForm.set_busy)
        # and to the link after it, as for any link.
        self.window.createButton.setFocus()
        try:
            self.window.submit_create()
        finally:
            self._bypass_once = False

    # --- entries from the history --------------------------------------------------------------

    def show_entry(self, entry: HistoryEntry) -> None:
        """Show an entry's link and QR code in the result area (history panel)."""
        from kombo_desktop.ui.history_model import ENDED_DEMO_WORDS, local_date, status_text

        if entry.from_an_ended_demo(self._demo_origin()):
            # Nothing to show: shown, it looked valid, with a code and Open that led nowhere.
            self.window.show_status(ENDED_DEMO_WORDS, "info")
            return
        self._show(entry)
        self._from_history_url = entry.url
        target = self.window.target
        if target is not None and target.profile != entry.profile:
            made = f"made with profile “{entry.profile}” on {local_date(entry.created_at)}"
        else:
            made = f"made on {local_date(entry.created_at)}"
        if entry.is_valid():
            valid = status_text(entry)  # "Valid until 14:32" for a link of an hour
            self.window.show_status(
                f"Showing the link {made}. It is {valid[0].lower()}{valid[1:]}.", "info"
            )
        else:
            self.window.show_status(
                f"This link expired on {local_date(entry.expires_at)} and no longer works. Use "
                "“Fill the form” to make a new one.",
                "info",
            )

    def _show(self, entry: HistoryEntry, customer: LinkRequest | None = None) -> None:
        """Show ``entry``'s link, for ``customer`` (the form's, after the duplicate warning) or
        else for the entry's own (from the history panel)."""
        from kombo_desktop.core.history import EntryKind

        # The link's own flow language; the people are the ones in the form when there are.
        who = _Customer.of_entry(entry)
        if customer is not None:
            organization = _organization_to_name(entry, customer)
            who = replace(who, organization=organization, email=customer.end_user_email)
            stem = file_stem_for(organization or "")  # "kombo-link" when none is named
        elif entry.organization:
            stem = file_stem_for(entry.organization)
        else:
            stem = file_stem_for((entry.integration_id or "").replace(":", "-"), "kombo-relink")
        self.window.show_link(
            ShownLink(
                url=entry.url,
                link_type=entry.link_type,
                is_demo=entry.is_demo,
                created=entry.created_at.astimezone(),
                file_stem=stem,
            )
        )
        self.invitationBar.set_context(
            who.invitation(
                entry.url,
                entry.language,
                entry.link_type,
                tool_label=self._entry_tool(entry),
                is_demo=entry.is_demo,
                made=entry.created_at.astimezone(),
                reconnection=entry.kind is EntryKind.RELINK,
            )
        )

    def fill_from(self, entry: HistoryEntry) -> None:
        """Fill the form with an entry: a new link's values, or a reconnection's integration."""
        from kombo_desktop.core.history import EntryKind

        self._out_of_the_way()
        window = self.window
        target = window.target
        in_use = target.profile if target is not None else entry.profile
        if entry.kind is EntryKind.RELINK and entry.integration_id:
            self._relink_customer = _Customer.of_entry(entry)
            window.relinkForm.fill(entry.integration_id, entry.language, entry.link_type)
            window.show_relink_mode()
            elsewhere = (
                f" The integration was connected with profile “{entry.profile}”: a "
                "reconnection link can be made only with that profile (choose it in Settings)."
                if entry.profile != in_use
                else ""
            )
            window.show_status(
                "The reconnection form is filled in from the history. Check it, then press "
                f"“Create reconnection link”.{elsewhere}",
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
            f"The form is filled in from the history. Check it, then press “Create link”."
            f"{elsewhere}{f' {tool_note}' if tool_note else ''}",
            "info",
        )

    # --- screen-sharing mode and the panel -----------------------------------------------------

    def set_private(self, private: bool) -> None:
        """Switch screen-sharing mode (the ``privacySwitch`` does this)."""
        if private == self.private:
            return
        self._apply_privacy(private)
        if private:
            self.window.show_status(
                "Screen-sharing mode is on: the history and links from it are hidden. What the "
                "form holds stays: clear it if it is another customer's.",
                "info",
            )
        else:
            self.window.show_status(
                "Screen-sharing mode is off: the history can be opened. Turn it back on before "
                "you share your screen.",
                "info",
            )

    def _apply_privacy(self, private: bool) -> None:
        self.private = private
        if self.privacySwitch.isChecked() != private:
            self.privacySwitch.setChecked(private)  # calls set_private, which returns at once
        self.privacySwitch.setText(PRIVACY_ON_TEXT if private else PRIVACY_OFF_TEXT)
        self.privacySwitch.setAccessibleName(self.privacySwitch.text())  # its words, on or off
        if self._banner is not None:
            self._banner.set_private(private)
        self.historyButton.setEnabled(not private)
        self.historyButton.setToolTip(HISTORY_LOCKED_TOOLTIP if private else HISTORY_TOOLTIP)
        if private:
            self.close_history()
            shown = self.window.resultPanel.shown
            if shown is not None and shown.url == self._from_history_url:
                self.window.resultPanel.clear()
                self.invitationBar.set_context(None)
            self._from_history_url = None

    def open_history(self) -> bool:
        """Open the history panel; refused (False) in screen-sharing mode."""
        if self.private:
            return False
        from kombo_desktop.core.history import HistoryError

        try:
            _ = self.store
        except HistoryError as error:  # still being opened: said, rather than waited for
            self._set_history_button(False)
            self.window.show_status(str(error), "info")
            return False
        self._set_history_button(True)
        self._place_history()
        self.dock.raise_()
        self.panel.activate()
        self.panel.historySearchEdit.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        return True

    def _place_history(self) -> None:
        """Open the dock where it leaves the form its first fields (see ``history_dock``)."""
        from kombo_desktop.ui.history_dock import place_history

        warning_shown = self._banner is not None and not self._banner.isHidden()
        place_history(self.window, self.dock, self.panel, warning_shown=warning_shown)

    def close_history(self) -> None:
        self._set_history_button(False)
        if self._panel is None:
            return  # never opened: nothing to close
        self.dock.hide()
        self.panel.deactivate()

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
        else:
            self.close_history()

    def _dock_visibility_changed(self, _visible: bool) -> None:
        # The dock's own close button hides it; a minimised window only makes it invisible.
        if self.dock.isHidden() and self.panel.model.active:
            self.close_history()

    # --- closing -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the history file (after the window's background tasks have stopped).

        Links made while it was being opened are saved first: the window's wait for its tasks
        (``CLOSE_WAIT_SECONDS``) gave the opening its last moments, and the UI callback that
        would have saved them is dropped with the tasks. Still not open, the opening saves
        them itself when it is, unless the program has exited by then.
        """
        self._closed = True
        unrecorded, self._unrecorded = self._unrecorded, []
        if self._store is not None:
            self._store.close()
        if self._opening is not None:
            self._opening.close_when_open(unrecorded)
        elif unrecorded:  # not expected: links wait only for an opening
            _log.warning("%d link(s) made while the history was opened are lost", len(unrecorded))
