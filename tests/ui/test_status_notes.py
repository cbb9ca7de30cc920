"""How the status line keeps a sentence and the notes that follow it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kombo_desktop.ui.status_panel import StatusPanel
from tests.ui.conftest import Spoken


def test_notes_found_after_a_sentence_said_of_a_new_key_go_below_it(qtbot: QtBot) -> None:
    # "Kombo accepted the key" was replaced a moment later by what the key's check found (the
    # password store keeping it for this session only): gone before Settings was closed.
    panel = StatusPanel()
    qtbot.addWidget(panel)
    panel.show_message("Kombo accepted the key.", notes_follow=True)
    panel.add_note("The store keeps it for this session only.")
    panel.add_note("The store keeps it for this session only.")  # found again: said once
    panel.add_note("No tools were listed.")
    assert panel.text.split("\n") == [
        "Kombo accepted the key.",
        "The store keeps it for this session only.",
        "No tools were listed.",
    ]
    # A refusal said below the notes does not repeat the sentence above them, which it
    # would contradict.
    panel.show_message("Kombo refused the key.", "error", after_notes=True)
    assert panel.text.split("\n") == [
        "The store keeps it for this session only.",
        "No tools were listed.",
        "Kombo refused the key.",
    ]


def test_a_sentence_said_plainly_is_replaced_by_the_next_note(qtbot: QtBot) -> None:
    panel = StatusPanel()
    qtbot.addWidget(panel)
    panel.show_message("Kombo accepted the key.", notes_follow=True)
    panel.show_message("Link ready.")  # a status of its own: notes no longer follow the first
    panel.add_note("No API key is set for this profile yet.")
    assert panel.text == "No API key is set for this profile yet."


def test_a_note_that_follows_a_sentence_said_is_said_alone(qtbot: QtBot, spoken: Spoken) -> None:
    # The sentence was said, then said again with the note below it: "Left the demo. Links
    # are now made with …", and a moment later the same words once more, and the note.
    panel = StatusPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_message("Left the demo.", notes_follow=True)
    panel.add_note("No API key is set for this profile yet.")
    panel.add_note("No tools were listed.")
    assert [words for words, _ in spoken] == [
        "Left the demo.",
        "No API key is set for this profile yet.",
        "No tools were listed.",
    ]
    assert panel.statusLabel.accessibleName() == panel.text  # read whole on request


def test_a_notes_way_forward_stays_offered_below_later_notes_until_the_next_status(
    qtbot: QtBot,
) -> None:
    # The store's note sends the person to Settings: its "Open settings" went with the next
    # note found at start, or was never offered at all.
    panel = StatusPanel()
    qtbot.addWidget(panel)
    opened: list[bool] = []
    panel.add_note(
        "Enter the key in Settings.", action=("Open settings", lambda: opened.append(True))
    )
    panel.add_note("No tools were listed.")
    button = panel.statusActionButton
    assert not button.isHidden() and button.text() == "Open settings"
    button.click()
    assert opened == [True]
    panel.show_message("Link ready.", "success")
    assert button.isHidden()
