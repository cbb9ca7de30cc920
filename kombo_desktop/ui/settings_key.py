"""The settings dialog's API key: the password field, where the key is kept, and its checks.

People use this screen while sharing it with customers, so the key is typed into a password
field that the program never fills in, and after saving the dialog only says *where* a key is
kept ("stored in the macOS keychain", "kept for this session only"). A key Kombo refuses stays
in the field, unsaved, so it can be corrected. The checks themselves run on a worker thread
(see ``settings_key_checks``); while one runs, the rest of the dialog waits.

So does every other use of the credential store: looking up where a profile's key is kept,
forgetting it, moving it with a renamed profile, deleting it with a removed one. A store can
hold the caller until a prompt is answered ("allow access to the keychain?", "unlock the
keyring"), and the dialog must stay alive meanwhile. Where each profile's key is kept is
remembered once read, and updated by every change made here.

What a click asks of a profile waits for that work too (:meth:`KeySection.when_settled`): a
name typed without Enter is saved as the click takes the focus off it, and its key then moves
to the new name on a worker; "Add profile" or "Remove profile", clicked, came next, found the
key moving and were dropped without a word. They are done once it has moved, in order;
not when the store failed meanwhile, which is said.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ParamSpec

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from kombo_desktop.core.credentials import (
    STORE_NOT_CLEARED,
    InvalidApiKeyError,
    KeyLocation,
    clean_api_key,
)
from kombo_desktop.core.errors import WHO_MANAGES_KOMBO, is_key_refused
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.safe_text import looks_like_api_key
from kombo_desktop.ui import theme
from kombo_desktop.ui.account_feature import key_removed_text
from kombo_desktop.ui.confirm import Choice, confirm, save_drop_or_cancel
from kombo_desktop.ui.flow_layout import FlowLayout
from kombo_desktop.ui.key_verdicts import refused_by_kombo
from kombo_desktop.ui.settings_book import OWN_KEY, ProfileBook, Say
from kombo_desktop.ui.settings_key_checks import (
    SAVE_UNCHECKED_OFFERED,
    KeyCheckPausedError,
    KeyPause,
    KeySaved,
    PausedKeyCheck,
    check_stored,
    check_typed,
    environment_id_text,
    failure_text,
    here_in_settings,
    location_text,
    save_typed,
    saved_text,
)
from kombo_desktop.ui.tasks import TaskHandle, TaskRunner
from kombo_desktop.ui.widgets import (
    FieldForm,
    buddy_label,
    hand_over_focus,
    notice_label,
    plain_label,
    push_button,
    relabel,
    spoken_name,
)

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.credentials import CredentialStore

    # A worker function of ``settings_key_checks`` with its own arguments already given.
    KeyJob = Callable[[CredentialStore, str, CancelToken], Any]

_log = logging.getLogger(__name__)
_Outcome = ParamSpec("_Outcome")

SAVE_TEXT = "&Save and check key"
CHECK_STORED_TEXT = "&Check the stored key"
# The same button where the key is not stored: KOMBO_API_KEY's, or one kept for this session
# only. "Check the stored key" there sat under "… it is not stored anywhere".
CHECK_KEY_TEXT = "&Check the key"
FORGET_KEY_TEXT = "Forget key"


# Said first wherever a pasted key that is not saved would go.
KEY_NOT_SAVED_TEXT = "The API key you pasted is not saved yet, so the program cannot use it."


def save_offered_text(then: str, if_it_fails: str) -> str:
    """Said where "Save and check key" is offered in the question itself, before what the
    person asked for (``then``: "closes Settings"): that comes only once the key is stored.
    Where Kombo refused it, it was not checked, or kept for this session only (not stored),
    ``if_it_fails`` ("Settings stays open and says why")."""
    return (
        f"{KEY_NOT_SAVED_TEXT} “{SAVE_TEXT.replace('&', '')}” checks it with Kombo, stores it "
        f"and {then}; if that fails, {if_it_fails}."
    )


# The same, as Settings closes.
UNSAVED_KEY_SAVE_OFFERED_TEXT = save_offered_text(
    "closes Settings", "Settings stays open and says why"
)
# The key field's description for a screen reader; a refusal of the key typed goes first.
KEY_FIELD_HINT = (
    "Paste the key from the Kombo dashboard, Secrets page. It is hidden while you type. "
    f"No access to the dashboard? Ask {WHO_MANAGES_KOMBO} to set up a key for you."
)
# Said of a profile whose key Kombo refused (a link, the tool lists, a check here) since it
# was last saved or accepted: "A key is stored" alone, with the environment remembered from an
# earlier check, read as if the key were fine, while the window said it was refused.
KEY_REFUSED_TEXT = (
    "Kombo refused this key just now: it may have been revoked. Paste the current key and save it."
)
# The same, remembered from an earlier run for the key the password store holds (see
# ``key_verdicts``): "A key is stored" alone sent the person on to a link refused again.
KEY_REFUSED_BEFORE_TEXT = (
    "Kombo refused this key when it was last used: it may have been revoked. Paste the "
    "current key and save it, or, if it was replaced since, press "
    f"“{CHECK_STORED_TEXT.replace('&', '')}”."
)
LOOKING_UP_TEXT = "Looking for this profile's key…"
LOOKUP_FAILED_TEXT = (
    "Where this profile's key is kept could not be read. Close the settings and open them again."
)
STORE_FAILED_TEXT = (
    "The password store did not answer as expected, so the key may not have changed. Close the "
    "settings and open them again to see where the key is kept."
)
# The same, where something the person asked for waited for that work (see ``when_settled``).
STORE_FAILED_NOTHING_DONE_TEXT = (
    "The password store did not answer as expected, so the key may not have changed, and what "
    "you asked for next was not done. Close the settings and open them again to see where the "
    "key is kept, then try again."
)


@dataclasses.dataclass
class TypedKeySave:
    """How one save of a pasted key ended (see :meth:`KeySection.save_typed_key_then`):
    ``stored`` in the password store, and ``said``, what the status line said of it then
    (where it went, KOMBO_API_KEY still used for this run, a problem of the store). Neither
    while it runs, nor where it was refused, could not be checked or was cancelled.

    ``profile``: the name it was saved under (a name typed is saved first).
    ``in_use_said``: what the status line then said of the profile links are made with, set
    by the dialog when the key is saved (``SettingsDialog._key_saved``). Where the saved
    profile is being taken into use (:meth:`taking_into_use`), :meth:`when_in_use_said` waits
    until that is done: what is said next, said before it, was lost when it was.
    ``store_problem``: for a key kept for this session only, what the password store's
    problem was as it was saved (locked, not available), read then: it may change since.
    ``not_taken``: taking it into use could not be written, or was not tried, the name typed
    for it refused or its key not moved to that name (:meth:`not_taken_into_use`).
    ``to_leave``: made as its profile is left ("Save and check key" when asked), which goes
    on once the key is stored (see :attr:`said_aloud`). Set as the save starts
    (``KeySection.save_typed_key_then``); a save already running when leaving is asked for
    keeps its own: another profile and "Add profile" cannot be chosen while a key is
    checked or stored, and Settings closing says nothing after the save."""

    stored: bool = False
    said: str = ""
    profile: str = ""
    in_use_said: str = ""
    store_problem: str = ""
    not_taken: bool = False
    to_leave: bool = False
    _waiting: list[Callable[[], None]] | None = dataclasses.field(default=None, repr=False)

    @property
    def said_aloud(self) -> bool:
        """Whether what the save says is read out: not for a key stored as its profile is
        left, whose leaving says it all again before its own words (read out both times, a
        screen reader read the long words twice); only shown then."""
        return not (self.to_leave and self.stored)

    def taking_into_use(self) -> None:
        """The profile is being taken into use: :meth:`when_in_use_said` waits for
        :meth:`say_in_use` or :meth:`not_taken_into_use`, one of which always follows (see
        ``ProfilesSection.use_selected``)."""
        self._waiting = []

    def say_in_use(self, words: str) -> None:
        """What was said of the profile links are made with: what waited for it goes on."""
        self.in_use_said = words
        waiting, self._waiting = self._waiting or [], None
        for step in waiting:
            step()

    def not_taken_into_use(self) -> None:
        """Taking the profile into use could not be written, or was not tried (the name typed
        for it refused, or its key not moved to that name), and why is said: what waited for
        it is dropped, and what comes to wait later is never run."""
        self.not_taken = True
        self._waiting = None

    def when_in_use_said(self, step: Callable[[], None]) -> None:
        """Run ``step`` now, or once the profile is taken into use (not where it was not, see
        :meth:`not_taken_into_use`: that is said, and nothing more is done)."""
        if self.not_taken:
            return
        if self._waiting is None:
            step()
        else:
            self._waiting.append(step)


class KeySection(QObject):
    """The key rows :meth:`add_rows` puts in the form, and ``storeProblemLabel`` for the top.

    ``key_address(then)`` saves the name and address shown in the form and then calls
    ``then`` with where keys are checked (not when they cannot be used or saved).
    ``busy_changed(bool)`` is emitted when a check starts and ends, ``changed(name)`` when
    profile ``name``'s key changed, ``key_saved(name, save)`` after ``changed`` when that was a
    key pasted and saved (said on the status line, to which the dialog may add whether links are
    made with it, in ``save``: a :class:`TypedKeySave`), ``stored_key_accepted(name, key)`` when
    Kombo accepted the key stored for ``name`` at a check: it may be another than the window
    holds, replaced outside the program (``keyring set``), in the same Kombo environment (a
    revoked key rotated) or another; ``key`` names it as the status line did ("the stored key",
    or "the key" where it is not stored, see :func:`check_key_text`); ``key_missing(name)`` when
    a look in the store found no key for ``name`` (it may have been deleted outside the program
    since the window read it);
    ``stored_key_refused(name, error)`` when Kombo refused the key kept for ``name`` at a
    check (``error``, a refusal of the key).
    """

    busy_changed = Signal(bool)
    changed = Signal(str)
    key_saved = Signal(str, object)
    key_missing = Signal(str)
    stored_key_accepted = Signal(str, str)
    stored_key_refused = Signal(str, object)

    def __init__(
        self,
        book: ProfileBook,
        tasks: TaskRunner,
        say: Say,
        key_address: Callable[[Callable[[str], None]], None],
        parent: QObject | None = None,
        *,
        paused_key_check: PausedKeyCheck | None = None,
    ) -> None:
        super().__init__(parent)
        self._paused_key_check = paused_key_check
        self._book = book
        self._tasks = tasks
        self._say = say
        self._key_address = key_address
        self._task: TaskHandle | None = None
        self._store_work = False  # the task is work on the password store alone
        self._typed_key_work = False  # the task checks or saves the key pasted
        # Where each profile's key is kept, as last read on a worker thread (see the module's
        # docstring); a profile missing here is looked up when it is shown.
        self._locations: dict[str, KeyLocation | None] = {}
        self._lookup: TaskHandle | None = None
        # What waits for the key work under way to end, in order, each with what is done
        # instead where that work failed (see ``when_settled``).
        self._waiting_for_key: list[tuple[Callable[[], object], Callable[[], object] | None]] = []
        self._pressed: QWidget | None = None  # the button that started the work: see _set_busy
        # The person chose to let the key pasted go, unsaved (Settings closed without saving
        # it): nothing asks about it again (see ``ask_to_save_typed_key``).
        self._typed_key_dropped = False
        # How the latest save of a pasted key ended, or that it runs (see
        # ``save_typed_key_then``): each save its own, so that what waits for one reads
        # how that one ended, whatever was asked or saved since.
        self._typed_key_save = TypedKeySave()
        # The save that had ended as the person was last asked about the key (None where one
        # ran then): a save since is the one judged (see ``_save_typed_key_now``).
        self._save_before_question: TypedKeySave | None = None
        # The profiles whose key Kombo refused since it was last saved or accepted (see
        # ``KEY_REFUSED_TEXT``): the window's refusal, handed over (``mark_refused``), and
        # a check here.
        self._refused: set[str] = set()
        # The profiles whose key was forgotten here (see ``key_removed``).
        self._forgotten: set[str] = set()
        # Saves the name typed for the selected profile, then runs a step once its key has
        # followed it (``ProfilesSection.apply_typed_name``: the dialog sets it).
        self.apply_typed_name: Callable[[Callable[[], None]], None] = self.when_settled
        # Whether "Save and check key" was chosen as Settings closed, and that save still runs
        # (the dialog sets it): nothing asks about the key meanwhile (``ask_to_save_typed_key``).
        self.closing_once_saved: Callable[[], bool] = lambda: False
        # Whether the dialog says at once, after a key saved for a profile, which one links are
        # still made with (the dialog sets it): the key's words are then read out with that,
        # once.
        self.says_more_once_saved: Callable[[str], bool] = lambda _name: False

        self.storeProblemLabel = notice_label("credentialProblemLabel", "")
        self.apiKeyEdit = QLineEdit()
        self.apiKeyEdit.setObjectName("apiKeyEdit")
        self.apiKeyEdit.setAccessibleName("API key")
        self.apiKeyEdit.setAccessibleDescription(KEY_FIELD_HINT)
        self.apiKeyEdit.setEchoMode(QLineEdit.EchoMode.Password)
        self.apiKeyEdit.setPlaceholderText("Paste the API key from the Kombo dashboard")
        self.apiKeyEdit.returnPressed.connect(self._save_key)
        self.keyStatusLabel = plain_label()
        self.keyStatusLabel.setObjectName("keyStatusLabel")
        self.keyStatusLabel.setWordWrap(True)

        self.saveKeyButton = push_button("saveKeyButton", SAVE_TEXT, on_click=self._save_key)
        self.saveAnywayButton = push_button(
            "saveAnywayButton", "Save &without checking", on_click=self._save_anyway
        )
        self.saveAnywayButton.setToolTip(
            "Kombo could not be reached, so the key could not be checked. Save it anyway; it "
            "is checked when you next make a link."
        )
        self.checkKeyButton = push_button(
            "checkKeyButton", CHECK_STORED_TEXT, on_click=self._check_stored_key
        )
        self.forgetKeyButton = push_button(
            "forgetKeyButton", f"&{FORGET_KEY_TEXT}", on_click=self._forget_key
        )
        self.cancelCheckButton = push_button("cancelCheckButton", "Cancel", on_click=self.cancel)
        self.saveAnywayButton.hide()
        self.cancelCheckButton.hide()
        self.apiKeyEdit.textChanged.connect(self._typed_key_changed)

        self.environmentIdLabel = plain_label()
        self.environmentIdLabel.setObjectName("environmentIdLabel")
        self.environmentIdLabel.setWordWrap(True)
        self.environmentIdLabel.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

    def add_rows(self, form: FieldForm) -> None:
        """The key field, where the key is kept, the key's buttons and its environment."""
        form.add_row(buddy_label("API &key", self.apiKeyEdit), self.apiKeyEdit)
        form.add_row(None, self.keyStatusLabel)
        # Two rows: for the key just typed, and for the one already stored. In one row, "Save
        # without checking" (offered when Kombo cannot be reached) made it wider than the
        # dialog, and every button's text was cut short. Each goes on in a next line where
        # the dialog is narrower than its buttons (larger text on a laptop's screen): side by
        # side, they made the dialog scroll sideways.
        form.add_wide_row(
            FlowLayout(self.saveKeyButton, self.saveAnywayButton, self.cancelCheckButton)
        )
        form.add_wide_row(FlowLayout(self.checkKeyButton, self.forgetKeyButton))
        form.add_row(None, self.environmentIdLabel)

    # -- showing ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while a key is being checked, saved, moved or looked up in the background."""
        return self._task is not None or self._lookup is not None

    def show_profile(self, another_profile: bool) -> None:
        """The selected profile is shown afresh: ``another_profile`` starts with an empty key
        field (the person was asked first, see :meth:`ask_to_save_typed_key`); the same one,
        renamed or taken into use, keeps the key pasted for it."""
        if another_profile:
            self.forget_typed_key()
            self.saveAnywayButton.hide()
        self.show_state()

    def has_no_key(self, name: str) -> bool:
        """Profile ``name`` was looked up and has no key (not merely not looked up yet)."""
        return name in self._locations and self._locations[name] is None

    @property
    def has_typed_key(self) -> bool:
        """A key is in the field, not saved (being checked, refused, or never sent)."""
        return bool(self.apiKeyEdit.text().strip())

    @property
    def _would_ask_about_typed_key(self) -> bool:
        """Whether a key pasted would be asked about before it goes (see
        :meth:`ask_to_save_typed_key`)."""
        return self.has_typed_key and not self._book.window_closing and not self._typed_key_dropped

    def _go_on_typing(self) -> None:
        """The person kept the key pasted to go on with it: the cursor goes back to its end.
        The focus stayed where the question came from (the profile clicked, "Add profile",
        Close), and the next keys typed moved through the list; Enter saved nothing."""
        self.apiKeyEdit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.apiKeyEdit.end(False)

    def ask_to_save_typed_key(self, title: str, question: str, drop: str, offered: str) -> Choice:
        """Ask ``question`` before a pasted key not saved yet goes (Settings closing, another
        profile shown or added), ``offered`` saying what saving does: "Save and check key"
        first, the default, as the person almost always meant to keep the key; ``drop``
        lets it go, Cancel goes back to it. Only "drop" and "Cancel" were offered before:
        the person had to cancel, find the button and go again. Gone without a word, the
        person went on sure that they had just set a key. ``DROP`` without asking where
        there is no key pasted.

        Never asked once the window is closing (a click that waited for a change being
        written, done as the window goes): ``DROP``, the key goes unsaved, as it goes with
        the window closing, which asks nothing about it. Asked then, the question popped up
        over a window going away, and its closing waited for an answer. Nor once the person
        chose ``drop``: what still waits to be done (a profile clicked before Settings was
        closed without saving the key, its click waiting for a change being written) asks
        nothing more about it, and it goes unsaved, as they chose. Another key typed is
        asked about again. Nor once the person chose "Save and check key" as Settings
        closed, while that save runs: ``SAVE``, as chosen. A profile clicked before, its
        click waiting for a change being written, asked again as the click went on, and
        "Show without saving" there let the key go, and the close waiting for it."""
        if not self._would_ask_about_typed_key:
            return Choice.DROP
        if self.closing_once_saved():
            return Choice.SAVE
        saving = self._task is not None and self._typed_key_work
        self._save_before_question = None if saving else self._typed_key_save
        said = f"{offered}\n\n{question}"
        parent = self.apiKeyEdit.window()
        choice = save_drop_or_cancel(parent, title, said, SAVE_TEXT, drop)
        if choice is Choice.CANCEL:
            self._go_on_typing()
        self._typed_key_dropped = choice is Choice.DROP
        return choice

    def save_typed_key_then(
        self, then: Callable[[TypedKeySave], None], *, to_leave: bool = False
    ) -> None:
        """Save and check the pasted key as its button does, as if it were pressed (chosen
        where Settings asked about the key before it goes), and ``then(save)`` once that work
        is over, however it ended: ``save`` says whether the key was stored in the password
        store, and what was said of it. Where it was refused, could not be checked or only
        kept for this session, why is said, as the button says it, and the key refused stays
        in the field.

        A save of this key already running is waited for, not started again; one that ran
        since the person was asked (:meth:`ask_to_save_typed_key`) is the one judged: ended
        while the question was read, the field emptied, or run for another that waited too
        (Settings closed with "Save and check key" while a profile clicked waited for a name
        being written). The key Kombo refused there was sent again, still in the field. Where
        the field was emptied otherwise, nothing was saved: an older save is not the one
        judged (it read "Saved the key", and the profile was shown). Other key work (a check
        of the stored key, a key moving to a name typed) is waited for, and the key is saved
        after it: waited for alone, the key pasted was never sent. Where the password store
        failed at that work, the key is not saved (what failed is said, see
        ``_on_store_failed``): ``then`` with nothing stored. ``to_leave``: saved as its
        profile is left, which says what saving said (see ``TypedKeySave.said_aloud``)."""
        gave_up = partial(then, TypedKeySave())
        if self._task is not None and self._typed_key_work:
            self.when_settled(partial(then, self._typed_key_save), if_dropped=gave_up)
            return
        asked = self._save_before_question
        save_now = partial(self._save_typed_key_now, then, asked, to_leave=to_leave)
        self.when_settled(save_now, if_dropped=gave_up)

    def _save_typed_key_now(
        self, then: Callable[[TypedKeySave], None], asked: TypedKeySave | None, *, to_leave: bool
    ) -> None:
        """No other key work runs now: the key pasted is saved, unless a save ran since the
        person was ``asked``, then ``then(save)``, as :meth:`save_typed_key_then` says."""
        if self._typed_key_save is not asked:  # saved since the question: that one is judged
            then(self._typed_key_save)
            return
        if not self.has_typed_key:  # emptied otherwise: nothing saved
            then(TypedKeySave())
            return
        before = self._typed_key_save
        self.saveKeyButton.setFocus(Qt.FocusReason.OtherFocusReason)  # Cancel as it checks
        self._save_key(to_leave=to_leave)

        def ended() -> None:
            # None started where the name or the address typed was refused first (said).
            started = self._typed_key_save
            then(started if started is not before else TypedKeySave())

        def dropped() -> None:
            then(TypedKeySave())

        self.when_settled(ended, if_dropped=dropped)

    def let_typed_key_go(self) -> None:
        """The key pasted goes unsaved, unasked (the program closes Settings itself): as
        where the person chose to close without saving it, nothing asks about it again."""
        self._typed_key_dropped = True

    def forget_typed_key(self) -> None:
        with QSignalBlocker(self.apiKeyEdit):
            self.apiKeyEdit.clear()
        self.apiKeyEdit.setAccessibleDescription(KEY_FIELD_HINT)

    def mark_refused(self, name: str) -> None:
        """Kombo refused profile ``name``'s key (the window's last link, or its tool lists):
        said with where it is kept (from the next :meth:`show_state` on) until another key
        is saved or this one is accepted."""
        self._refused.add(name)

    def key_refused(self, name: str) -> bool:
        """Whether Kombo refused ``name``'s key since it was last saved or accepted."""
        return name in self._refused

    def _typed_key_changed(self) -> None:
        """What was said of the key before no longer holds for the one being typed: "Save
        without checking" was offered for the key that could not be checked, and the field's
        description told why that one was not saved. Nor does the choice to let the key go
        unsaved: this is another (see ``ask_to_save_typed_key``)."""
        self._typed_key_dropped = False
        self.saveAnywayButton.hide()
        self.apiKeyEdit.setAccessibleDescription(KEY_FIELD_HINT)

    def _refuse_typed_key(self, words: str) -> None:
        """Say why the key typed was not saved, and keep it in the field's description while
        the key stands: a screen reader reads it with the field whenever the focus comes back
        to it, after the moment the status line was said has passed."""
        self._say(words, "error")
        self.apiKeyEdit.setAccessibleDescription(f"{words} {KEY_FIELD_HINT}")
        self.apiKeyEdit.setFocus()

    def show_state(self) -> None:
        """Where the selected profile's key is kept (never the key), and the store's problem.

        A profile whose key has not been looked up yet says so and is looked up on a worker.
        """
        profile = self._book.profile()
        known = profile.name in self._locations
        location = self._locations.get(profile.name)
        idle = known and self._task is None
        has_key = location is not None and location is not KeyLocation.UNREADABLE
        refusal = self._refusal_text(profile.name, location) if has_key else None
        refused = refusal is not None
        where = location_text(location) if known else LOOKING_UP_TEXT
        _show_text(self.keyStatusLabel, f"{where} {refusal}" if refused else where)
        theme.set_look(self.keyStatusLabel, "kind", "error" if refused else "")
        # The field is where the way forward goes: a screen reader says why with it.
        hint = f"{refusal} {KEY_FIELD_HINT}" if refused else KEY_FIELD_HINT
        said_before = {KEY_FIELD_HINT, hint, *(f"{r} {KEY_FIELD_HINT}" for r in _REFUSALS)}
        if self.apiKeyEdit.accessibleDescription() in said_before:
            self.apiKeyEdit.setAccessibleDescription(hint)  # not over a typed key's refusal
        self.checkKeyButton.setEnabled(idle and has_key)
        check_text = check_key_text(location)
        relabel(self.checkKeyButton, check_text)
        self.forgetKeyButton.setEnabled(idle and location in OWN_KEY)
        # The environment remembered from an earlier check is not shown for a key refused
        # since: beside it, it read as the key still being good.
        environment = None if refused else profile.environment_id
        _show_text(self.environmentIdLabel, environment_id_text(environment))
        problem = self._book.credentials.problem
        problem = here_in_settings(problem) if problem else None
        self.storeProblemLabel.setText(problem or "")
        self.storeProblemLabel.setAccessibleName(problem or "")
        self.storeProblemLabel.setVisible(bool(problem))
        if not known:
            self._look_up(profile.name)

    def _refusal_text(self, name: str, location: KeyLocation | None) -> str | None:
        """What is said of ``name``'s key Kombo refused: since it was last saved or accepted
        in this run, or, for the key the password store holds, when it was last used (in an
        earlier run, see ``key_verdicts``); None when neither."""
        if name in self._refused:
            return KEY_REFUSED_TEXT
        remembered = self._book.settings.key_refused_at(name) is not None
        if remembered and location is KeyLocation.CREDENTIAL_STORE:
            return KEY_REFUSED_BEFORE_TEXT
        return None

    def _stored_key_verdict(self, refused: bool) -> None:
        """Kombo refused (``refused``) or accepted the key checked for the selected profile:
        remembered for the next start when it is the key the password store holds."""
        name = self._book.selected
        stored = self._locations.get(name) is KeyLocation.CREDENTIAL_STORE
        if stored and not self._book.credentials.run_key_in_use:
            self._book.set_key_refused(name, refused)

    def look_again(self) -> None:
        """Forget what is known about where keys are kept and read it again (a key may have
        been changed outside the program, e.g. with ``keyring set``)."""
        self._locations.clear()
        self.show_state()

    def _look_up(self, name: str) -> None:
        """Read where ``name``'s key is kept, on a worker; one lookup at a time, and when it
        ends the profile shown then is looked up if it still needs to be."""
        if self._lookup is not None or self._task is not None:
            return  # show_state runs again when that ends
        credentials = self._book.credentials

        def current() -> bool:
            return self._lookup is handle  # not replaced or dropped meanwhile

        def found(location: KeyLocation | None) -> None:
            if current():
                self._lookup = None
                self._locations[name] = location
                self.show_state()
                if location is None:
                    self.key_missing.emit(name)

        def failed(error: BaseException) -> None:
            if current():
                self._lookup = None
                _log.warning("Looking up the key of a profile failed: %s", type(error).__name__)
                _show_text(self.keyStatusLabel, LOOKUP_FAILED_TEXT)

        def dropped() -> None:
            if current():
                self._lookup = None

        handle = self._tasks.run(
            lambda _cancel: credentials.location(name),
            on_done=found,
            on_error=failed,
            on_cancelled=dropped,
            owner=self,
            name="find-key",
        )
        self._lookup = handle

    # -- waiting for the key ---------------------------------------------------------------------

    def when_settled(
        self, step: Callable[[], object], if_dropped: Callable[[], object] | None = None
    ) -> None:
        """Run ``step`` once the changes to the settings asked for before it are written
        (``ProfileBook.when_saved``) and no work on a key runs: a renamed profile's key moving
        to its new name, a check. What the person asked for meanwhile is then done on the
        profile as renamed, and its key where it now is, in the order they asked; not when
        the password store failed in that work (``_on_store_failed``): ``if_dropped`` then,
        for what must hear of it (Settings waiting to close once a key is saved); True from
        it where it said the store's failure itself."""
        self._book.when_saved(partial(self._after_key_work, step, if_dropped))

    def _after_key_work(
        self, step: Callable[[], object], if_dropped: Callable[[], object] | None
    ) -> None:
        if self._task is None and not self._waiting_for_key:
            step()
            return
        self._waiting_for_key.append((step, if_dropped))

    def _go_on_after_key_work(self) -> None:
        """The key work ended (and what follows it was done): what waited for it goes on, in
        order, each once the settings changes before it are written."""
        if self._task is not None:  # what followed started more: it waits for that too
            return
        waiting, self._waiting_for_key = self._waiting_for_key, []
        for step, if_dropped in waiting:
            self.when_settled(step, if_dropped)

    def _then_go_on(self, handler: Callable[_Outcome, None]) -> Callable[_Outcome, None]:
        """``handler``, then what waited for the key work it ends."""

        def handle(*outcome: _Outcome.args, **named: _Outcome.kwargs) -> None:
            try:
                handler(*outcome, **named)
            finally:
                self._go_on_after_key_work()

        return handle

    @property
    def check_text(self) -> str:
        """The words on the button that checks the selected profile's key, as shown now."""
        return self.checkKeyButton.text()

    def _key_checked_words(self) -> str:
        """The key "Check the key" checks, as its progress and result say it: "the stored key"
        only where it is stored (see :func:`check_key_text`)."""
        location = self._locations.get(self._book.selected)
        return "the stored key" if check_key_text(location) == CHECK_STORED_TEXT else "the key"

    # -- starting a check ------------------------------------------------------------------------

    def _typed_key(self) -> str | None:
        try:
            key = clean_api_key(self.apiKeyEdit.text())
        except InvalidApiKeyError as error:
            self._refuse_typed_key(str(error))
            return None
        if looks_like_api_key(key):
            # A real key pasted here is kept out of the log and the forms at once, whatever
            # Kombo says of it (one made for the other region is still a key). Other text is
            # taken for a key only once Kombo accepts it or it is saved (``check_typed``,
            # ``CredentialStore.save``): an e-mail address typed here by mistake was refused
            # in the form as "an API key" for the rest of the session.
            register_secret(key)
        return key

    def _save_key(self, *, to_leave: bool = False) -> None:
        """Save and check the pasted key; ``to_leave``: as its profile is left (see
        ``TypedKeySave.said_aloud``), never for the key button or Enter in the field."""
        if self._task is None:
            # Saves a name typed first, and moves its key.
            self._key_address(partial(self._save_key_at, to_leave=to_leave))

    def _save_key_at(self, api_base: str, *, to_leave: bool = False) -> None:
        if self._task is not None:
            # Not a key moving to a name typed and saved just now: ``key_address`` waits
            # for that (``when_settled``), and the check starts on the key under its new name.
            return  # pressed twice while the name was saved: checked once
        key = self._typed_key()
        if key is not None:
            save = self._typed_key_save = TypedKeySave(to_leave=to_leave)
            pause = self._pause_at(api_base)
            job = partial(check_typed, api_base=api_base, key=key, pause=pause)
            self._start(
                job,
                typed=True,
                progress="Checking the key with Kombo…",
                name="check-key",
                on_done=partial(self._store_typed_key, key, save=save),
            )

    def save_typed_key(self) -> None:
        """Save and check a pasted key as its button does ("Use this profile" with a key pasted
        for it). "Use this profile" waited for the key of a profile it renamed to move to the
        new name (``when_settled``): the key pasted is saved there, not replaced by the moved
        one."""
        if self.has_typed_key:
            self._save_key()

    def _save_anyway(self) -> None:
        # For the profile as saved: renamed by the click (the name typed), once its stored
        # key has moved to the new name, or this one would be replaced by it.
        self.when_settled(self._save_anyway_now)

    def _save_anyway_now(self) -> None:
        key = self._typed_key()
        if key is not None:
            save = self._typed_key_save = TypedKeySave()
            # Which hides this button, the focus moved first.
            self._store_typed_key(key, None, save=save)

    def _store_typed_key(self, key: str, environment_id: str | None, *, save: TypedKeySave) -> None:
        """Store the typed key, which Kombo accepted (in ``environment_id``) or which is saved
        without a check (None), its end told in ``save``, this save's own (another may have
        begun since). No Cancel meanwhile: the store may ask "allow access?", and what it then
        does cannot be taken back."""
        credentials, profile = self._book.credentials, self._book.selected
        job = partial(save_typed, key=key, environment_id=environment_id)
        self._say("Saving the key in your password store…")
        self._run(
            lambda cancel: job(credentials, profile, cancel),
            on_done=partial(self._on_key_saved, save),
            on_error=lambda error: self._on_failed(error, typed=True),
            name="save-key",
            typed=True,
        )

    def _check_stored_key(self) -> None:
        if self._task is None:
            self._key_address(self._check_stored_key_at)

    def _check_stored_key_at(self, api_base: str) -> None:
        if self._task is not None:  # as in ``_save_key_at``: a moving key was waited for
            return
        job = partial(check_stored, api_base=api_base, pause=self._pause_at(api_base))
        progress = f"Checking {self._key_checked_words()} with Kombo…"
        self._start(
            job,
            typed=False,
            progress=progress,
            name="check-stored-key",
            on_done=self._on_stored_key_checked,
        )

    def _pause_at(self, api_base: str) -> KeyPause | None:
        """The wait Kombo asked the window for, if a check of the selected profile's key at
        ``api_base`` must heed it: that key is not sent until the wait is over."""
        if self._paused_key_check is None:
            return None
        return self._paused_key_check(self._book.selected, api_base)

    def _start(
        self,
        job: KeyJob,
        *,
        typed: bool,
        progress: str,
        name: str,
        on_done: Callable[[Any], None],
    ) -> None:
        """Check the ``typed`` key or the stored one with Kombo for the selected profile, on a
        worker thread; ``on_done`` gets Kombo's answer (the environment id)."""
        credentials, profile = self._book.credentials, self._book.selected
        self._say(progress)
        self._run(
            lambda cancel: job(credentials, profile, cancel),
            on_done=on_done,
            on_error=lambda error: self._on_failed(error, typed=typed),
            name=name,
            check=True,
            typed=typed,
        )

    def _run(
        self,
        work: Callable[[CancelToken], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        name: str,
        check: bool = False,
        typed: bool = False,
    ) -> None:
        """Run one piece of key work on a worker thread, with the dialog waiting meanwhile.

        A ``check`` (with Kombo) can be cancelled; work on the password store alone cannot (a
        call into the store cannot be taken back), so it shows no Cancel button. ``typed``:
        the work checks or saves the key pasted (see :meth:`save_typed_key_then`).
        """
        if self._lookup is not None:
            self._lookup.cancel()  # its answer may be out of date once this work has run
            self._lookup = None
        self._set_busy(True, check=check)
        self._typed_key_work = typed
        dropped = self._on_cancelled if check else self._on_store_work_dropped
        self._task = self._tasks.run(
            work,
            on_done=self._then_go_on(on_done),
            on_error=self._then_go_on(on_error),
            on_cancelled=self._then_go_on(dropped),
            owner=self,
            name=name,
        )

    def _set_busy(self, busy: bool, *, check: bool = False) -> None:
        """While key work runs, nothing else can change; what was typed stays where it is.

        The keyboard focus stays with the key: Qt moved it off the button pressed, disabled,
        to the next stop, "Open the log folder", where a second Enter opened a file manager.
        It waits on Cancel while Kombo checks (in the key field while the password store
        works), and goes back to the button pressed when the work ends, or to the key field
        where that button is no longer offered (no key left to forget).
        """
        buttons = (self.saveKeyButton, self.checkKeyButton, self.forgetKeyButton)
        offered = (*buttons, self.saveAnywayButton)  # pressed, they start the work
        cancel = self.cancelCheckButton
        self.apiKeyEdit.setReadOnly(busy)
        self.saveKeyButton.setText("Checking…" if busy and check else SAVE_TEXT)
        self._store_work = busy and not check
        if busy:
            if check:
                cancel.show()
            pressed = hand_over_focus((*offered, cancel), cancel if check else self.apiKeyEdit)
            if pressed in offered:
                self._pressed = pressed
            for widget in buttons:
                widget.setEnabled(False)
            self.saveAnywayButton.hide()  # offered again if this check cannot reach Kombo either
            cancel.setVisible(check)  # a check may hand over to work on the password store
            self.busy_changed.emit(True)
            return
        self.saveKeyButton.setEnabled(True)
        self._task = None
        self._typed_key_work = False
        self.busy_changed.emit(False)
        self.show_state()  # the stored key's buttons, as they now apply
        pressed, self._pressed = self._pressed, None
        back: QWidget = self.apiKeyEdit
        if pressed is not None and pressed.isEnabled() and pressed.isVisibleTo(pressed.window()):
            back = pressed
        hand_over_focus((cancel, self.apiKeyEdit) if pressed is not None else (cancel,), back)
        cancel.hide()

    @property
    def store_work_running(self) -> bool:
        """Whether a key is being saved, moved or deleted in the password store: work that
        cannot be taken back, whose result the window must hear of."""
        return self._task is not None and self._store_work

    def cancel(self) -> None:
        """Stop a running check (Cancel, or the dialog closing) and any lookup. Not work on
        the password store: it cannot be taken back, and the window must hear what it did
        (see :meth:`store_work_running`)."""
        if self._lookup is not None:
            self._lookup.cancel()
            self._lookup = None
        if self._task is not None and not self._store_work:
            self._task.cancel()

    # -- results ---------------------------------------------------------------------------------

    def _on_key_saved(self, save: TypedKeySave, outcome: KeySaved) -> None:
        name = self._book.selected
        credentials = self._book.credentials
        # While KOMBO_API_KEY is set, it stays the key in use: the status says so, not "stored".
        in_use = KeyLocation.RUN_KEY if credentials.run_key_in_use else None
        self._locations[name] = in_use or outcome.location
        text = saved_text(outcome, credentials.problem, run_key=in_use is not None)
        save.stored = outcome.location is KeyLocation.CREDENTIAL_STORE
        if outcome.location is KeyLocation.SESSION_ONLY:
            save.store_problem = credentials.problem or ""
        save.said = text
        save.profile = name
        self._refused.discard(name)
        if outcome.location is KeyLocation.CREDENTIAL_STORE:  # another key in the store now
            self._book.set_key_refused(name, False)
        self._set_busy(False)
        self.forget_typed_key()

        def said() -> None:
            self.show_state()
            # Read out alone, then again with what the dialog says next: the long words twice.
            aloud = save.said_aloud and not self.says_more_once_saved(name)
            self._say(text, "success", aloud=aloud)
            self.changed.emit(name)
            self.key_saved.emit(name, save)

        # A key saved unchecked has no known environment: the replaced key's is not its own
        # (the duplicate check tells links of different environments apart by it).
        self._book.set_environment_id(outcome.environment_id, then=said)

    def _on_stored_key_checked(self, environment_id: str) -> None:
        self._refused.discard(self._book.selected)
        self._stored_key_verdict(refused=False)
        self._set_busy(False)
        if self._book.credentials.run_key_in_use:
            # The key checked was KOMBO_API_KEY's: its environment is not the profile's.
            self.show_state()
            self._say(
                f"Kombo accepted the key from KOMBO_API_KEY (environment {environment_id}).",
                "success",
            )
            return
        name = self._book.selected

        def said() -> None:
            self.show_state()
            key = self._key_checked_words()
            self._say(f"Kombo accepted {key} (environment {environment_id}).", "success")
            # Whatever its environment: a revoked key rotated keeps it, and the window, still
            # holding the revoked one, had every link refused until a restart. The window names
            # the key as said here.
            self.stored_key_accepted.emit(name, key)

        self._book.set_environment_id(environment_id, then=said)

    def _on_failed(self, error: BaseException, *, typed: bool) -> None:
        """A typed key that failed stays in the field, unsaved; a stored one is left alone."""
        self._set_busy(False)
        if isinstance(error, KeyCheckPausedError):
            self._say_paused(error.pause, typed=typed)
            return
        address = self._book.address_not_from_region()
        run_key = self._book.credentials.run_key_in_use
        words = failure_text(
            error,
            typed=typed,
            address=address,
            address_set_by=self._book.address_set_by,
            run_key=run_key,
            kept=self._key_checked_words(),
        )
        if not typed:
            if is_key_refused(error):
                self._refused.add(self._book.selected)
                if refused_by_kombo(error):
                    self._stored_key_verdict(refused=True)
                self.show_state()
            self._say(words, "error")
            if is_key_refused(error):
                self.stored_key_refused.emit(self._book.selected, error)
            return
        self._refuse_typed_key(words)
        if isinstance(error, SAVE_UNCHECKED_OFFERED):
            self.saveAnywayButton.show()

    def _say_paused(self, pause: KeyPause, *, typed: bool) -> None:
        """Nothing was sent, Kombo having asked for a pause: how long is left, as the window
        says it, and which button to press then."""
        from kombo_desktop.core.messages import paused_check_message

        button = self.saveKeyButton if typed else self.checkKeyButton
        words = spoken_name(button.text())
        self._say(paused_check_message(pause.seconds_left(), words, pause.reason, typed=typed))

    def _on_cancelled(self) -> None:
        self._set_busy(False)
        self._say("Cancelled. The key was not saved.")

    def _on_store_work_dropped(self) -> None:
        """The store's work ended without an answer (the dialog closed, or it failed): what it
        did is not known, so where keys are kept is read again."""
        self._locations.clear()
        self._set_busy(False)

    def _forget_key(self) -> None:
        # The profile as saved: the name typed first, its key moved to it. Left to the question
        # below, which takes the focus off the name field, it was saved while the question,
        # naming the old name, was still open.
        self.apply_typed_name(self._forget_key_now)

    def _forget_key_now(self) -> None:
        name = self._book.selected
        if not self._may_forget(name):
            return
        credentials = self._book.credentials

        def forget(_cancel: CancelToken) -> tuple[bool, KeyLocation | None]:
            cleared = credentials.delete(name)
            return cleared, credentials.location(name)

        def forgotten(outcome: tuple[bool, KeyLocation | None]) -> None:
            cleared, location = outcome
            self._locations[name] = location
            if cleared:
                self._refused.discard(name)
                self._book.set_key_refused(name, False)
            self._set_busy(False)

            def said() -> None:
                self.show_state()
                if not cleared:  # said first: reading the store afterwards may have failed too
                    self._say(STORE_NOT_CLEARED)
                elif location is None:
                    self._forgotten.add(name)
                    self._say(key_removed_text(name))  # as the window says it
                elif credentials.problem:
                    self._say(here_in_settings(credentials.problem))
                self.changed.emit(name)

            self._book.set_environment_id(None, then=said)

        self._run(forget, on_done=forgotten, on_error=self._on_store_failed, name="forget-key")

    def _may_forget(self, name: str) -> bool:
        """Whether the person, asked, chose to forget profile ``name``'s key: a stray press
        (or Alt+F from the key field, where the cursor starts) deleted it at once, and getting
        it back meant asking whoever manages the Kombo account. "Keep it" is the default, so
        Enter keeps it. Not asked once the window is closing (the click waited for a change
        being written): nobody confirmed it, so nothing is forgotten."""
        if self._book.window_closing:
            return False
        question = (
            f"Forget the key of the profile “{name}”? Links cannot be made with it until a "
            "key is pasted again."
        )
        parent = self.apiKeyEdit.window()
        return confirm(parent, "Forget key", question, FORGET_KEY_TEXT, keep="Keep it")

    def key_removed(self, name: str) -> bool:
        """Whether profile ``name``'s key was forgotten here and no key is known for it since."""
        return name in self._forgotten and self.has_no_key(name)

    def move_key(self, old: str, new: str) -> None:
        """A profile was renamed: its key follows it; ``changed(new)`` once it is there."""
        book = self._book

        def moved(location: KeyLocation | None) -> None:
            self._locations.pop(old, None)
            self._locations[new] = location
            if old in self._refused:  # the refused key moved with the name
                self._refused.discard(old)
                self._refused.add(new)
            if old in self._forgotten:  # no key to move: the name has none either
                self._forgotten.discard(old)
                self._forgotten.add(new)
            self._set_busy(False)
            self.changed.emit(new)  # then what waited for it (``when_settled``)

        self._run(
            lambda _cancel: book.move_key(old, new),
            on_done=moved,
            on_error=self._on_store_failed,
            name="move-key",
        )

    def delete_key_of_removed(self, name: str) -> None:
        """A profile was removed: its own key is deleted from this computer too."""
        book = self._book

        def deleted(cleared: bool) -> None:
            self._locations.pop(name, None)
            self._refused.discard(name)
            self._forgotten.discard(name)
            self._set_busy(False)
            if not cleared:
                self._say(STORE_NOT_CLEARED)

        self._run(
            lambda _cancel: book.delete_key(name),
            on_done=deleted,
            on_error=self._on_store_failed,
            name="delete-key",
        )

    def _on_store_failed(self, error: BaseException) -> None:
        """The credential store failed in a way it never should (its usual refusals are
        handled by ``CredentialStore``); what is known about keys is read again.

        What waited for this work (a click after a name typed, whose key was moving to it)
        is not done: where the key is now is not known, and the click's own words ("Added
        the profile …") replaced the error on the status line, so the person never learnt
        that the key had not moved. The error stays, and says that it was not done; what
        must hear of it is told first (``when_settled``'s ``if_dropped``). One that says
        the error itself, with more (which profile links are still made with), returns True:
        the error is not said once more. Said first alone, it was read out twice."""
        _log.warning("A credential store operation failed: %s", type(error).__name__)
        dropped, self._waiting_for_key = self._waiting_for_key, []
        self._on_store_work_dropped()
        said = False
        for _step, if_dropped in dropped:
            if if_dropped is not None and if_dropped() is True:
                said = True
        if not said:
            self._say(STORE_FAILED_NOTHING_DONE_TEXT if dropped else STORE_FAILED_TEXT, "error")


# What the key field's description may say of a refusal of the stored key, replaced by what
# holds now (not a typed key's refusal, which stays while that key stands).
_REFUSALS = (KEY_REFUSED_TEXT, KEY_REFUSED_BEFORE_TEXT)


def _show_text(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setAccessibleName(text)


def check_key_text(location: KeyLocation | None) -> str:
    """The words on the button that checks a profile's key kept at ``location``: "the stored
    key" only where the key is in the password store (or none is known yet, the button then
    greyed out), else "the key", as the line above it says the key is not stored."""
    if location in (KeyLocation.RUN_KEY, KeyLocation.SESSION_ONLY):
        return CHECK_KEY_TEXT
    return CHECK_STORED_TEXT
