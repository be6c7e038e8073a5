"""Lab tab 6: run a lesson's Python code, or an edited copy of it, in a separate process.

Nothing runs until the learner presses Run. The code runs in its own Python process
with a time limit (``companion.lab.run_code``); stdout, errors and matplotlib figures
come back here, and the output can be added to the day's notes.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.curriculum import Course
from companion.lab import run_code
from companion.lab.run_code import RunResult
from companion.ui.background import run_in_background
from companion.ui.lab_common import Busy

SaveToNotes = Callable[[int, str], None]  # day, Markdown


def mono() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class RunCodeTab(QWidget):
    def __init__(self, course: Course, save_to_notes: SaveToNotes,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.course = course
        self.save_to_notes = save_to_notes
        self.op = None
        self.last: RunResult | None = None
        self.scratch = False  # True once the learner edits a copy
        self.day = QComboBox(self)
        self.day.setAccessibleName("Day")
        self.day.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.day.setMinimumContentsLength(24)
        for d in course.days:
            self.day.addItem(f"Day {d.number}: {d.title}", d.number)
        self.block = QComboBox(self)
        self.block.setAccessibleName("Code block")
        self.block.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.block.setMinimumContentsLength(30)
        self.code = QPlainTextEdit(self)
        self.code.setAccessibleName("Code")
        self.code.setFont(mono())
        self.code.setReadOnly(True)
        self.mode = QLabel("", self)
        self.edit_btn = QPushButton("Edit a copy", self)
        self.run_btn = QPushButton("Run", self)
        self.run_btn.setToolTip("Run this code in a separate Python process (Ctrl+Enter)")
        self.save_btn = QPushButton("Save output to notes", self)
        self.save_btn.setEnabled(False)
        self.verdict = QLabel("", self)
        self.output = QTextBrowser(self)
        self.output.setAccessibleName("Output")
        self.output.setFont(mono())
        self.figures = QWidget(self)
        self.figures_layout = QHBoxLayout(self.figures)
        self.figures_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(self.figures)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(40)
        self.busy = Busy(self)
        self.busy.cancel_btn.setText("Stop")
        pick = QHBoxLayout()
        pick.addWidget(self.day, 2)
        pick.addWidget(self.block, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mode, 1)
        buttons.addWidget(self.edit_btn)
        buttons.addWidget(self.run_btn)
        out_top = QHBoxLayout()
        out_top.addWidget(self.verdict, 1)
        out_top.addWidget(self.save_btn)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(pick)
        left_layout.addWidget(self.code, 1)
        left_layout.addLayout(buttons)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(out_top)
        right_layout.addWidget(self.busy)
        right_layout.addWidget(self.output, 2)
        right_layout.addWidget(scroll, 2)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 520])
        self.figures_area = scroll
        scroll.hide()  # until a run makes figures
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.day.currentIndexChanged.connect(self._fill_blocks)
        self.block.currentIndexChanged.connect(self._show_block)
        self.edit_btn.clicked.connect(self.edit_copy)
        self.run_btn.clicked.connect(self.run)
        self.save_btn.clicked.connect(self.save)
        self.busy.cancelled.connect(lambda: self.op and self.op.cancel())
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.run)
        self._fill_blocks()

    # ----- choosing code ---------------------------------------------------------------
    def show_block(self, day: int, block: int | None = None) -> None:
        self.day.setCurrentIndex(max(0, self.day.findData(day)))
        if block is not None:
            index = self.block.findData(block)
            if index >= 0:
                self.block.setCurrentIndex(index)
            else:
                self.verdict.setText(f"Block {block} of day {day} is not Python code that "
                                     "runs here; pick one of the listed blocks.")

    def show_code(self, title: str, code: str) -> None:
        """Put any code (e.g. the tiny model's) in a scratch cell."""
        self.code.setPlainText(code)
        self._scratch(f"{title} (a copy: your changes stay here)")

    def _fill_blocks(self) -> None:
        day = self.course.day(self.day.currentData())
        blocks = {b.number: b for b in day.code_blocks()}
        self.block.blockSignals(True)
        self.block.clear()
        for n in run_code.runnable_blocks(day):
            self.block.addItem(f"Block {n}: {blocks[n].first_line[:48]}", n)
        self.block.blockSignals(False)
        if self.block.count() == 0:
            self.code.setPlainText("")
            self.mode.setText("This day has no Python code that runs in the app.")
            self.run_btn.setEnabled(False)
            return
        self._show_block()

    def _show_block(self) -> None:
        day, n = self.day.currentData(), self.block.currentData()
        if n is None:
            return
        self.run_btn.setEnabled(True)
        self.code.setPlainText(run_code.program(self.course.day(day), n))
        self.code.setReadOnly(True)
        self.scratch = False
        note = self.course.day(day).code_note(n)
        extra = f" (runs block {', '.join(map(str, note.requires))} first)" if note and \
            note.requires else ""
        self.mode.setText(f"Lesson code, day {day} block {n}{extra}")

    def edit_copy(self) -> None:
        self._scratch("Your copy: change it and Run again (the lesson is not changed)")

    def _scratch(self, words: str) -> None:
        self.scratch = True
        self.code.setReadOnly(False)
        self.run_btn.setEnabled(True)
        self.mode.setText(words)
        self.code.setFocus()

    # ----- running ---------------------------------------------------------------------
    def run(self) -> None:
        code = self.code.toPlainText()
        if not code.strip() or self.busy.isVisible():
            return
        self.busy.start("Running in a separate Python process…")
        self.run_btn.setEnabled(False)
        self.op = run_in_background(self, lambda ctx: run_code.run(code, cancel=ctx.cancel_event),
                                    self._done, self._failed)

    def _failed(self, message: str) -> None:
        self.busy.stop()
        self.run_btn.setEnabled(True)
        self.verdict.setText(message)

    def _done(self, result: RunResult) -> None:
        self.busy.stop()
        self.run_btn.setEnabled(True)
        self.last = result
        parts = [f"<pre>{html.escape(result.stdout)}</pre>"] if result.stdout else []
        if result.stderr:
            parts.append(f"<pre style='color:#d93025'>{html.escape(result.stderr)}</pre>")
        self.output.setHtml("".join(parts) or "<i>(no output)</i>")
        while self.figures_layout.count() > 1:
            item = self.figures_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.figures_area.setVisible(bool(result.figures))
        for path in result.figures:
            label = QLabel(self.figures)
            label.setPixmap(QPixmap(str(path)).scaledToHeight(
                260, Qt.TransformationMode.SmoothTransformation))
            self.figures_layout.insertWidget(self.figures_layout.count() - 1, label)
        self.save_btn.setEnabled(True)
        self.verdict.setText(self._verdict(result))

    def _verdict(self, result: RunResult) -> str:
        if result.cancelled:
            return "Stopped."
        if result.timed_out:
            return f"Stopped after {run_code.TIME_LIMIT_S:.0f} s (the time limit)."
        if not result.ok:
            return "It stopped with an error (shown in red)."
        note = None if self.scratch else self.course.day(self.day.currentData()).code_note(
            self.block.currentData())
        if note is not None and note.output:
            same = result.stdout.rstrip() == note.output.rstrip()
            return "✓ Same output as the lesson says." if same else \
                "Ran; the output differs from the lesson's (numbers may vary by version)."
        return "✓ Ran without errors."

    def save(self) -> None:
        if self.last is None:
            return
        r = self.last
        what = self.mode.text()
        text = f"**Lab run** — {what}\n\n```python\n{self.code.toPlainText().strip()}\n```\n"
        if r.stdout:
            text += f"\nOutput:\n\n```text\n{r.stdout.rstrip()}\n```\n"
        if r.stderr:
            text += f"\nErrors:\n\n```text\n{r.stderr.rstrip()}\n```\n"
        self.save_to_notes(self.day.currentData(), text)
        self.verdict.setText(f"Saved to your notes for day {self.day.currentData()}.")
