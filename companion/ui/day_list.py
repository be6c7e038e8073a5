"""The 14 days grouped by phase, with progress and a marker on today."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from companion.curriculum import PHASES, Course
from companion.services.progress import Progress

DAY_ROLE = Qt.ItemDataRole.UserRole
TODAY_MARK = "▸ "


class _WrappingTitles(QStyledItemDelegate):
    """Rows as tall as their wrapped title at the current column width."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        view = self.parent()
        if index.column() != 0 or not isinstance(view, QTreeWidget):
            return size
        width = max(40, view.columnWidth(0) - view.indentation() - 12)
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        text = index.data() or ""
        needed = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000),
                                                 Qt.TextFlag.TextWordWrap, text).height()
        return QSize(size.width(), max(size.height(), needed + 6))


class DayList(QTreeWidget):
    daySelected = Signal(int)

    def __init__(self, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Day", "Done"])
        self.setRootIsDecorated(False)
        # titles wrap onto a second line instead of being cut ("1. What an LLM is: langu…")
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setItemDelegate(_WrappingTitles(self))
        self.setAccessibleName("Course days")
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._course = course
        for phase, phase_title in PHASES.items():
            group = QTreeWidgetItem(self, [phase_title.upper(), ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            group.setFont(0, font)
            for day in (d for d in course.days if d.phase == phase):
                item = QTreeWidgetItem(group, [f"{day.number}. {day.title}", ""])
                item.setData(0, DAY_ROLE, day.number)
                item.setToolTip(0, f"<b>Day {day.number}: {escape(day.title)}</b>"
                                   f"<br>{escape(day.goal)}")
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                self._items[day.number] = item
        self.expandAll()
        self.currentItemChanged.connect(self._on_current)
        self._today: int | None = None

    def _on_current(self, item: QTreeWidgetItem | None, _prev: object) -> None:
        if item is not None and item.data(0, DAY_ROLE):
            self.daySelected.emit(int(item.data(0, DAY_ROLE)))

    def select_day(self, number: int) -> None:
        self.setCurrentItem(self._items[number])

    def current_day(self) -> int | None:
        item = self.currentItem()
        return int(item.data(0, DAY_ROLE)) if item and item.data(0, DAY_ROLE) else None

    def set_progress(self, per_day: dict[int, Progress], badges: dict[int, str] | None = None
                     ) -> None:
        for number, item in self._items.items():
            p = per_day.get(number)
            badge = (badges or {}).get(number, "")
            text = f"{p.done}/{p.total}" if p else ""
            if p and p.total and p.done == p.total:
                text = "✓ " + text
            item.setText(1, f"{badge} {text}".strip())

    def set_today(self, number: int | None) -> None:
        self._today = number
        for n, item in self._items.items():
            day = self._course.day(n)
            font = QFont(item.font(0))
            font.setBold(n == number)
            item.setFont(0, font)
            # today's day is bold and marked at the front, where wrapping cannot hide it
            item.setText(0, f"{TODAY_MARK}{day.number}. {day.title}" if n == number
                         else f"{day.number}. {day.title}")
            item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole,
                         "today" if n == number else "")

    def today(self) -> int | None:
        return self._today

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped titles need new heights at a new width
