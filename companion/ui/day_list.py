"""The 14 days grouped by phase, with progress and a marker on today."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from companion.curriculum import PHASES, Course
from companion.services.progress import Progress

DAY_ROLE = Qt.ItemDataRole.UserRole


class DayList(QTreeWidget):
    daySelected = Signal(int)

    def __init__(self, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Day", "Done"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
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
                item.setToolTip(0, day.goal)
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
            label = f"{day.number}. {day.title}"
            item.setText(0, f"{label}  • today" if n == number else label)
