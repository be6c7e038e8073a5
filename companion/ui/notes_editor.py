"""The learner's Markdown notes with a live preview and autosave.

Autosave is throttled, not debounced: the first unsaved keystroke starts a
short timer and the save happens when it fires, even if typing goes on, so
nothing typed more than ~a second ago can be lost to a crash. The save itself
runs off the GUI thread (``ui/note_saving.py``); when it fails, a banner above
the editor says why, offers Retry, and the text stays here until it is saved.

The preview renders on a worker thread after each typing pause, so even a
hostile note (``render_limits.py``) cannot freeze typing; only the newest
rendering is shown.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from companion import render
from companion.ui.markdown_highlighter import MarkdownHighlighter
from companion.ui.markdown_view import MarkdownView
from companion.ui.note_saving import run_for_notes

AUTOSAVE_MS = 700
PREVIEW_MS = 250
PREVIEW_LIMIT = 50_000  # characters; beyond this the preview shows the start only (fast)
EMPTY_PREVIEW = "*The preview of your notes appears here.*"


class SaveBanner(QFrame):
    """A red strip above the editor while a save fails: the reason, and Retry."""

    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveBanner")
        self.setStyleSheet("#saveBanner { background: #fde7e9; border: 1px solid #c62828;"
                           " border-radius: 4px; } #saveBanner QLabel { color: #5f0b0b; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry", self)
        self.retry.clicked.connect(self.retryRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.retry)
        self.setAccessibleName("Save problem")
        self.hide()

    def show_problem(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class NotesEditor(QWidget):
    saveRequested = Signal(int, str)  # day, text
    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.banner = SaveBanner(self)
        self.banner.retryRequested.connect(self.retryRequested)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText(
            "Your notes for this day, in Markdown. They save themselves as you type.")
        self.editor.setAccessibleName("Notes editor")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        # headings, emphasis, code, lists, links, quotes as you type (per line: fast on 1 MB)
        self.highlighter = MarkdownHighlighter(self.editor.document(), self.editor.palette())
        self.editor.installEventFilter(self)
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
        layout.addWidget(self.banner)
        layout.addWidget(split)
        layout.addWidget(self.status)

        self._day = 0
        self._dirty = False
        self._rendering = False  # a preview is being rendered on a worker
        self._render_again = False  # the text changed meanwhile
        self._rendered_source = ""
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.flush)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self.editor.textChanged.connect(self._on_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Light <-> dark: the editor's own palette changed, so recolour the Markdown."""
        if watched is self.editor and event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.editor.palette())
        return super().eventFilter(watched, event)

    @property
    def day(self) -> int:
        return self._day

    def show_note(self, day: int, text: str, unsaved: bool = False) -> None:
        """Switch to another day's note (save the current one first with ``flush``).

        ``unsaved`` marks text that is not in the database yet (a failed save kept in
        memory): it is saved again at the next flush.
        """
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self._day = day
        self._dirty = unsaved
        if not unsaved:
            self.status.setText("")
        self.render_preview()

    def text(self) -> str:
        return self.editor.toPlainText()

    def reveal(self, words: str) -> bool:
        """Select the first place ``words`` appear (a search hit) and scroll to it."""
        cursor = self.editor.textCursor()
        cursor.setPosition(0)
        self.editor.setTextCursor(cursor)
        found = bool(words) and self.editor.find(words)
        self.editor.ensureCursorVisible()
        return found

    def append(self, markdown: str) -> None:
        """Add text at the end (e.g. a tutor answer saved to notes) and save soon."""
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        prefix = "" if not self.text() or self.text().endswith("\n\n") else "\n\n"
        cursor.insertText(prefix + markdown.strip() + "\n")

    def replace_text(self, text: str) -> None:
        """Show ``text`` instead (e.g. both versions after a conflict), keeping the cursor."""
        position = self.editor.textCursor().position()
        scroll = self.editor.verticalScrollBar().value()
        self.editor.setPlainText(text)  # textChanged: saved again soon
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)
        self.editor.verticalScrollBar().setValue(scroll)

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

    # ----- what the saver reports -----------------------------------------------------------
    def mark_saved(self, when: str) -> None:
        self.banner.hide()
        if not self._dirty:
            self.status.setText(f"Saved {when}")

    def mark_failed(self, reason: str, copy: str = "", day: int | None = None) -> None:
        """A save failed: say why, where the text is kept, and that it will be retried."""
        which = f"day {day}" if day and day != self._day else "this day"
        kept = (f" A copy is in {html.escape(copy)}" if copy
                else " No copy could be written to disk either: keep the app open.")
        self.banner.show_problem(
            f"<b>Notes for {which} NOT saved:</b> {html.escape(reason)}. They stay here and "
            f"are tried again every few seconds.{kept}")
        self.status.setText("Not saved")

    def mark_unreadable(self, day: int, reason: str) -> None:
        """The note could not be loaded: the editor stays read-only until Retry works."""
        self.banner.show_problem(f"<b>Could not load the notes for day {day}:</b> "
                                 f"{html.escape(reason)}. Nothing is lost; press Retry.")
        self.status.setText("Not loaded")

    def mark_conflict(self, when: str) -> None:
        self.banner.hide()
        self.status.setText(f"Saved {when}: another copy of this note was changed elsewhere; "
                            "both versions are kept below the line")

    # ----- preview ------------------------------------------------------------------------------
    def _preview_source(self) -> str:
        text = self.text()
        if len(text) > PREVIEW_LIMIT:
            text = text[:PREVIEW_LIMIT] + "\n\n*(preview cut: the note is very long)*"
        return text or EMPTY_PREVIEW

    def _update_preview(self) -> None:
        """Render the preview now, on this thread (bounded: see render_limits)."""
        self.preview.set_markdown(self._preview_source())

    def render_preview(self) -> None:
        """Render the preview on a worker; the newest text wins."""
        if self._rendering:
            self._render_again = True
            return
        source, options = self._preview_source(), self.preview.render_options()
        self._rendering, self._render_again = True, False
        self._rendered_source = source
        # bound methods, not lambdas: Qt drops them if this editor is gone when it finishes
        run_for_notes(lambda _ctx: render.to_html(source, *options), self._preview_rendered,
                      self._preview_failed)

    def _preview_rendered(self, html: str) -> None:
        self._rendering = False
        if self._render_again:
            self.render_preview()
        else:
            self.preview.show_html(self._rendered_source, html)

    def _preview_failed(self, _error: str) -> None:
        self._rendering = False
        if self._render_again:
            self.render_preview()
