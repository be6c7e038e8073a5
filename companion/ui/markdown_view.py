"""A read-only HTML view that never loads anything and opens links only on click."""

from __future__ import annotations

from PySide6.QtCore import QSize, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QTextBrowser, QWidget

from companion import render
from companion.curriculum.loader import FIGURES_DIR
from companion.ui import theme

MAX_FIGURE_WIDTH = 720  # logical pixels: a figure never outgrows a comfortable reading column
PT_TO_PX = 4 / 3  # an SVG's size in points, at the 96 px per inch Qt assumes

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
        """Only the course's own figures load; no other image, style sheet or file ever does."""
        if (self.figures and kind == QTextDocument.ResourceType.ImageResource
                and url.scheme() == "" and url.path().startswith(render.FIGURE_PREFIX)):
            return self._figure(url.path().removeprefix(render.FIGURE_PREFIX))
        return None

    internal_links = False  # True where our own lesson: and action: links appear
    figures = False  # True in the lesson view: course figures are shown

    def _figure(self, name: str) -> QImage | None:
        """An SVG figure drawn at this screen's pixel ratio, in the palette's variant."""
        dark = theme.is_dark(self)
        path = FIGURES_DIR / (name.replace(".svg", ".dark.svg") if dark else name)
        if not path.is_file() or path.parent != FIGURES_DIR:
            return None
        svg = QSvgRenderer(str(path))
        if not svg.isValid():
            return None
        size = svg.defaultSize() * PT_TO_PX  # matplotlib sizes figures in points
        width = min(MAX_FIGURE_WIDTH, max(200, self.viewport().width() - 40))
        if size.width() > width:
            size = QSize(width, round(size.height() * width / size.width()))
        ratio = self.devicePixelRatioF()
        image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        svg.render(painter)
        painter.end()
        image.setDevicePixelRatio(ratio)
        return image

    def set_markdown(self, text: str) -> None:
        self.show_html(text, render.to_html(text, *self.render_options()))

    def render_options(self) -> tuple[bool, bool, bool]:
        """What ``render.to_html`` needs besides the text (dark, internal links, figures),
        so a worker thread can render for this view (see NotesEditor's preview)."""
        return theme.is_dark(self), self.internal_links, self.figures

    def show_html(self, text: str, html: str) -> None:
        """Show ``html`` rendered (with ``render_options``) from the Markdown ``text``."""
        self._markdown = text
        self.document().setDefaultStyleSheet(theme.document_css(theme.is_dark(self)))
        self.setHtml(html)

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
