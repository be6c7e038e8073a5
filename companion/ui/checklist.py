"""The day's tasks as checkboxes; every toggle is saved at once.

Each task is a row: a checkbox and its full text, wrapped (never cut with "…"). A done
task is struck through and dimmed so what is left stands out; optional tasks (the
generative track) say so. Tab moves between tasks, Space ticks.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.curriculum import Day, Task
from companion.curriculum.model import LAB_TITLES


class _TaskText(QLabel):
    """The task's text; clicking it ticks the box, like a checkbox's own label."""

    clicked = Signal()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class TaskRow(QWidget):
    toggled = Signal(bool)
    labRequested = Signal(str)  # the experiment that fits this task

    def __init__(self, task: Task, done: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.box = QCheckBox(self)
        self.box.setAccessibleName(task.text)
        self.box.setToolTip(task.text)
        self.label = _TaskText(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(60)
        self.label.clicked.connect(self.box.toggle)
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 3, 2, 3)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        self.lab_button: QToolButton | None = None
        if task.lab:
            self.lab_button = QToolButton(self)
            self.lab_button.setText("Lab")
            self.lab_button.setAutoRaise(True)
            self.lab_button.setToolTip(f"Try it in the Lab: {LAB_TITLES[task.lab]}")
            self.lab_button.clicked.connect(lambda: self.labRequested.emit(task.lab))
            row.addWidget(self.lab_button, 0, Qt.AlignmentFlag.AlignTop)
        self.box.setChecked(done)
        self._show(done)
        self.box.toggled.connect(self._toggled)

    @property
    def done(self) -> bool:
        return self.box.isChecked()

    def _toggled(self, done: bool) -> None:
        self._show(done)
        self.toggled.emit(done)

    def _show(self, done: bool) -> None:
        text = escape(self.task.text)
        if self.task.optional:
            text = f"<i>Optional:</i> {text}"
        if done:
            dim = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
            text = f'<s><span style="color:{dim}">{text}</span></s>'
        self.label.setText(text)


class Checklist(QScrollArea):
    taskToggled = Signal(str, int, bool)  # task id, day, done
    labRequested = Signal(str, int)  # experiment, day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Checklist")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._day = 0
        self.rows: list[TaskRow] = []
        self._body = QWidget(self)
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)
        self.setWidget(self._body)

    def show_day(self, day: Day, done: set[str]) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        self._day = day.number
        for task in day.tasks:
            row = TaskRow(task, task.id in done, self._body)
            row.toggled.connect(lambda checked, t=task.id: self.taskToggled.emit(
                t, self._day, checked))
            row.labRequested.connect(lambda lab: self.labRequested.emit(lab, self._day))
            self._layout.insertWidget(self._layout.count() - 1, row)
            self.rows.append(row)

    def count(self) -> int:
        return len(self.rows)

    def set_done(self, task_id: str, done: bool) -> None:
        """Show ``task_id`` as done or not without reporting it as a new toggle."""
        for row in self.rows:
            if row.task.id == task_id:
                row.box.blockSignals(True)
                row.box.setChecked(done)
                row.box.blockSignals(False)
                row._show(done)
