"""Asking before something that cannot be undone.

The buttons say what they do ("Delete", "Cancel") rather than Yes and No, as Windows' and
Apple's guidelines both ask: someone who only skims the question still picks the right
button. Cancel is the default, so Enter or Esc never deletes anything by accident. Where
what would go can be saved instead, saving is offered first and is the default, as "Save /
Don't save / Cancel" in any document program (:func:`save_drop_or_cancel`).

Only modules that are loaded after the first frame import this one (a message box's type
and enums are not needed to start).
"""

from __future__ import annotations

from enum import Enum, auto

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


class Choice(Enum):
    """What the person chose when asked whether to save something before it goes."""

    SAVE = auto()
    DROP = auto()  # let it go unsaved
    CANCEL = auto()  # go back to it, nothing done


def _question_box(parent: QWidget, title: str, question: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names in the question are shown as typed
    box.setText(question)
    return box


def confirm(parent: QWidget, title: str, question: str, action: str, keep: str = "") -> bool:
    """Ask ``question``; True when the person chose ``action`` (e.g. "Delete"), else False.
    ``keep`` names the other button where "Cancel" would not say what it keeps ("Keep it")."""
    box = _question_box(parent, title, question)
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    if keep:
        cancel = box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    else:
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is chosen


def save_drop_or_cancel(parent: QWidget, title: str, question: str, save: str, drop: str) -> Choice:
    """Ask ``question`` with ``save`` (e.g. "&Save and check key") first and the default, so
    that Enter saves what the person almost always meant to keep; ``drop`` lets it go, and
    Cancel (Esc too) goes back to it. Each button's Alt letter, given with "&" in ``save``
    and ``drop``, must differ from the others' (and from C, Cancel's where the system gives
    it one)."""
    box = _question_box(parent, title, question)
    saving = box.addButton(save, QMessageBox.ButtonRole.AcceptRole)
    dropping = box.addButton(drop, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(saving)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is saving:
        return Choice.SAVE
    return Choice.DROP if clicked is dropping else Choice.CANCEL


def may_lose(
    parent: QWidget,
    lost: list[str],
    title: str,
    action: str,
    *,
    making: str = "",
    also: str = "",
) -> bool:
    """Whether ``action`` (e.g. "Clear") may go ahead though it loses ``lost``: typing no link
    was made with, each named ("what is typed in it"). The question starts with ``title``
    ("Clear the form?") and names them all; nothing lost, nothing asked. ``making`` is said
    first: typing a link is still being made for (not in ``lost`` then), and what ``action``
    does to that link (``LinkMaking.still_being_made``). ``also`` is said last, in the same
    question: something else ``action`` loses (not asked about alone when nothing else is)."""
    if not lost and not making:
        return True
    said = [title, making] if making else [title]
    if lost:
        what = " and ".join(lost)
        said.append(
            f"{what[:1].upper()}{what[1:]} "
            f"{'has' if len(lost) == 1 else 'have'} not been used for a link yet, and "
            "would be lost."
        )
    if also:
        said.append(also)
    return confirm(parent, title, " ".join(said), action)
