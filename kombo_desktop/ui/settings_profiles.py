"""The settings dialog's profiles: the list on the left, and the selected profile's name,
region and address in the form on the right.

Each profile is one Kombo account or region with its own API key. The list marks the profile
the window uses "(in use)"; the region list offers Europe, United States and another address
(for a proxy or a test service), checked like ``--api-base``: https, or loopback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.api_address import normalize_api_base
from kombo_desktop.core.settings import REGION_BASES, REGION_NAMES, Region
from kombo_desktop.ui import theme
from kombo_desktop.ui.confirm import Choice, confirm
from kombo_desktop.ui.settings_book import NotSaved, ProfileBook, Say, describe
from kombo_desktop.ui.settings_key import CHECK_STORED_TEXT, TypedKeySave, save_offered_text
from kombo_desktop.ui.widgets import (
    ElidingComboBox,
    FieldForm,
    buddy_label,
    error_label,
    hand_over_focus,
    plain_label,
    push_button,
    shrinkable,
    spoken_name,
)

IN_USE_SUFFIX = " (in use)"
USE_PROFILE_TEXT = "&Use this profile"
RENAME_TEXT = "&Rename"
# Leaving a profile with a key pasted for it (see ``_leave_typed_key_then``). Alt+W, as
# "Close without saving": C is Cancel's, where the system gives it one, and S "Save and
# check key"'s. A profile clicked in the list is only shown ("Use this profile" switches).
ADD_WITHOUT_SAVING_TEXT = "Add &without saving"
SHOW_WITHOUT_SAVING_TEXT = "Show &without saving"
MANAGED_TEXT = "Set by your administrator: only this profile's key can be changed here."
FIXED_ADDRESS_TIP = "Your administrator set the API address for every profile."


def moved_text(name: str, place: str, no_key: bool, check: str = CHECK_STORED_TEXT) -> str:
    """What is said when a profile's region or address changed: a key works only where it
    was made, so the stored one is to be checked there, or the right one pasted (a profile
    without a key was told to check one, beside a greyed-out "Check the stored key"). ``check``
    is the words on the button that checks it."""
    moved = f"The profile “{name}” now connects to {place}."
    if no_key:
        return f"{moved} To make links there, paste the key made for it and save it."
    return f"{moved} Press “{spoken_name(check)}” to make sure its key works there."


class WhenSettled(Protocol):
    """Runs ``step`` once the changes before it are saved and no work on a key runs;
    ``if_dropped`` instead where the password store failed at that work, True from it
    where it said that failure itself (see ``KeySection.when_settled``)."""

    def __call__(
        self, step: Callable[[], object], if_dropped: Callable[[], object] | None = None
    ) -> None: ...


class ProfileNameDelegate(QStyledItemDelegate):
    """Draws a profile's name shortened in its middle ("Implementation team E…(shared)")
    where the list is too narrow for it, with " (in use)" after it, whole. A long name made
    the list scroll sideways and showed "Implementation team EMEA - Acm": which profile was
    in use was out of view. The item's tooltip and accessible text say it whole."""

    def initStyleOption(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        name, text = index.data(Qt.ItemDataRole.UserRole), option.text
        if not isinstance(name, str) or not text.startswith(name):
            return
        room = self._text_room(option)
        metrics = option.fontMetrics
        if room <= 0 or metrics.horizontalAdvance(text) <= room:
            return
        suffix = text[len(name) :]
        kept = room - metrics.horizontalAdvance(suffix)
        name = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(kept, 0))
        option.text = name + suffix

    def _text_room(self, option: QStyleOptionViewItem) -> int:
        """The width the style draws the row's text in: the row (``option.rect``) less the
        list's padding around it and the style's margins beside the text."""
        view = self.parent()
        widget = view if isinstance(view, QWidget) else None
        style = widget.style() if widget is not None else None
        if style is None:
            return 0
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, option, widget) + 1
        return text_rect.width() - 2 * margin

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """As high as Qt makes a row, but asking for no width: the list then gives each row
        its own width, and a name wider than that is shortened, never scrolled to."""
        return QSize(1, super().sizeHint(option, index).height())


