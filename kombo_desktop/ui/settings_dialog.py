"""Settings: connection profiles, the Kombo region each one talks to, and their API keys.

Use::

    dialog = SettingsDialog(settings_store, credentials, tasks, parent=window,
                            current_profile="default", api_base_override=None, demo=False)
    dialog.profileChanged.connect(window.use_profile)   # re-read settings and key, new client
    dialog.open()

``settings_store`` is a :class:`~kombo_desktop.core.settings.SettingsStore`, ``credentials`` a
:class:`~kombo_desktop.core.credentials.CredentialStore`, ``tasks`` the window's
:class:`~kombo_desktop.ui.tasks.TaskRunner` (``None``: the dialog makes its own).
``current_profile`` is the profile the window uses now (``--profile`` may differ from the saved
choice; default: the saved one). ``api_base_override`` is the address from ``--api-base`` /
``KOMBO_API_BASE``: when given, keys are checked there instead of at the profile's region.
``fixed_api_base`` is the administrator's address for every profile (``policy.fixed_api_base``):
it wins over both, and the region cannot be changed. ``address_set_by`` names who set either
address (``WindowSetup.address_set_by``): a key check that finds it wrong says who can change it.
The administrator's profiles come with the store (``SettingsStore(managed=...)``): they are
listed, and only their keys can be changed.
``refused_key_of`` names the profile whose key Kombo refused in the window (a link, the tool
lists) since it was last read: Settings says so beside its key, not that a key is stored as if
it were fine, until another is saved or this one is accepted.
``paused_key_check(profile, api_base)`` is the wait Kombo asked the window for, if a key
check of ``profile`` at ``api_base`` must heed it (``KomboPause.for_key_check``): the check of
the key paused is not sent until it is over.
``demo`` shows that the window is running against the demo service. ``writes`` are the
window's writes to the settings file (``settings_writes``): the dialog's changes are written
after the window's own, in order (default: the dialog's own writes).

``profileChanged(str)`` is emitted with the name of the profile the window should use whenever
something about it changed: another profile was chosen, it was renamed or removed (then the
name is the new one in use), or its region, address or key changed. ``profileRenamed(old, new)``
follows every rename, for what else is kept under a profile's name (the link history), and
``profileRemoved(name)`` every removal (the cached tool lists). ``storedKeyAccepted(str,
str)``: Kombo accepted the key stored for the profile in use at a check, perhaps another than
the window holds (replaced outside the program, with ``keyring set``, in the same environment
or another): the window reads the settings again (the environment recorded) and takes the key
as stored now from the next link on, without cancelling a link being made; it names the key
as Settings did ("the stored key", or "the key" where it is kept for this session only).
``storedKeyRefused(str, object)``: Kombo refused the key checked for the profile in use (the
error): the window's next link goes with that key and is refused, so the window says so now.
``storedKeyMissing(str)``: no key is stored for the profile in use, as the dialog found when it
looked; the window may still hold one it read before it was deleted outside the program (by
the person, or by IT), and must not go on sending it.

A key saved for a profile that is not in use says so, and offers to use that profile at once
(``useSavedProfileButton``): the person who added "US team", pasted its key and saw "Kombo
accepted the key" took it for the key links were made with, while they still went out with
the other profile's. Where the profile in use has no key at all (a first run: "default" was
never given one), nothing can be made with it, so the profile whose key was saved is taken
into use at once, and the status line says so. ``edited_profile`` is the profile last
changed here; when the dialog closes with another profile in use, the window says which one
links are still made with.

This module is the dialog's frame: the notices at the top, the status line, Close, and the
wiring between its parts, each in a module of its own:

* ``settings_book``: the profiles being edited, kept in step with where their keys are stored,
  and written to the settings file on a worker thread, one change after the other;
* ``settings_profiles``: the profile list, and the selected profile's name, region and address;
* ``settings_key``: the key field and its checks, which run on a worker thread
  (``settings_key_checks``, where the reasons for how the key is handled are given);
* ``settings_saving``: what waits, greyed out, while a change is being written.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop import __version__
from kombo_desktop.core.credentials import STORE_LOCKED, CredentialStore
from kombo_desktop.core.settings import SettingsStore, refused_addresses_text
from kombo_desktop.ui import theme
from kombo_desktop.ui.confirm import Choice
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.flow_layout import ButtonBar, ButtonRow
from kombo_desktop.ui.header import LEAVE_DEMO_TEXT
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.settings_book import NotSaved, ProfileBook
from kombo_desktop.ui.settings_key import (
    STORE_FAILED_NOTHING_DONE_TEXT,
    UNSAVED_KEY_SAVE_OFFERED_TEXT,
    KeySection,
    TypedKeySave,
)
from kombo_desktop.ui.settings_key_checks import (
    PausedKeyCheck,
    credential_store_name,
    here_in_settings,
)
from kombo_desktop.ui.settings_profiles import USE_PROFILE_TEXT, ProfilesSection
from kombo_desktop.ui.settings_saving import SAVING_TEXT, SavingHold
from kombo_desktop.ui.settings_writes import SettingsWrites
from kombo_desktop.ui.tasks import TaskRunner
from kombo_desktop.ui.widgets import (
    WINDOW_FRAME,
    FieldForm,
    announce,
    fit_placeholder,
    grow_to_fit,
    notice_label,
    plain_label,
    press_focused_button,
    push_button,
    scrolling,
    separator,
    settle_layouts,
    spoken_name,
    wrap_within_width,
)

MINIMUM_WIDTH = 720  # the profile list and the profile's fields side by side


def wrap_labels(form: FieldForm) -> list[QLabel]:
    """Let the labels beside the fields wrap onto a second line where the dialog is narrow
    (larger text on a laptop's screen): on one line, "Other address" and "Profile name" kept
    the fields beside them so far to the right that the dialog scrolled sideways. Returns
    them."""
    labels = []
    for row in range(form.rowCount()):
        item = form.itemAtPosition(row, 0)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            label.setWordWrap(True)
            labels.append(label)
    return labels


def address_notice(api_base_override: str | None, fixed_api_base: str | None) -> str | None:
    """What the dialog says at its top when keys are not checked where the region list says."""
    if fixed_api_base is not None:
        return (
            f"Your administrator set the API address {fixed_api_base} for every profile, so "
            "keys are checked there and the region cannot be changed here."
        )
    if api_base_override is not None:
        return (
            f"This run uses the API address {api_base_override} (given when the program was "
            "started), so keys are checked there, whatever region is chosen below."
        )
    return None


# Asked when the dialog is closed with a pasted key not saved (see _ask_about_typed_key):
# "Save and check key" is the default answer, as the question says.
SAVE_BEFORE_CLOSING_QUESTION = "Save the key you pasted before closing Settings?"
# Alt+W: C is Cancel's, where the system gives it one, and S the key's "Save and check key".
CLOSE_WITHOUT_SAVING_BUTTON = "Close &without saving"
CLOSE_WITHOUT_SAVING_TEXT = CLOSE_WITHOUT_SAVING_BUTTON.replace("&", "")
# Said when the dialog is closed again while the key it closes for is checked and saved.
CLOSING_ONCE_KEY_SAVED_TEXT = "Closing once the key is checked and saved…"
# Said when the dialog is closed while a change is still being written to the settings file.
CLOSING_AFTER_SAVE_TEXT = "Closing once your changes are saved…"
# Said after why a change could not be saved, when the dialog waited for it to close.
STAYED_OPEN_TEXT = "Settings stayed open: close it again to leave without that change."


def stayed_open_text(reason: str) -> str:
    """What the status line says when the dialog stays open for ``reason``."""
    return f"{reason} {STAYED_OPEN_TEXT}"


# Said when the dialog is closed while the password store still saves, moves or deletes a key.
CLOSING_AFTER_STORE_TEXT = (
    "Closing once your password store has finished with the key (it may be asking you to "
    "allow access)…"
)


# The way forward for a key kept for this session only where nothing is written before a
# restart: "then try again" (``RESTART_TEXT``) would lose the key in the restart. The store
# locked, it is unlocked first, or the key pasted again is kept for this session only again.
RESTART_PASTE_AGAIN_TEXT = "Restart the program, then paste the key again and save it."
UNLOCK_RESTART_PASTE_AGAIN_TEXT = (
    "Unlock the password store, restart the program, then paste the key again and save it."
)


def key_kept_not_in_use_text(
    save: TypedKeySave, in_use: str, not_saved: NotSaved, *, offered: bool
) -> str:
    """Where a key pasted for ``save.profile`` is kept, though that profile could not be
    taken into use (``not_saved``): links are still made with ``in_use``; and what to do,
    naming the button that takes the profile into use: the offer beside the status line
    where it is ``offered``, else "Use this profile" once the profile is chosen again. The
    advice to unlock a locked password store waits until the profile is in use: one thing
    to do at a time; where nothing is written before a restart, it comes first, as the
    restart loses a key kept for this session only. After a restart, "then try again" left
    the person guessing what to try: it says what (``_what_to_do_for_the_switch``)."""
    kept = _key_kept_text(save, in_use, "the settings could not be saved")
    return f"{kept} {_what_to_do_for_the_switch(save, not_saved, offered=offered)}".strip()


def key_kept_name_refused_text(
    save: TypedKeySave, in_use: str, refusal: str, *, offered: bool
) -> str:
    """Where a key pasted for ``save.profile`` is kept, though that profile was not taken
    into use, as the name typed for it meanwhile was refused (``refusal``, the reason beside
    the field, which says what to put right): links are still made with ``in_use``; then the
    button that takes the profile into use, as :func:`key_kept_not_in_use_text` names it."""
    kept = _key_kept_text(save, in_use, "the name you typed could not be used")
    return f"{kept} {refusal} Then {_how_to_use(save.profile, offered=offered)}."


def _how_to_use(name: str, *, offered: bool) -> str:
    """How to take profile ``name`` into use, after "then" (no full stop): the offer beside
    the status line where it is ``offered``, else "Use this profile" once it is chosen."""
    if offered:
        return f"press Use “{name}” now"
    return f"choose “{name}” and press “{spoken_name(USE_PROFILE_TEXT)}”"


def _key_kept_text(save: TypedKeySave, in_use: str, why: str) -> str:
    """Where a key pasted for ``save.profile`` is kept, and that links are still made with
    ``in_use``: ``why`` (no full stop)."""
    name = save.profile
    if save.stored:
        return (
            f"The key for “{name}” is saved in {credential_store_name()}, but links are still "
            f"made with “{in_use}”: {why}."
        )
    state = "locked" if save.store_problem == STORE_LOCKED else "not available"
    return (
        f"The key for “{name}” is kept only until you close the program, as the password "
        f"store is {state}. Links are still made with “{in_use}”: {why}."
    )


def _what_to_do_for_the_switch(save: TypedKeySave, not_saved: NotSaved, *, offered: bool) -> str:
    """What to do for links to be made with ``save.profile``, which could not be taken into
    use (``not_saved``), as :func:`key_kept_not_in_use_text` says it."""
    if not_saved.to_put_right:
        return f"{not_saved.to_put_right}, then {_how_to_use(save.profile, offered=offered)}."
    if not_saved.restart_needed and save.stored:
        return f"Restart the program, then {_how_to_use(save.profile, offered=False)}."
    if not_saved.restart_needed and save.store_problem == STORE_LOCKED:
        return UNLOCK_RESTART_PASTE_AGAIN_TEXT
    if not_saved.restart_needed:
        return RESTART_PASTE_AGAIN_TEXT
    return not_saved.what_to_do


class SettingsDialog(QDialog):
    """Profiles on the left; the selected profile's region, address and key on the right."""

    profileChanged = Signal(str)  # noqa: N815 - Qt naming, part of the window's interface
    profileRenamed = Signal(str, str)  # noqa: N815 - (old, new): what is kept under a name follows
    profileRemoved = Signal(str)  # noqa: N815 - what was kept under that name can go
    # (name, "the stored key" or "the key"): the key in use may have been replaced outside
    storedKeyAccepted = Signal(str, str)  # noqa: N815
    storedKeyMissing = Signal(str)  # noqa: N815 - the key in use may have been deleted outside
    storedKeyRefused = Signal(str, object)  # noqa: N815 - (name, error): the key in use refused

    def __init__(
        self,
        settings_store: SettingsStore,
        credentials: CredentialStore,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        current_profile: str | None = None,
        api_base_override: str | None = None,
        fixed_api_base: str | None = None,
        address_set_by: str | None = None,
        demo: bool = False,
        log_folder: Path | None = None,
        writes: SettingsWrites | None = None,
        refused_key_of: str | None = None,
        paused_key_check: PausedKeyCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self._log_folder = log_folder
        self._closing = False  # closing was asked for (it may wait for the password store)
        self._close_result = QDialog.DialogCode.Rejected.value
        # "Save and check key" was chosen as the dialog closed, and that save is still under
        # way: it closes once the key is stored (see ``_save_key_then_close``).
        self._closing_once_key_saved = False
        self._closing_after_save = False  # closing waits for a change being written
        self._closing_when_idle = False  # closing waits for the password store's work
        self._closing_next_turn = False  # closing on the next turn (``_close_on_next_turn``)
        # Closing waits for the profile of the key saved as it closed to be taken into use
        # (see ``_close_once_key_stored``); a key kept for this session only, it stays open,
        # but that write failing is said with staying open all the same.
        self._closing_once_in_use = False
        # What to say once the profile offered beside the status line is in use (see
        # ``_offer_to_use``).
        self._said_once_offer_taken = ""
        # The profile the offer was last made for; and whether to make it again under the
        # new name, that profile renamed (see ``_keep_offer_through_rename``).
        self._offered: str | None = None
        self._offer_again = False
        self._failed_before_closing = 0  # the book's failed writes when that wait began
        self._closed = False  # see ``_close_on_next_turn``
        self._last_edited: str | None = None  # see ``edited_profile``
        self._follows_screen = False  # its width follows the screen it is moved to
        if tasks is None:
            tasks = TaskRunner(self)
        self._book = ProfileBook(
            settings_store,
            credentials,
            self._say,
            tasks=tasks,
            writes=writes,
            owner=self,
            current_profile=current_profile,
            api_base_override=api_base_override,
            fixed_api_base=fixed_api_base,
            address_set_by=address_set_by,
        )
        self.profiles = ProfilesSection(self._book, self._say, self)
        self.profiles.closing_words = self._closing_words
        self.profiles.words_after_rename = self._keep_offer_through_rename
        self.key = KeySection(
            self._book,
            tasks,
            self._say,
            self.profiles.key_address,
            self,
            paused_key_check=paused_key_check,
        )
        self.profiles.has_no_key = self.key.has_no_key
        self.profiles.check_text = lambda: self.key.check_text
        self.profiles.ask_to_save_typed_key = self.key.ask_to_save_typed_key
        # Only to leave the profile shown: that says what saving said (read out once).
        self.profiles.save_typed_key_then = partial(self.key.save_typed_key_then, to_leave=True)
        self.key.closing_once_saved = lambda: self._closing_once_key_saved
        self.key.says_more_once_saved = self._says_still_used_at_once
        self.profiles.when_settled = self.key.when_settled
        self.key.apply_typed_name = self.profiles.apply_typed_name
        self.profiles.used.connect(self.key.save_typed_key)
        self.profiles.shown.connect(self.key.show_profile)
        self.profiles.connection_changed.connect(self.key.show_state)
        self.key.busy_changed.connect(self.profiles.set_busy)
        self.profiles.renamed.connect(self.key.move_key)
        self.profiles.renamed.connect(self.profileRenamed)
        self.profiles.removed.connect(self.profileRemoved)
        self.profiles.removed.connect(self.key.delete_key_of_removed)
        self.profiles.changed.connect(self._changed)
        self.key.changed.connect(self._changed)
        self.profiles.renamed.connect(self._follow_rename)
        self.profiles.removed.connect(self._follow_removal)
        self.profiles.refusal_withdrawn.connect(self._refusal_withdrawn)
        self.key.key_saved.connect(self._key_saved)
        self.key.stored_key_accepted.connect(self._stored_key_accepted)
        self.key.stored_key_refused.connect(self._stored_key_refused)
        self.key.key_missing.connect(self._key_missing)

        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._build(demo, address_notice(api_base_override, fixed_api_base))
        self._saving_hold = SavingHold(
            self,
            self.savingHint,
            held=self._held_while_saving,
            grey=self._grey_while_saving,
            focus_after=(self.profiles.profileList, self.key.apiKeyEdit),
        )
        self._book.watch_writes(self._write_began_or_ended, owner=self)
        fit_placeholder(self.key.apiKeyEdit)  # it says where the key comes from
        self._placeholder_width = self.key.apiKeyEdit.minimumWidth()
        self._fit_width_to_screen()
        if refused_key_of is not None:
            self.key.mark_refused(refused_key_of)
        self.profiles.rebuild_list()
        self.profiles.show_profile()
        said = [settings_store.load_problem]
        if fixed_api_base is None and api_base_override is None:  # else their own go unused
            said.append(refused_addresses_text(self._book.profiles, in_settings=True))
        if any(said):
            self._say(" ".join(filter(None, said)))
        # Most people open the settings to paste a key: they can, at once, and Enter saves it.
        # Where the profile shown has a saved address that cannot be used, the notes say to
        # correct it: the focus is there, in view (``_focus_in_view``), rather than in the key
        # field, the address scrolled out of sight above it on a laptop's screen.
        if self.profiles.address_to_correct:
            self.profiles.customBaseEdit.setFocus()
        else:
            self.key.apiKeyEdit.setFocus()

    def _build(self, demo: bool, notice: str | None) -> None:
        outer = QVBoxLayout(self)
        # Close is the dialog's lowest button: as much room under it as beside it.
        outer.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        outer.setSpacing(theme.SPACING)

        # The notices and the profiles scroll where the screen is too short for them (1366x768
        # at 150 %): squeezed, their lines were cut and the key's buttons lay over each other.
        # The status line and Close stay in view below.
        self._content = content = QWidget()
        content.setObjectName("settingsContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(theme.SPACING)
        self.scrollArea = scrolling(content, "settingsScrollArea")
        # Sideways too, where the screen is too narrow for the columns (see _fit_width_to_screen).
        set_enum(self.scrollArea, "horizontalScrollBarPolicy", "ScrollBarAsNeeded")
        outer.addWidget(self.scrollArea, 1)
        self._focus_to_view = QTimer(self)
        self._focus_to_view.setSingleShot(True)
        self._focus_to_view.setInterval(0)  # once the layout has settled
        self._focus_to_view.timeout.connect(self._focus_in_view)
        self.scrollArea.verticalScrollBar().rangeChanged.connect(
            lambda _low, _high: self._focus_to_view.start()
        )
        content.installEventFilter(self)  # its rows moved: see eventFilter
        # A key pasted: "Save and check key" below it is scrolled to (see ``_focus_in_view``).
        self.key.apiKeyEdit.textChanged.connect(lambda _text: self._focus_to_view.start())

        self.demoBanner = notice_label(
            "settingsDemoBanner",
            "DEMO: the program is running against the demo service on this computer, which "
            "needs no key. Profiles and keys set here are used once you leave the demo "
            f"(“{LEAVE_DEMO_TEXT}”, at the top of the window).",
        )
        self.demoBanner.setVisible(demo)
        body.addWidget(self.demoBanner)
        body.addWidget(self.key.storeProblemLabel)
        self.overrideLabel = notice_label("apiBaseOverrideLabel", notice or "")
        self.overrideLabel.setVisible(notice is not None)
        body.addWidget(self.overrideLabel)

        self._form_panel = panel = QWidget()
        panel.setObjectName("profileForm")
        form = FieldForm()
        form.setHorizontalSpacing(theme.SPACING)
        form.setVerticalSpacing(theme.SPACING // 2 + 2)
        self.profiles.add_rows(form)
        self.key.add_rows(form)
        self._labels = wrap_labels(form)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.addLayout(form)
        panel_layout.addStretch(1)  # room to spare goes below the rows, not between them

        columns = QHBoxLayout()
        columns.setSpacing(theme.SECTION_SPACING)
        body.addLayout(columns, 1)
        columns.addWidget(self.profiles.column)
        columns.addWidget(separator(vertical=True))
        columns.addWidget(panel, 1)

        self.settingsStatusLabel = plain_label()
        self.settingsStatusLabel.setObjectName("settingsStatusLabel")
        self.settingsStatusLabel.setAccessibleName("Settings status")
        wrap_within_width(self.settingsStatusLabel)
        self.settingsStatusLabel.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        # Shown while it says something (see ``_say``): empty, it kept a blank line above Close,
        # and on a laptop at 125 % the rows scrolled for the want of that room.
        self.settingsStatusLabel.hide()
        # Offered beside the status line once a key was saved for a profile not in use.
        self.useSavedProfileButton = push_button(
            "useSavedProfileButton", "", on_click=self._use_offered
        )
        self.useSavedProfileButton.setAccessibleName("Use the profile whose key was saved")
        self.useSavedProfileButton.hide()
        status_row = QHBoxLayout()
        status_row.setSpacing(theme.SPACING)
        status_row.addWidget(self.settingsStatusLabel, 1)
        status_row.addWidget(self.useSavedProfileButton, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(status_row)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("settingsButtons")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeSettingsButton")
        close.setAccessibleName("Close settings")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)

        # What support asks for first: which version, and the log file. In a row that goes on
        # in a next line where it is narrower than all of it: with twice the usual text on a
        # screen 800 pixels wide, Qt squeezed "Open the log folder" and the version narrower
        # than their words, cut at both ends.
        version = plain_label(f"Kombo Desktop {__version__}")
        version.setObjectName("settingsVersionLabel")
        version.setProperty("class", "hint")
        footer_parts: list[QWidget] = [version]
        if self._log_folder is not None:
            self.logFolderButton = push_button(
                "logFolderButton",
                "Open the log folder",
                "Open the folder with the program's log file, for support",
            )
            self.logFolderButton.setAutoDefault(False)
            self.logFolderButton.clicked.connect(self._open_log_folder)
            footer_parts.append(self.logFolderButton)
        # While a change is written slowly, beside Close (see ``settings_saving``).
        self.savingHint = plain_label(SAVING_TEXT)
        self.savingHint.setObjectName("settingsSavingHint")
        self.savingHint.setProperty("class", "hint")
        self.savingHint.setAccessibleName("Saving your changes")
        self.savingHint.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # it only keeps the focus
        self.savingHint.hide()
        footer = ButtonRow(*footer_parts, self.savingHint, buttons, end_from=len(footer_parts))
        outer.addWidget(ButtonBar(footer))

    def _open_log_folder(self) -> None:
        """Show the log folder in the system's file manager (made first if nothing was logged
        yet); where that is impossible, say where it is."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        folder = self._log_folder
        assert folder is not None
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self._say(f"The log folder {folder} could not be made ({error.strerror}).", "error")
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self._say(f"The log folder was opened: {folder}.")
        else:
            self._say(f"No file manager could be opened. The log folder is {folder}.", "error")

    # -- while a change is written ----------------------------------------------------------

    def _write_began_or_ended(self, writing: bool) -> None:
        self._saving_hold.set_holding(writing, self._book.showing_another)

    def _held_while_saving(self, form_too: bool) -> tuple[QWidget, ...]:
        """What waits for a change being written: what would act on the settings as they
        were shown (see ``settings_saving``); the whole form while it shows a profile about
        to be replaced by another (one added or removed)."""
        held: tuple[QWidget, ...] = (
            self.profiles.column,
            self.profiles.renameProfileButton,
            self.profiles.regionCombo,
            self.useSavedProfileButton,
        )
        return (*held, self._form_panel) if form_too else held

    def _grey_while_saving(self, on: bool, form_too: bool) -> None:
        self.profiles.column.setEnabled(not on)
        self.profiles.set_saving(on)
        self.useSavedProfileButton.setEnabled(not on)
        self._form_panel.setEnabled(not (on and form_too))

    @property
    def current_profile(self) -> str:
        """The profile the window should use, after whatever happened in this dialog."""
        return self._book.current

    @property
    def edited_profile(self) -> str | None:
        """The profile last changed here (added, its key, region or address, renamed, taken
        into use); None when nothing was, or when it was removed since."""
        return self._last_edited

    @property
    def busy(self) -> bool:
        """True while a key is being checked, saved, moved or looked up in the background, or
        a change is being written to the settings file."""
        return self.key.busy or self._book.saving

    def key_removed(self, name: str) -> bool:
        """Whether profile ``name``'s key was forgotten here, with none stored since: the
        window then says it was removed from this computer, not merely changed."""
        return self.key.key_removed(name)

    def look_again(self) -> None:
        """Read again where the profiles' keys are kept (e.g. after a change outside)."""
        self.key.look_again()

    def _say(self, message: str, kind: str = "info", *, aloud: bool = True) -> None:
        """The dialog's status line; ``kind`` "error" or "success" colours it like the
        window's, so a refused key reads as a problem at a glance. A screen reader is told to
        say it (an error at once): the focus stays in the key field, and a new name or text of
        a line without the focus is not read, so a key refused or accepted went unheard.
        ``aloud=False``: only shown, where the next words said repeat it (a key saved as its
        profile is left, see ``TypedKeySave``)."""
        self.settingsStatusLabel.setText(message)
        self.settingsStatusLabel.setAccessibleName(message or "Settings status")
        self.settingsStatusLabel.setVisible(bool(message))  # no blank line above Close
        if aloud and self.isVisible():
            announce(self.settingsStatusLabel, message, urgent=kind == "error")
        theme.set_look(self.settingsStatusLabel, "kind", kind)
        # The offer goes with the sentence that made it (see ``_key_saved``).
        self.useSavedProfileButton.hide()

    def _changed(self, name: str) -> None:
        """Tell the window when the profile it uses changed."""
        self._last_edited = name
        if name == self._book.current:
            self.profileChanged.emit(name)

    def _refusal_withdrawn(self, reason: str) -> None:
        """A name or address the dialog stayed open for is no longer refused (typed back as
        saved, or corrected): the status line stops saying so, in red, where it still does.
        A change saved says its own words next; one left as saved needs none."""
        if self.settingsStatusLabel.text() == stayed_open_text(reason):
            self._say("")

    def _keep_offer_through_rename(self, old: str) -> str:
        """Profile ``old`` is renamed: where the offer to use it stood, note that
        ``_follow_rename`` makes it again, under the new name (``_offer_again``), and return
        which profile links are still made with, said after the rename; else "". A name
        refused as a key was saved for the profile is put right as Settings teaches, with
        Enter: "Renamed…" replaced the whole message, the offer the message named went with
        it, and nothing said that links were still made with the profile in use."""
        self._offer_again = not self.useSavedProfileButton.isHidden() and self._offered == old
        if not self._offer_again:
            return ""
        return self._still_made_with_text()

    def _still_made_with_text(self) -> str:
        """The sentence "Links are still made with the profile “…” (…)." for the profile in
        use, said wherever a key was saved for a profile that is not in use (yet)."""
        return f"{self._book.target_in_use().made_with_words('still')}."

    def _follow_rename(self, old: str, new: str) -> None:
        if self._last_edited == old:
            self._last_edited = new
        if self._offer_again:  # see ``_keep_offer_through_rename``
            self._offer_again = False
            self._offer_to_use(new, then_say=self._said_once_offer_taken)

    def _follow_removal(self, name: str) -> None:
        if self._last_edited == name:
            self._last_edited = None

    def _key_saved(self, name: str, save: TypedKeySave) -> None:
        """A key pasted for profile ``name`` was saved, and the status line says so: for a
        profile not in use, it also says which one links are still made with, and offers to
        use ``name`` now. Where the profile in use has no key, nothing can be made with it,
        and the person surely means the key just saved: ``name`` is taken into use at once
        (said, so that it is no surprise; "Use this profile" switches back). What it says of
        the profile in use goes in ``save`` too: saved as the profile was left, it is said
        again before what leaving it says, and shown here only, not read out twice. The key's
        own words, said just before, are read out with which profile links are still made
        with, not alone first too (``_says_still_used_at_once``). Where taking ``name`` into
        use could not be written, or the name typed for it meanwhile was refused or its key
        not moved to that name, the status line says that the key is saved all the same
        (not moved: what the password store did), which profile links are still made with,
        and why (``_not_taken_into_use``, ``_name_refused_before_use``,
        ``_key_not_moved_before_use``)."""
        book = self._book
        in_use = book.current
        if not self._says_which_profile_is_used(name):
            return
        said = self.settingsStatusLabel.text()
        if self.key.has_no_key(in_use):

            def now_used() -> None:
                why = f"as “{in_use}” has no key"
                now = book.target_in_use().now_used_because(why)
                self._say(f"{said} {now}", "success", aloud=save.said_aloud)
                save.say_in_use(now)

            # Not when the settings could not be saved: said why.
            save.taking_into_use()
            not_used = partial(self._not_taken_into_use, save)
            # ``now_used`` says the switch, with why: said by "Use this profile" too, the
            # switch was read twice.
            self.profiles.use_selected(
                then=now_used,
                if_not_saved=not_used,
                say_switch=False,
                if_name_refused=partial(self._name_refused_before_use, save),
                if_key_not_moved=partial(self._key_not_moved_before_use, save),
            )
            return
        still_used = self._still_made_with_text()
        self._say(f"{said} {still_used}", "success", aloud=save.said_aloud)
        save.say_in_use(still_used)
        self._offer_to_use(name)

    def _says_which_profile_is_used(self, name: str) -> bool:
        """Whether a key saved for profile ``name`` is followed by which profile links are made
        with (``_key_saved``): for the profile shown, not the one in use."""
        return name != self._book.current and name == self._book.selected

    def _says_still_used_at_once(self, name: str) -> bool:
        """Whether ``_key_saved`` says at once, and surely, which profile links are still made
        with after the key saved for ``name``: the key's own words are then read out with it,
        once (``KeySection.says_more_once_saved``). Not where the profile in use has no key:
        ``name`` is then taken into use after its name is applied and written, which can be
        refused or fail, and the key's words, held back, would go unheard."""
        return self._says_which_profile_is_used(name) and not self.key.has_no_key(
            self._book.current
        )

    def _not_taken_into_use(self, save: TypedKeySave, not_saved: NotSaved) -> None:
        """The key pasted was saved for ``save.profile``, but taking that profile into use
        could not be written (a full disk, a folder not writable). "The settings could not
        be saved" alone replaced "Saved the key": the person could not tell whether the key
        was kept, and pasted it again. Said now, in one message: where the key is, which
        profile links are still made with, and what to do; with the offer to use the
        profile, where trying again here can help. It is the book's ``last_failure``: said
        with "Settings stayed open" where Close waited for the write (``_close_when_saved``
        says nothing more then), or for the key being saved as Settings closes, or for the
        profile of the key saved then to be in use (``_close_once_key_stored``, which says
        nothing more): said once, not read out again with "stayed open"."""
        stays_open = self._stop_closing_once_in_use()
        name = save.profile
        retry = bool(not_saved.to_put_right) and name == self._book.selected  # offer: shown one
        message = key_kept_not_in_use_text(save, self._book.current, not_saved, offered=retry)
        self._book.last_failure = message
        save.not_taken_into_use()
        self._say(stayed_open_text(message) if stays_open else message, "error")
        if retry:
            # A key kept for this session only: the advice to unlock the store, put off, is
            # said once the profile is in use; never said, the key went as the program closed.
            self._offer_to_use(name, then_say=here_in_settings(save.store_problem))

    def _name_refused_before_use(self, save: TypedKeySave, refusal: str) -> None:
        """The key pasted was saved for ``save.profile``, but the name typed for it while it
        was saved was refused (``refusal``, beside the field): the profile was not taken into
        use. The status line went on reading "Kombo accepted the key…", nothing said that
        links were still made with the profile in use, and Settings, closing once the profile
        was in use, neither closed nor said why. Said now, as ``_not_taken_into_use`` says a
        write that failed, with the offer to use the profile once the name is put right; and
        where Settings was closing (also once the changes it waited for were written), that
        it stayed open: closed again, it closes, the name refused not said once more."""
        stays_open = self._stop_closing_once_in_use()
        name = save.profile
        offered = name == self._book.selected
        message = key_kept_name_refused_text(save, self._book.current, refusal, offered=offered)
        if stays_open:
            self.profiles.name_refusal_said()
        self._say_not_taken_into_use(save, message, stays_open=stays_open)
        if offered:
            self._offer_to_use(name, then_say=here_in_settings(save.store_problem))

    def _key_not_moved_before_use(self, save: TypedKeySave) -> bool:
        """The key pasted was saved for ``save.profile``, and the name typed for it while it
        was saved was given to it, but the password store failed as the key moved to that
        name: the profile was not taken into use. The store's words said that what was asked
        for next was not done, and nothing that links were still made with the profile in
        use: said with them now, with, where Settings was closing, that it stayed open.
        Returns True: the store's words are said (``KeySection._on_store_failed`` says them
        no more; read out alone too, they were heard twice)."""
        stays_open = self._stop_closing_once_in_use()
        message = f"{STORE_FAILED_NOTHING_DONE_TEXT} {self._still_made_with_text()}"
        self._say_not_taken_into_use(save, message, stays_open=stays_open)
        return True

    def _stop_closing_once_in_use(self) -> bool:
        """The profile of a key saved will not be taken into use: Settings no longer waits
        for that to close, nor for the password store (``_close_when_idle``), nor closes on
        the next turn: Close pressed after the key's own button, as a name was typed, waited
        for the changes, then for the store moving the key to that name, and closed Settings
        as the move failed, nothing said. Returns whether it was closing
        (``_not_taken_into_use`` and the like then say that it stayed open)."""
        stays_open = (
            self._closing_after_save
            or self._closing_once_in_use
            or self._closing_once_key_saved
            or self._closing_when_idle
            or self._closing
        )
        self._closing_once_in_use = self._closing_next_turn = False
        self._stop_closing_when_idle()
        return stays_open

    def _stop_closing_when_idle(self) -> None:
        """Close no longer waits for the password store's work to end (``_close_when_idle``)."""
        if self._closing_when_idle:
            self._closing_when_idle = False
            self.key.busy_changed.disconnect(self._close_when_idle)

    def _say_not_taken_into_use(
        self, save: TypedKeySave, message: str, *, stays_open: bool
    ) -> None:
        """Say why the profile of the key saved was not taken into use (``message``), with
        that Settings stayed open where it was closing: it then no longer closes once the
        changes it waited for are written (``_close_when_saved``)."""
        save.not_taken_into_use()
        if stays_open:
            self._closing = self._closing_after_save = False
        self._say(stayed_open_text(message) if stays_open else message, "error")

    def _offer_to_use(self, name: str, then_say: str = "") -> None:
        """Offer, beside what the status line just said, to make links with profile ``name``
        (the one shown) from now on, ``then_say`` said once it is; the next words said take
        the offer away."""
        self._said_once_offer_taken = then_say
        self._offered = name
        offer = f"Use “{name}” now"
        self.useSavedProfileButton.setText(offer.replace("&", "&&"))  # no mnemonic in a name
        self.useSavedProfileButton.setAccessibleName(offer)
        self.useSavedProfileButton.setAccessibleDescription(
            f"Make links with the profile “{name}” from now on."
        )
        self.useSavedProfileButton.show()

    def _use_offered(self) -> None:
        """The offer pressed: links are made with the profile shown from now on, and what
        waited for that (``_offer_to_use``) is said after which profile that is, in the same
        words (read out once)."""
        self.profiles.use_selected(also_say=self._said_once_offer_taken)

    def _stored_key_accepted(self, name: str, key: str) -> None:
        """Tell the window when Kombo accepted the key stored for the profile it uses (its
        environment recorded now): a key replaced outside the program went unused until a
        restart, links going out with the old (perhaps revoked) key and environment. ``key``
        names it as Settings said it ("the stored key", "the key")."""
        if name == self._book.current:
            self.storedKeyAccepted.emit(name, key)

    def _stored_key_refused(self, name: str, error: object) -> None:
        """Tell the window when Kombo refused the key checked for the profile it uses: Settings
        said so, while the window went on saying "Ready." until the next link was refused."""
        if name == self._book.current:
            self.storedKeyRefused.emit(name, error)

    def _key_missing(self, name: str) -> None:
        """Tell the window when no key is stored for the profile it uses: Settings said "No
        key is stored for this profile", while the window went on sending the key it had read
        before it was deleted outside the program."""
        if name == self._book.current:
            self.storedKeyMissing.emit(name)

    # -- size ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and not self._follows_screen:
            self._follows_screen = True
            handle.screenChanged.connect(lambda _screen: self._fit_width_to_screen())
        self._fit_width_to_screen()  # the screen it is shown on is known now
        grow_to_fit(self)

    def _fit_width_to_screen(self) -> None:
        """Wide enough for both columns, and never wider than the screen leaves room for.

        Narrower than the columns need, their text would wrap onto more lines than the dialog
        has room for, so the dialog is at least as wide as they are. On a narrow screen
        (1366x768 at 150 % with larger text) that was wider than the screen: "Close" and the
        ends of the lines were off its right edge, out of reach. There, the key field gives
        up the room its placeholder would like first (its end is cut short with "…"; the
        line under it says where the key comes from too); then the labels beside the fields
        wrap. The region's list gives way and the key's buttons go on below each other as
        the width needs (see ``settings_profiles`` and ``settings_key``). With the text at twice
        its size on a 1366x768 laptop at 150 % the dialog scrolled sideways, the ends of its
        lines and fields out of sight. A sideways scroll bar is left only for a screen
        narrower still than that: what does not fit then can be reached."""
        outer = self.layout()
        assert outer is not None  # made by _build
        key = self.key.apiKeyEdit
        screen = self.screen()
        widest = None if screen is None else screen.availableGeometry().width() - WINDOW_FRAME[0]
        margins = outer.contentsMargins()
        bar = self.scrollArea.verticalScrollBar().sizeHint().width()
        around = margins.left() + margins.right() + bar
        key.setMinimumWidth(self._placeholder_width)
        for label in self._labels:  # on one line while there is room
            label.setMinimumWidth(label.sizeHint().width())
        settle_layouts(key, self._content)
        needed = self._content.minimumSizeHint().width()
        if widest is not None and needed + around > widest:
            over = needed + around - widest
            key.setMinimumWidth(max(self._placeholder_width - over, key.minimumSizeHint().width()))
            settle_layouts(key, self._content)
            needed = self._content.minimumSizeHint().width()
        if widest is not None and needed + around > widest:
            for label in self._labels:
                label.setMinimumWidth(0)  # as narrow as its longest word
            settle_layouts(key, self._content)
            needed = self._content.minimumSizeHint().width()
        room = needed if widest is None else min(needed, widest - around)
        self.scrollArea.setMinimumWidth(room + bar)
        outer.invalidate()
        least = max(MINIMUM_WIDTH, outer.totalMinimumSize().width())
        self.setMinimumWidth(least if widest is None else min(least, widest))

    def _focus_in_view(self) -> None:
        """Where the rows scroll (a short screen), the field the person is at is in view, with
        what goes with it: the key field and the buttons that save it (the field has the focus
        when the dialog opens, and a check that failed points to "Save without checking", which
        was out of sight below), or the name or address to correct and why it cannot be used. Done
        once the rows are laid out (``_focus_to_view``), whenever they or the room for them
        change, and as a key is typed.

        Until a key is typed, the rows are shown from their top down to the key field, no
        further: kept in view with "Save and check key" below it, on a 1280x720 laptop at 150 %
        the rows opened scrolled down, the first notice cut to its last word ("window).") while
        the person had yet to read what it says. The button is scrolled to once a key is in the
        field (Enter saves it before that)."""
        key = self.key
        at_the_key = (
            key.apiKeyEdit,
            key.saveKeyButton,
            key.saveAnywayButton,
            key.cancelCheckButton,
            key.checkKeyButton,
            key.forgetKeyButton,
        )
        focused = self.focusWidget()
        address = self.profiles.customBaseEdit
        if focused is address:
            shown: tuple[QWidget, ...] = (self.profiles.customBaseError, address)
        elif focused is self.profiles.profileNameEdit:
            shown = (self.profiles.profileNameError, focused)
        elif focused is key.apiKeyEdit and not key.apiKeyEdit.text():
            # Read from the top, as far down as the key field (see the docstring).
            self.scrollArea.verticalScrollBar().setValue(0)
            shown = (focused,)
        elif focused in at_the_key:
            shown = (key.saveKeyButton, key.apiKeyEdit)
        else:
            return  # elsewhere, perhaps scrolled there: left where it is
        for widget in shown:  # the last one wins where not all fit
            if widget.isVisibleTo(self):
                self._show_whole(widget)

    def _show_whole(self, widget: QWidget) -> None:
        """Scroll the rows as little as brings all of ``widget`` into view. Qt's own
        ``ensureWidgetVisible`` brings a text field's cursor into view, not the field: at
        the edge of the view it left the field's frame cut off."""
        middle = widget.mapTo(self._content, widget.rect().center())
        half_width, half_height = widget.width() // 2 + 1, widget.height() // 2 + 1
        self.scrollArea.ensureVisible(middle.x(), middle.y(), half_width, half_height)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._content and event.type() == QEvent.Type.LayoutRequest:
            self._focus_to_view.start()  # its rows are laid out again, perhaps moved
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter on a button reached with Tab presses it, as Space does: the dialog has no
        default button (Enter in the key or name field saves them), so Enter did nothing."""
        if not press_focused_button(self, event):
            super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():
            grow_to_fit(self)  # a longer message or another notice was just shown
        return handled

    # -- closing ---------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing the dialog stops a running check; its result would have nowhere to go. A
        name or an address typed without Enter is saved first, as moving on to another field
        saves it (one typed while the dialog waits to close, below, too: it comes back here;
        one refused keeps the dialog open, once, see ``apply_typed``), and a pasted key not
        saved is asked about (``_ask_about_typed_key``): saved from there, the dialog closes
        once it is stored (``_save_key_then_close``). While the password store still saves,
        moves or deletes a key (it may be asking its user "allow access?"), the dialog
        closes once that is done: the window hears of the result through it (closed at once,
        it went on with the old key). So it does while a change is being written to the
        settings file: what follows the write (the window told of the change) needs the
        dialog, and the window reads the settings as the dialog closes."""
        if self._closing_once_key_saved:
            self._say(CLOSING_ONCE_KEY_SAVED_TEXT)  # not asked again: the key is on its way
            return
        self._closing = True
        refusal = self.profiles.apply_typed()
        if refusal is not None:  # the field refused has the focus, its reason beside it
            self._closing = False
            self._say(stayed_open_text(refusal), "error")
            self._focus_in_view()
            return
        if not self.key.store_work_running:
            choice = self._ask_about_typed_key()
            if choice is not Choice.DROP:
                self._closing = False
                if choice is Choice.SAVE:
                    self._save_key_then_close(result)
                return
        if self._book.saving:
            self._close_result = result
            if not self._closing_after_save:
                self._closing_after_save = True
                self._failed_before_closing = self._book.failed_writes
                self._say(CLOSING_AFTER_SAVE_TEXT)
                self._book.when_saved(self._close_when_saved)
            return
        # Asked again after the question: the check may have ended while it was read, and
        # the store begun saving the key (cut off, the key was stored and the window not told).
        if self.key.store_work_running:
            self._say(CLOSING_AFTER_STORE_TEXT)
            if not self._closing_when_idle:
                self._closing_when_idle = True
                self.key.busy_changed.connect(self._close_when_idle)
            self._close_result = result
            return
        self.key.cancel()
        self.key.forget_typed_key()  # an unsaved key does not outlive the dialog
        with self.profiles.leaving_saves_nothing():
            self._closed = True
            super().done(result)

    def _ask_about_typed_key(self) -> Choice:
        """A key pasted and not saved (still being checked, or never sent) goes with the
        dialog: the person is asked first, "Save and check key" offered first (the default).
        Closed without a word, the window went on saying that no key was set, to someone sure
        they had just pasted one. Once the person chose to close without saving it, neither
        closing again nor a click still waiting for a change being written asks about it
        again (``KeySection.ask_to_save_typed_key``)."""
        return self.key.ask_to_save_typed_key(
            "Close Settings",
            SAVE_BEFORE_CLOSING_QUESTION,
            CLOSE_WITHOUT_SAVING_BUTTON,
            UNSAVED_KEY_SAVE_OFFERED_TEXT,
        )

    def _save_key_then_close(self, result: int) -> None:
        """The person chose "Save and check key" as the dialog closed: the key is saved as its
        button saves it, and the dialog closes once it is in the password store, as the person
        asked. Only "Close without saving" and "Cancel" were offered before: the person, who
        had meant to keep the key, cancelled, found the button, and closed again. Refused,
        not checked, or kept for this session only, the key's reason is said and the dialog
        stays open, the key refused still in the field; closing again meanwhile asks nothing
        (``done``), unless the program closes the dialog itself (``closeEvent``). A key saved
        while the question was read ("Save and check key" pressed before Close, the field
        emptied) is judged by how that save ended (``KeySection.save_typed_key_then``): kept
        for this session only (the store locked), the dialog stays open saying that the key
        goes as the program closes (and, its profile in use, how to keep it), which closing
        at once took away."""
        self._closing_once_key_saved = True
        self.key.save_typed_key_then(partial(self._close_once_key_stored, result))

    def _close_once_key_stored(self, result: int, save: TypedKeySave) -> None:
        """The save for closing is over. Key stored: the dialog closes on the next turn, as
        ``_close_when_saved`` does (what followed the save is said first). Not stored
        (said why): it stays open. A key refused stays in the field, and closing again asks
        about it; one kept for this session only has left the field (what to do to keep it
        is said), and closing again closes.

        If the profile the key was saved for is being made the one in use (the one in use
        has no key), the dialog closes once that is written, a key stored; if the write
        fails, or the name typed for the profile is refused, before or after, stored or not,
        it stays open saying so, once (see ``_not_taken_into_use``,
        ``_name_refused_before_use``): without a word, the person pressed Close, saw
        Settings still there, and could not tell why."""
        if not self._closing_once_key_saved:
            return  # closed otherwise meanwhile
        self._closing_once_key_saved = False
        if save.not_taken:  # not taken into use already: said, with staying open
            return
        self._closing_once_in_use = True
        if save.stored:
            save.when_in_use_said(partial(self._close_once_in_use, result))
        else:  # stays open, said why; that write failing yet is said with staying open
            save.when_in_use_said(self._stay_open_once_in_use)

    def _close_once_in_use(self, result: int) -> None:
        """The profile of the key saved as Settings closed is in use: it closes."""
        self._closing_once_in_use = False
        self._close_on_next_turn(result)

    def _stay_open_once_in_use(self) -> None:
        """The profile of a key not stored as Settings closed is in use, or was never being
        taken into use: the dialog stays open, as said, and waits for nothing more."""
        self._closing_once_in_use = False

    def _closing_words(self, message: str) -> str:
        """``message``, a failure of a change Close waits for, with that Settings stayed open:
        ``_close_when_saved`` then finds it said and says nothing more."""
        return stayed_open_text(message) if self._closing_after_save else message

    def _close_when_saved(self) -> None:
        """Close once the changes the close waited for are written; not when one could not
        be: why flashed for a moment before the dialog went, and the person left sure that
        the change was saved. Closed again, it closes: what failed is not tried again
        (``apply_typed``), and a disk that stays full does not keep Settings open. Not where
        it stayed open meanwhile, said why (``_not_taken_into_use``,
        ``_name_refused_before_use``, ``_key_not_moved_before_use``)."""
        if not self._closing_after_save:
            return
        self._closing_after_save = False
        if self._book.failed_writes == self._failed_before_closing:
            self._close_on_next_turn(self._close_result)
            return
        # Said again, and so read out (at once): perhaps another change's words came since.
        # The focus stays where the person left it: the field typed in, or Close.
        self._closing = False
        said = stayed_open_text(self._book.last_failure)
        if self.settingsStatusLabel.text() != said:  # not where it was just said, with its offer
            self._say(said, "error")

    def _close_on_next_turn(self, result: int) -> None:
        """Close on the next turn (what was said before is seen first), unless closed, or no
        longer closing (``_stop_closing_once_in_use``), by then. Two waits can end together,
        the one for the key's profile taken into use and the one for the changes Close
        waited for: the dialog closed twice, and the window followed its settings, and said
        which profile it uses, twice over."""

        def unless_closed() -> None:
            if self._closing_next_turn and not self._closed:
                self._closing_next_turn = False
                self.done(result)

        self._closing_next_turn = True
        QTimer.singleShot(0, self, unless_closed)

    def wait_before_closing(self) -> None:
        """The window is closing: give a change still being written to the settings file
        ``SETTINGS_CLOSE_WAIT_SECONDS`` at most (with the form's choices written after it:
        one wait for both, see ``SettingsWrites``), the status line saying why. The program
        ended mid-write otherwise, and the change was lost."""
        if not self._book.saving:
            return
        from PySide6.QtGui import QGuiApplication

        from kombo_desktop.ui.history_closing import paint_now

        self._say(CLOSING_AFTER_SAVE_TEXT)
        paint_now(self)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._book.wait_before_closing()
        finally:
            QGuiApplication.restoreOverrideCursor()
            # What follows the write is not done now: nothing waits for it any longer.
            self._saving_hold.set_holding(False, False)

    def _close_when_idle(self, busy: bool) -> None:
        if not busy and self._closing:
            self._stop_closing_when_idle()
            self._close_on_next_turn(self._close_result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """QDialog's closeEvent rejects, which comes to ``done`` (it asks, or waits for the
        store), and ignores the event while the dialog stays open, so that quitting the
        program stops there too. A close the program makes itself (a quit, Cmd+Q or logging
        out: not spontaneous, or the session ending) asks nothing about a key pasted: it goes
        unsaved, as a key pasted goes when the window closes, and so does a save chosen as
        the dialog closed, still waited for. Asked, the question came up over a program going
        away, perhaps with no one there to answer it, and held the quit up. A check running
        stops then, before ``done``: a change being written made ``done`` wait for it first,
        and the check went on meanwhile, the key then stored. Work on the password store is
        still waited for (it cannot be stopped, and the window must hear of its result). The
        close box (and Close, Esc) still asks, or waits, saying so."""
        if _closed_by_the_program(event):
            self._closing_once_key_saved = False
            self.key.let_typed_key_go()
            self.key.cancel()
        super().closeEvent(event)


def _closed_by_the_program(event: QCloseEvent) -> bool:
    """Whether ``event`` is a close the program makes itself (Qt's, as the program quits, or
    the window's), not the person's close box, or comes as the session ends (logout,
    shutdown): no one may be there to answer, and the computer waits for the program."""
    if not event.spontaneous():
        return True
    app = QCoreApplication.instance()
    return isinstance(app, QGuiApplication) and app.isSavingSession()
