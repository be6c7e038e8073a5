"""Ctrl+K: search lessons and notes, jump to a result."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from companion.study import Hit

HIT_ROLE = Qt.ItemDataRole.UserRole


class SearchDialog(QDialog):
    hitChosen = Signal(object)  # Hit

    def __init__(self, search: Callable[[str], list[Hit]], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search lessons and notes")
        self.resize(640, 420)
        self._search = search
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search lessons and notes…  (Enter opens, Esc closes)")
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.summary = QLabel("", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)
        layout.addWidget(self.summary)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self.choose_current)
        self.results.itemActivated.connect(lambda _: self.choose_current())

    def run_search(self) -> None:
        self.results.clear()
        text = self.query.text().strip()
        if not text:
            self.summary.setText("")
            return
        hits = self._search(text)
        for hit in hits:
            where = hit.title if hit.kind == "lesson" else "Your notes"
            label = f"Day {hit.day} · {where}\n{hit.snippet}"
            item = QListWidgetItem(("📖 " if hit.kind == "lesson" else "📝 ") + label)
            item.setData(HIT_ROLE, hit)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        self.summary.setText(f"{len(hits)} result(s)" if hits else "No matches")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.query.hasFocus():
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
            return
        super().keyPressEvent(event)

    def choose_current(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.run_search()
        item = self.results.currentItem()
        if item is not None:
            self.hitChosen.emit(item.data(HIT_ROLE))
            self.accept()
