"""The reconnection tab: a new link for an integration that already exists.

When a customer's credentials changed, a new connection link would create a second
integration; Kombo's relink endpoint updates the existing one instead. All it needs is the
integration id (shown in the Kombo dashboard), the language and the link type.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.link_request import InvalidRequest, RelinkRequest, validate_field
from kombo_desktop.core.vocabulary import DEFAULT_LANGUAGE, DEFAULT_LINK_TYPE, Language, LinkType
from kombo_desktop.ui import theme
from kombo_desktop.ui.link_form import SubmitOnEnter, language_combo, link_type_combo
from kombo_desktop.ui.widgets import (
    FieldBox,
    add_row,
    align_labels,
    chain_tab_order,
    follow_overflow,
    label_column_width,
    line_edit,
    scrolling,
)

RELINK_TEXT = "Create reconnection link"
RELINKING_TEXT = "Creating link…"

EXPLANATION = (
    "Use this when a customer's existing connection stopped working, for example after they "
    "changed their password. It updates that connection instead of creating a second one."
)


class RelinkForm(SubmitOnEnter):
    """Relink tab. Emits ``submitted`` (Enter or button) and ``cancel_requested``."""

    cancel_requested = Signal()

    def __init__(
        self,
        *,
        default_language: Language = DEFAULT_LANGUAGE,
        default_link_type: LinkType = DEFAULT_LINK_TYPE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._touched = False
        self.relinkIntegrationEdit = line_edit(
            "relinkIntegrationEdit",
            "Integration id to reconnect",
            "e.g. personio:93fCvorjZ2jas7ZekX1V1n5d",
        )
        self.relinkLanguageCombo = language_combo("relinkLanguageCombo", default_language)
        self.relinkLinkTypeCombo = link_type_combo("relinkLinkTypeCombo", default_link_type)
        self.relinkButton = QPushButton(RELINK_TEXT)
        self.relinkButton.setObjectName("relinkButton")
        self.relinkButton.setAccessibleName("Create reconnection link")
        self.relinkButton.setProperty("primary", True)
        self.relinkButton.setAutoDefault(False)
        self.relinkCancelButton = QPushButton("Cancel")
        self.relinkCancelButton.setObjectName("relinkCancelButton")
        self.relinkCancelButton.setAccessibleName("Cancel making the reconnection link")
        self.relinkCancelButton.setToolTip("Stop waiting for Kombo (Esc)")
        self.relinkCancelButton.hide()

        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        explanation.setProperty("class", "hint")

        self.boxes: dict[str, FieldBox] = {
            lr.INTEGRATION_ID: FieldBox(
                self.relinkIntegrationEdit,
                "Find it in the Kombo dashboard under Integrations.",
            ),
            lr.LANGUAGE: FieldBox(self.relinkLanguageCombo),
            lr.LINK_TYPE: FieldBox(self.relinkLinkTypeCombo),
        }
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(theme.SECTION_SPACING)
        form.setVerticalSpacing(theme.SPACING)
        self.labels: list[QLabel] = [
            add_row(form, "&Integration id", self.boxes[lr.INTEGRATION_ID]),
            add_row(form, "&Language", self.boxes[lr.LANGUAGE]),
            add_row(form, "Link t&ype", self.boxes[lr.LINK_TYPE]),
        ]
        self.set_label_width(label_column_width(self.labels))

        fields = QWidget()
        fields.setObjectName("relinkFields")
        body = QVBoxLayout(fields)
        body.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.SPACING)
        body.setSpacing(theme.SECTION_SPACING)
        body.addWidget(explanation)
        body.addLayout(form)
        body.addStretch(1)  # a wrapped line measured high leaves its spare room below
        self.scrollArea = scrolling(fields, "relinkPage")
        self.scrollArea.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

        # As on the first tab: the button follows the fields, and stays in view when they scroll.
        footer = QFrame()
        footer.setObjectName("formFooter")
        buttons = QHBoxLayout(footer)
        buttons.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        buttons.setSpacing(theme.SPACING)
        buttons.addWidget(self.relinkButton)
        buttons.addWidget(self.relinkCancelButton)
        buttons.addStretch(1)
        follow_overflow(self.scrollArea, footer)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scrollArea)
        layout.addWidget(footer)
        layout.addStretch(1)

        self.tab_chain: list[QWidget] = [
            self.relinkIntegrationEdit,
            self.relinkLanguageCombo,
            self.relinkLinkTypeCombo,
            self.relinkButton,
            self.relinkCancelButton,
        ]
        chain_tab_order(self.tab_chain)

        self.relinkButton.clicked.connect(self.submitted)
        self.relinkCancelButton.clicked.connect(self.cancel_requested)
        self.relinkIntegrationEdit.editingFinished.connect(self._touch)
        self.relinkIntegrationEdit.textChanged.connect(lambda _text: self._recheck())

    def _touch(self) -> None:
        self._touched = True
        self._recheck()

    def _recheck(self) -> None:
        if self._touched:
            self.boxes[lr.INTEGRATION_ID].set_error(
                validate_field(lr.INTEGRATION_ID, self.relinkIntegrationEdit.text())
            )

    def build_request(self) -> RelinkRequest | InvalidRequest:
        """The checked request, or the problems (already shown next to their fields)."""
        self._touched = True
        try:
            request = RelinkRequest.from_form(
                integration_id=self.relinkIntegrationEdit.text(),
                language=self.relinkLanguageCombo.currentData(),
                link_type=self.relinkLinkTypeCombo.currentData(),
            )
        except InvalidRequest as invalid:
            self.show_errors(invalid)
            return invalid
        self.show_errors(None)
        return request

    def show_errors(self, invalid: InvalidRequest | None) -> None:
        first: QWidget | None = None
        for field, box in self.boxes.items():
            message = invalid.message_for(field) if invalid is not None else None
            box.set_error(message)
            if message and first is None:
                first = box.field
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def field_errors(self) -> dict[str, str]:
        return {field: box.error_text for field, box in self.boxes.items() if box.error_text}

    def fill(
        self,
        integration_id: str,
        language: Language | None = None,
        link_type: LinkType | None = None,
    ) -> None:
        """Prepare a reconnection (e.g. from a history entry or the duplicate warning)."""
        self.relinkIntegrationEdit.setText(integration_id)
        if language is not None:
            self.relinkLanguageCombo.setCurrentIndex(
                self.relinkLanguageCombo.findData(language.value)
            )
        if link_type is not None:
            self.relinkLinkTypeCombo.setCurrentIndex(
                self.relinkLinkTypeCombo.findData(link_type.value)
            )

    def set_busy(self, busy: bool) -> None:
        self.relinkButton.setEnabled(not busy)
        self.relinkButton.setText(RELINKING_TEXT if busy else RELINK_TEXT)
        self.relinkCancelButton.setVisible(busy)
        self.relinkCancelButton.setEnabled(busy)

    def set_label_width(self, width: int) -> None:
        """Line the field column up with another form's (the new-link tab's)."""
        align_labels(self.labels, width)

    def focus_first_field(self) -> None:
        self.relinkIntegrationEdit.setFocus(Qt.FocusReason.OtherFocusReason)
