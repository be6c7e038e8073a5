"""The day's tasks as checkboxes; every toggle is saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from companion.curriculum import Day

TASK_ROLE = Qt.ItemDataRole.UserRole


class Checklist(QListWidget):
    taskToggled = Signal(str, int, bool)  # task id, day, done

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName("Checklist")
        self.setSpacing(2)
        self._day = 0
        self._loading = False
        self.itemChanged.connect(self._on_changed)

    def show_day(self, day: Day, done: set[str]) -> None:
        self._loading = True
        self.clear()
        self._day = day.number
        for task in day.tasks:
            item = QListWidgetItem(task.text, self)
            item.setData(TASK_ROLE, task.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if task.id in done
                               else Qt.CheckState.Unchecked)
        self._loading = False

    def _on_changed(self, item: QListWidgetItem) -> None:
        if not self._loading:
            done = item.checkState() == Qt.CheckState.Checked
            self.taskToggled.emit(item.data(TASK_ROLE), self._day, done)
