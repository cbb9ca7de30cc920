"""The main window: the forms, the result, the status line, and the wiring to Kombo.

Data flows one way: form -> checked request (core) -> client on a worker thread
(``TaskRunner``) -> link or typed error back on the UI thread -> result panel / status line.
The window never talks HTTP itself and never holds the API key.

This module builds the window and wires its parts together; what the parts do lives in
their own modules, each owned by the window:

* ``account_feature``: where links go and with which key (profile, region, demo, Settings);
* ``link_making``: sending a request and showing the link, or why there is none (which its
  ``refusal_display`` says);
* ``history_feature``: the link history and the duplicate warning;
* ``screen_sharing``: screen-sharing mode, which every part showing customers follows.

The window keeps the names other parts and tests use (``use_target``, ``submit_create``,
``busy`` ...) and hands them to the part that does the work.

Room for what comes later is left on purpose: ``create_guards`` lets a check (the duplicate
warning) hold a request before it is sent, ``bannerArea`` takes such banners above the forms, in
their column, the dock areas of the ``QMainWindow`` take side panels (history), and
``link_made`` tells listeners about every link made.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.catalog import ToolCatalog
from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.policy import Policy
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.settings import Settings, SettingsStore
from kombo_desktop.core.vocabulary import NEW_LINK_TAB_TEXT, Category, Language, LinkType
from kombo_desktop.core.window_state import load_window_geometry, save_window_geometry
from kombo_desktop.ui import qt_enums, theme

# CANCELLED_BY_CHANGE_TEXT is imported from here too (tests).
from kombo_desktop.ui.account_feature import CANCELLED_BY_CHANGE_TEXT as CANCELLED_BY_CHANGE_TEXT
from kombo_desktop.ui.account_feature import AccountFeature
from kombo_desktop.ui.connection import RUN_KEY_NOTE, Connection, Target, resolve_target
from kombo_desktop.ui.header import DemoBanner, FirstRunNotice, HeaderBar
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.link_form import LinkForm
from kombo_desktop.ui.link_making import LinkMaking
from kombo_desktop.ui.page_width import WidthOfPageOnShow
from kombo_desktop.ui.relink_form import RelinkForm
from kombo_desktop.ui.result_panel import ResultPanel
from kombo_desktop.ui.save_places import SavePlaces
from kombo_desktop.ui.screen_sharing import ScreenSharingMode
from kombo_desktop.ui.start_up import AfterFirstPaint
from kombo_desktop.ui.status_panel import StatusPanel
from kombo_desktop.ui.tab_names import FittingTabNames, TabName
from kombo_desktop.ui.tasks import TaskRunner
from kombo_desktop.ui.tight_look import TightLook
from kombo_desktop.ui.widgets import (
    WINDOW_FRAME,
    ShrinkingPage,
    chain_tab_order,
    label_column_width,
    layout_of,
    press_focused_button,
    scrolling,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from kombo_desktop.core.demo_server import DemoKomboServer
    from kombo_desktop.ui.banner_place import BannerPlace
    from kombo_desktop.ui.integration_lookup import IntegrationLookup
    from kombo_desktop.ui.quit_question import QuitQuestion
    from kombo_desktop.ui.settings_writes import SettingsWrites
    from kombo_desktop.ui.shown_link import ShownLink

_log = logging.getLogger(__name__)

WINDOW_TITLE = "Kombo Desktop"
CREATE_TAB, RELINK_TAB = 0, 1
RELINK_TAB_TITLE = "Reconnect an integration"
RELINK_TAB_SHORT_TITLE = "Reconnect"  # where the whole name does not fit (see tab_names)
RELINK_TAB_TIP = "Make a link that updates an existing connection"
# How long closing may wait for a request that ignores cancellation before abandoning it.
CLOSE_WAIT_SECONDS = 1.5
# Said on closing while a link is being made for what is typed: closing cancels the request,
# and a link Kombo made all the same is neither shown nor kept in the history.
CLOSING_STOPS_THE_LINK = "Closing stops it, and what is typed would be lost."
# Said of a link being made when closing loses no typing with it (``LinkMaking.being_made``).
CLOSING_STOPS_IT = "Closing stops it."
# The window's size at start, when the screen has room for it; a smaller screen (a 1366x768
# laptop, or 1440x900 at 150 %) gets a window that fits on it, frame and task bar included.
PREFERRED_SIZE = (1180, 820)
# Less high where the screen is (see ``smallest_height``).
MINIMUM_SIZE = (860, 500)


class WindowSetup:
    """Everything ``app.py`` decided before the window exists.

    A plain class: a dataclass compiles its generated methods from source as this module
    loads, before the window's first frame, and the window only reads and updates these."""

    def __init__(
        self,
        *,
        paths: AppPaths,
        settings_store: SettingsStore,
        settings: Settings,
        policy: Policy,
        credentials: CredentialStore,
        profile_name: str,
        api_base_override: str | None = None,
        api_base_source: str | None = None,
        demo: bool = False,
        notes: list[str] | None = None,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        self.paths = paths
        self.settings_store = settings_store
        self.settings = settings
        self.policy = policy
        self.credentials = credentials
        self.profile_name = profile_name  # links are made with it (when not in the demo)
        self.api_base_override = api_base_override  # --api-base / KOMBO_API_BASE, checked
        # Which of the two gave it: "--api-base" or "KOMBO_API_BASE".
        self.api_base_source = api_base_source
        self.demo = demo
        self.notes = [] if notes is None else notes  # sentences for the status line at start
        # Extra KomboClient arguments for every connection made from now on (timeouts in tests).
        self.client_options: dict[str, Any] = {} if client_options is None else client_options

    @property
    def profile_target(self) -> Target:
        """Where links go outside the demo, from the settings, the policy and the overrides."""
        return resolve_target(
            self.settings,
            self.policy,
            self.profile_name,
            self.api_base_override,
            run_key=self.credentials.run_key_in_use,
        )

    @property
    def address_set_by(self) -> str | None:
        """Who set the address every profile's links go to, so that Settings cannot change it
        (``messages.address_set_by_message``); None when each profile's region or address in
        Settings decides. The administrator's address wins, as in ``resolve_target``."""
        if self.policy.api_base_locked:
            from kombo_desktop.core.messages import SET_BY_ADMINISTRATOR

            return SET_BY_ADMINISTRATOR
        return self.api_base_source if self.api_base_override is not None else None


class MainWindow(QMainWindow):
    """The window staff use to make links. Object names follow contract.md exactly."""

    link_made = Signal(object)  # MadeLink
    target_changed = Signal(object)  # Target: links go somewhere else (or with another key)
    profile_renamed = Signal(str, str)  # (old, new) in the settings: the history follows
    # Places the duplicate warning; made with the first warning (``add_banner``).
    banner_place: BannerPlace | None

    def __init__(self, setup: WindowSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        theme.apply_to_window(self)
        self.setup = setup
        self.credentials = setup.credentials
        self.runner = TaskRunner(self)
        self._settings_writes: SettingsWrites | None = None  # see ``settings_writes``
        # Start-up work that shows nothing runs right after the first frame (see start_up).
        # One action per turn of the event loop, in this order: Qt's namespace (kept out of the
        # first frame, and needed to hand the history to a worker), the history, as early as
        # that; then the rest.
        self.start_up = AfterFirstPaint(self)
        self.start_up.add(qt_enums.warm_up)
        self.bundled_catalog = ToolCatalog.bundled()
        # Checks run before a new link is sent; one returning False holds the request and is
        # then responsible for sending it again (or not) itself (``submit_create``).
        self.create_guards: list[Callable[[LinkRequest], bool]] = []
        self._closed = False
        self._quit_question: QuitQuestion | None = None  # in place after the first frame

        defaults = self._form_defaults()
        self.demoBanner = DemoBanner()
        self.header = HeaderBar()
        # On at every start; whatever shows customers reads or follows it (screen_sharing).
        self.screen_sharing = ScreenSharingMode(self)
        self.header.add_before_settings(self.screen_sharing.privacySwitch)
        # Shorter words where the header is narrow, before the program's name is cut.
        self.screen_sharing.fit_within(self.header, self.header.title)
        self.firstRunNotice = FirstRunNotice()
        self.firstRunNotice.set_demo_allowed(not setup.policy.hide_demo)
        self.linkForm = LinkForm(
            self.bundled_catalog,
            default_language=defaults[0],
            default_link_type=defaults[1],
            default_category=defaults[2],
            tool_list_later=True,  # once the form is in the window (``_build_layout``)
        )
        self.relinkForm = RelinkForm(default_language=defaults[0], default_link_type=defaults[1])
        # Where the save dialogs open (the folder last saved to), for the result and history.
        self.save_places = SavePlaces(setup.settings_store)
        self.resultPanel = ResultPanel(self.save_places, self.screen_sharing, runner=self.runner)
        self.statusPanel = StatusPanel()
        self._expose_named_widgets()
        self._build_layout()
        # Where links go and with which key (account_feature); sending requests and showing
        # what comes back (link_making).
        self.account = AccountFeature(self)
        self.link_making = LinkMaking(self)
        self._connect()
        # As narrow as the content can be (``WindowContent``), which Qt keeps to; what lies
        # between the header and the status line scrolls in a shorter window.
        available = self.screen().availableGeometry().size()
        self.setMinimumHeight(smallest_height(available))
        self.resize(*initial_size(available))
        self._restore_place()

        if setup.demo and not setup.policy.hide_demo:
            self.start_demo()
        else:
            self.use_target(setup.profile_target)
        if setup.policy.notice is not None:
            # One plain sentence on a screen that may be shared; the file's path and entries
            # are in the details, for the IT team.
            self.show_note(setup.policy.notice, setup.policy.problem_details)
        for note in setup.notes:
            self.show_note(note)
        if not self.is_demo and self.target is not None and self.target.run_key:
            # Said only in Settings' key row before, the key given at start went out with
            # every profile's links while "Ready." and the header said nothing of it.
            self.show_note(RUN_KEY_NOTE)
        # The link history: recording, duplicate warning, history panel and invitations,
        # plugged into the hooks above (see history_feature).
        self.history = HistoryFeature(self)  # the history handed to a worker to open
        for step in qt_enums.FIRST_LINK_STEPS:  # the enums of the classes a first link names
            self.start_up.add(step)
        self.start_up.add(self._take_window_icon)
        self.start_up.add(self.linkForm.style_suggestions)
        self.start_up.add(self.linkForm.describe_hints)  # what a screen reader hears of them
        # The reconnection tab says whose integration an id is (made after the first frame).
        self.integration_lookup: IntegrationLookup | None = None
        self.start_up.add(self._start_integration_lookup)
        # A key pasted into a field before the program read it is marked once it is read.
        self.start_up.add(self._follow_known_keys)
        self.start_up.add(self._follow_time_zone_changes)
        # Quitting the program (a Mac's Cmd+Q) asks as closing the window does (quit_question).
        self.start_up.add(self._ask_before_quitting)
        # Typing starts in the first field, not on the first button (the demo bar's "Leave the
        # demo", where a stray Enter would act).
        self.linkForm.focus_first_field()

    # --- construction ------------------------------------------------------------------------

    def _take_window_icon(self) -> None:
        """The program's icon as the window's own, which its dialogs then show too.

        Set after the first frame, which has the icon already: ``app.py`` gives it to Qt as the
        application is made (``-qwindowicon``), so Qt puts it on the window as it is shown,
        while ``QIcon`` here costs PySide6 about 1.7 ms of set-up. A window built in an
        application made elsewhere (tests, a host program) gets its icon only now.
        """
        from PySide6.QtGui import QIcon

        self.setWindowIcon(QIcon(str(resource_path(theme.WINDOW_ICON))))

    def _follow_time_zone_changes(self) -> None:
        from kombo_desktop.ui.time_zone import follow_time_zone_changes

        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication):
            follow_time_zone_changes(app)

    def _ask_before_quitting(self) -> None:
        from kombo_desktop.ui.quit_question import SYSTEM_ASKS_BEFORE_QUITTING, QuitQuestion

        if SYSTEM_ASKS_BEFORE_QUITTING and not self._closed:
            self._quit_question = QuitQuestion(self, self.person_may_close)

    def _follow_known_keys(self) -> None:
        from kombo_desktop.ui.known_keys import follow_known_keys

        follow_known_keys((self.linkForm, self.relinkForm))

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

    def add_banner(self, banner: QWidget) -> None:
        """Put ``banner`` above the forms, in their column or across the window where the
        column is too narrow for it (``banner_place``, made with the first banner)."""
        if self.banner_place is None:
            from kombo_desktop.ui.banner_place import BannerPlace

            page, across, result = self._banner_room
            self.banner_place = BannerPlace(
                page, self.bannerArea, across, result, self.tabs, theme.SECTION_SPACING
            )
        self.bannerArea.addWidget(banner)

    def _expose_named_widgets(self) -> None:
        """Make the contract's widgets reachable as attributes of the window too.

        Named one by one, so that type checkers (and readers) know each of them; a test
        (``test_window_form``) checks that no object-named widget of the panels is left out.
        """
        form = self.linkForm
        self.emailEdit = form.emailEdit
        self.organizationEdit = form.organizationEdit
        self.originIdEdit = form.originIdEdit
        self.categoryCombo = form.categoryCombo
        self.toolCombo = form.toolCombo
        self.environmentEdit = form.environmentEdit
        self.languageCombo = form.languageCombo
        self.linkTypeCombo = form.linkTypeCombo
        self.scopeConfigEdit = form.scopeConfigEdit
        self.filteringCheck = form.filteringCheck
        self.fieldMappingCheck = form.fieldMappingCheck
        self.createButton = form.createButton
        self.cancelButton = form.cancelButton
        self.emailFixButton = form.emailFixButton
        self.keepOriginIdButton = form.keepOriginIdButton
        self.clearOptionsButton = form.clearOptionsButton
        self.keepOptionsButton = form.keepOptionsButton
        self.toolFixButton = form.toolFixButton
        relink = self.relinkForm
        self.relinkIntegrationEdit = relink.relinkIntegrationEdit
        self.relinkLanguageCombo = relink.relinkLanguageCombo
        self.relinkLinkTypeCombo = relink.relinkLinkTypeCombo
        self.relinkButton = relink.relinkButton
        self.relinkCancelButton = relink.relinkCancelButton
        self.relinkIntegrationFixButton = relink.relinkIntegrationFixButton
        result = self.resultPanel
        self.linkField = result.linkField
        self.expiryLabel = result.expiryLabel
        self.copyButton = result.copyButton
        self.openButton = result.openButton
        self.exportQrButton = result.exportQrButton
        self.copyQrButton = result.copyQrButton
        self.qrView = result.qrView
        status = self.statusPanel
        self.statusLabel = status.statusLabel
        self.detailsToggle = status.detailsToggle
        self.statusActionButton = status.statusActionButton
        self.copyDetailsButton = status.copyDetailsButton
        self.statusDetails = status.statusDetails
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
        # As wide as the form on show: the other one is fitted as it is shown (page_width).
        self.page_width = WidthOfPageOnShow(self.tabs)
        # Shorter names where the whole ones would be cut (larger text on a small screen).
        self.tab_names = FittingTabNames(
            self.tabs,
            [
                TabName(NEW_LINK_TAB_TEXT, NEW_LINK_TAB_TEXT),
                TabName(RELINK_TAB_TITLE, RELINK_TAB_SHORT_TITLE, RELINK_TAB_TIP),
            ],
        )

        # Banners such as the duplicate warning go here: in the form's column, above its tabs,
        # where the person who pressed "Create link" decides. Across the whole window they
        # pushed the result down as they appeared, and on a 1366x768 laptop the link on show
        # lost its heading, its QR code shrank to a stamp and "Copy QR image" went out of view
        # while the customer watched; here the result keeps its height, and the form's fields
        # scroll under the warning instead. Only a column too narrow for the warning's buttons
        # puts it across again (``banner_place``).
        self.bannerArea = QVBoxLayout()
        self.bannerArea.setSpacing(theme.SPACING)
        banners_across = QVBoxLayout()
        banners_across.setSpacing(theme.SPACING)
        form_column = QVBoxLayout()
        form_column.setSpacing(theme.SPACING)
        form_column.addLayout(self.bannerArea)
        form_column.addWidget(self.tabs, 1)

        result_page = scrolling(self.resultPanel, "resultPage")
        body = QHBoxLayout()
        body.setSpacing(theme.SECTION_SPACING)
        body.addLayout(form_column, 11)
        body.addWidget(result_page, 10)

        # What lies between the header and the status line scrolls, as a whole, when the
        # window is too short for it: on a 1366x768 laptop at 125 % or 150 %, or with larger
        # text, the duplicate warning and the forms needed more height than the screen has,
        # and Qt squeezed them into each other (the warning over the tab bar and "Create
        # link"). The demo bar, the header (screen-sharing mode) and the status line stay put.
        middle = ShrinkingPage()
        middle.setObjectName("windowMiddle")
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(theme.SECTION_SPACING - 4)
        middle_layout.addWidget(self.firstRunNotice)
        middle_layout.addLayout(banners_across)
        middle_layout.addLayout(body, 1)
        self.middleArea = scrolling(middle, "windowMiddleArea")
        # What places the banners is made with the first (``add_banner``): none stands there
        # at start, and its module and class cost the first frame 1.2 million instructions.
        self._banner_room = (middle, banners_across, result_page)
        self.banner_place = None

        central = WindowContent()
        central.setObjectName("centralWidget")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SECTION_SPACING - 4)
        layout.addWidget(self.demoBanner)
        layout.addWidget(self.header)
        layout.addWidget(self.middleArea, 1)
        layout.addWidget(self.statusPanel)
        # The status sentence keeps all its lines in a short window: its details yield.
        self.statusPanel.fit_within(layout)
        self.setCentralWidget(central)
        # Only now that the form has the window's style sheet and font: filled before, its
        # entries were laid out again for each (see ``LinkForm.fill_tool_list``).
        self.linkForm.fill_tool_list()
        # Closer together where the window is too short for the tab bar, a field and "Create
        # link" between the header and the status line (larger text on a small laptop).
        self.tight_look = TightLook(
            layout,
            middle_layout,
            self.middleArea,
            [
                [layout_of(self.statusPanel)],
                [layout_of(self.linkForm.footer), layout_of(self.relinkForm.footer)],
            ],
            self.tabs,
            [layout_of(form.scrollArea.widget()) for form in (self.linkForm, self.relinkForm)],
            (self.statusPanel, self.statusPanel.shows_buttons),
        )

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
        links = self.link_making
        self.linkForm.submitted.connect(links.submit_create)
        self.linkForm.cancel_requested.connect(links.cancel_request)
        self.linkForm.notice.connect(lambda text: self.show_status(text, "info"))
        self.linkForm.cleared.connect(self._form_cleared)
        self.linkForm.unused_elsewhere.append(self.unused_relink_id)  # cleared with the form
        for edit in (
            self.linkForm.emailEdit,
            self.linkForm.organizationEdit,
            self.linkForm.originIdEdit,
            self.relinkForm.relinkIntegrationEdit,  # an integration id names a customer too
        ):
            edit.textChanged.connect(links.customer_typed)
        self.relinkForm.submitted.connect(links.submit_relink)
        self.relinkForm.cancel_requested.connect(links.cancel_request)
        self.resultPanel.notice.connect(self.show_status)
        self.screen_sharing.notice.connect(self.show_status)
        # The id field names the previous customer only with the mode off (see LinkForm).
        self.screen_sharing.changed.connect(self.linkForm.set_private)
        self.resultPanel.qr_preparer = links.prepare_qr
        self.header.settings_requested.connect(self.open_settings)
        self.firstRunNotice.settings_requested.connect(self.open_settings)
        self.firstRunNotice.demo_requested.connect(self.start_demo)
        self.demoBanner.leave_requested.connect(self.leave_demo)
        # Esc (the system's Cancel keys) anywhere in the window; ``Qt.Key`` is avoided here
        # (see qt_enums).
        escape = QShortcut(QKeySequence.StandardKey.Cancel, self)
        escape.activated.connect(self._escape_pressed)
        # The system's own keys for an application's settings where it has them (Cmd+, on a
        # Mac), else Ctrl+, (``header.settings_keys``). They act only in this window, so not
        # while Settings has the keyboard.
        preferences = QShortcut(self)
        preferences.setKeys(self.header.settings_shortcut_keys)
        preferences.setObjectName("settingsShortcut")
        preferences.activated.connect(self.open_settings)
        # The system's "New" keys (Ctrl+N, Cmd+N): a new link for the next customer.
        new_link = QShortcut(QKeySequence.StandardKey.New, self)
        new_link.setObjectName("newLinkShortcut")
        new_link.activated.connect(self.start_next_customer)
        # The system's keys for the next and previous tab (Ctrl+Tab, Ctrl+Shift+Tab) anywhere in
        # the window: the tabs' own handling of them worked only with the focus in a form, not
        # from the link's buttons or the header. Taken here, they never reach the tabs too.
        for keys, step in (
            (QKeySequence.StandardKey.NextChild, 1),
            (QKeySequence.StandardKey.PreviousChild, -1),
        ):
            switch = QShortcut(keys, self)
            switch.setObjectName("nextTabShortcut" if step > 0 else "previousTabShortcut")
            switch.activated.connect(partial(self._switch_tab, step))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- where links go (done by the account part) --------------------------------------------

    @property
    def connection(self) -> Connection | None:
        return self.account.connection

    @property
    def target(self) -> Target | None:
        return self.account.target

    @property
    def is_demo(self) -> bool:
        return self.account.is_demo

    @property
    def demo_server(self) -> DemoKomboServer | None:
        return self.account.demo_server

    @property
    def settings_dialog(self) -> QDialog | None:
        return self.account.settings_dialog

    def environment_id(self, target: Target) -> str | None:
        """The Kombo environment of ``target``'s key, when known (``AccountFeature``)."""
        return self.account.environment_id(target)

    def use_target(self, target: Target, status: str | None = None) -> None:
        self.account.use_target(target, status)

    def use_profile(self, name: str) -> None:
        self.account.use_profile(name)

    def start_demo(self) -> None:
        self.account.start_demo()

    def leave_demo(self) -> None:
        self.account.leave_demo()

    def open_settings(self) -> None:
        self.account.open_settings()

    def show_where_links_go(self, target: Target) -> None:
        """The header's profile, the demo bar and the title say where links go now."""
        self.header.show_target(target)
        if not target.demo:
            self.take_focus_from(self.demoBanner)  # its "Leave the demo" may have it
        self.demoBanner.setVisible(target.demo)
        self.setWindowTitle(f"{WINDOW_TITLE} — DEMO" if target.demo else WINDOW_TITLE)

    # --- making links (done by the link making part) ------------------------------------------

    @property
    def busy(self) -> bool:
        """A request runs, or its link is on its way to the screen."""
        return self.link_making.busy

    def submit_create(self) -> None:
        self.link_making.submit_create()

    def cancel_request(self) -> None:
        self.link_making.cancel_request()

    def show_link(self, link: ShownLink) -> None:
        """Show a link in the result panel (also for "use the existing link" from history)."""
        self.link_making.show_link(link)

    # --- the forms and the status line ---------------------------------------------------------

    def _escape_pressed(self) -> None:
        """Esc in the history, with the keys there, closes it: it is what the person looks
        at, and floating over the form (a small screen) it covers the form and the duplicate
        warning (closed unseen from there before, the history left open); docked beside the
        form it closes the same way. So also while a link is being made: the next Esc, in the
        main window, stops waiting for it. In the main window, Esc stops waiting for Kombo;
        else it closes the duplicate warning as its "Not now" does (nothing sent, back to the
        form), which only a click closed before; else it closes a floating history, whose own
        controls Tab goes round (a docked one covers nothing, and stays). A reconnection
        link can be asked for while the warning is open: Esc then stops that first, and the
        next Esc closes the warning. Esc never clears the form."""
        duplicates, placement = self.history.duplicates, self.history.placement
        if placement.history_has_keys():
            placement.close_with_esc()
        elif self.link_making.request_running:
            self.cancel_request()
        elif duplicates.warning_shown:
            duplicates.banner.dismissed.emit()
        else:
            self.history.placement.close_floating_history()

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

    def unused_relink_id(self) -> str:
        """The reconnection tab's id, named when no link was made with it (clearing the form
        empties it too, see _form_cleared); "" when clearing it loses nothing."""
        if not self.relinkForm.holds_unused_id():
            return ""
        # The name on screen: "Reconnect" where the whole name does not fit (tab_names).
        return f"the integration id typed on the “{self.tabs.tabText(RELINK_TAB)}” tab"

    def _form_cleared(self) -> None:
        """The form was emptied for the next customer: the last customer's link and the
        integration id on the reconnection tab go too, so that they are not on the screen the
        next customer may be shown, nor reused for them."""
        self.resultPanel.clear()
        self.relinkForm.clear()
        self.show_status("The form is empty, ready for the next customer.", "info")

    def show_status(
        self,
        text: str,
        kind: str = "info",
        details: str | None = None,
        *,
        notes_follow: bool = False,
        quiet: bool = False,
    ) -> None:
        self.statusPanel.show_message(text, kind, details, notes_follow=notes_follow, quiet=quiet)

    def show_note(
        self,
        text: str,
        details: str | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """Tell the person about their set-up without hiding what start-up found before it
        (see ``StatusPanel.add_note``); ``details`` go in the details pane, ``action`` (button
        text, what it does) offers the way forward; ``quiet``: shown, not read out."""
        self.statusPanel.add_note(text, details, action, quiet=quiet)

    # --- switching modes (used by the history and the duplicate warning) ---------------------

    def show_create_mode(self) -> None:
        self.tabs.setCurrentIndex(CREATE_TAB)
        self.linkForm.focus_first_field()

    def show_relink_mode(self, integration_id: str | None = None) -> None:
        if integration_id is not None:
            self.relinkForm.fill(integration_id)
        self.tabs.setCurrentIndex(RELINK_TAB)
        self.relinkForm.focus_first_field()

    def _switch_tab(self, step: int) -> None:
        """The next (``step`` 1) or previous (-1) tab, with the focus in its first field, as
        filling the form from the history does: typing goes on there. Only with the keys in
        the main window: pressed in a history floating over it, they switched the tab behind
        it, unseen, and left the focus in the history."""
        if self.tabs.count() < 2 or not self.tabs.isVisible():
            return
        if self.history.placement.floating_history_has_keys():
            return
        if (self.tabs.currentIndex() + step) % self.tabs.count() == RELINK_TAB:
            self.show_relink_mode()
        else:
            self.show_create_mode()

    def take_focus_from(self, leaving: QWidget) -> None:
        """``leaving`` (a notice, warning or bar above the forms) is about to be hidden: when
        the keyboard focus is on it (its button was pressed with the keyboard), the focus goes
        to the first field of the form shown, where the next customer's details are typed.
        Left to Qt, it went on to the next stop in the Tab chain, the tab bar, where typing
        goes nowhere; with Settings open, once the window was active again."""
        focused = self.focusWidget()  # also while another window (Settings) is active
        if focused is None or not (focused is leaving or leaving.isAncestorOf(focused)):
            return
        form = self.relinkForm if self.tabs.currentIndex() == RELINK_TAB else self.linkForm
        form.focus_first_field()

    # --- closing -------------------------------------------------------------------------------

    def _remember_place(self) -> None:
        """Keep where the window is for the next start, unless the file holds that already
        (a window closed where it opened, as most are): the file is flushed to the disk
        before it replaces the old one, and on a disk slow to confirm a write (0.3 s on some
        laptops, more for a home folder on a network share) the window stayed that much
        longer on screen, still, at every close. Not written on a worker: the program could
        not end before the write did, and the rest of closing takes a few milliseconds."""
        paths, place = self.setup.paths, bytes(self.saveGeometry().data())
        if load_window_geometry(paths) == place:
            return
        try:
            save_window_geometry(paths, place)
        except OSError as error:
            _log.warning("Could not remember the window's place: %s", error)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter on any button reached with Tab presses it, as Space does: a key no part of
        the window took comes up to here. The one place for the whole window: the result's
        buttons, the duplicate warning's choices (the focus lands on the safest one), the
        header's and the status line's ("Copy details", the next step it sends people to)."""
        if not press_focused_button(self, event):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._may_close(event):
            event.ignore()
            return
        if self.isVisible() and not self._closed:
            self._remember_place()
        self.shutdown()
        super().closeEvent(event)

    def _may_close(self, event: QCloseEvent) -> bool:
        """Whether closing may go ahead: the person closing the window (its close button,
        Alt+F4: a spontaneous close event) is asked (``person_may_close``). Never asked when
        the program closes it itself (tests, and Qt once a quit goes ahead, which was asked
        about already, see quit_question: not spontaneous)."""
        return not event.spontaneous() or self.person_may_close()

    def person_may_close(self) -> bool:
        """Whether the person ending the program (closing its window, or quitting it: a Mac's
        Cmd+Q) may go ahead: with typing no link was made with, which the next start would not
        have, they are asked first, as clearing the form asks; so too while a link is being
        made, which closing stops (whatever the forms hold), and with links made while
        the history was being opened that it still cannot take, or links its file refused (a
        full disk: see ``history_closing``), in one question.
        While the history is being exported, the window stays open until the file is saved,
        or closed again (see ``export_closing``). Never asked about a window already hidden or
        closed, or when the session ends (logout, shutdown): no one may be there to answer,
        and an unanswered question would hold up the computer."""
        if not self.isVisible() or self._closed:
            return True
        app = QCoreApplication.instance()
        if isinstance(app, QGuiApplication) and app.isSavingSession():
            return True
        # A history export being written: the window stays open, and closes once it is saved
        # (asking then what follows), or at once when closed again (see ``export_closing``).
        if not self.history.export_lets_close():
            return False
        typed = f"what is typed on the “{NEW_LINK_TAB_TEXT}” tab"
        lost = self.linkForm.unused_typing(typed)
        # Typing a link is being made for is not "unused": closing stops that link.
        lost, making = self.link_making.still_being_made(
            lost, typed=typed, then=CLOSING_STOPS_THE_LINK
        )
        # Closing stops a link being made for details used before (the same customer, another
        # tool) or typed over too: asked all the same, not closed unasked with it.
        making = making or self.link_making.being_made(CLOSING_STOPS_IT)
        # Links the history file refused (a full disk, say): asked in the same question.
        refused = self.history.refused_links()
        if lost or making:
            from kombo_desktop.ui.confirm import may_lose  # no message box needed to start

            action = "Close anyway" if refused else "Close"
            title = f"Close {WINDOW_TITLE}?"
            if not may_lose(self, lost, title, action, making=making, also=refused):
                self.history.closing_called_off()
                return False
        # Links made while the history was being opened: waited for, asked about if need be;
        # links its file refused, unless asked about just now.
        if not self.history.may_close(refused_asked=bool(lost or making)):
            self.history.closing_called_off()
            return False
        return True

    @property
    def settings_writes(self) -> SettingsWrites:
        """The window's changes to its settings file (Settings', the form's choices), written
        on workers one after the other; made when first needed, which the first frame is not.
        """
        if self._settings_writes is None:
            from kombo_desktop.ui.settings_writes import SettingsWrites

            self._settings_writes = SettingsWrites(self.runner)
        return self._settings_writes

    @property
    def closed(self) -> bool:
        """True once the window began shutting down: nothing new is started then."""
        return self._closed

    def shutdown(self) -> None:
        """Stop everything started for this window; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._quit_question is not None:
            self._quit_question.stop()
        self.runner.cancel_all()  # first, so workers stop retrying while the rest shuts down
        # The choices of a link not painted yet: written while the waits below go on.
        self.link_making.remember_choices_after_paint()
        # Links made while the history was being opened are saved before the program exits:
        # its opening gets a few seconds more (the status line says why). An export being
        # written is stopped, and leaves no half-written file.
        self.history.wait_before_closing()
        self.resultPanel.wait_before_closing()  # a QR code's file still being written
        self.account.wait_before_closing()  # a change Settings is still writing
        self.link_making.wait_before_closing()  # and the choices a link was made with
        self.account.close()  # the demo service and the connections
        self.runner.shutdown(timeout=CLOSE_WAIT_SECONDS)
        self.history.close()  # after the workers, which may still be reading it


class WindowContent(QWidget):
    """The window's content: the forms and the result scroll up and down, never sideways.

    So it is never narrower than the window's smallest size, nor than its pages need: with
    larger system text they need more, and a narrower content cut off the fields' and the
    result's buttons' right edges. A history docked beside it takes only the width left over
    (see ``history_dock``), and the window cannot be made narrower than both.

    Never wider than the screen leaves, though: with larger system text on a small laptop
    screen a widened window put its right edge, and the buttons there, out of reach. Nor is
    the window's smallest width kept where the screen is narrower than that (see
    ``smallest_width``).
    """

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        screen = self.screen()
        if screen is None:
            return QSize(max(hint.width(), MINIMUM_SIZE[0]), hint.height())
        available = screen.availableGeometry().size()
        width = min(hint.width(), available.width() - WINDOW_FRAME[0])
        return QSize(max(width, smallest_width(available)), hint.height())


def smallest_width(available: QSize) -> int:
    """The window's least width: ``MINIMUM_SIZE``'s, or what ``available`` (the screen minus
    task bars) leaves inside the window's frame where that is less. A 1280x720 laptop at 150 %
    is 853 pixels wide: the window, kept 860 wide, lost its right edge past the screen's."""
    return min(MINIMUM_SIZE[0], available.width() - WINDOW_FRAME[0])


def smallest_height(available: QSize) -> int:
    """The window's least height: ``MINIMUM_SIZE``'s, or what ``available`` (the screen minus
    task bars) leaves below the title bar where that is less. At 150 % a 1366x768 laptop
    leaves 485 pixels: the window, kept 500 high, put the status line under the task bar."""
    return min(MINIMUM_SIZE[1], available.height() - WINDOW_FRAME[1])


def initial_size(available: QSize) -> tuple[int, int]:
    """The preferred size, shrunk to what ``available`` (the screen minus task bars) leaves."""
    width = min(PREFERRED_SIZE[0], available.width() - WINDOW_FRAME[0])
    height = min(PREFERRED_SIZE[1], available.height() - WINDOW_FRAME[1])
    return max(width, smallest_width(available)), max(height, smallest_height(available))
