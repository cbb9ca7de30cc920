"""The HTML on the clipboard, read the way a mail program reads it when something is pasted.

Read with the standard library's HTML parser, so that what the tests compare is what a
person would see: the text with every character reference resolved, the paragraphs, and each
link's address and words; and every tag, so that a name like ``<b>`` shows up as a tag if it
was not escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from PySide6.QtGui import QGuiApplication


@dataclass
class PastedHtml:
    """What a piece of HTML shows."""

    source: str
    paragraphs: list[str] = field(default_factory=list)  # a <br> inside one is "\n"
    outside_paragraphs: str = ""  # text not inside any <p>
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, the words shown)
    tags: list[str] = field(default_factory=list)  # every start tag, in order

    @property
    def text(self) -> str:
        """All the words, paragraphs apart by a blank line, as a plain-text paste would be."""
        return self.outside_paragraphs + "\n\n".join(self.paragraphs)


class _Reader(HTMLParser):
    def __init__(self, pasted: PastedHtml) -> None:
        super().__init__(convert_charrefs=True)
        self.pasted = pasted
        self._in_paragraph = False
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pasted.tags.append(tag)
        if tag == "p":
            self._in_paragraph = True
            self.pasted.paragraphs.append("")
        elif tag == "br":
            self._add("\n")
        elif tag == "a":
            self._link = (dict(attrs).get("href") or "", [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_paragraph = False
        elif tag == "a" and self._link is not None:
            href, words = self._link
            self.pasted.links.append((href, "".join(words)))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[1].append(data)
        self._add(data)

    def _add(self, text: str) -> None:
        if self._in_paragraph:
            self.pasted.paragraphs[-1] += text
        else:
            self.pasted.outside_paragraphs += text


def read_html(source: str) -> PastedHtml:
    pasted = PastedHtml(source)
    reader = _Reader(pasted)
    reader.feed(source)
    reader.close()
    return pasted


def clipboard_html() -> PastedHtml:
    """The clipboard's HTML, read; fails when the clipboard holds none."""
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None and mime.hasHtml(), "no HTML on the clipboard"
    return read_html(mime.html())