class ProfilesSection(QObject):
    """``column`` (the list and its buttons) and the rows :meth:`add_rows` puts in the form.

    ``shown(another_profile)`` is emitted once the selected profile is in the form: another
    one (True), or the same one afresh (False: renamed, or taken into use);
    ``connection_changed`` when its region or address was saved; ``changed(name)`` when
    something about profile ``name`` changed (added, another region or address, taken into
    use; one removed: then ``name`` is the one in use now); ``used`` once the selected
    profile is the one in use; ``renamed(old, new)`` and ``removed(name)`` when a profile's
    key must follow (the key section moves or deletes it); ``refusal_withdrawn(reason)``
    when a refusal the dialog stayed open for (see :meth:`apply_typed`) no longer holds: the
    field was put right, or holds other text.
    """

    shown = Signal(bool)
    used = Signal()
    connection_changed = Signal()
    changed = Signal(str)
    renamed = Signal(str, str)
    removed = Signal(str)
    refusal_withdrawn = Signal(str)

    def __init__(self, book: ProfileBook, say: Say, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._say = say
        # Whether a profile is known to have no key: the key section knows (see the dialog).
        self.has_no_key: Callable[[str], bool] = lambda _name: False
        # The words on the button that checks the key, as the key section shows them now.
        self.check_text: Callable[[], str] = lambda: CHECK_STORED_TEXT
        # Asked before another profile is shown or added, which empties the key field: save
        # a key pasted and not saved, let it go, or stay (``KeySection.ask_to_save_typed_key``:
        # title, question, the button that lets it go, what saving does); and saving it, then
        # ``then(save)``, how it ended (``KeySection.save_typed_key_then``). The key section
        # sets both.
        self.ask_to_save_typed_key: Callable[[str, str, str, str], Choice] = lambda *_texts: (
            Choice.DROP
        )
        self.save_typed_key_then: Callable[[Callable[[TypedKeySave], None]], None] = lambda then: (
            then(TypedKeySave(stored=True, profile=self._book.selected))
        )
        # Runs a step once the changes before it are saved and no work on a key runs, a
        # renamed profile's key moving to its new name (``KeySection.when_settled``): what a
        # button does after the name typed is saved waits for the key to follow it.
        self.when_settled: WhenSettled = lambda step, if_dropped=None: book.when_saved(step)
        # What a failure says where Close waits for the change that failed: with that the
        # dialog stayed open (the dialog sets it), said once (see ``_not_added``).
        self.closing_words: Callable[[str], str] = lambda message: message
        # What the dialog says after "Renamed the profile …", in the same words (read out
        # once), where the rename alone was asked for (Enter, the field left): which profile
        # links are still made with, where it offered to use the profile renamed (the dialog
        # sets it, see ``SettingsDialog._keep_offer_through_rename``).
        self.words_after_rename: Callable[[str], str] = lambda _old: ""
        self._busy = False
        self._saving = False  # see ``set_saving``
        # The field that had the focus when key work began, and where Qt moved it then.
        self._focus_after_busy: tuple[QWidget, QWidget | None] | None = None
        # The name and the address typed and refused: by field, its text and why (see
        # ``apply_typed``); and those the dialog, closing, stayed open for (this profile's).
        self._refused: dict[QLineEdit, tuple[str, str]] = {}
        self._refusals_said: set[tuple[QLineEdit, str, str]] = set()
        # The last rename that could not be written: the profile's name, the new one, and
        # why; and how many could not be, so far (see ``_apply_name``).
        self._rename_not_written: tuple[str, str, NotSaved] | None = None
        self._renames_not_written = 0
        self.column = self._build_column()

        self.profileNameEdit = QLineEdit()
        self.profileNameEdit.setObjectName("profileNameEdit")
        self.profileNameEdit.setAccessibleName("Profile name")
        # Not only Enter: a name typed before moving on to the key (or closing) was lost, and
        # the key then stored under the old name.
        self.profileNameEdit.editingFinished.connect(self.apply_typed_name)
        # Whether a name was typed in the field since this profile was shown (see ``_rename``).
        self._name_typed = False
        self.profileNameEdit.textEdited.connect(self._note_name_typed)
        self.renameProfileButton = push_button(
            "renameProfileButton", RENAME_TEXT, on_click=self._rename
        )
        self.profileNameError = error_label("profileNameError")

        # Narrower than its longest region where the dialog is (larger text on a laptop's
        # screen), its choice then ending in "…": at its full width the dialog scrolled sideways.
        self.regionCombo = shrinkable(ElidingComboBox())
        self.regionCombo.setObjectName("regionCombo")
        self.regionCombo.setAccessibleName("Kombo region")
        self.regionCombo.setAccessibleDescription(
            "A key works only in the region it was made in: Europe or United States."
        )
        for region in (Region.EU, Region.US, Region.CUSTOM):
            self.regionCombo.addItem(REGION_NAMES[region], region.value)
        self.regionCombo.currentIndexChanged.connect(self._on_region_chosen)

        self.customBaseEdit = QLineEdit()
        self.customBaseEdit.setObjectName("customBaseEdit")
        self.customBaseEdit.setAccessibleName("Other API address")
        self.customBaseEdit.setPlaceholderText("https://api.example.com/v1")
        self.customBaseEdit.editingFinished.connect(self._on_custom_base_entered)
        self.customBaseError = error_label("customBaseError")
        self.customBaseEdit.textEdited.connect(lambda _text: self.customBaseError.hide())
        self.managedNote = plain_label(MANAGED_TEXT)
        self.managedNote.setObjectName("managedProfileNote")
        self.managedNote.setProperty("class", "hint")
        self.managedNote.setWordWrap(True)
        self.managedNote.hide()

    # -- building --------------------------------------------------------------------------------

    def _build_column(self) -> QWidget:
        column = QWidget()
        column.setObjectName("profileColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label("&Profiles")
        layout.addWidget(title)
        self.profileList = QListWidget()
        self.profileList.setObjectName("profileList")
        self.profileList.setAccessibleName("Profiles")
        self.profileList.setAccessibleDescription(
            "Each profile is one Kombo account or region with its own API key."
        )
        title.setBuddy(self.profileList)
        self.profileList.setItemDelegate(ProfileNameDelegate(self.profileList))
        self.profileList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.profileList.currentItemChanged.connect(self._on_profile_selected)
        layout.addWidget(self.profileList, 1)

        self.addProfileButton = push_button("addProfileButton", "&Add profile", on_click=self._add)
        self.removeProfileButton = push_button(
            "removeProfileButton", "Re&move profile", on_click=self._remove
        )
        self.useProfileButton = push_button(
            "useProfileButton", USE_PROFILE_TEXT, on_click=self.use_selected
        )
        self.useProfileButton.setToolTip("Make links with the selected profile from now on.")
        for button in (self.addProfileButton, self.removeProfileButton, self.useProfileButton):
            layout.addWidget(button)
        return column

    def add_rows(self, form: FieldForm) -> None:
        """The name, region and address rows, at the top of the dialog's form."""
        name_row = QHBoxLayout()
        name_row.setSpacing(theme.SPACING // 2 + 2)
        name_row.addWidget(self.profileNameEdit, 1)
        name_row.addWidget(self.renameProfileButton)
        form.add_row(buddy_label("Profile &name", self.profileNameEdit), name_row)
        form.add_row(None, self.profileNameError)
        form.add_row(buddy_label("Kombo re&gion", self.regionCombo), self.regionCombo)
        form.add_row(buddy_label("Other a&ddress", self.customBaseEdit), self.customBaseEdit)
        form.add_row(None, self.customBaseError)
        form.add_row(None, self.managedNote)

    # -- showing ---------------------------------------------------------------------------------

    def rebuild_list(self) -> None:
        book = self._book
        with QSignalBlocker(self.profileList):
            self.profileList.clear()
            for profile in book.profiles:
                text = profile.name + (IN_USE_SUFFIX if profile.name == book.current else "")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, profile.name)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, text)
                item.setToolTip(text)  # whole, where the list shortens it (ProfileNameDelegate)
                self.profileList.addItem(item)
                if profile.name == book.selected:
                    self.profileList.setCurrentItem(item)
        self._update_buttons()

    def show_profile(self, another_profile: bool = True) -> None:
        """Fill the form from the selected profile (the key section follows on ``shown``).

        The same profile shown afresh (renamed, taken into use) keeps the name and address
        typed since they were last saved (``isModified``, see :meth:`apply_typed`): on a slow
        disk the person types on while the change is written, and what they typed was
        replaced with the saved text once it was."""
        profile = self._book.profile()
        name, address = self.profileNameEdit, self.customBaseEdit
        # A refusal of text typed for this profile stands, with the text, until it is dealt
        # with: a rename finishing as the refused address was tried wiped both, and the
        # dialog, closing, no longer knew to stay open for it (see ``apply_typed``).
        kept = {} if another_profile else dict(self._refused)
        if another_profile:
            self._name_typed = False
        if another_profile or not (name.isModified() or name in kept):
            with QSignalBlocker(name):
                name.setText(profile.name)
        with QSignalBlocker(self.regionCombo):
            self.regionCombo.setCurrentIndex(self.regionCombo.findData(profile.region.value))
        if another_profile or not (address.isModified() or address in kept):
            with QSignalBlocker(address):
                # An address the settings file holds that this version refuses is shown as
                # it is written, to be corrected (``Profile.refused_base``).
                address.setText(profile.custom_base or profile.refused_base or "")
        self.profileNameError.hide()
        self._refused = kept  # else the fields hold what is saved, or what was typed since
        if another_profile:  # the same wrong text typed for this one is news
            self._refusals_said = set()
        self._show_address_refusal(profile.address_refusal)
        for field, error in ((name, self.profileNameError), (address, self.customBaseError)):
            if field in kept:
                error.setText(kept[field][1])
                error.show()
        self.useProfileButton.setEnabled(profile.name != self._book.current)
        self._update_buttons()
        self._update_fields()
        self.shown.emit(another_profile)

    def _show_address_refusal(self, refusal: str | None) -> None:
        """Say beside the address why the saved one cannot be used (None: it can), while
        links would go there: an address the administrator or the start set instead makes it
        a matter for later, which the field, greyed out then, is no place to say."""
        book = self._book
        if refusal is None or book.fixed_api_base is not None or book.api_base_override:
            self.customBaseError.hide()
            self.customBaseEdit.setAccessibleDescription("")
            return
        text = f"{refusal} Correct the address, then press Enter."
        self.customBaseError.setText(text)
        self.customBaseError.show()
        self.customBaseEdit.setAccessibleDescription(text)

    @property
    def address_to_correct(self) -> bool:
        """The profile shown has a saved address that cannot be used, said under its field,
        and the field may be changed: what the person should correct first."""
        return not self.customBaseError.isHidden() and self.customBaseEdit.isEnabled()

    def set_busy(self, busy: bool) -> None:
        """While a key is checked (or moved, after a rename), the profile and its address
        stay as they are.

        Qt moves the focus off a field disabled meanwhile: it goes back once the work is
        done, unless the person put it elsewhere, and what the field held is not saved as
        it leaves. Typing an address as the name typed before it was saved, the focus went
        to the key field while the key followed the new name, and stayed there; the address
        was saved half-typed."""
        self._busy = busy
        widgets: tuple[QWidget, ...] = (
            self.profileList,
            self.addProfileButton,
            self.removeProfileButton,
            self.useProfileButton,
            self.profileNameEdit,
            self.renameProfileButton,
            self.regionCombo,
            self.customBaseEdit,
        )
        window = self.column.window()
        focused = window.focusWidget()
        had_focus = next((widget for widget in widgets if widget is focused), None)
        if busy and had_focus is not None:
            # Not saved as the focus leaves it: it comes back, and the rest is typed then.
            with QSignalBlocker(had_focus):
                had_focus.setEnabled(False)
        for widget in widgets:
            widget.setEnabled(not busy)
        if busy:
            if had_focus is not None:  # else kept: busy already, the focus moved before
                self._focus_after_busy = (had_focus, window.focusWidget())
            return
        self._update_buttons()
        self._update_fields()
        back, self._focus_after_busy = self._focus_after_busy, None
        if back is not None:
            field, moved_to = back
            if field.isEnabled() and window.focusWidget() is moved_to:
                field.setFocus()

    def set_saving(self, saving: bool) -> None:
        """While a change is written, slowly (see ``settings_saving``), "Rename" and the region
        wait, greyed out, with the list and its buttons: a click there was done once the
        change was written, on the settings as saved, which the person never saw. The name
        and the address fields stay open: what is typed there is saved in order."""
        self._saving = saving
        if not self._busy:  # else as it ends
            self._update_fields()

    def _update_buttons(self) -> None:
        """ "Remove" and "Use this profile", as they apply to the profile selected. One going
        out with the focus (the profile just taken into use, the last but one removed) hands
        it to the list: Qt gave it to the next stop, the name field, where the next keys
        typed over the profile's name."""
        removable = len(self._book.profiles) > 1 and not self._book.is_managed()
        usable = self._book.selected != self._book.current
        going = [
            button
            for button, stays in (
                (self.removeProfileButton, removable),
                (self.useProfileButton, usable),
            )
            if not stays
        ]
        if self.profileList.isEnabled():
            hand_over_focus(going, self.profileList)
        self.removeProfileButton.setEnabled(removable)
        self.useProfileButton.setEnabled(usable)

    def _update_fields(self) -> None:
        """What may be changed: an administrator's profile keeps its name, region and address,
        and the administrator's address for every profile leaves no region to choose."""
        managed = self._book.is_managed()
        fixed = self._book.fixed_api_base is not None
        self.profileNameEdit.setEnabled(not managed)
        self.renameProfileButton.setEnabled(not (managed or self._saving))
        self.regionCombo.setEnabled(not (managed or fixed or self._saving))
        self.regionCombo.setToolTip(FIXED_ADDRESS_TIP if fixed else "")
        custom = self.regionCombo.currentData() == Region.CUSTOM.value
        self.customBaseEdit.setEnabled(custom and not (managed or fixed))
        self.customBaseEdit.setToolTip(
            "" if custom else "Only needed when the region is “Other address”."
        )
        self.managedNote.setVisible(managed)

    def _reshow(self, another_profile: bool) -> None:
        """The list or the selection changed: show both again."""
        self.rebuild_list()
        self.show_profile(another_profile)

    # -- the list --------------------------------------------------------------------------------

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_profile_selected(self, item: QListWidgetItem | None, _old: Any = None) -> None:
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        self._book.when_saved(partial(self._select, name))

    def _select(self, name: str) -> None:
        """Show profile ``name``, chosen in the list (once the changes made before are saved),
        a key pasted for the one shown saved first or let go, as the person chooses. Only
        shown, not used: asked "Switch to the profile …?", the person took it to be the one
        links would be made with."""
        going_on = self._leave_typed_key_then(
            "Show another profile",
            f"before showing “{name}”",
            SHOW_WITHOUT_SAVING_TEXT,
            (f"shows “{name}”", "Settings stays on this profile and says why"),
            partial(self._show_chosen, name),
        )
        if not going_on:
            self.rebuild_list()  # the profile the key was pasted for stays selected

    def _show_chosen(self, name: str, key_saved: str = "") -> None:
        """Show profile ``name``. ``key_saved``: the key pasted for the one shown before was
        saved first, as the person chose, and the status line says so; the focus goes back
        to the list, where the person was. It stayed on "Save and check key", pressed for
        them, of a profile whose key field is empty, and the next Down did nothing."""
        self._book.selected = name
        self._say(key_saved, "success" if key_saved else "")
        current = self.profileList.currentItem()
        if current is None or current.data(Qt.ItemDataRole.UserRole) != self._book.selected:
            self.rebuild_list()  # shown afresh meanwhile (a change saved), or since removed
        self.show_profile()
        if key_saved and self.profileList.isEnabled():
            self.profileList.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add(self) -> None:
        # The name typed first: a clicked button may take no focus (macOS).
        self.apply_typed_name(then=self._add_after_name)

    def _add_after_name(self) -> None:
        self._leave_typed_key_then(
            "Add profile",
            "before adding a profile",
            ADD_WITHOUT_SAVING_TEXT,
            ("adds a profile", "no profile is added and Settings says why"),
            self._add_saying_first,
        )

    def _add_saying_first(self, said_first: str) -> None:
        """Add a profile, saying ``said_first`` before what adding says (see
        ``_leave_typed_key_then``), also where the profile could not be written: the key
        saved first was only shown, and the person heard only that the settings could not
        be saved."""
        not_added = partial(self._not_added, said_first) if said_first else None
        self._book.add(then=partial(self._added, said_first), if_not_saved=not_added)

    def _not_added(self, said_first: str, _not_saved: NotSaved) -> None:
        """The key saved first, and the profile not added: said in one message, kept as the
        book's ``last_failure`` (see ``ProfileBook._change``), with how Close ends where it
        waited for this write (``closing_words``). Close waiting said only "The settings
        could not be saved… Settings stayed open", over the key's words: the person never
        heard that the key was saved."""
        failure = self._book.last_failure
        message = f"{said_first} No profile was added: {failure[:1].lower()}{failure[1:]}"
        self._book.last_failure = message
        self._say(self.closing_words(message), "error")

    def _leave_typed_key_then(
        self,
        title: str,
        before: str,
        drop: str,
        saving: tuple[str, str],
        go_on: Callable[[str], None],
    ) -> bool:
        """Run ``go_on``, which leaves the profile shown and empties the key field, once a key
        pasted for it and not saved is saved or let go, as the person chooses when asked
        ("Save the key you pasted for “default” ``before``?"): True when it ran now (no key
        pasted, or let go with ``drop``). "Save and check key", the default, saves the key
        for the profile it was pasted for, and ``go_on`` runs once it is stored: a person who
        pasted a key and clicked "Add profile" almost always meant to keep it, and was only
        offered to go on without it. Refused, not checked, or kept for this session only,
        the profile stays shown with why, the key still in the field; Cancel does nothing.
        ``saving`` says what saving leads to, and what happens instead where it fails.

        ``go_on(said_first)`` says ``said_first`` on the status line before its own words:
        that the key was saved, for which profile, and what saving it said ("Saved the key
        for “default”. Kombo accepted the key … It is stored in …", with KOMBO_API_KEY
        still used for this run, or a problem of the store), and which profile links are
        made with after it (see ``_key_saved_words``). What it says replaced it, and the
        person could not tell that the key was saved, nor that this run still used
        KOMBO_API_KEY's."""
        shown = self._book.selected
        question = f"Save the key you pasted for “{shown}” {before}?"
        offered = save_offered_text(*saving)
        choice = self.ask_to_save_typed_key(title, question, drop, offered)
        if choice is Choice.DROP:
            go_on("")
            return True
        if choice is Choice.SAVE:

            def ended(save: TypedKeySave) -> None:
                if save.stored:
                    save.when_in_use_said(lambda: go_on(self._key_saved_words(save)))

            self.save_typed_key_then(ended)
        return False

    def _key_saved_words(self, save: TypedKeySave) -> str:
        """All that saving the pasted key said: for which profile (the name it was saved
        under: a name typed is saved with it), where it went, and which profile links are
        made with after it (taken into use where the one in use had no key). Said before the
        profile shown or added next, which empties the status line."""
        saved = f"Saved the key for “{save.profile}”. {save.said}".strip()
        return f"{saved} {save.in_use_said}" if save.in_use_said else saved

    def _added(self, said_first: str, name: str) -> None:
        self._reshow(another_profile=True)
        added = f"Added the profile “{name}”. Type a name for it and press Enter."
        self._say(f"{said_first} {added}" if said_first else added)
        self.profileNameEdit.setFocus()
        self.profileNameEdit.selectAll()
        self.changed.emit(name)

    def _remove(self) -> None:
        self.apply_typed_name(then=self._remove_after_name)

    def _remove_after_name(self) -> None:
        book = self._book
        if len(book.profiles) < 2 or book.is_managed():  # its button is greyed out then
            return
        # The click waited for a change being written, and the window is closing now: asked
        # then, "Remove the profile?" popped up over a window going away and held up its
        # closing. Not asked, nothing is removed: no one confirmed it.
        if book.window_closing:
            return
        name = book.selected
        question = f"Remove the profile “{name}”? Its API key is removed from this computer too."
        if not confirm(self.column.window(), "Remove profile", question, "Remove profile"):
            return
        was_current = name == book.current

        def removed() -> None:
            self.removed.emit(name)
            self._reshow(another_profile=True)  # a key pasted for it goes with it
            if was_current:
                self._say(f"Removed the profile “{name}”. Now using “{book.current}”.")
                self.changed.emit(book.current)
            else:
                self._say(f"Removed the profile “{name}”.")

        book.remove(then=removed)

    def use_selected(
        self,
        then: Callable[[], None] | None = None,
        if_not_saved: Callable[[NotSaved], None] | None = None,
        also_say: str = "",
        say_switch: bool = True,
        if_name_refused: Callable[[str], None] | None = None,
        if_key_not_moved: Callable[[], object] | None = None,
    ) -> None:
        """Make links with the selected profile from now on ("Use this profile", or the offer
        to use a profile whose key was just saved); then ``then``, once that is saved, or
        ``if_not_saved(not_saved)``, which says that it could not be (see
        ``ProfileBook.use_selected``), the name typed first as well. ``also_say``: what to
        say after which profile links are now made with, in the same words: said after them,
        the switch was read twice. ``say_switch`` False: ``then`` says which profile links
        are now made with, in words of its own (why it was taken into use); said here first,
        it was read twice.

        Where the switch was not tried: ``if_name_refused(refusal)``, the name typed refused
        (``refusal``, the reason beside the field); ``if_key_not_moved()``, the password store
        failed at the work on a key before it (said), a key moving to the name typed. With
        both, one of the four always follows: a key saved waits for its profile to be in use
        (``TypedKeySave``), and a name refused meanwhile left that wait, and Settings closing
        once it ended, never ending."""
        use = partial(self._use_after_name, then, if_not_saved, also_say, say_switch)
        self.apply_typed_name(
            then=use,
            if_refused=if_name_refused,
            if_not_saved=if_not_saved,
            if_key_not_moved=if_key_not_moved,
        )

    def _use_after_name(
        self,
        then: Callable[[], None] | None,
        if_not_saved: Callable[[NotSaved], None] | None,
        also_say: str,
        say_switch: bool,
    ) -> None:
        name = self._book.selected

        def used() -> None:
            self._reshow(another_profile=False)
            # With the key given at start, the profile's own key is not the one used: said
            # here too, not only in the key row below, which the person switching need not
            # read.
            if say_switch:
                self._say(f"{self._book.target_in_use().now_used_text} {also_say}".strip())
            self.changed.emit(name)
            self.used.emit()  # a key pasted for it is saved, as the person surely expects
            if then is not None:
                then()

        self._book.use_selected(then=used, if_not_saved=if_not_saved)

    # -- the name --------------------------------------------------------------------------------

    def _note_name_typed(self, _text: str) -> None:
        self._name_typed = True

    def _rename(self) -> None:
        """ "Rename" pressed: the name typed is given to the profile. With nothing typed and
        the saved name in the field, it did nothing to be seen (the cursor starts in the key
        field): the name is selected in its field, to be typed over, and what to do is said.
        Not once a name was typed: clicked, the button took the focus off the field, which
        saved the name, and the field holds the saved name by now."""
        field = self.profileNameEdit
        if self._name_typed or field.text().strip() != self._book.selected:
            self.apply_typed_name()
            return
        field.setFocus()
        field.selectAll()
        self._say(f"Type the new name, then press “{spoken_name(RENAME_TEXT)}” or Enter.")

    def apply_typed_name(
        self,
        then: Callable[[], None] | None = None,
        if_refused: Callable[[str], None] | None = None,
        if_not_saved: Callable[[NotSaved], None] | None = None,
        if_key_not_moved: Callable[[], object] | None = None,
    ) -> None:
        """Give the selected profile the name in the field, if it was changed; then ``then``,
        once its key has followed the new name. Not when that name cannot be used (the
        reason beside the field, and ``if_refused(reason)``), the password store failed at
        the work on a key (said, and ``if_key_not_moved()``), or the name was not saved
        (said on the status line, or by ``if_not_saved``, see ``ProfileBook._change``). Done
        once the changes made before are saved and the key of a profile renamed before has
        moved (``when_settled``), with the name in the field now: it is the one the person
        typed. The field counts as edited again (``isModified``) only once something is
        typed after this: see :meth:`apply_typed`."""
        typed = self.profileNameEdit.text()
        self.profileNameEdit.setModified(False)
        apply = partial(
            self._apply_name,
            typed,
            self._renames_not_written,
            then,
            if_refused,
            if_not_saved,
            if_key_not_moved,
        )
        self.when_settled(apply, if_key_not_moved)

    def apply_typed(self) -> str | None:
        """Save what was typed in the name and address fields since it was last saved (or
        tried, and refused or not written: said then), for the dialog closing.

        Moving on to another field saves them too, but the dialog hiding moves the focus
        too late: the change was written once the dialog was gone, the window never told,
        and it went on sending links to the old address while the file held the new one.

        Returns why a name or address typed was refused, now or before, with the focus put
        on its field, so that the dialog stays open: it closed at once, the reason seen only
        as it went, what was typed dropped and the old address kept without a word. Said
        once for that text: closed again, the dialog closes without it."""
        if self.profileNameEdit.isModified():
            self.apply_typed_name()
        if self.customBaseEdit.isModified():
            self._on_custom_base_entered()
        for field in (self.profileNameEdit, self.customBaseEdit):
            refusal = self._refused.get(field)
            if refusal is None or (field, *refusal) in self._refusals_said:
                continue
            self._refusals_said.add((field, *refusal))
            field.setFocus()
            return refusal[1]
        return None

    def name_refusal_said(self) -> None:
        """The dialog said why the name typed was refused, with that it stayed open (see
        ``use_selected``): closed again, it closes without that name (:meth:`apply_typed`)."""
        refusal = self._refused.get(self.profileNameEdit)
        if refusal is not None:
            self._refusals_said.add((self.profileNameEdit, *refusal))

    def _note_refusal(self, field: QLineEdit, text: str, reason: str) -> None:
        self._refused[field] = (text, reason)
        self._withdraw_said(field, keeping=(field, text, reason))

    def _note_accepted(self, field: QLineEdit) -> None:
        """What ``field`` holds was taken: a refusal of it no longer stands."""
        self._refused.pop(field, None)
        self._withdraw_said(field)
        self._refusals_said = {said for said in self._refusals_said if said[0] is not field}

    def _withdraw_said(
        self, field: QLineEdit, keeping: tuple[QLineEdit, str, str] | None = None
    ) -> None:
        """The refusals of ``field`` the dialog stayed open for no longer hold (but
        ``keeping``): ``refusal_withdrawn`` tells the dialog, whose status line went on
        saying in red that the address was refused after it was typed back as saved."""
        for said in self._refusals_said:
            if said[0] is field and said != keeping:
                self.refusal_withdrawn.emit(said[2])

    @contextmanager
    def leaving_saves_nothing(self) -> Iterator[None]:
        """While the dialog hides: its fields lose the focus, which saves what they hold
        (``editingFinished``), and a write started then would end after the dialog is gone,
        with what was to follow it (the window told of the change). What was typed was
        saved before (:meth:`apply_typed`), or tried and said to have failed."""
        with QSignalBlocker(self.profileNameEdit), QSignalBlocker(self.customBaseEdit):
            yield

    def _apply_name(
        self,
        typed: str,
        not_written_before: int,
        then: Callable[[], None] | None,
        if_refused: Callable[[str], None] | None,
        if_not_saved: Callable[[NotSaved], None] | None,
        if_key_not_moved: Callable[[], object] | None,
    ) -> None:
        """See :meth:`apply_typed_name`, asked for when ``not_written_before`` renames had
        failed to be written. A rename to ``typed`` that failed since is not tried again
        (``_not_written_since``): Close pressed as a name was typed, while a key was saved
        for the profile, tried the rename twice, and its failure was read out three times."""
        if self._book.is_managed():
            if then is not None:
                then()
            return
        old = self._book.selected
        try:
            new = self._book.usable_name(typed)
        except ValueError as error:
            self._refuse_name(typed, str(error), if_refused)
            return
        self._note_accepted(self.profileNameEdit)
        if new == old:
            self.profileNameError.hide()
            if then is not None:
                then()
            return
        not_written = self._not_written_since(not_written_before, old, new)
        if not_written is not None:  # said already
            if if_not_saved is not None:
                if_not_saved(not_written)
            return

        def renamed() -> None:
            self.profileNameError.hide()
            self._reshow(another_profile=False)  # a name typed on meanwhile stays
            # What a button does next says its own words: said after these, they only flash.
            after = self.words_after_rename(old) if then is None else ""
            self._say(f"Renamed the profile “{old}” to “{new}”. {after}".strip())
            self.renamed.emit(old, new)  # ``changed`` follows once its key has moved too
            if then is not None:  # what the button does, on the key under its new name too
                self.when_settled(then, if_key_not_moved)

        def not_renamed(not_saved: NotSaved) -> None:
            if not_saved.refused:  # another copy of the program took the name meanwhile
                self._refuse_name(typed, not_saved.what_to_do, if_refused)
                if if_refused is None:
                    self._say_name_taken(not_saved.what_to_do)
                return
            self._rename_not_written = (old, new, not_saved)
            self._renames_not_written += 1
            if if_not_saved is not None:
                if_not_saved(not_saved)
            elif not_saved.what_to_do:  # not a mistake in the program (reported as one)
                self._say(self._book.last_failure, "error")

        self._book.rename(new, then=renamed, if_not_saved=not_renamed)

    def _refuse_name(
        self, typed: str, reason: str, if_refused: Callable[[str], None] | None
    ) -> None:
        """The name ``typed`` cannot be used, for ``reason``: said beside the field (and by
        ``if_refused``), as where it was typed. Refused by the settings on disk, another
        copy of the program having saved that name meanwhile, it was said as a file that
        could not be written, and Settings taught nothing about the name."""
        self._show_name_error(reason)
        self._note_refusal(self.profileNameEdit, typed, reason)
        if if_refused is not None:
            if_refused(reason)

    def _say_name_taken(self, reason: str) -> None:
        """Say why the name typed was refused by the settings on disk (another copy of the
        program took it), with that the dialog stayed open where Close waited for the rename
        (``closing_words``): said so, closed again, it closes without that name. Close
        refused the name again otherwise, said it a third time, and closed only then."""
        words = self.closing_words(reason)
        if words != reason:  # Close waited for the rename: it stayed open, as said
            self.name_refusal_said()
        self._say(words, "error")

    def _not_written_since(self, not_written_before: int, old: str, new: str) -> NotSaved | None:
        """Why renaming ``old`` to ``new`` could not be written, where that failed after
        ``not_written_before`` renames had; None where it did not."""
        failed = self._rename_not_written
        if self._renames_not_written == not_written_before or failed is None:
            return None
        failed_old, failed_new, not_saved = failed
        return not_saved if (failed_old, failed_new) == (old, new) else None

    def _show_name_error(self, message: str) -> None:
        self.profileNameError.setText(message)
        self.profileNameError.show()
        self.profileNameEdit.setAccessibleDescription(message)
        self.profileNameEdit.setFocus()
        # Selected, so that typing replaces it and a key pasted here by mistake is cut in one go.
        self.profileNameEdit.selectAll()

    # -- region and address ----------------------------------------------------------------------

    @Slot(int)
    def _on_region_chosen(self, _index: int) -> None:
        self._update_fields()
        region = Region(self.regionCombo.currentData())
        if region is Region.CUSTOM and not self.customBaseEdit.text().strip():
            self.customBaseError.setText("Enter the address of the Kombo API, then press Enter.")
            self.customBaseError.show()
            self.customBaseEdit.setFocus()
            return
        self._apply_chosen_connection()

    def _on_custom_base_entered(self) -> None:
        if self.regionCombo.currentData() == Region.CUSTOM.value:
            self._apply_chosen_connection()

    def _apply_chosen_connection(self) -> None:
        """Save the region and address chosen now, once the changes made before are saved.

        A name typed and not saved yet goes first, checked as any rename is: where the region
        list takes no focus (macOS), the name kept it, and Settings said that "New profile"
        now connected to the region beside a field reading "Acme Corp US". Refused, the
        name stays in its field with the reason, and the region goes to the profile as it is
        still named."""
        region = Region(self.regionCombo.currentData())
        custom_text = self.customBaseEdit.text().strip()
        self.customBaseEdit.setModified(False)  # see ``apply_typed``

        def apply() -> None:
            self._apply_connection(region, custom_text, None)

        if self.profileNameEdit.isModified():
            self.apply_typed_name()
            self.when_settled(apply)  # once the key has followed the new name too
        else:
            self._book.when_saved(apply)

    def apply_connection(self, then: Callable[[], None] | None = None) -> bool:
        """Save the region and address shown in the form, then ``then`` (once saved); False
        (and a message beside the address) if the address is not valid."""
        region = Region(self.regionCombo.currentData())
        self.customBaseEdit.setModified(False)  # see ``apply_typed``
        return self._apply_connection(region, self.customBaseEdit.text().strip(), then)

    def _apply_connection(
        self, region: Region, custom_text: str, then: Callable[[], None] | None
    ) -> bool:
        profile = self._book.profile()
        custom_base = profile.custom_base
        if region is Region.CUSTOM or custom_text:
            try:
                custom_base = normalize_api_base(custom_text)
            except ValueError as error:
                if region is Region.CUSTOM:
                    self._show_connection(region, custom_text)
                    self.customBaseError.setText(str(error))
                    self.customBaseError.show()
                    self.customBaseEdit.setAccessibleDescription(str(error))
                    self._note_refusal(self.customBaseEdit, custom_text, str(error))
                    return False
        self._note_accepted(self.customBaseEdit)
        self.customBaseError.hide()
        self.customBaseEdit.setAccessibleDescription("")
        if region is profile.region and custom_base == profile.custom_base:
            if then is not None:
                then()
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

        def saved() -> None:
            self._show_connection(region, custom_text)
            self.connection_changed.emit()
            if address_changed:
                place = describe(updated)
                no_key = self.has_no_key(profile.name)
                self._say(moved_text(profile.name, place, no_key, self.check_text()))
                self.changed.emit(profile.name)
            if then is not None:
                then()

        # Not saved, the book says why; what was typed (the address, and the key beside it)
        # stays in the form for another try rather than being reset to what is on disk.
        self._book.replace(profile.name, updated, saved)
        return True

    def _show_connection(self, region: Region, custom_text: str) -> None:
        """The form shows ``region`` and ``custom_text`` again where it was shown afresh
        while they were being saved (another change's, saved before them). An address
        typed since stays, to be saved as any typed address is (see ``apply_typed``)."""
        if self.regionCombo.currentData() != region.value:
            with QSignalBlocker(self.regionCombo):
                self.regionCombo.setCurrentIndex(self.regionCombo.findData(region.value))
        edit = self.customBaseEdit
        if edit.text().strip() != custom_text and not edit.isModified():
            with QSignalBlocker(self.customBaseEdit):
                self.customBaseEdit.setText(custom_text)
        self._update_fields()

    def key_address(self, then: Callable[[str], None]) -> None:
        """``then(address)`` with the address the selected profile's key is checked at,
        after saving the form (the name too: the key is stored under it); not when the name
        or the address cannot be used or saved (said)."""

        def after_name() -> None:
            if not self.apply_connection(lambda: then(self._book.key_address())):
                self.customBaseEdit.setFocus()

        self.apply_typed_name(then=after_name)
