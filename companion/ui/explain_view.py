"""Explain code: the course's note (or a walk-through) at once, then the model's checked words.

A lesson's own code block shows its authored note first; other Python gets a
structural walk-through with links to the sections that use the same operations.
The model's explanation streams under it, sentence by sentence, each checked.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Slot
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from companion import render
from companion.tutor import prompts
from companion.tutor.code_explain import CodeExplanation, course_part, explain_code
from companion.ui import theme
from companion.ui.inference import Inference
from companion.ui.markdown_view import MarkdownView

LANGUAGES = ["python", "bash", "json", "javascript", "c", "cpp", "rust", "text"]


class ExplainView(QDialog):
    def __init__(self, window, inference: Inference) -> None:
        super().__init__(window)
        self.setWindowTitle("Explain code")
        self.resize(900, 640)
        self.inference = inference
        self.job: int | None = None
        self.code = QPlainTextEdit(self)
        self.code.setPlaceholderText("Paste code here, then press Explain (Ctrl+Enter).")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.code.setFont(mono)
        self.language = QComboBox(self)
        self.language.addItems(LANGUAGES)
        self.explain_btn = QPushButton("Explain", self)
        self.stop_btn = QPushButton("Stop", self)
        self.stop_btn.setEnabled(False)
        self.highlighted = QTextBrowser(self)
        self.highlighted.setAccessibleName("Highlighted code")
        self.notice = QLabel("", self)
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b85c00; font-weight: bold;")
        self.explanation = MarkdownView(self)
        self.explanation.internal_links = True
        self.explanation.setAccessibleName("Explanation")
        self.explanation.internalLinkClicked.connect(window.open_internal_link)
        self.window_ = window
        row = QHBoxLayout()
        row.addWidget(QLabel("Language:", self))
        row.addWidget(self.language)
        row.addStretch(1)
        row.addWidget(self.stop_btn)
        row.addWidget(self.explain_btn)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.code)
        left.addWidget(self.highlighted)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.explanation)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(split, 1)
        layout.addWidget(self.notice)
        self.explain_btn.clicked.connect(self.start)
        self.stop_btn.clicked.connect(self.stop)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start)
        inference.text.connect(self._on_text)
        inference.status.connect(self._on_status)
        inference.finished.connect(self._on_finished)
        inference.failed.connect(self._on_failed)

    def set_code(self, code: str, language: str = "python") -> None:
        self.code.setPlainText(code)
        index = self.language.findText(language or "text")
        self.language.setCurrentIndex(index if index >= 0 else self.language.count() - 1)

    def start(self) -> None:
        code, language = self.code.toPlainText(), self.language.currentText()
        if self.job is not None:
            return
        if not code.strip():
            self.notice.setText("Paste some code to explain first.")
            return
        course = self.window_.study.course
        first = course_part(code[:200_000], language, course)  # no model: shown at once
        pending = CodeExplanation("", code, "", {}, "", False, first.answer, first.source,
                                  citations=first.citations)
        self.explanation.set_markdown(pending.markdown() + f"\n\n**{prompts.EXPLANATION}**\n\n")
        self.highlighted.setHtml(render.highlight(code[:200_000], language,
                                                  theme.is_dark(self)))
        if not self.inference.ready:
            self.notice.setText("The tutor model is not ready yet (see the status bar); "
                                "the course part is shown above.")
            return
        self.notice.setText("")
        self.job = self.inference.submit(
            lambda engine, ctx: explain_code(engine, code, language, ctx, course=course))
        self.explain_btn.setEnabled(False)
        self.stop_btn.setEnabled(True)

    def stop(self) -> None:
        if self.job is not None:
            self.inference.cancel(self.job)

    @Slot(int, str)
    def _on_text(self, job_id: int, text: str) -> None:
        if job_id == self.job:
            cursor = QTextCursor(self.explanation.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text)

    @Slot(int, str)
    def _on_status(self, job_id: int, words: str) -> None:
        if job_id == self.job:
            self.notice.setText(words)

    def _done(self) -> None:
        self.job = None
        self.explain_btn.setEnabled(True)
        self.stop_btn.setEnabled(False)

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        if job_id != self.job or not isinstance(result, CodeExplanation):
            return
        self._done()
        self.notice.setText("")
        self.explanation.set_markdown(result.markdown())
        if result.cut_note:
            self.notice.setText("⚠ " + result.cut_note)
            self.highlighted.setHtml(render.highlight(result.code, self.language.currentText(),
                                                      theme.is_dark(self)))

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        if job_id == self.job:
            self._done()
            self.notice.setText(message)


def code_block_at(view: MarkdownView, pos: QPoint) -> tuple[str, str] | None:
    """The lesson code block under ``pos`` (language, code), if any."""
    line = view.cursorForPosition(pos).block().text().strip()
    if not line:
        return None
    for language, code in render.code_blocks(view.markdown()):
        if any(line == c.strip() for c in code.splitlines()):
            return language, code
    return None


class ExplainFeature:
    """View → Explain code… (Ctrl+Shift+E) and "Explain this code" on lesson code blocks."""

    def __init__(self, window, inference: Inference) -> None:
        self.window = window
        self.view = ExplainView(window, inference)
        window.add_action(window.view_menu, "&Explain code…", self.open, "Ctrl+Shift+E")
        lesson = window.lesson
        lesson.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        lesson.customContextMenuRequested.connect(self._context_menu)

    def open(self) -> ExplainView:
        self.view.show()
        self.view.raise_()
        return self.view

    def explain(self, code: str, language: str) -> None:
        self.view.set_code(code, language)
        self.open()
        self.view.start()

    def _context_menu(self, pos: QPoint) -> None:
        lesson = self.window.lesson
        menu = lesson.createStandardContextMenu(pos)
        block = code_block_at(lesson, pos)
        if block is not None:
            language, code = block
            action = menu.addAction("Explain this code")
            action.triggered.connect(lambda: self.explain(code, language))
        menu.exec(lesson.mapToGlobal(pos))
        menu.deleteLater()
