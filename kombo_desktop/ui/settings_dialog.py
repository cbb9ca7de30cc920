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
``demo`` shows that the window is running against the demo service.

``profileChanged(str)`` is emitted with the name of the profile the window should use whenever
something about it changed: another profile was chosen, it was renamed or removed (then the
name is the new one in use), or its region, address or key changed.

How the key is handled, and why:

* It is typed into a password field that is never filled in by the program, and after saving
  the dialog only says *where* a key is kept ("stored in the macOS keychain", "kept for this
  session only"). People use this screen while sharing it with customers.
* On save the key is first checked with Kombo (``GET /check-api-key``) on a worker thread, and
  stored only when Kombo accepts it, so a typo is caught here and not in front of a customer.
  The environment id Kombo returns is shown, to tell keys of different environments apart.
* A key Kombo refuses is not stored, and the text stays in the field so it can be corrected.
  Only when Kombo could not be reached at all (offline, VPN) is "Save anyway" offered.
* The client (and httpx with it) is imported inside the worker function: opening the dialog
  must not load the HTTP library on the UI thread.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.api_address import normalize_api_base
from kombo_desktop.core.credentials import (
    CredentialStore,
    InvalidApiKeyError,
    KeyLocation,
    clean_api_key,
)
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    IpNotAllowedError,
    KomboError,
    MissingApiKeyError,
    RequestCancelled,
    RequestTimeoutError,
)
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.settings import (
    REGION_BASES,
    REGION_NAMES,
    Profile,
    Region,
    Settings,
    SettingsStore,
    validate_profile_name,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken

_log = logging.getLogger(__name__)

NEW_PROFILE_NAME = "New profile"
IN_USE_SUFFIX = " (in use)"
KEY_REFUSED = (
    "Kombo did not accept this key. Check that you pasted the whole key from the Kombo "
    "dashboard, and that the region above is the one the key was made for (Europe or United "
    "States)."
)
STORED_KEY_REFUSED = (
    "Kombo did not accept the stored key. It may have been revoked, or made for the other "
    "region. Paste the current key from the Kombo dashboard above and save it."
)

# The person is waiting in front of the dialog: one retry covers a network blip, more would only
# make "you are offline" arrive later.
_CHECK_ATTEMPTS = 2
# Kombo could not be reached at all: the key may be fine, so storing it unchecked is offered.
_UNREACHABLE = (ConnectionFailedError, RequestTimeoutError)


def credential_store_name() -> str:
    """The user's name for this computer's password store, for "A key is stored in ..."."""
    if sys.platform == "win32":
        return "Windows Credential Manager"
    if sys.platform == "darwin":
        return "the macOS keychain"
    return "this computer's password store"


@dataclass(frozen=True)
class _KeySaved:
    """What the worker reports after saving: where the key went, and Kombo's answer if checked."""

    location: KeyLocation
    environment_id: str | None


def _check_then_save(
    credentials: CredentialStore, profile: str, api_base: str, key: str, cancel: CancelToken
) -> _KeySaved:
    """Worker thread: ask Kombo whether the key works, and store it only if it does."""
    from kombo_desktop.core.client import KomboClient

    with KomboClient(api_base, key, max_attempts=_CHECK_ATTEMPTS) as client:
        environment_id = client.check_api_key(cancel)
    if cancel.cancelled:  # the person closed the dialog or pressed Cancel meanwhile
        raise RequestCancelled()
    return _KeySaved(credentials.save(profile, key), environment_id)


def _save_unchecked(credentials: CredentialStore, profile: str, key: str) -> _KeySaved:
    """Worker thread: the password store may wait for the user to unlock it."""
    return _KeySaved(credentials.save(profile, key), None)


def _check_stored(
    credentials: CredentialStore, profile: str, api_base: str, cancel: CancelToken
) -> str:
    """Worker thread: check the key already kept for ``profile``; it never leaves this thread."""
    from kombo_desktop.core.client import KomboClient

    key = credentials.get(profile)
    if key is None:
        raise MissingApiKeyError()
    with KomboClient(api_base, key, max_attempts=_CHECK_ATTEMPTS) as client:
        return client.check_api_key(cancel)


class SettingsDialog(QDialog):
    """Profiles on the left; the selected profile's region, address and key on the right."""

    profileChanged = Signal(str)  # noqa: N815 - Qt naming, part of the window's interface

    def __init__(
        self,
        settings_store: SettingsStore,
        credentials: CredentialStore,
        tasks: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        current_profile: str | None = None,
        api_base_override: str | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__(parent)
        self._store = settings_store
        self._credentials = credentials
        self._tasks = tasks if tasks is not None else TaskRunner(self)
        self._api_base_override = api_base_override
        self._settings: Settings = settings_store.load()
        found = self._settings.profile(current_profile) if current_profile else None
        self._current = found.name if found is not None else self._settings.active.name
        self._selected = self._current
        self._task: TaskHandle | None = None

        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(720)
        self._build(demo)
        self._rebuild_list()
        self._show_profile()
        if settings_store.load_problem:
            self._say(settings_store.load_problem)

    # -- building ----------------------------------------------------------------------------

    def _build(self, demo: bool) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.SPACING)
        outer.setSpacing(theme.SPACING)

        self.demoBanner = self._notice(
            "settingsDemoBanner",
            "DEMO: the program is running against the demo service on this computer, which "
            "needs no key. Profiles and keys set here are used when it runs normally.",
        )
        self.demoBanner.setVisible(demo)
        outer.addWidget(self.demoBanner)
        self.storeProblemLabel = self._notice("credentialProblemLabel", "")
        outer.addWidget(self.storeProblemLabel)
        self.overrideLabel = self._notice(
            "apiBaseOverrideLabel",
            f"This run uses the API address {self._api_base_override} (given when the program "
            "was started), so keys are checked there, whatever region is chosen below.",
        )
        self.overrideLabel.setVisible(self._api_base_override is not None)
        outer.addWidget(self.overrideLabel)

        columns = QHBoxLayout()
        columns.setSpacing(theme.SECTION_SPACING)
        outer.addLayout(columns, 1)
        columns.addWidget(self._build_profile_column())
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setFrameShadow(QFrame.Shadow.Plain)
        separator.setStyleSheet(f"color: {theme.BORDER};")
        columns.addWidget(separator)
        columns.addWidget(self._build_profile_form(), 1)

        self.settingsStatusLabel = QLabel()
        self.settingsStatusLabel.setObjectName("settingsStatusLabel")
        self.settingsStatusLabel.setAccessibleName("Settings status")
        self.settingsStatusLabel.setWordWrap(True)
        self.settingsStatusLabel.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        outer.addWidget(self.settingsStatusLabel)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("settingsButtons")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeSettingsButton")
        close.setAccessibleName("Close settings")
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _notice(self, name: str, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setProperty("class", "notice")
        label.setWordWrap(True)
        label.setAccessibleName(text or "Notice")
        return label

    def _build_profile_column(self) -> QWidget:
        column = QWidget()
        column.setObjectName("profileColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("&Profiles")
        layout.addWidget(title)
        self.profileList = QListWidget()
        self.profileList.setObjectName("profileList")
        self.profileList.setAccessibleName("Profiles")
        self.profileList.setAccessibleDescription(
            "Each profile is one Kombo account or region with its own API key."
        )
        title.setBuddy(self.profileList)
        self.profileList.currentItemChanged.connect(self._on_profile_selected)
        layout.addWidget(self.profileList, 1)

        self.addProfileButton = self._button("addProfileButton", "&Add profile", self._add)
        self.removeProfileButton = self._button(
            "removeProfileButton", "Re&move profile", self._remove
        )
        self.useProfileButton = self._button(
            "useProfileButton", "&Use this profile", self._use_selected
        )
        self.useProfileButton.setToolTip("Make links with the selected profile from now on.")
        for button in (self.addProfileButton, self.removeProfileButton, self.useProfileButton):
            layout.addWidget(button)
        return column

    def _build_profile_form(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("profileForm")
        form = QFormLayout(panel)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(theme.SPACING)
        form.setVerticalSpacing(theme.SPACING // 2 + 2)

        self.profileNameEdit = QLineEdit()
        self.profileNameEdit.setObjectName("profileNameEdit")
        self.profileNameEdit.setAccessibleName("Profile name")
        self.profileNameEdit.returnPressed.connect(self._rename)
        self.renameProfileButton = self._button("renameProfileButton", "&Rename", self._rename)
        name_row = QHBoxLayout()
        name_row.setSpacing(theme.SPACING // 2 + 2)
        name_row.addWidget(self.profileNameEdit, 1)
        name_row.addWidget(self.renameProfileButton)
        self.profileNameError = self._error_label("profileNameError")
        form.addRow(self._label("Profile &name", self.profileNameEdit), name_row)
        form.addRow("", self.profileNameError)

        self.regionCombo = QComboBox()
        self.regionCombo.setObjectName("regionCombo")
        self.regionCombo.setAccessibleName("Kombo region")
        self.regionCombo.setAccessibleDescription(
            "A key works only in the region it was made in: Europe or United States."
        )
        for region in (Region.EU, Region.US, Region.CUSTOM):
            self.regionCombo.addItem(REGION_NAMES[region], region.value)
        self.regionCombo.currentIndexChanged.connect(self._on_region_chosen)
        form.addRow(self._label("Kombo re&gion", self.regionCombo), self.regionCombo)

        self.customBaseEdit = QLineEdit()
        self.customBaseEdit.setObjectName("customBaseEdit")
        self.customBaseEdit.setAccessibleName("Other API address")
        self.customBaseEdit.setPlaceholderText("https://api.example.com/v1")
        self.customBaseEdit.editingFinished.connect(self._on_custom_base_entered)
        self.customBaseError = self._error_label("customBaseError")
        self.customBaseEdit.textEdited.connect(lambda _text: self.customBaseError.hide())
        form.addRow(self._label("Other a&ddress", self.customBaseEdit), self.customBaseEdit)
        form.addRow("", self.customBaseError)

        self.apiKeyEdit = QLineEdit()
        self.apiKeyEdit.setObjectName("apiKeyEdit")
        self.apiKeyEdit.setAccessibleName("API key")
        self.apiKeyEdit.setAccessibleDescription(
            "Paste the key from the Kombo dashboard, Secrets page. It is hidden while you type."
        )
        self.apiKeyEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.apiKeyEdit.setPlaceholderText("Paste the API key from the Kombo dashboard")
        self.apiKeyEdit.returnPressed.connect(self._save_key)
        self.apiKeyEdit.textChanged.connect(self._on_key_typed)
        form.addRow(self._label("API &key", self.apiKeyEdit), self.apiKeyEdit)

        self.keyStatusLabel = QLabel()
        self.keyStatusLabel.setObjectName("keyStatusLabel")
        self.keyStatusLabel.setWordWrap(True)
        form.addRow("", self.keyStatusLabel)

        self.saveKeyButton = self._button("saveKeyButton", "&Save and check key", self._save_key)
        self.saveAnywayButton = self._button(
            "saveAnywayButton", "Save &without checking", self._save_anyway
        )
        self.saveAnywayButton.setToolTip(
            "Kombo could not be reached, so the key could not be checked. Save it anyway; it "
            "is checked when you next make a link."
        )
        self.checkKeyButton = self._button(
            "checkKeyButton", "&Check the stored key", self._check_stored_key
        )
        self.forgetKeyButton = self._button("forgetKeyButton", "&Forget key", self._forget_key)
        self.cancelCheckButton = self._button("cancelCheckButton", "Cancel", self._cancel_task)
        key_buttons = QHBoxLayout()
        key_buttons.setSpacing(theme.SPACING // 2 + 2)
        for button in (
            self.saveKeyButton,
            self.saveAnywayButton,
            self.cancelCheckButton,
            self.checkKeyButton,
            self.forgetKeyButton,
        ):
            key_buttons.addWidget(button)
        key_buttons.addStretch(1)
        form.addRow("", key_buttons)
        self.saveAnywayButton.hide()
        self.cancelCheckButton.hide()

        self.environmentIdLabel = QLabel()
        self.environmentIdLabel.setObjectName("environmentIdLabel")
        self.environmentIdLabel.setWordWrap(True)
        self.environmentIdLabel.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        form.addRow("", self.environmentIdLabel)
        return panel

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)  # Enter in a field does that field's action, not a button's
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setProperty("class", "fieldError")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.hide()
        return label

    # -- showing -----------------------------------------------------------------------------

    @property
    def current_profile(self) -> str:
        """The profile the window should use, after whatever happened in this dialog."""
        return self._current

    @property
    def busy(self) -> bool:
        """True while a key is being checked or saved in the background."""
        return self._task is not None

    def _profile(self) -> Profile:
        profile = self._settings.profile(self._selected)
        if profile is None:  # removed meanwhile: fall back to the one in use
            profile = self._settings.active
            self._selected = profile.name
        return profile

    def _rebuild_list(self) -> None:
        with QSignalBlocker(self.profileList):
            self.profileList.clear()
            for profile in self._settings.profiles:
                text = profile.name + (IN_USE_SUFFIX if profile.name == self._current else "")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, profile.name)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                self.profileList.addItem(item)
                if profile.name == self._selected:
                    self.profileList.setCurrentItem(item)
        self.removeProfileButton.setEnabled(len(self._settings.profiles) > 1)

    def _show_profile(self) -> None:
        """Fill the form from the selected profile. The key field always starts empty."""
        profile = self._profile()
        with QSignalBlocker(self.profileNameEdit):
            self.profileNameEdit.setText(profile.name)
        with QSignalBlocker(self.regionCombo):
            self.regionCombo.setCurrentIndex(self.regionCombo.findData(profile.region.value))
        with QSignalBlocker(self.customBaseEdit):
            self.customBaseEdit.setText(profile.custom_base or "")
        with QSignalBlocker(self.apiKeyEdit):
            self.apiKeyEdit.clear()
        self.profileNameError.hide()
        self.customBaseError.hide()
        self.saveAnywayButton.hide()
        self.useProfileButton.setEnabled(profile.name != self._current)
        self._update_custom_base_state()
        self._show_key_state()

    def _update_custom_base_state(self) -> None:
        custom = self.regionCombo.currentData() == Region.CUSTOM.value
        self.customBaseEdit.setEnabled(custom)
        self.customBaseEdit.setToolTip(
            "" if custom else "Only needed when the region is “Other address”."
        )

    def _show_key_state(self) -> None:
        """Where the selected profile's key is kept (never the key), and the store's problem."""
        profile = self._profile()
        location = self._credentials.location(profile.name)
        if location is KeyLocation.CREDENTIAL_STORE:
            text = f"A key is stored in {credential_store_name()}."
        elif location is KeyLocation.SESSION_ONLY:
            text = "A key is kept for this session only: it is forgotten when the program closes."
        elif location is KeyLocation.ENVIRONMENT:
            text = "The key set in KOMBO_API_KEY is used for this run; it is not stored anywhere."
        else:
            text = "No key is stored for this profile yet. Paste it above and save it."
        self.keyStatusLabel.setText(text)
        self.keyStatusLabel.setAccessibleName(text)
        has_key = location is not None
        self.checkKeyButton.setEnabled(has_key and self._task is None)
        self.forgetKeyButton.setEnabled(
            location in (KeyLocation.CREDENTIAL_STORE, KeyLocation.SESSION_ONLY)
            and self._task is None
        )
        if profile.environment_id:
            environment = f"Kombo environment: {profile.environment_id}"
        else:
            environment = "Kombo environment: not known yet (it is shown once a key is checked)."
        self.environmentIdLabel.setText(environment)
        self.environmentIdLabel.setAccessibleName(environment)
        problem = self._credentials.problem
        self.storeProblemLabel.setText(problem or "")
        self.storeProblemLabel.setAccessibleName(problem or "")
        self.storeProblemLabel.setVisible(bool(problem))

    def _say(self, message: str, kind: str = "info") -> None:
        """The dialog's status line; ``kind`` "error" or "success" colours it like the
        window's, so a refused key reads as a problem at a glance."""
        self.settingsStatusLabel.setText(message)
        self.settingsStatusLabel.setAccessibleName(message or "Settings status")
        self.settingsStatusLabel.setProperty("kind", kind)
        theme.refresh_style(self.settingsStatusLabel)

    # -- saving settings ---------------------------------------------------------------------

    def _persist(self) -> bool:
        """Write the settings; on failure say so and go back to what is on disk."""
        try:
            self._store.save(self._settings)
        except OSError as error:
            _log.warning("Settings could not be saved: %s", error)
            self._say(
                "The settings could not be saved. Check that there is free disk space and "
                f"that you may write to {self._store.path.parent}, then try again.",
                "error",
            )
            self._settings = self._store.load()
            return False
        return True

    def _replace_profile(self, old_name: str, profile: Profile) -> bool:
        index = next(i for i, p in enumerate(self._settings.profiles) if p.name == old_name)
        self._settings.profiles[index] = profile
        if self._settings.active_profile == old_name:
            self._settings.active_profile = profile.name
        return self._persist()

    def _changed(self, name: str) -> None:
        """Tell the window when the profile it uses changed."""
        if name == self._current:
            self.profileChanged.emit(self._current)

    # -- profiles ----------------------------------------------------------------------------

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_profile_selected(self, item: QListWidgetItem | None, _old: Any = None) -> None:
        if item is None:
            return
        self._selected = item.data(Qt.ItemDataRole.UserRole)
        self._say("")
        self._show_profile()

    def _add(self) -> None:
        taken = {p.name.casefold() for p in self._settings.profiles}
        name = NEW_PROFILE_NAME
        number = 2
        while name.casefold() in taken:
            name = f"{NEW_PROFILE_NAME} {number}"
            number += 1
        self._settings.put_profile(Profile(name))
        if not self._persist():
            return
        self._selected = name
        self._rebuild_list()
        self._show_profile()
        self._say(f"Added the profile “{name}”. Type a name for it and press Enter.")
        self.profileNameEdit.setFocus()
        self.profileNameEdit.selectAll()

    def _rename(self) -> None:
        if self._task is not None:
            return
        old = self._selected
        try:
            new = validate_profile_name(self.profileNameEdit.text())
        except ValueError as error:
            self._show_name_error(str(error))
            return
        if new == old:
            self.profileNameError.hide()
            return
        clash = next(
            (
                p.name
                for p in self._settings.profiles
                if p.name != old and p.name.casefold() == new.casefold()
            ),
            None,
        )
        if clash is not None:
            self._show_name_error(
                f"A profile called “{clash}” already exists. Choose another name."
            )
            return
        profile = dataclasses.replace(self._profile(), name=new)
        if not self._replace_profile(old, profile):
            return
        self._move_key(old, new)
        self.profileNameError.hide()
        self._selected = new
        if self._current == old:
            self._current = new
        self._rebuild_list()
        self._show_profile()
        self._say(f"Renamed the profile “{old}” to “{new}”.")
        self._changed(new)

    def _show_name_error(self, message: str) -> None:
        self.profileNameError.setText(message)
        self.profileNameError.show()
        self.profileNameEdit.setAccessibleDescription(message)
        self.profileNameEdit.setFocus()

    def _move_key(self, old: str, new: str) -> None:
        """The key is stored under the profile name, so a rename moves it to the new name.

        A key from KOMBO_API_KEY is not the profile's own and is left alone. Names that differ
        only in case are one entry in the Windows store, so there the old entry goes first.
        """
        if self._credentials.location(old) not in (
            KeyLocation.CREDENTIAL_STORE,
            KeyLocation.SESSION_ONLY,
        ):
            return
        key = self._credentials.get(old)
        if key is None:
            return
        if old.casefold() == new.casefold():
            self._credentials.delete(old)
            self._credentials.save(new, key)
        else:
            self._credentials.save(new, key)
            self._credentials.delete(old)

    def _remove(self) -> None:
        if self._task is not None or len(self._settings.profiles) < 2:
            return
        name = self._selected
        answer = QMessageBox.question(
            self,
            "Remove profile",
            f"Remove the profile “{name}”? Its API key is deleted from this computer too.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._settings.remove_profile(name)
        if not self._persist():
            return
        if self._credentials.location(name) in (
            KeyLocation.CREDENTIAL_STORE,
            KeyLocation.SESSION_ONLY,
        ):
            self._credentials.delete(name)
        was_current = name == self._current
        if was_current:
            self._current = self._settings.active.name
        self._selected = self._current
        self._rebuild_list()
        self._show_profile()
        if was_current:
            self._say(f"Removed the profile “{name}”. Now using “{self._current}”.")
            self.profileChanged.emit(self._current)
        else:
            self._say(f"Removed the profile “{name}”.")

    def _use_selected(self) -> None:
        name = self._selected
        self._settings.active_profile = name
        if not self._persist():
            return
        self._current = name
        self._rebuild_list()
        self._show_profile()
        self._say(f"Links are now made with the profile “{name}”.")
        self.profileChanged.emit(name)

    # -- region and address ------------------------------------------------------------------

    @Slot(int)
    def _on_region_chosen(self, _index: int) -> None:
        self._update_custom_base_state()
        region = Region(self.regionCombo.currentData())
        if region is Region.CUSTOM and not self.customBaseEdit.text().strip():
            self.customBaseError.setText("Enter the address of the Kombo API, then press Enter.")
            self.customBaseError.show()
            self.customBaseEdit.setFocus()
            return
        self._apply_connection()

    def _on_custom_base_entered(self) -> None:
        if self.regionCombo.currentData() == Region.CUSTOM.value:
            self._apply_connection()

    def _apply_connection(self) -> bool:
        """Save the region and address shown in the form; False (and a message) if invalid."""
        profile = self._profile()
        region = Region(self.regionCombo.currentData())
        custom_text = self.customBaseEdit.text().strip()
        custom_base = profile.custom_base
        if region is Region.CUSTOM or custom_text:
            try:
                custom_base = normalize_api_base(custom_text)
            except ValueError as error:
                if region is Region.CUSTOM:
                    self.customBaseError.setText(str(error))
                    self.customBaseError.show()
                    self.customBaseEdit.setAccessibleDescription(str(error))
                    return False
        self.customBaseError.hide()
        self.customBaseEdit.setAccessibleDescription("")
        if region is profile.region and custom_base == profile.custom_base:
            return True
        address_changed = profile.api_base != (
            custom_base if region is Region.CUSTOM else REGION_BASES[region]
        )
        updated = dataclasses.replace(
            profile,
            region=region,
            custom_base=custom_base,
            # An environment id belongs to a key in one place; elsewhere it is not known yet.
            environment_id=None if address_changed else profile.environment_id,
        )
        if not self._replace_profile(profile.name, updated):
            self._show_profile()
            return False
        self._show_key_state()
        if address_changed:
            self._say(
                f"The profile “{profile.name}” now connects to {_describe(updated)}. "
                "Check the key to make sure it works there."
            )
            self._changed(profile.name)
        return True

    def _check_address(self) -> str | None:
        """The address keys of the selected profile are checked at, after saving the form."""
        if not self._apply_connection():
            self.customBaseEdit.setFocus()
            return None
        if self._api_base_override is not None:
            return self._api_base_override
        return self._profile().api_base

    # -- the key -----------------------------------------------------------------------------

    def _on_key_typed(self, _text: str) -> None:
        # "Save without checking" was offered for the key that could not be checked.
        self.saveAnywayButton.hide()

    def _typed_key(self) -> str | None:
        try:
            key = clean_api_key(self.apiKeyEdit.text())
        except InvalidApiKeyError as error:
            self._say(str(error), "error")
            self.apiKeyEdit.setFocus()
            return None
        register_secret(key)  # so not even an unexpected error can carry it into the log
        return key

    def _save_key(self) -> None:
        if self._task is not None:
            return
        api_base = self._check_address()
        if api_base is None:
            return
        key = self._typed_key()
        if key is None:
            return
        name = self._selected
        credentials = self._credentials
        self._start(
            lambda cancel: _check_then_save(credentials, name, api_base, key, cancel),
            on_done=self._on_key_saved,
            on_error=self._on_typed_key_failed,
            progress="Checking the key with Kombo…",
            name="check-key",
        )

    def _save_anyway(self) -> None:
        if self._task is not None:
            return
        key = self._typed_key()
        if key is None:
            return
        name = self._selected
        credentials = self._credentials
        self.saveAnywayButton.hide()
        self._start(
            lambda _cancel: _save_unchecked(credentials, name, key),
            on_done=self._on_key_saved,
            on_error=self._on_typed_key_failed,
            progress="Saving the key…",
            name="save-key",
        )

    def _check_stored_key(self) -> None:
        if self._task is not None:
            return
        api_base = self._check_address()
        if api_base is None:
            return
        name = self._selected
        credentials = self._credentials
        self._start(
            lambda cancel: _check_stored(credentials, name, api_base, cancel),
            on_done=self._on_stored_key_checked,
            on_error=self._on_stored_key_failed,
            progress="Checking the stored key with Kombo…",
            name="check-stored-key",
        )

    def _forget_key(self) -> None:
        if self._task is not None:
            return
        name = self._selected
        self._credentials.delete(name)
        profile = self._profile()
        if profile.environment_id is not None:
            self._replace_profile(name, dataclasses.replace(profile, environment_id=None))
        self._show_key_state()
        if self._credentials.location(name) is None:
            self._say(f"The key of the profile “{name}” was deleted from this computer.")
        elif self._credentials.problem:
            self._say(self._credentials.problem)
        self._changed(name)

    def _start(
        self,
        work: Callable[[CancelToken], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        progress: str,
        name: str,
    ) -> None:
        self._set_busy(True)
        self._say(progress)
        self._task = self._tasks.run(
            work,
            on_done=on_done,
            on_error=on_error,
            on_cancelled=self._on_cancelled,
            owner=self,
            name=name,
        )

    def _set_busy(self, busy: bool) -> None:
        """While a check runs, nothing else can change; what was typed stays where it is."""
        for widget in (
            self.profileList,
            self.addProfileButton,
            self.removeProfileButton,
            self.useProfileButton,
            self.profileNameEdit,
            self.renameProfileButton,
            self.regionCombo,
            self.customBaseEdit,
            self.saveKeyButton,
            self.checkKeyButton,
            self.forgetKeyButton,
        ):
            widget.setEnabled(not busy)
        self.apiKeyEdit.setReadOnly(busy)
        self.cancelCheckButton.setVisible(busy)
        self.saveKeyButton.setText("Checking…" if busy else "&Save and check key")
        if not busy:
            self._task = None
            self.removeProfileButton.setEnabled(len(self._settings.profiles) > 1)
            self.useProfileButton.setEnabled(self._selected != self._current)
            self._update_custom_base_state()
            self._show_key_state()

    def _cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_key_saved(self, outcome: _KeySaved) -> None:
        self._set_busy(False)
        with QSignalBlocker(self.apiKeyEdit):
            self.apiKeyEdit.clear()
        name = self._selected
        if outcome.environment_id is not None:
            self._remember_environment(outcome.environment_id)
            checked = f"Kombo accepted the key (environment {outcome.environment_id}). "
        else:
            checked = "The key was saved without a check; it is checked when you next make a link. "
        if outcome.location is KeyLocation.SESSION_ONLY:
            where = self._credentials.problem or "It is kept for this session only."
        else:
            where = f"It is stored in {credential_store_name()}."
        self._show_key_state()
        self._say(checked + where, "success")
        self._changed(name)

    def _on_stored_key_checked(self, environment_id: str) -> None:
        self._set_busy(False)
        self._remember_environment(environment_id)
        self._show_key_state()
        self._say(f"Kombo accepted the stored key (environment {environment_id}).", "success")

    def _remember_environment(self, environment_id: str) -> None:
        profile = self._profile()
        if profile.environment_id != environment_id:
            self._replace_profile(
                profile.name, dataclasses.replace(profile, environment_id=environment_id)
            )

    def _on_typed_key_failed(self, error: BaseException) -> None:
        """The typed key was refused or could not be checked: it stays in the field, unsaved."""
        self._set_busy(False)
        if isinstance(error, _UNREACHABLE):
            self._say(
                f"{error.user_message} The key was not saved yet. Try again, or save it "
                "without checking.",
                "error",
            )
            self.saveAnywayButton.show()
        elif isinstance(error, KomboError):
            self._say(f"{_in_settings_words(error, KEY_REFUSED)} The key was not saved.", "error")
        elif isinstance(error, InvalidApiKeyError):
            self._say(str(error), "error")
        else:
            self._say_unexpected(error, "so it was not saved")
        self.apiKeyEdit.setFocus()

    def _on_stored_key_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, KomboError):
            self._say(_in_settings_words(error, STORED_KEY_REFUSED), "error")
        else:
            self._say_unexpected(error, "but it was not changed")

    def _say_unexpected(self, error: BaseException, outcome: str) -> None:
        _log.error("The key check failed unexpectedly", exc_info=error)
        self._say(
            f"The key could not be checked because of an unexpected problem, {outcome}. "
            "Please try again; if it keeps happening, tell support.",
            "error",
        )

    def _on_cancelled(self) -> None:
        self._set_busy(False)
        self._say("Cancelled. The key was not saved.")

    # -- closing -----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing the dialog stops a running check; its result would have nowhere to go."""
        self._cancel_task()
        with QSignalBlocker(self.apiKeyEdit):
            self.apiKeyEdit.clear()  # an unsaved key does not outlive the dialog
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._cancel_task()
        super().closeEvent(event)


def _describe(profile: Profile) -> str:
    if profile.region is Region.CUSTOM:
        return profile.api_base
    return REGION_NAMES[profile.region]


def _in_settings_words(error: KomboError, refused: str) -> str:
    """The error for this dialog: a refused key is explained in terms of the fields right
    here, instead of the window's "check the key and region in Settings"."""
    if isinstance(error, AuthenticationError) and not isinstance(error, IpNotAllowedError):
        return refused
    return error.user_message
