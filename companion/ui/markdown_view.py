"""A read-only HTML view that never loads anything and opens links only on click."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from companion import render
from companion.ui import theme

EXTERNAL_SCHEMES = {"http", "https", "mailto"}


class MarkdownView(QTextBrowser):
    """Shows sanitized Markdown; external links go to the system browser on click."""

    internalLinkClicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self._markdown = ""

    def loadResource(self, kind: int, url: QUrl) -> object:  # noqa: N802 (Qt name)
        return None  # no images, style sheets or files: nothing leaves the app

    internal_links = False  # True where our own lesson: and action: links appear

    def set_markdown(self, text: str) -> None:
        self._markdown = text
        dark = theme.is_dark(self)
        self.document().setDefaultStyleSheet(theme.document_css(dark))
        self.setHtml(render.to_html(text, dark, self.internal_links))

    def markdown(self) -> str:
        return self._markdown

    def rerender(self) -> None:
        bar = self.verticalScrollBar().value()
        self.set_markdown(self._markdown)
        self.verticalScrollBar().setValue(bar)

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
        elif url.scheme() == "" and url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())
        else:
            self.internalLinkClicked.emit(url)
