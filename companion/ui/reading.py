"""A comfortable line length for the lesson, whatever the window's width.

Lines longer than about 90 characters are hard to follow back to the next line's
start, so on a wide window the lesson keeps its reading column and the extra width
becomes margin (the scroll bar stays at the edge, where a mouse expects it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea

READING_CHARS = 92  # characters per line at most (prose; code blocks may scroll)
MIN_MARGIN = 6


class ReadingWidth(QObject):
    """Event filter: on every resize, set side margins so the text column fits ``chars``."""

    def __init__(self, view: QAbstractScrollArea, chars: int = READING_CHARS) -> None:
        super().__init__(view)
        self.view = view
        self.chars = chars
        # the margins belong to the scroll area itself: paint them like the page
        view.setBackgroundRole(QPalette.ColorRole.Base)
        view.setAutoFillBackground(True)
        view.installEventFilter(self)
        self.apply()

    def column_width(self) -> int:
        return self.view.fontMetrics().averageCharWidth() * self.chars

    def apply(self) -> None:
        spare = self.view.width() - self.column_width() - MIN_MARGIN * 2
        side = MIN_MARGIN + max(0, spare // 2)
        current = self.view.viewportMargins()
        if current.left() != side:
            self.view.setViewportMargins(side, 0, side, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.view and event.type() in (QEvent.Type.Resize,
                                                      QEvent.Type.FontChange):
            self.apply()
        return False
