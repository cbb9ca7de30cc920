"""What the text in the new-link form's tool field stands for, and the button under the field
that puts that tool in: "Use this tool", or "Switch to “Recruiting system (ATS)”" for a tool
of another kind of system, which changes the kind of system too.

Why a module of its own: a name typed in part or with a slip, and a tool that is listed only
under another kind of system ("greenhouse" under HR systems), are one question, what the
person meant, with its own search (matched as the suggestion list matches), its hint while
the person types and its fix once they move on. The form (``link_form``) only asks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.catalog import Tool
from kombo_desktop.core.field_text import quoted_in_sentence
from kombo_desktop.core.link_request import suggested_tool
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, Category
from kombo_desktop.ui.widgets import plain_tooltip, relabel, select_data

if TYPE_CHECKING:
    from kombo_desktop.ui.link_form import LinkForm
    from kombo_desktop.ui.tool_suggestions import ToolCompleter

TOOL_FIX_TEXT = "Use this tool"
# The fix under the tool field for a tool of another kind of system: "Switch to “Recruiting
# system (ATS)”", which puts that tool in too.
SWITCH_KIND_TEXT = "Switch to “{kind}”"
# Each kind of system as a sentence names what a tool is: "Greenhouse is a recruiting system
# (ATS)". The list's own names ("HR system (HRIS)") stay as they are everywhere else.
KIND_OF_TOOL: dict[Category, str] = {
    Category.HRIS: "an HR system (HRIS)",
    Category.ATS: "a recruiting system (ATS)",
    Category.ASSESSMENT: "an assessment tool",
    Category.LMS: "a learning system (LMS)",
}


class ToolFix:
    """The tool ``form``'s tool field means, found as its suggestion list (``completer``)
    finds tools, and what its ``toolFixButton`` says and does."""

    def __init__(self, form: LinkForm, completer: ToolCompleter) -> None:
        self._form = form
        self._completer = completer

    def suggested_name(self, typed: str) -> str | None:
        """The list's name of the tool ``typed`` stands for (see ``suggested_tool``), which
        the error line names and ``toolFixButton`` puts in; None when there is none."""
        same_kind = self._same_kind_name(typed)
        if same_kind is not None:
            return same_kind
        elsewhere = self._other_kind_tool(typed)  # put in with its kind of system
        return elsewhere.label if elsewhere is not None else None

    def put(self, name: str) -> None:
        """Put in the tool the list calls ``name``; one of another kind of system with its
        kind of system, said on the status line."""
        form = self._form
        combo = form.toolCombo
        index = combo.findText(name)
        if index < 0:  # a tool of another kind of system: that kind first, then the tool
            elsewhere = self._other_kind_tool(combo.currentText())
            if elsewhere is None or elsewhere.label != name:
                return
            select_data(form.categoryCombo, elsewhere.categories[0].value)
            form.select_tool(elsewhere.id)
            # Said: the field changed is above the one in use, and a screen reader is not
            # told of it otherwise.
            kind = CATEGORY_NAMES[elsewhere.categories[0]]
            form.notice.emit(f"The kind of system is now “{kind}”, with {elsewhere.label}.")
            return
        form.select_tool(combo.itemData(index))

    def show_other_kind(self) -> None:
        """Under the tool field, while the text typed there finds only tools of other kinds
        of system, say so as a hint (no mistake yet: the person is still typing), with the fix
        that switches the kind of system and puts the tool in. The fix's words say what it
        does, under the hint and under the field's problem alike; a fix of this kind's tool
        keeps its own words."""
        text = self._form.toolCombo.currentText()
        typed = text if text == self._completer.typed_text() else ""
        box = self._form.boxes[lr.TOOL]
        hint = self._other_kind_hint(typed) if typed else None
        if box.hint.text() != (hint or ""):
            box.set_hint(hint)
        # Under a problem, the fix is for what the field holds, typed or filled in.
        fixed = text if box.error_text else typed
        tool = self._other_kind_fix(fixed) if fixed else None
        fix = self._form.toolFixButton
        if not box.error_text:
            fix.setVisible(tool is not None)
        if tool is None:
            relabel(fix, TOOL_FIX_TEXT)
            return
        kind = CATEGORY_NAMES[tool.categories[0]]
        relabel(fix, SWITCH_KIND_TEXT.format(kind=kind))
        fix.setToolTip(plain_tooltip(tool.label))
        fix.setAccessibleDescription(
            f"Changes the kind of system to “{kind}” and puts in {tool.label}"
        )

    def _same_kind_name(self, typed: str) -> str | None:
        """The list's name of the tool of this kind of system ``typed`` stands for (see
        ``suggested_tool``); None when there is none."""
        combo = self._form.toolCombo
        tool = suggested_tool(typed, self._form.category(), self._form.catalog)
        index = combo.findData(tool.id) if tool is not None else -1
        return combo.itemText(index) if index >= 0 else None

    # --- a tool of another kind of system ------------------------------------------------------

    def _other_kind_tools(self, typed: str) -> list[Tool]:
        """The tools of other kinds of system that ``typed`` finds, best first, when the
        suggestion list finds none of this kind for it (empty otherwise). Matched as the list
        matches (``ToolCatalog.rank``, what the form's suggestion rank orders by): the list
        stayed empty for "greenhouse" under HR systems, and nothing said why until "Create
        link"."""
        if not typed.strip() or self._completer.matches(typed):
            return []
        category = self._form.category()
        return [
            tool
            for tool in self._form.catalog.search(typed)
            if tool.categories and category not in tool.categories
        ]

    def _other_kind_tool(self, typed: str) -> Tool | None:
        """The one tool of another kind of system ``typed`` stands for: the one it names, or
        the only one it finds (see ``_other_kind_tools``); None otherwise."""
        return self._the_one_meant(typed, self._other_kind_tools(typed))

    def _the_one_meant(self, typed: str, found: list[Tool]) -> Tool | None:
        """Of the tools ``found`` for ``typed``, the one it names, or the only one."""
        named = self._form.catalog.named(typed)
        if named is not None and named in found:
            return named
        return found[0] if len(found) == 1 else None

    def _other_kind_fix(self, typed: str) -> Tool | None:
        """The tool of another kind of system that ``toolFixButton`` puts in for ``typed``:
        None when it puts in one of this kind, which the field's message names first."""
        elsewhere = self._other_kind_tool(typed)
        if elsewhere is None or self._same_kind_name(typed) is not None:
            return None
        return elsewhere

    def _other_kind_hint(self, typed: str) -> str | None:
        """What the field says under it while ``typed`` finds only tools of other kinds of
        system: which kind the tool is ("Greenhouse is a recruiting system (ATS)."), or, for
        several, one of them. None when the list finds tools of this kind, or none at all
        (the check then says more once the person moves on)."""
        found = self._other_kind_tools(typed)
        if not found:
            return None
        meant = self._the_one_meant(typed, found)
        tool = meant if meant is not None else found[0]
        kinds = " or ".join(KIND_OF_TOOL[kind] for kind in tool.categories)
        if meant is not None:
            return f"{tool.label} is {kinds}."
        # A pasted key is not shown on a shared screen.
        quoted = quoted_in_sentence(typed) or " this"
        return f"Only tools for other kinds of system fit{quoted}, such as {tool.label}, {kinds}."
