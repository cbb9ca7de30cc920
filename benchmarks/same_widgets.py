"""A window with the widgets the program shows in its first frame, and nothing behind them.

The start-up target compares the program with a bare window. This window sits between the two:
the same visible widgets, texts and style sheet as the program's first frame (a real key, no
link yet), built in one function, with no settings, catalog, checks, history or wiring. Its
start-up says how much of the program's time goes to Qt building and painting what a person
sees, and so how much the target leaves for everything the program does besides.

``tests/ui/test_same_widgets.py`` compares its visible widgets and buttons with the program's,
so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.ui import theme

WINDOW_SIZE = (1180, 820)  # the program's size at start on a screen with room for it
FORM_FIELDS = {
    "E-mail": "anna@example.com",
    "Organisation": "Acme GmbH",
    "Your customer id": "Optional, e.g. CUST-1042",
}
CHOICES = {
    "Kind of system": [
        "HR system (HRIS)",
        "Recruiting system (ATS)",
        "Assessment tool",
        "Learning system (LMS)",
    ],
    "Language": ["English", "Deutsch", "Français", "Italiano", "Español"],
    "Link type": ["Send to the customer (valid 1 year)", "Embed in our app (valid 1 hour)"],
}
RESULT_BUTTONS = (
    "Copy link",
    "Open in browser",
    "Copy invitation",
    "E-mail…",
    "Save QR code…",
    "Copy QR image",
)
QR_SIZE = 300  # the QR code's place at this window size
TOOL_COUNT = 80  # about as many as the bundled catalog lists for HR systems


def _hint(text: str) -> QLabel:
    hint = QLabel(text)
    hint.setWordWrap(True)
    hint.setProperty("class", "hint")
    return hint


def _scrolling(page: QWidget, name: str = "") -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def _header() -> QHBoxLayout:
    titles = QVBoxLayout()
    title = QLabel("Kombo Desktop")
    title.setObjectName("headerTitle")
    profile = QLabel("Profile: default · EU")
    profile.setObjectName("profileLabel")
    titles.addWidget(title)
    titles.addWidget(profile)
    header = QHBoxLayout()
    header.addLayout(titles)
    header.addStretch(1)
    for text in ("Screen-sharing mode: on", "&History", "Setti&ngs…"):
        header.addWidget(QPushButton(text))
    return header


def _form() -> QWidget:
    fields = QWidget()
    form = QFormLayout(fields)
    form.setSpacing(theme.SPACING)
    for label, placeholder in FORM_FIELDS.items():
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        form.addRow(label, edit)
    for label, items in CHOICES.items():
        combo = QComboBox()
        combo.addItems(items)
        form.addRow(label, combo)
        if label == "Kind of system":
            tool = QComboBox()
            tool.setEditable(True)
            tool.addItems(["The customer chooses", *(f"Tool {n}" for n in range(TOOL_COUNT))])
            form.addRow("Tool", tool)
            environment = QLineEdit()
            environment.setPlaceholderText("Leave empty for the live system")
            form.addRow("Tool environment", environment)
            form.addRow("", _hint("Only when Kombo asked for one, e.g. DEMO."))
    advanced = QToolButton()
    advanced.setObjectName("advancedToggle")
    advanced.setText("Advanced options")
    form.addRow(advanced)

    footer = QFrame()
    footer.setObjectName("formFooter")
    create = QPushButton("Create link")
    create.setProperty("primary", True)
    buttons = QHBoxLayout(footer)
    buttons.addWidget(create)
    buttons.addStretch(1)
    buttons.addWidget(QPushButton("Clear the form"))
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addWidget(_scrolling(fields), 1)
    layout.addWidget(footer)
    return page


def _result() -> QWidget:
    card = QFrame()
    card.setObjectName("resultCard")
    layout = QVBoxLayout(card)
    title = QLabel("Your link")
    title.setObjectName("resultTitle")
    link = QLineEdit()
    link.setObjectName("linkField")
    link.setPlaceholderText("Your link will appear here.")
    layout.addWidget(title)
    layout.addWidget(link)
    qr = QVBoxLayout()
    placeholder = QLabel("The QR code\nwill appear here.")
    placeholder.setObjectName("qrView")
    placeholder.setFixedSize(QR_SIZE, QR_SIZE)
    placeholder.setStyleSheet(f"border: 1px solid {theme.BORDER};")
    qr.addWidget(placeholder)
    qr.addWidget(_hint("Customers can scan the code with a phone camera."))
    buttons = QVBoxLayout()
    for text in RESULT_BUTTONS:
        button = QPushButton(text)
        button.setEnabled(False)
        buttons.addWidget(button)
    row = QHBoxLayout()
    row.addLayout(qr)
    row.addLayout(buttons)
    layout.addLayout(row)
    layout.addStretch(1)
    return _scrolling(card, "resultPage")


def build_same_widgets_window() -> QMainWindow:
    """The window in the program's font and style sheet, set before its widgets exist as the
    program sets them (the palette is the application's); shown by the caller."""
    window = QMainWindow()
    theme.apply_to_window(window)
    tabs = QTabWidget()
    tabs.addTab(_form(), "New link")
    tabs.addTab(QWidget(), "Reconnect an integration")
    # Between the header and the status line, the part that scrolls when the window is short.
    middle = QWidget()
    body = QHBoxLayout(middle)
    body.setContentsMargins(0, 0, 0, 0)
    body.setSpacing(theme.SECTION_SPACING)
    body.addWidget(tabs, 11)
    body.addWidget(_result(), 10)

    status = QFrame()
    status.setObjectName("statusCard")
    status_label = QLabel("Ready.")
    status_label.setObjectName("statusLabel")
    QHBoxLayout(status).addWidget(status_label)

    central = QWidget()
    central.setObjectName("centralWidget")
    layout = QVBoxLayout(central)
    layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
    layout.setSpacing(theme.SECTION_SPACING)
    layout.addLayout(_header())
    layout.addWidget(_scrolling(middle, "windowMiddleArea"), 1)
    layout.addWidget(status)

    window.setCentralWidget(central)
    window.resize(*WINDOW_SIZE)
    return window
