"""The main window: the forms, the result, the status line, and the wiring to Kombo.

Data flows one way: form -> checked request (core) -> client on a worker thread
(``TaskRunner``) -> link or typed error back on the UI thread -> result panel / status line.
The window never talks HTTP itself and never holds the API key.

Room for what comes later is left on purpose: ``create_guards`` lets a check (the duplicate
warning) hold a request before it is sent, ``bannerArea`` takes such banners above the forms,
the dock areas of the ``QMainWindow`` take side panels (history), and ``link_made`` tells
listeners about every link made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QIcon, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.catalog import CatalogCache, ToolCatalog
from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.errors import (
    InputRejectedError,
    KeyUnreadableError,
    KomboError,
    MalformedKeyError,
    MissingApiKeyError,
    is_key_refused,
    is_unknown_integration,
)
from kombo_desktop.core.link_request import InvalidRequest, LinkRequest, RelinkRequest
from kombo_desktop.core.logs import redact
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.policy import Policy
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.settings import Settings, SettingsStore
from kombo_desktop.core.vocabulary import (
    LANGUAGE_NAMES_IN_ENGLISH,
    LINK_TYPE_NAMES,
    NEW_LINK_TAB_TEXT,
    Category,
    Language,
    LinkType,
)
from kombo_desktop.core.window_state import load_window_geometry, save_window_geometry
from kombo_desktop.ui import qt_enums, theme
from kombo_desktop.ui.catalog_refresh import RefreshedCatalog, refresh_catalog
from kombo_desktop.ui.connection import (
    Connection,
    KeyStatus,
    Target,
    known_environment_id,
    resolve_target,
)
from kombo_desktop.ui.header import LEAVE_DEMO_TEXT, DemoBanner, FirstRunNotice, HeaderBar
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.link_form import CREATE_TEXT, LinkForm
from kombo_desktop.ui.relink_form import RELINK_TEXT, RelinkForm
from kombo_desktop.ui.result_panel import ResultPanel, ShownLink, file_stem_for
from kombo_desktop.ui.save_places import SavePlaces
from kombo_desktop.ui.start_up import AfterFirstPaint, after_next_paint
from kombo_desktop.ui.status_panel import StatusPanel
from kombo_desktop.ui.tasks import TaskHandle, TaskRunner, WorkerWords, quiet_failure
from kombo_desktop.ui.widgets import (
    WINDOW_FRAME,
    chain_tab_order,
    label_column_width,
    press_focused_button,
    scrolling,
)

if TYPE_CHECKING:
    from kombo_desktop.core.client import CreatedLink
    from kombo_desktop.core.demo_server import DemoKomboServer
    from kombo_desktop.ui.integration_lookup import IntegrationLookup
    from kombo_desktop.ui.request_form import RequestForm

_log = logging.getLogger(__name__)
_Request = TypeVar("_Request", LinkRequest, RelinkRequest)
_CustomerText = tuple[tuple[str, str, str], str]

WINDOW_TITLE = "Kombo Desktop"
CREATE_TAB, RELINK_TAB = 0, 1
RELINK_TAB_TITLE = "Reconnect an integration"
# While Kombo works: what is happening, and that waiting can be stopped.
WAITING_TEXT = "Asking Kombo for the {what}… To stop waiting, press Cancel or Esc."
# Said when the profile (or the demo) changes while a link is being made, which cancels it.
CANCELLED_BY_CHANGE_TEXT = "The link that was being made was cancelled: make it again if needed."
# Said in screen-sharing mode when Kombo's refusal quotes details typed over since.
REFUSAL_TYPED_OVER_TEXT = (
    "The form holds other details now than those Kombo did not accept. Check them and make "
    "the link."
)
# How long closing may wait for a request that ignores cancellation before abandoning it.
CLOSE_WAIT_SECONDS = 1.5
# The window's size at start, when the screen has room for it; a smaller screen (a 1366x768
# laptop, or 1440x900 at 150 %) gets a window that fits on it, frame and task bar included.
PREFERRED_SIZE = (1180, 820)
MINIMUM_SIZE = (860, 500)
# Background warm-up starts a moment after the window is shown, so it never delays the first frame.
WARM_UP_DELAY_MS = 150
# A new link's QR code is computed once the link is painted, or after this long if it is not
# (the window is minimised, say).
QR_AFTER_LINK_AT_THE_LATEST_MS = 100
LINK_PAINT_AT_THE_LATEST_MS = 100  # a hidden window paints nothing: the buttons come anyway


@dataclass
class WindowSetup:
    """Everything ``app.py`` decided before the window exists."""

    paths: AppPaths
    settings_store: SettingsStore
    settings: Settings
    policy: Policy
    credentials: CredentialStore
    profile_name: str  # the profile links are made with (when not in the demo)
    api_base_override: str | None = None  # --api-base / KOMBO_API_BASE, already checked
    api_base_source: str | None = None  # which of the two gave it: "--api-base", "KOMBO_API_BASE"
    demo: bool = False
    notes: list[str] = field(default_factory=list)  # sentences for the status line at start
    # Extra KomboClient arguments for every connection made from now on (timeouts in tests).
    client_options: dict[str, Any] = field(default_factory=dict)

    @property
    def profile_target(self) -> Target:
        """Where links go outside the demo, from the settings, the policy and the overrides."""
        return resolve_target(self.settings, self.policy, self.profile_name, self.api_base_override)

    @property
    def address_set_by(self) -> str | None:
        """Who set the address every profile's links go to, so that Settings cannot change it
        (``messages.address_set_by_message``); None when each profile's region or address in
        Settings decides. The administrator's address wins, as in ``resolve_target``."""
        if self.policy.fixed_api_base is not None:
            from kombo_desktop.core.messages import SET_BY_ADMINISTRATOR

            return SET_BY_ADMINISTRATOR
        return self.api_base_source if self.api_base_override is not None else None


@dataclass(frozen=True)
class MadeLink:
    """A link just made, for listeners such as the history."""

    request: LinkRequest | RelinkRequest
    url: str
    is_demo: bool
    link_type: LinkType
    created: datetime
    target: Target
    # The Kombo environment of the key the request was sent with, when known (see
    # ``MainWindow.environment_id``); the key may have been replaced while Kombo worked.
    environment_id: str | None = None


