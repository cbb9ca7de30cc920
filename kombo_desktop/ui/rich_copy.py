"""Copying a link or an invitation as plain text and as HTML at once.

Staff paste what they copy into Outlook, Gmail, Word and Slack. Pasted as plain text, a link
stays words nobody can click in some of them (Word and Outlook make a link of an address as it
is typed, not as it is pasted). With an HTML version next to the plain one, every program takes
the form it handles best: an e-mail or a document gets the invitation's paragraphs and a
clickable link, a plain field (a ticket, a chat's code block) gets the text exactly as it was
copied before.

The HTML is made from the plain text and from nothing else, so it says what the plain text says
(a demo invitation's warning line included) and can hold nothing the plain text does not (never
a key). Every piece of text is escaped: an organisation named ``A <b> & "C"`` reads as written
and cannot add markup. The link becomes ``<a href>`` only where the window itself would open it
(``is_openable``: https, or the demo service on this computer), else it stays words. Letters
outside ASCII are written as character references (``&#252;`` for "ü"), because some programs
read HTML from the clipboard without being told its encoding and would garble "Müller".

The clipboard gets a ``QMimeData`` that Qt made, not one made with ``QMimeData()`` in Python.
The clipboard deletes its content whenever it likes, and Qt's basic clipboard (the ``offscreen``
platform's, on which the tests and benchmarks run) only when the process ends, after Python has
shut down; deleting a Python-made one then calls into Python and ends the program with a
segmentation fault (PySide6 6.11). One that Qt made needs no Python to go, so ``_empty_mime_data``
has a one-line item model make it (``QAbstractItemModel.mimeData``) and empties it.

Imported when something is copied: the window's first frame needs none of it.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QStringListModel
from PySide6.QtGui import QGuiApplication

from kombo_desktop.core.markup import escape
from kombo_desktop.ui.result_panel import is_openable

__all__ = ["copy_invitation", "copy_link", "invitation_html", "link_html"]


def copy_link(url: str, is_demo: bool) -> None:
    """Put ``url`` on the clipboard: as it is for plain text, as a link for rich text."""
    _copy(url, link_html(url, clickable=is_openable(url, is_demo)))


def copy_invitation(body: str, url: str, is_demo: bool) -> None:
    """Put an invitation on the clipboard: ``body`` as it is, and as HTML with ``url`` (which
    the body holds) clickable."""
    _copy(body, invitation_html(body, url, clickable=is_openable(url, is_demo)))


def link_html(url: str, *, clickable: bool) -> str:
    """The link alone, as HTML."""
    return _ascii(_link(url, clickable))


def invitation_html(body: str, url: str, *, clickable: bool) -> str:
    """``body`` as HTML: each run of lines between blank lines a paragraph, the lines within it
    kept apart, and every ``url`` in it a link (when ``clickable``)."""
    paragraphs: list[list[str]] = [[]]
    for line in body.splitlines():
        if line.strip():
            paragraphs[-1].append(_line(line, url, clickable))
        elif paragraphs[-1]:
            paragraphs.append([])
    html = "".join(f"<p>{'<br>'.join(lines)}</p>" for lines in paragraphs if lines)
    return _ascii(html)


def _line(line: str, url: str, clickable: bool) -> str:
    if not url:
        return escape(line)
    return _link(url, clickable).join(escape(piece) for piece in line.split(url))


def _link(url: str, clickable: bool) -> str:
    if not clickable:
        return escape(url)
    return f'<a href="{escape(url)}">{escape(url)}</a>'


def _ascii(html: str) -> str:
    return html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _copy(text: str, html: str) -> None:
    data = _empty_mime_data()
    data.setText(text)
    data.setHtml(html)
    QGuiApplication.clipboard().setMimeData(data)  # the clipboard owns it from here


def _empty_mime_data() -> QMimeData:
    """A ``QMimeData`` with nothing in it, made by Qt rather than by Python (see above)."""
    model = QStringListModel([""])
    data = model.mimeData([model.index(0)])
    for kind in data.formats():  # the model's own description of its row
        data.removeFormat(kind)
    return data
