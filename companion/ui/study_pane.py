"""The day's checklist and notes in one side area: split one above the other, or tabbed.

Split suits a tall screen; tabs suit a small one (the notes editor then gets the whole
height). The learner switches with the button in the corner; the choice is saved with
the window layout. The area itself lives in a dock, so it can be resized, moved,
tabbed with the tutor, or closed (View > Checklist and notes).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class StudyPane(QWidget):
    modeChanged = Signal(str)  # "split" or "tabs"

    def __init__(self, checklist: QWidget, notes: QWidget, parent: QWidget | None = None,
                 mode: str = "split") -> None:
        super().__init__(parent)
        self.checklist, self.notes = checklist, notes
        self.stack = QStackedWidget(self)

        self.split_page = QWidget(self.stack)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self.split_page)
        self.splitter.setChildrenCollapsible(False)
        self._top, self._bottom = QWidget(self.splitter), QWidget(self.splitter)
        self._top_layout, self._bottom_layout = QVBoxLayout(self._top), QVBoxLayout(self._bottom)
        for lay in (self._top_layout, self._bottom_layout):
            lay.setContentsMargins(0, 0, 0, 0)
        self.checklist_heading = _heading("Checklist", self._top)
        self._top_layout.addWidget(self.checklist_heading)
        self._bottom_layout.addWidget(_heading("My notes", self._bottom))
        self.splitter.setSizes([260, 520])
        split_layout = QVBoxLayout(self.split_page)
        split_layout.setContentsMargins(0, 0, 0, 0)
        split_layout.addWidget(self.splitter)

        self.tabs = QTabWidget(self.stack)
        self.tabs.setDocumentMode(True)
        self.stack.addWidget(self.split_page)
        self.stack.addWidget(self.tabs)

        self.toggle = QToolButton(self)
        self.toggle.setAutoRaise(True)
        self.toggle.clicked.connect(lambda: self.set_mode("tabs" if self.mode == "split"
                                                          else "split"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.stack)
        self.mode = ""
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        if mode not in ("split", "tabs") or mode == self.mode:
            return
        self.mode = mode
        if mode == "tabs":
            self.tabs.addTab(self.checklist, "Checklist")
            self.tabs.addTab(self.notes, "My notes")
            self.stack.setCurrentWidget(self.tabs)
            self.toggle.setText("Show both")
            self.toggle.setToolTip("Show the checklist above the notes")
        else:
            self._top_layout.addWidget(self.checklist)
            self._bottom_layout.addWidget(self.notes)
            self.stack.setCurrentWidget(self.split_page)
            self.toggle.setText("Use tabs")
            self.toggle.setToolTip("Show the checklist and the notes as tabs")
        self.checklist.show()
        self.notes.show()
        self.modeChanged.emit(mode)

    def show_notes(self) -> None:
        """Bring the notes into view (e.g. after a search hit in a note)."""
        if self.mode == "tabs":
            self.tabs.setCurrentWidget(self.notes)

    def set_progress(self, done: int, total: int) -> None:
        text = f"Checklist {done}/{total}" if total else "Checklist"
        self.checklist_heading.setText(text)
        index = self.tabs.indexOf(self.checklist)
        if index >= 0:
            self.tabs.setTabText(index, text)