class MainWindow(QMainWindow):
    """The window staff use to make links. Object names follow contract.md exactly."""

    link_made = Signal(object)  # MadeLink
    target_changed = Signal(object)  # Target: links go somewhere else (or with another key)
    profile_renamed = Signal(str, str)  # (old, new) in the settings: the history follows

    def __init__(self, setup: WindowSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self.setWindowIcon(QIcon(str(resource_path("icons/kombo-desktop.png"))))
        theme.apply_to_window(self)
        self.setup = setup
        self.credentials = setup.credentials
        self.runner = TaskRunner(self)
        # Start-up work that shows nothing runs right after the first frame (see start_up).
        self.start_up = AfterFirstPaint(self)
        self.start_up.add(qt_enums.warm_up)  # Qt's enums, kept out of the first frame
        self.connection: Connection | None = None
        self.demo_server: DemoKomboServer | None = None
        self.bundled_catalog = ToolCatalog.bundled()
        # Checks run before a new link is sent; one returning False holds the request and is
        # then responsible for calling ``send_create`` (or not) itself.
        self.create_guards: list[Callable[[LinkRequest], bool]] = []
        self._request: TaskHandle | None = None
        self._request_tag = object()  # tags what the current request's worker says
        # The form whose problems the status line points at, and what it says (see
        # _show_invalid); None until a form is first refused.
        self._awaiting_fixes: tuple[RequestForm, str] | None = None
        self._worker_words: WorkerWords | None = None  # made with the first request
        # Whose tool lists the form shows (API address, Kombo environment); None: the bundled.
        self._tools_account: tuple[str, str | None] | None = None
        self._link_on_its_way = False  # made, not painted yet: the buttons wait for it
        self._customer_when_shown: _CustomerText = (("", "", ""), "")  # see _customer_typed
        self._customer_at_request: _CustomerText = (("", "", ""), "")  # see _show_created
        self._refusal_shown: str | None = None  # Kombo's refusal of the details on show
        self._refusal_quotes: tuple[str, ...] = ()  # the details its words quote
        self.settings_dialog: QDialog | None = None
        self._background: list[TaskHandle] = []
        # Connections a new key replaced while a request ran on them: closed once it ends.
        self._retired: list[Connection] = []
        self._closed = False

        defaults = self._form_defaults()
        self.demoBanner = DemoBanner()
        self.header = HeaderBar()
        self.firstRunNotice = FirstRunNotice()
        self.firstRunNotice.set_demo_allowed(not setup.policy.hide_demo)
        self.linkForm = LinkForm(
            self.bundled_catalog, default_language=defaults[0], default_link_type=defaults[1]
        )
        self.linkForm.categoryCombo.setCurrentIndex(
            self.linkForm.categoryCombo.findData(defaults[2].value)
        )
        self.start_up.add(self.linkForm.style_suggestions)
        self.relinkForm = RelinkForm(default_language=defaults[0], default_link_type=defaults[1])
        # Where the save dialogs open (the folder last saved to), for the result and history.
        self.save_places = SavePlaces(setup.settings_store)
        self.resultPanel = ResultPanel(self.save_places)
        self.resultPanel.qr_preparer = self._prepare_qr
        self.statusPanel = StatusPanel()
        self._expose_named_widgets()
        self._build_layout()
        self._connect()
        self.setMinimumSize(MINIMUM_SIZE[0], MINIMUM_SIZE[1])
        self.resize(*initial_size(self.screen().availableGeometry().size()))
        self._restore_place()

        if setup.demo and not setup.policy.hide_demo:
            self.start_demo()
        else:
            self.use_target(setup.profile_target)
        for note in setup.notes:
            self.show_note(note)
        # The link history: recording, duplicate warning, history panel, invitations, and
        # screen-sharing mode, plugged into the hooks above (see history_feature).
        self.history = HistoryFeature(self)
        # The reconnection tab says whose integration an id is (made after the first frame).
        self.integration_lookup: IntegrationLookup | None = None
        self.start_up.add(self._start_integration_lookup)
        self.start_up.add(self._follow_time_zone_changes)
        # Typing starts in the first field, not on the first button (the demo bar's "Leave the
        # demo", where a stray Enter would act).
        self.linkForm.focus_first_field()

    # --- construction ------------------------------------------------------------------------

    def _follow_time_zone_changes(self) -> None:
        from kombo_desktop.ui.time_zone import follow_time_zone_changes

        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication):
            follow_time_zone_changes(app)

    def _start_integration_lookup(self) -> None:
        from kombo_desktop.ui.integration_lookup import IntegrationLookup

        self.integration_lookup = IntegrationLookup(self)

    def _form_defaults(self) -> tuple[Language, LinkType, Category]:
        """The person's last choices; on a fresh installation the administrator's defaults,
        which the settings store puts in their place (see ``SettingsStore``)."""
        settings = self.setup.settings
        return settings.language, settings.link_type, settings.category

    def _restore_place(self) -> None:
        """Reopen where, and as big as, the window was when last closed (Qt fits that to the
        screens there are now); the initial size stands when nothing usable was saved."""
        saved = load_window_geometry(self.setup.paths)
        if saved is not None and not self.restoreGeometry(saved):
            _log.warning("The window's saved place was not usable; it opens at its usual size.")

    def _expose_named_widgets(self) -> None:
        """Make the contract's widgets reachable as attributes of the window too."""
        for panel in (self.linkForm, self.relinkForm, self.resultPanel, self.statusPanel):
            for name, value in vars(panel).items():
                if isinstance(value, QWidget) and value.objectName() == name:
                    setattr(self, name, value)
        self.profileLabel = self.header.profileLabel
        self.settingsButton = self.header.settingsButton

    def _build_layout(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("modeTabs")
        self.tabs.setDocumentMode(False)
        # Scrolling pages: on a small laptop screen (or with the advanced options open) the
        # form scrolls instead of squeezing its fields into each other.
        # Each form scrolls its own fields and keeps its button in view (see LinkForm), so a
        # small laptop screen never hides "Create link". One label width for both tabs keeps
        # the fields in the same place when switching.
        label_width = max(label_column_width(self.linkForm.labels + self.relinkForm.labels), 0)
        self.linkForm.set_label_width(label_width)
        self.relinkForm.set_label_width(label_width)
        self.tabs.addTab(self.linkForm, NEW_LINK_TAB_TEXT)
        self.tabs.addTab(self.relinkForm, RELINK_TAB_TITLE)
        self.tabs.setTabToolTip(RELINK_TAB, "Make a link that updates an existing connection")

        # Banners such as the duplicate warning go here, between the header and the forms.
        self.bannerArea = QVBoxLayout()
        self.bannerArea.setSpacing(theme.SPACING)

        body = QHBoxLayout()
        body.setSpacing(theme.SECTION_SPACING)
        body.addWidget(self.tabs, 11)
        body.addWidget(scrolling(self.resultPanel, "resultPage"), 10)

        central = QWidget()
        central.setObjectName("centralWidget")
        # The forms and the result scroll up and down but never sideways: narrower than the
        # window's smallest size, the result panel's buttons would be cut off. A history docked
        # beside them takes only the width left over (see history_dock).
        central.setMinimumWidth(MINIMUM_SIZE[0])
        layout = QVBoxLayout(central)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SECTION_SPACING - 4)
        layout.addWidget(self.demoBanner)
        layout.addWidget(self.header)
        layout.addWidget(self.firstRunNotice)
        layout.addLayout(self.bannerArea)
        layout.addLayout(body, 1)
        layout.addWidget(self.statusPanel)
        self.setCentralWidget(central)

        chain = [
            self.header.settingsButton,
            self.firstRunNotice.openSettingsButton,
            self.firstRunNotice.tryDemoButton,
            self.tabs,
            # Only the shown tab's fields take the focus: the other's are skipped.
            *self.linkForm.tab_chain,
            *self.relinkForm.tab_chain,
            *self.resultPanel.tab_chain,
        ]
        chain_tab_order(chain)

    def _connect(self) -> None:
        self.linkForm.submitted.connect(self.submit_create)
        self.linkForm.cancel_requested.connect(self.cancel_request)
        self.linkForm.notice.connect(lambda text: self.show_status(text, "info"))
        self.linkForm.cleared.connect(self._form_cleared)
        self.linkForm.unused_elsewhere.append(self._unused_relink_id)  # cleared with the form
        for edit in (
            self.linkForm.emailEdit,
            self.linkForm.organizationEdit,
            self.linkForm.originIdEdit,
            self.relinkForm.relinkIntegrationEdit,  # an integration id names a customer too
        ):
            edit.textChanged.connect(self._customer_typed)
        self.relinkForm.submitted.connect(self.submit_relink)
        self.relinkForm.cancel_requested.connect(self.cancel_request)
        self.resultPanel.notice.connect(self.show_status)
        self.header.settings_requested.connect(self.open_settings)
        self.firstRunNotice.settings_requested.connect(self.open_settings)
        self.firstRunNotice.demo_requested.connect(self.start_demo)
        self.demoBanner.leave_requested.connect(self.leave_demo)
        # Esc (the system's Cancel keys) anywhere in the window; ``Qt.Key`` is avoided here
        # (see qt_enums).
        escape = QShortcut(QKeySequence.StandardKey.Cancel, self)
        escape.activated.connect(self._escape_pressed)
        # The system's own keys for an application's settings, where it has them (Cmd+, on a
        # Mac); none on Windows.
        preferences = QShortcut(QKeySequence.StandardKey.Preferences, self)
        preferences.setObjectName("settingsShortcut")
        preferences.activated.connect(self.open_settings)
        # The system's "New" keys (Ctrl+N, Cmd+N): a new link for the next customer.
        new_link = QShortcut(QKeySequence.StandardKey.New, self)
        new_link.setObjectName("newLinkShortcut")
        new_link.activated.connect(self.start_next_customer)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- where links go ----------------------------------------------------------------------

    @property
    def target(self) -> Target | None:
        return self.connection.target if self.connection is not None else None

    @property
    def is_demo(self) -> bool:
        return self.target is not None and self.target.demo

    def environment_id(self, target: Target) -> str | None:
        """The Kombo environment the key of ``target``'s profile belongs to, when a key check
        has told; not known while KOMBO_API_KEY is set (links are made with that key, not the
        saved one), nor in the demo."""
        return known_environment_id(self.setup.settings, self.credentials, target)

    def use_target(self, target: Target, status: str | None = None) -> None:
        """Send links to ``target`` from now on: new client, header, banner, tool list; then
        say ``status`` (and that a link being made was cancelled, if one was)."""
        previous = self.target
        cancelled = self._request is not None
        self.cancel_request()
        self._stop_background()
        if self.connection is not None:
            self.connection.close()
        self.connection = Connection(target, self.credentials, self.setup.client_options)
        self.header.set_profile_text(target.label)
        self.demoBanner.setVisible(target.demo)
        self.setWindowTitle(f"{WINDOW_TITLE} — DEMO" if target.demo else WINDOW_TITLE)
        self.firstRunNotice.hide()
        self._use_bundled_tools()
        if previous is not None and _made_elsewhere(previous, target):
            # The link shown belongs where it was made: a demo link stops working with the
            # demo service, and another profile's link must not pass for one of this profile.
            self.resultPanel.clear()
        if target.demo and status is None:
            status = "Demo ready: make a link to see how it works. No key needed."
        if cancelled:
            status = f"{status or ''} {CANCELLED_BY_CHANGE_TEXT}".strip()
        if status is not None:
            self.show_status(status, "info")
        self._warm_up_soon(self.connection)
        self.target_changed.emit(target)

    def use_new_key(self, status: str | None = None) -> None:
        """The profile in use has another key (saved or forgotten in Settings, or replaced
        outside the program and checked there), its place unchanged: the next request goes
        with it, and it is checked and its tool lists fetched in the background. A link
        being made goes on with the key it was sent with: a new connection for it would
        cancel the request, and a link Kombo may have made already would be lost (if that
        key was refused, the window says to send it again, with the new one: see
        ``_key_replaced_since``). Its connection is closed once it ends. ``status`` is said
        unless a link is being made, whose progress and result are what the status line is
        for then."""
        old = self.connection
        if old is None or self._closed:
            return
        self._stop_background()
        if self._request is not None:
            self._retired.append(old)
        else:
            old.close()
        self.connection = Connection(old.target, self.credentials, self.setup.client_options)
        if self._tools_account != (old.target.api_base, self.environment_id(old.target)):
            # Another environment's key: the lists shown are another account's, and if its
            # own cannot be fetched (a 403, offline), the bundled lists are the right ones.
            self._use_bundled_tools()
        self.firstRunNotice.hide()  # shown again by the key's check if it is still missing
        if status is not None and not self.busy:
            self.show_status(status, "info")
        self._warm_up_soon(self.connection)
        self.target_changed.emit(self.connection.target)

    def _use_bundled_tools(self) -> None:
        self.linkForm.set_catalog(self.bundled_catalog)
        self._tools_account = None

    def _stop_background(self) -> None:
        """Stop the key check and tool list refresh of the connection being replaced."""
        for handle in self._background:
            handle.cancel()
        self._background.clear()

    def _close_retired(self) -> None:
        """Close the connections new keys replaced, once no request runs on them."""
        retired, self._retired = self._retired, []
        for connection in retired:
            connection.close()

    def _warm_up_soon(self, connection: Connection) -> None:
        QTimer.singleShot(WARM_UP_DELAY_MS, self, lambda: self._warm_up(connection))

    def _warm_up(self, connection: Connection) -> None:
        """Check the key and build the client in the background, so the first click is fast;
        only for the connection still in use (two changes in a moment look once)."""
        if self._closed or connection is not self.connection:
            return

        from kombo_desktop.ui import qr_image  # on the UI thread: it sets up Qt's image types

        def work(_token: object) -> KeyStatus:
            status = connection.key_status()
            if status.has_key:
                connection.client()  # imports httpx and sets up TLS now, not on the first click
            qr_image.qr_qimage("warm-up", 1)  # loads the QR encoder
            return status

        self._background.append(
            self.runner.run(
                work,
                on_done=lambda status: self._key_checked(connection, status),
                on_error=quiet_failure("The warm-up"),
                name="warm-up",
            )
        )

    def _key_checked(self, connection: Connection, status: KeyStatus) -> None:
        if connection is not self.connection:
            return  # the target changed meanwhile
        # While a link is being made (with the key it was sent with, see ``use_new_key``), a
        # note would take the place of its progress: the next link, if it fails for the key,
        # says the same with the way forward.
        quiet = self._request is not None
        if status.problem and not quiet:
            self.show_note(status.problem)
        if connection.target.demo:
            return
        if status.unreadable:
            return  # the store's problem, said above, is the way forward; no "no key" here
        if not status.has_key:
            self.firstRunNotice.show()
            if not quiet:
                self.show_note("No API key is set for this profile yet.")
            return
        self._refresh_catalog(connection)

    def _refresh_catalog(self, connection: Connection) -> None:
        """Replace the bundled tool lists with the account's, without ever making anyone wait."""
        cache = CatalogCache(self.setup.paths.catalog_cache_dir)
        environment_id = self.environment_id(connection.target)

        def work(token: object) -> RefreshedCatalog:
            return refresh_catalog(connection, cache, token, environment_id=environment_id)

        def apply(fresh: RefreshedCatalog) -> None:
            if fresh.refused is not None:
                connection.key_refused()  # a key replaced in the store meanwhile is used next
            if connection is not self.connection:
                return
            if fresh.refused is not None and not self.busy:
                # Every link would be refused too: said now, with the way to Settings, rather
                # than after the whole form is filled in.
                self._show_error(fresh.refused, after_notes=True)
            if not fresh.tools:
                return
            catalog = self.bundled_catalog
            for category, tools in fresh.tools.items():
                catalog = catalog.with_category_tools(category, tools)
            self.linkForm.set_catalog(catalog)
            self._tools_account = (connection.target.api_base, environment_id)

        self._background.append(
            self.runner.run(
                work,
                on_done=apply,
                on_error=quiet_failure("Refreshing the tool lists"),
                name="catalog",
            )
        )

    def start_demo(self) -> None:
        """Switch to the embedded demo service (started here, stopped when leaving or closing)."""
        if self.setup.policy.hide_demo:
            self.show_status("The demo is turned off by your administrator.", "info")
            return
        from kombo_desktop.core.demo_server import DemoKomboServer

        if self.demo_server is None or not self.demo_server.running:
            self.demo_server = DemoKomboServer().start()
        profile = self.setup.profile_target.profile
        self.use_target(
            Target(profile=profile, api_base=self.demo_server.base_url, region="demo", demo=True)
        )

    def leave_demo(self) -> None:
        target = self.setup.profile_target
        self.use_target(target, f"Left the demo. {target.label}.")
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
        dialog = SettingsDialog(
            self.setup.settings_store,
            self.credentials,
            self.runner,
            self,
            current_profile=self.setup.profile_name,
            api_base_override=self.setup.api_base_override,
            fixed_api_base=self.setup.policy.fixed_api_base,
            address_set_by=self.setup.address_set_by,
            demo=self.is_demo,
            log_folder=self.setup.paths.log_dir,
        )
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.profileChanged.connect(self.use_profile)
        dialog.profileRenamed.connect(self._follow_renamed_profile)
        dialog.profileRenamed.connect(self._move_tool_lists)
        dialog.profileRemoved.connect(self._forget_tool_lists)
        dialog.storedKeyAccepted.connect(self._follow_stored_key)
        dialog.destroyed.connect(self._settings_closed)
        self.settings_dialog = dialog
        dialog.open()

    def _follow_renamed_profile(self, old: str, new: str) -> None:
        """A renamed profile is still the same place: its connection takes the new name, so
        the link on show stays when the window switches to it (see ``use_target``). The
        profile in use goes on under its new name at once: a dialog closed right after the
        name was typed is gone before it could say more."""
        connection = self.connection
        for retired in self._retired:  # a link still being made with the profile's old key
            if retired.target.profile == old:
                retired.follow_rename(new)
        if connection is not None and connection.target.profile == old:
            connection.follow_rename(new)
        if self.setup.profile_name == old:
            self.setup.settings = self.setup.settings_store.load()
            self.setup.profile_name = new
            if connection is not None and connection.target.profile == new:
                self.header.set_profile_text(connection.target.label)
        self.profile_renamed.emit(old, new)

    def _follow_stored_key(self, name: str) -> None:
        """Kombo accepted the key stored for the profile in use at a check in Settings. It
        may be another than the window holds (replaced outside the program, a revoked key
        rotated): the settings hold its environment now, for the history and its duplicate
        check, and the next link goes with the key as stored now. Not a change of profile: a
        link being made goes on (see ``use_new_key``)."""
        self.setup.settings = self.setup.settings_store.load()
        target = self.target
        if target is not None and not target.demo and target.profile == name:
            # Said in place of a refusal of the replaced key, which no longer holds.
            self.use_new_key("Kombo accepted the stored key: the next link goes with it.")

    def _move_tool_lists(self, old: str, new: str) -> None:
        """A renamed profile's cached tool lists go with it: left under the old name, a later
        profile of that name would be shown them while its own cannot be fetched."""
        CatalogCache(self.setup.paths.catalog_cache_dir).rename(old, new)

    def _forget_tool_lists(self, profile: str) -> None:
        """A removed profile's cached tool lists go with it: a new profile of the same name,
        perhaps for another Kombo account, must not be shown them while offline."""
        CatalogCache(self.setup.paths.catalog_cache_dir).forget(profile)

    def _settings_closed(self) -> None:
        self.settings_dialog = None

    def use_profile(self, name: str) -> None:
        """Make links with profile ``name`` (after the settings changed it, its key or region).

        In the demo the new profile is only remembered: leaving the demo switches to it. Its
        name goes on the demo's links, which the history and its duplicate check keep apart
        by profile.
        """
        self.setup.settings = self.setup.settings_store.load()
        self.setup.profile_name = name
        target = self.target
        if target is not None and target.demo:
            if target.profile != name:
                self.use_target(replace(target, profile=name))
            # The window goes on making demo links: a key just saved in Settings was taken
            # for one that would be used, and the next link was a demo link again.
            self.statusPanel.show_message(
                f"Settings saved. This is still the demo: press “{LEAVE_DEMO_TEXT}” to make "
                f"real links with the profile “{name}”.",
                action=(LEAVE_DEMO_TEXT, self.leave_demo),
            )
            return
        target = self.setup.profile_target
        if self._only_renamed(target):
            return
        if self.connection is not None and self.connection.target == target:
            self.use_new_key(f"Now using {target.label}.")  # the same place: only the key
            return
        self.use_target(target, f"Now using {target.label}.")

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
        self.header.set_profile_text(target.label)
        return True

    # --- making links --------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A request runs, or its link is on its way to the screen (``_ready_after_link``)."""
        return self._request is not None or self._link_on_its_way

    def submit_create(self) -> None:
        """Check the form; if it is fine (and no guard holds it), send it."""
        request = self._checked(self.linkForm.build_request, self.linkForm)
        if request is None:
            return
        for guard in self.create_guards:
            if not guard(request):
                return
        self.send_create(request)

    def submit_relink(self) -> None:
        request = self._checked(self.relinkForm.build_request, self.relinkForm)
        if request is not None:
            self.send_relink(request)

    def _checked(
        self, build: Callable[[], _Request | InvalidRequest], form: RequestForm
    ) -> _Request | None:
        """The ``form``'s checked request; None (the problems shown) if it has any, or while
        another request runs."""
        if self.busy:
            return None
        result = build()
        if isinstance(result, InvalidRequest):
            self._show_invalid(result, form)
            return None
        return result

    def send_create(self, request: LinkRequest) -> None:
        """Send a checked request now (also called by guards that held it)."""
        self._send(request)

    def send_relink(self, request: RelinkRequest) -> None:
        self._send(request)

    def _send(self, request: LinkRequest | RelinkRequest) -> None:
        connection = self._connection_or_fail()
        if connection is None or self.busy:
            return

        def work(token: object, on_retry: Callable[[str], None]) -> CreatedLink:
            client = connection.client()
            if isinstance(request, RelinkRequest):
                return client.create_relink(request, token, on_retry)  # type: ignore[arg-type]
            return client.create_link(request, token, on_retry)  # type: ignore[arg-type]

        if isinstance(request, RelinkRequest):
            what, name = "reconnection link", "relink"
        else:
            what, name = "link", "create-link"
        self._start_request(work, request, WAITING_TEXT.format(what=what), name)

    def _connection_or_fail(self) -> Connection | None:
        if self.connection is None or self._closed:
            return None
        return self.connection

    def _start_request(
        self,
        work: Callable[[object, Callable[[str], None]], CreatedLink],
        request: LinkRequest | RelinkRequest,
        progress: str,
        name: str,
    ) -> None:
        connection = self.connection
        assert connection is not None
        # The previous link belongs to the previous request (often another customer): it must
        # not stay on show, copyable, under this request's progress or error.
        self.resultPanel.clear()
        self._customer_at_request = self._customer_text()
        # Known now: a key saved while Kombo works is another environment's (``use_new_key``).
        environment_id = self.environment_id(connection.target)
        self._set_busy(True)
        self.show_status(progress, "busy")
        handle: TaskHandle | None = None

        def finished() -> bool:
            # Only the request still current may change the window.
            if self._request is not handle:
                return False
            self._set_busy(False)
            return True

        def done(created: CreatedLink) -> None:
            if self._request is not handle:
                return
            self._request = None  # made: Esc no longer cancels it
            self._link_on_its_way = True
            try:
                # The connection's target now: a profile renamed meanwhile keeps the link.
                self._show_created(created, request, connection.target, environment_id)
            finally:  # even after a bug there: the window must not stay busy for good
                # The link first, then the buttons: Create coming back and the focus moving
                # from Cancel to the link cost the link's paint about 2 ms on its way.
                after_next_paint(
                    self.linkField, self._ready_after_link, LINK_PAINT_AT_THE_LATEST_MS
                )

        def failed(error: BaseException) -> None:
            if is_key_refused(error):
                connection.key_refused()  # a key replaced in the store meanwhile is used next
            if not finished():
                return
            if self._key_replaced_since(connection, error):
                assert isinstance(error, KomboError)
                self._show_refusal_of_replaced_key(error, request)
            elif not _refuses_the_details(error):
                self._show_error(error)
            elif self._customer_text() != self._customer_at_request:
                assert isinstance(error, KomboError)
                self._show_refusal_of_earlier_details(error, request)
            else:
                removed = self._removed_integration(error, request)
                if removed is not None:
                    assert isinstance(error, KomboError)
                    self._show_integration_removed(error, removed)
                else:
                    self._show_error(error)
                self._refusal_shown = self.statusPanel.text
                shown = f"{self.statusPanel.text}\n{self.statusPanel.support_text}"
                self._refusal_quotes = _quoted_details(request, shown)
                if isinstance(error, InputRejectedError):
                    form = self.relinkForm if isinstance(request, RelinkRequest) else self.linkForm
                    form.mark_rejected(error.fields)

        def cancelled() -> None:
            if finished():
                self.show_status("Cancelled. Nothing was changed.", "info")

        # What the client says while it waits to repeat a request Kombo turned away: the
        # status said only "Asking Kombo…" through half a minute of waits.
        tag = self._request_tag = object()
        said = partial(self._words_of_workers().said.emit, tag)
        handle = self.runner.run(
            lambda token: work(token, said),
            on_done=done,
            on_error=failed,
            on_cancelled=cancelled,
            name=name,
        )
        self._request = handle

    def _words_of_workers(self) -> WorkerWords:
        if self._worker_words is None:
            self._worker_words = WorkerWords(self)
            self._worker_words.said.connect(self._hear_worker)
        return self._worker_words

    def _hear_worker(self, tag: object, words: str) -> None:
        if tag is self._request_tag and self._request is not None:
            self.show_status(words, "busy")

    def _escape_pressed(self) -> None:
        """Esc stops waiting for Kombo; else it closes a history floating over the form (a
        small screen), which covers the form, and whose own controls Tab goes round."""
        if self._request is not None:
            self.cancel_request()
        else:
            self.history.close_floating_history()

    def cancel_request(self) -> None:
        """Stop waiting for Kombo (Esc / Cancel). The window is ready again at once."""
        handle, self._request = self._request, None
        if handle is None:
            return
        handle.cancel()
        self._set_busy(False)
        self.show_status("Cancelled. Nothing was changed.", "info")

    def _ready_after_link(self) -> None:
        """After a link is painted: Create again, and the focus on the link, where the copy
        keys at once copy it (see LinkField) and Tab goes on to its Copy button."""
        self._link_on_its_way = False
        if self._closed:
            return
        self._set_busy(False)
        # A link made for details typed over meanwhile is not shown: the focus stays where
        # the person types on (their keys would go to the empty, read-only link field).
        if self.resultPanel.shown is not None:
            self.linkField.setFocus()

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._request = None
            self._close_retired()
        self.linkForm.set_busy(busy)
        self.relinkForm.set_busy(busy)

    def _show_created(
        self,
        created: CreatedLink,
        request: LinkRequest | RelinkRequest,
        target: Target,
        environment_id: str | None,
    ) -> None:
        now = datetime.now().astimezone()
        if isinstance(request, LinkRequest):
            stem = file_stem_for(request.end_user_organization_name)
        else:
            stem = file_stem_for(request.integration_id.replace(":", "-"), "kombo-relink")
        what = "Reconnection link" if isinstance(request, RelinkRequest) else "Link"
        if self._customer_text() != self._customer_at_request:
            # Another customer's details were typed while Kombo worked (in either form), often
            # the next customer's, who may be watching: the link is kept in the history, not
            # shown beside them. Other choices changed meanwhile (language, tool) do not count,
            # as for a link on show (see _customer_typed).
            self.show_status(
                _made_for_earlier_details(
                    request, self.history.private, kept=self._kept_in_history_text()
                ),
                "info",
            )
        else:
            shown = ShownLink(
                url=created.url,
                link_type=request.link_type,
                is_demo=created.is_demo,
                created=now,
                file_stem=stem,
            )
            self.show_link(shown)
            changed = self._choices_changed_since(request)
            if changed:
                self.show_status(
                    f"{what} ready, {changed}, as the form said when you pressed the button; it "
                    "was changed since. For the new choice, make the link again.",
                    "info",
                )
            elif created.is_demo:
                self.show_status(f"Demo {what.lower()} ready. It connects nothing.", "success")
            else:
                self.show_status(
                    f"{what} ready. Copy it, or let the customer scan the QR code.", "success"
                )
        self._remember_choices(request)
        if isinstance(request, LinkRequest):
            self.linkForm.mark_used(request)
        else:
            self.relinkForm.mark_used(request)
        self.link_made.emit(
            MadeLink(
                request,
                created.url,
                created.is_demo,
                request.link_type,
                now,
                target,
                environment_id,
            )
        )

    def _choices_changed_since(self, request: LinkRequest | RelinkRequest) -> str:
        """How the link made for ``request`` differs from the language and link type its form
        shows now ("in English"), changed while Kombo worked; "" when they are the same."""
        if isinstance(request, RelinkRequest):
            form = self.relinkForm
            language, link_type = form.relinkLanguageCombo, form.relinkLinkTypeCombo
        else:
            language, link_type = self.linkForm.languageCombo, self.linkForm.linkTypeCombo
        parts = []
        if language.currentData() != request.language:
            parts.append(f"in {LANGUAGE_NAMES_IN_ENGLISH[request.language]}")
        if link_type.currentData() != request.link_type:
            parts.append(f"of the type “{LINK_TYPE_NAMES[request.link_type]}”")
        return " and ".join(parts)

    def start_next_customer(self) -> None:
        """The "New" keys: the new-link form, cleared (asking first if that would lose typing).
        Not while Kombo works on a link, as with the form's button: the link on its way
        would then land next to an empty form."""
        if self.busy:
            return
        # Asked where the person is: after Cancel they stay with what they chose to keep.
        if self.linkForm.may_clear():
            self.tabs.setCurrentIndex(CREATE_TAB)
            self.linkForm.clear()

    def _unused_relink_id(self) -> str:
        """The reconnection tab's id, named when no link was made with it (clearing the form
        empties it too, see _form_cleared); "" when clearing it loses nothing."""
        if not self.relinkForm.holds_unused_id():
            return ""
        return f"the integration id typed on the “{RELINK_TAB_TITLE}” tab"

    def _form_cleared(self) -> None:
        """The form was emptied for the next customer: the last customer's link and the
        integration id on the reconnection tab go too, so that they are not on the screen the
        next customer may be shown, nor reused for them."""
        self.resultPanel.clear()
        self.relinkForm.clear()
        self.show_status("The form is empty, ready for the next customer.", "info")

    def show_link(self, link: ShownLink) -> None:
        """Show a link in the result panel (also for "use the existing link" from history)."""
        self.resultPanel.show_link(link)
        self._customer_when_shown = self._customer_text()

    def _customer_text(self) -> _CustomerText:
        """Whom the forms name: the new link's customer, and the integration id."""
        return self.linkForm.customer_text(), self.relinkForm.integration_id

    def _customer_typed(self) -> None:
        """Other customer details typed over the form take the link on show off the screen:
        it is the earlier customer's, and its QR code could be scanned by the next one,
        who may be watching (the form is often typed over rather than cleared). In
        screen-sharing mode Kombo's refusal of the earlier details goes too: its words quote
        them (outside it they stay, to be read while the details are corrected)."""
        if self._refusal_shown is not None and self._refusal_shown == self.statusPanel.text:
            # Only words that quote details no longer in the form go: correcting the field
            # Kombo refused keeps the reason on screen.
            typed = self._customer_text()
            in_form = {*typed[0], typed[1]}
            if self.history.private and not set(self._refusal_quotes) <= in_form:
                self._refusal_shown = None
                self.show_status(REFUSAL_TYPED_OVER_TEXT, "info")
            return
        if self.resultPanel.shown is None or self.busy:
            return
        if self._customer_text() == self._customer_when_shown:
            return
        self.resultPanel.clear()
        self.show_status(
            "The form now holds other details, so the link made for the earlier ones was taken "
            f"off the screen ({self._kept_in_history_text()}).",
            "info",
        )

    def _kept_in_history_text(self) -> str:
        """Where a link taken off the screen is kept: in the history, only until the program
        closes while the history lives in memory (the one place that link is then)."""
        if self.history.forgets_at_exit:
            return "it is in the history until the program closes"
        return "it is in the history"

    def _prepare_qr(self, url: str, draw: Callable[[], None]) -> None:
        """Once the link is painted, compute its QR code on a worker thread, then ``draw`` it.

        For a Kombo-length link the code takes 15-20 ms to compute, most of it choosing the
        mask pattern that scans best. On the UI thread that would hold back the painting of
        the link itself; on a worker started at once it would too, because the computation
        holds Python's interpreter lock and the paint needs it in between. So the link is
        painted first, and the code follows about 20 ms later. ``core.qr`` remembers it:
        ``draw`` only turns it into a picture, and saving or copying it costs nothing more.
        If computing fails on the worker, ``draw`` tries again and shows why.
        """

        def compute() -> None:
            if self._closed:
                return

            def work(_token: object) -> None:
                from kombo_desktop.core.qr import qr_matrix

                qr_matrix(url)

            self.runner.run(
                work, on_done=lambda _none: draw(), on_error=lambda _error: draw(), name="qr-code"
            )

        after_next_paint(self.resultPanel.linkField, compute, QR_AFTER_LINK_AT_THE_LATEST_MS)

    def _key_replaced_since(self, connection: Connection, error: BaseException) -> bool:
        """Whether ``error`` refused the key of ``connection`` after a new key took its place
        (``use_new_key``: the request went on with the key it was sent with), and the profile
        has a key now: sending again is the way forward, not Settings. Not while KOMBO_API_KEY
        is set, which both connections send."""
        return (
            is_key_refused(error)
            and connection is not self.connection
            and not self.credentials.environment_key_in_use
            and self.firstRunNotice.isHidden()  # shown by the new key's check if none is left
        )

    def _show_refusal_of_replaced_key(
        self, error: KomboError, request: LinkRequest | RelinkRequest
    ) -> None:
        """The link was refused for the key it was sent with, which was replaced since: the
        usual sentence sent the person to check the key in Settings, where the new one, perhaps
        accepted already, is stored."""
        relink = isinstance(request, RelinkRequest)
        what, button = ("reconnection link", RELINK_TEXT) if relink else ("link", CREATE_TEXT)
        self.show_status(
            f"This {what} was sent with the previous API key, which Kombo did not accept. The "
            f"key was changed since: press “{button}” again to send it with the new key.",
            "error",
            error.detail.as_support_text() or None,
        )

    def _show_refusal_of_earlier_details(
        self, error: KomboError, request: LinkRequest | RelinkRequest
    ) -> None:
        """Kombo refused what the form held when the button was pressed, and other details
        were typed since: its words, which may quote the earlier customer's details, stay off
        the screen (in the details for support only outside screen-sharing mode), and no field
        of the new details is marked as refused."""
        button = RELINK_TEXT if isinstance(request, RelinkRequest) else CREATE_TEXT
        self.show_status(
            f"Kombo did not accept the details the form had when you pressed “{button}”, so no "
            f"link was made. Other details were typed since: check them and press “{button}” "
            "again.",
            "error",
            None if self.history.private else error.detail.as_support_text() or None,
        )

    def _removed_integration(
        self, error: BaseException, request: LinkRequest | RelinkRequest
    ) -> str | None:
        """The reconnection's integration id when Kombo no longer has that integration
        although this profile made links for it (``HistoryFeature.integration_removed``)."""
        if not isinstance(request, RelinkRequest) or not is_unknown_integration(error):
            return None
        integration_id = request.integration_id
        return integration_id if self.history.integration_removed(integration_id) else None

    def _show_integration_removed(self, error: KomboError, integration_id: str) -> None:
        """A reconnection link cannot bring back an integration removed in Kombo: the way on
        is a new link for its customer, one click away."""
        from kombo_desktop.core.integrations import REMOVED_TEXT

        self.statusPanel.show_message(
            REMOVED_TEXT,
            "error",
            error.detail.as_support_text() or None,
            (NEW_LINK_TAB_TEXT, lambda: self.history.new_link_instead(integration_id)),
        )

    def _show_error(self, error: BaseException, *, after_notes: bool = False) -> None:
        if isinstance(error, KomboError):
            details = error.detail.as_support_text()
            # A missing or refused key is fixed in Settings: offer the way there right here.
            key_problem = isinstance(error, MissingApiKeyError | KeyUnreadableError) or (
                is_key_refused(error)
            )
            action = None
            if (
                key_problem
                and not self.is_demo
                and not self.credentials.environment_key_in_use  # Settings cannot change it
            ):
                action = ("Open settings", self.open_settings)
            self.statusPanel.show_message(
                self._words_for(error), "error", details or None, action, after_notes=after_notes
            )
            if isinstance(error, MissingApiKeyError) and not self.is_demo:
                self.firstRunNotice.show()
            return
        _log.error("Unexpected failure while making a link", exc_info=error)
        self.show_status(
            "Something unexpected went wrong, and no link was made. Please try again; if it "
            "happens again, copy the details for support.",
            "error",
            redact(f"Internal error: {type(error).__name__}: {error}"),
        )

    def _words_for(self, error: KomboError) -> str:
        """The error's sentence, unless it sends the person somewhere that cannot help: a key
        from ``KOMBO_API_KEY`` is not changed in Settings, a key refused at another address
        than Kombo's regions is not a matter of choosing the other region, and an address set
        by the administrator, ``--api-base`` or ``KOMBO_API_BASE`` is not changed in Settings."""
        from kombo_desktop.core import messages

        target = self.target
        if is_key_refused(error) and self.credentials.environment_key_in_use and not self.is_demo:
            malformed = isinstance(error, MalformedKeyError)
            elsewhere = target is not None and not target.at_kombo_region
            host = target.region if target is not None and elsewhere else None
            return messages.environment_key_refused_message(malformed=malformed, host=host)
        refused = is_key_refused(error) and not isinstance(error, MalformedKeyError)
        if refused and target is not None and not target.at_kombo_region:
            return messages.key_refused_at_message(target.region)
        set_by = None if self.is_demo else self.setup.address_set_by
        return messages.address_set_by_message(error.user_message, set_by)

    def _show_invalid(self, invalid: InvalidRequest, form: RequestForm) -> None:
        count = len(invalid.errors)
        fields = "1 field needs" if count == 1 else f"{count} fields need"
        text = f"Nothing was sent: {fields} your attention (marked in red)."
        self.show_status(text, "error")
        if self._awaiting_fixes is None:  # the first time: follow the marks from now on
            for watched in (self.linkForm, self.relinkForm):
                for box in watched.boxes.values():
                    box.error_changed.connect(self._field_mark_changed)
        self._awaiting_fixes = (form, text)

    def _field_mark_changed(self, _message: str) -> None:
        """Once the last red mark of a refused form is gone, the status line says so: "needs
        your attention (marked in red)" stayed on with nothing marked any more."""
        form, text = self._awaiting_fixes or (None, "")
        if form is None or self.statusPanel.text != text or form.field_errors():
            return
        self._awaiting_fixes = (form, "")  # said once; a new refusal says it again
        self.show_status(
            f"The marked fields are fine now. Nothing was sent yet: press “{form.submit_text}” "
            "to send.",
            "info",
        )

    def show_status(self, text: str, kind: str = "info", details: str | None = None) -> None:
        self.statusPanel.show_message(text, kind, details)

    def show_note(self, text: str) -> None:
        """Tell the person about their set-up without hiding what start-up found before it
        (see ``StatusPanel.add_note``)."""
        self.statusPanel.add_note(text)

    def _remember_choices(self, request: LinkRequest | RelinkRequest) -> None:
        """Keep the language and category for next time (best effort). Not the link type:
        every start offers the usual one (or the administrator's), since a link to embed,
        valid an hour, chosen once would otherwise be preselected for every later link, and
        the links staff send by e-mail would stop working an hour after they were made."""
        store = self.setup.settings_store
        try:
            settings = store.load()
            settings.language = request.language
            if isinstance(request, LinkRequest):
                settings.category = request.integration_category
            store.save(settings)
            self.setup.settings = settings
        except OSError as error:
            _log.warning("Could not remember the form's choices: %s", error)

    # --- switching modes (used by the history and the duplicate warning) ---------------------

    def show_create_mode(self) -> None:
        self.tabs.setCurrentIndex(CREATE_TAB)
        self.linkForm.focus_first_field()

    def show_relink_mode(self, integration_id: str | None = None) -> None:
        if integration_id is not None:
            self.relinkForm.fill(integration_id)
        self.tabs.setCurrentIndex(RELINK_TAB)
        self.relinkForm.focus_first_field()

    # --- closing -------------------------------------------------------------------------------

    def _remember_place(self) -> None:
        try:
            save_window_geometry(self.setup.paths, self.saveGeometry().data())
        except OSError as error:
            _log.warning("Could not remember the window's place: %s", error)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter on any button reached with Tab presses it, as Space does: a key no part of
        the window took comes up to here (the header's buttons, the status line's "Copy
        details" or next step ignored it, though the status line sends people to them)."""
        if not press_focused_button(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.isVisible() and not self._closed:
            self._remember_place()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop everything started for this window; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        self.runner.cancel_all()  # first, so workers stop retrying while the rest shuts down
        self._stop_demo_server()  # releases answers the demo service is holding back
        if self.connection is not None:
            self.connection.close()
        self._close_retired()
        self.runner.shutdown(timeout=CLOSE_WAIT_SECONDS)
        self.history.close()  # after the workers, which may still be reading it


def _made_elsewhere(previous: Target, target: Target) -> bool:
    """Whether links made for ``previous`` belong to another place than ``target``'s."""
    return (previous.profile, previous.api_base, previous.demo) != (
        target.profile,
        target.api_base,
        target.demo,
    )


def _refuses_the_details(error: BaseException) -> bool:
    """Whether ``error`` is Kombo's refusal of the details sent, whose words may quote them:
    invalid input, or an integration id it does not know (not a 404 for a wrong address)."""
    if isinstance(error, InputRejectedError):
        return True
    return is_unknown_integration(error)


def _quoted_details(request: LinkRequest | RelinkRequest, words: str) -> tuple[str, ...]:
    """The customer details of ``request`` that ``words`` (the status and its details for
    support) quote, ignoring case."""
    if isinstance(request, RelinkRequest):
        details: tuple[str | None, ...] = (request.integration_id,)
    else:
        details = (
            request.end_user_email,
            request.end_user_organization_name,
            request.end_user_origin_id,
        )
    folded = words.casefold()
    return tuple(detail for detail in details if detail and detail.casefold() in folded)


def _made_for_earlier_details(
    request: LinkRequest | RelinkRequest, private: bool, *, kept: str
) -> str:
    """The status for a link that arrived after its form was changed (it is not shown): whose
    link it is and where it is (``kept``: "it is in the history", and for how long). In
    screen-sharing mode without the earlier customer's name: the next customer, whose
    details were typed meanwhile, may be watching."""
    if isinstance(request, RelinkRequest):
        whose = "the id" if private else f"{request.integration_id}, the id"
        return (
            f"A reconnection link was made for {whose} the form had when you pressed “Create "
            f"reconnection link”. Other details were typed since, so the link is not shown "
            f"here: {kept}."
        )
    if private:
        whose = "the details the form had"
    else:
        customer = f"{request.end_user_organization_name} ({request.end_user_email})"
        whose = f"{customer}, the details the form had"
    return (
        f"A link was made for {whose} when you pressed “Create link”. Other details were typed "
        f"since, so the link is not shown here: {kept}. For the details the form holds now, "
        "press “Create link” again."
    )


def initial_size(available: QSize) -> tuple[int, int]:
    """The preferred size, shrunk to what ``available`` (the screen minus task bars) leaves."""
    width = min(PREFERRED_SIZE[0], available.width() - WINDOW_FRAME[0])
    height = min(PREFERRED_SIZE[1], available.height() - WINDOW_FRAME[1])
    return max(width, MINIMUM_SIZE[0]), max(height, MINIMUM_SIZE[1])
