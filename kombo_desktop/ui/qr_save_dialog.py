"""Asking where to save a QR code, without showing earlier customers' codes on a shared screen.

The dialog opens in the folder the last code was saved in (see ``save_places``), and there lie
the codes saved for earlier customers, under the names the program suggested for them
("kombo-link-acme-gmbh.png"). Its file list showed them all to the next customer watching the
shared screen. So in screen-sharing mode the dialog's two file types match only the name
suggested for the link on screen ("PNG picture (kombo-link-next-customer.png)"): no other file
of the folder is listed, nor offered while a name is typed. The person can still type any name;
the type they choose (PNG or SVG) decides the file's extension, as outside that mode.

Qt's own dialog leaves out the files a filter does not match (tested); so do, by their
documented behaviour, the Windows and Linux (GTK, KDE, portal) dialogs. The Mac's save panel
shows them greyed out, names and all: so on a Mac, in screen-sharing mode, Qt's own dialog is
asked for (by Qt's sources; not tried on a Mac).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from kombo_desktop.core.settings import QrFileType

QR_TYPE_WORDS = {
    QrFileType.PNG: "PNG picture",
    QrFileType.SVG: "SVG drawing",
}
CAPTION = "Save QR code"


def filter_names(stem: str | None) -> dict[QrFileType, str]:
    """The dialog's file types: every file of that type ("PNG picture (*.png)"), or with
    ``stem`` only the file called ``stem`` of that type. ``stem`` comes from ``file_stem_for``:
    letters, digits and hyphens, so it is matched as written (no spaces, no wildcards)."""
    pattern = "*" if stem is None else stem
    return {kind: f"{words} ({pattern}.{kind.value})" for kind, words in QR_TYPE_WORDS.items()}


def chosen_type(chosen_filter: str) -> QrFileType:
    """The type the person chose in the dialog; PNG when it does not say (a typed name that
    ends in ".svg" is kept as it is anyway, see ``save_names``). Told by the type's words, not
    by "svg" anywhere in the filter: in screen-sharing mode the PNG choice names the file, and
    a customer may be called "SVG Studio"."""
    svg = QR_TYPE_WORDS[QrFileType.SVG]
    return QrFileType.SVG if chosen_filter.startswith(f"{svg} (") else QrFileType.PNG


def ask_qr_file(
    parent: QWidget, suggested: str, file_type: QrFileType, stem: str, *, screen_sharing: bool
) -> tuple[str, QrFileType] | None:
    """The file name the person chose for a QR code and the type they chose, or None when
    they closed the dialog. ``suggested`` is ``stem`` with ``file_type``'s extension, in the
    folder to open."""
    filters = filter_names(stem if screen_sharing else None)
    # "PNG picture", without the file name in brackets, which would puzzle people as a type.
    options = QFileDialog.Option.HideNameFilterDetails if screen_sharing else QFileDialog.Option(0)
    with _own_dialog_on_a_mac(screen_sharing):
        path, chosen_filter = QFileDialog.getSaveFileName(
            parent, CAPTION, suggested, ";;".join(filters.values()), filters[file_type], options
        )
    if not path:
        return None
    return path, chosen_type(chosen_filter or "")


@contextmanager
def _own_dialog_on_a_mac(screen_sharing: bool) -> Iterator[None]:
    """Qt's own dialog for the time of one dialog, in screen-sharing mode on a Mac.

    The ``DontUseNativeDialog`` option is not enough there: the static dialog functions make
    the Mac's panel helper before they read it, and Qt's dialog then greys out the files left
    out instead of leaving them out. Without native dialogs for the application, it has no
    helper, and leaves them out."""
    from PySide6.QtCore import Qt  # not at import: the window imports this module at start-up

    only_qt = Qt.ApplicationAttribute.AA_DontUseNativeDialogs
    if not screen_sharing or sys.platform != "darwin" or QCoreApplication.testAttribute(only_qt):
        yield
        return
    QCoreApplication.setAttribute(only_qt, True)
    try:
        yield
    finally:
        QCoreApplication.setAttribute(only_qt, False)
