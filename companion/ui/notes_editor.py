"""The learner's Markdown notes with a live preview and autosave.

Autosave is throttled, not debounced: the first unsaved keystroke starts a
short timer and the save happens when it fires, even if typing goes on, so
nothing typed more than ~a second ago can be lost to a crash.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from companion.ui.markdown_view import MarkdownView

AUTOSAVE_MS = 700
PREVIEW_MS = 250
PREVIEW_LIMIT = 50_000  # characters; beyond this the preview shows the start only (fast)


class NotesEditor(QWidget):
    saveRequested = Signal(int, str)  # day, text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText(
            "Your notes for this day, in Markdown. They save themselves as you type.")
        self.editor.setAccessibleName("Notes editor")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        self.preview = MarkdownView(self)
        self.preview.setAccessibleName("Notes preview")
        self.status = QLabel("", self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        split.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        layout.addWidget(self.status)

        self._day = 0
        self._dirty = False
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.flush)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self._update_preview)
        self.editor.textChanged.connect(self._on_changed)

    @property
    def day(self) -> int:
        return self._day

    def show_note(self, day: int, text: str) -> None:
        """Switch to another day's note (save the current one first with ``flush``)."""
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self._day = day
        self._dirty = False
        self.status.setText("")
        self._update_preview()

    def text(self) -> str:
        return self.editor.toPlainText()

    def append(self, markdown: str) -> None:
        """Add text at the end (e.g. a tutor answer saved to notes) and save soon."""
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        prefix = "" if not self.text() or self.text().endswith("\n\n") else "\n\n"
        cursor.insertText(prefix + markdown.strip() + "\n")

    def _on_changed(self) -> None:
        self._dirty = True
        self.status.setText("Editing…")
        if not self._save_timer.isActive():
            self._save_timer.start()
        self._preview_timer.start()

    def flush(self) -> None:
        """Save now if anything changed (day switch, close, timer)."""
        self._save_timer.stop()
        if self._dirty and self._day:
            self._dirty = False
            self.saveRequested.emit(self._day, self.text())

    def mark_saved(self, when: str) -> None:
        self.status.setText(f"Saved {when}")

    def mark_failed(self, reason: str) -> None:
        self._dirty = True  # try again on the next change or flush
        self.status.setText(f"Not saved: {reason}")

    def _update_preview(self) -> None:
        text = self.text()
        if len(text) > PREVIEW_LIMIT:
            text = text[:PREVIEW_LIMIT] + "\n\n*(preview cut: the note is very long)*"
        self.preview.set_markdown(text or "*The preview of your notes appears here.*")
