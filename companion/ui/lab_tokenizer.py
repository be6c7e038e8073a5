"""Lab tab 1: the tokens a model reads, with ids, visible whitespace and byte pieces."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.lab import tokenizer
from companion.lab.model_access import open_model
from companion.lab.tokenizer import Tokenized
from companion.ui import theme
from companion.ui.lab_common import Busy, LabJobs

EXAMPLE = ("Tokenization splits text into pieces. Unbelievable! 12345 + 678 = 13023 🤖\n"
           "    def f(x): return x")
SHOW_AT_MOST = 3000  # chips drawn; the counts always cover the whole text
LIGHT = ["#d2e3fc", "#fde7c8", "#ceead6", "#f3d9fd", "#fad2cf"]
DARK = ["#1e3a5f", "#5c3b0e", "#1e4620", "#4a2a5c", "#5c2320"]


def chips_html(t: Tokenized, dark: bool) -> str:
    """Each token as a coloured chip with its id underneath; byte pieces in red italics."""
    colors = DARK if dark else LIGHT
    parts = []
    for i, tok in enumerate(t.tokens[:SHOW_AT_MOST]):
        style = f"background-color:{colors[i % len(colors)]};"
        text = html.escape(tok.shown)
        if tok.byte_fallback:
            text = f"<i style='color:#d93025'>{text}</i>"
        elif tok.special:
            text = f"<b>{text}</b>"
        parts.append(f"<span style='{style} font-family:monospace; font-size:13pt;'>{text}"
                     f"<sub style='font-size:8pt;'>{tok.id}</sub></span>")
        if "\n" in tok.text:
            parts.append("<br>")  # the text goes on on a new line, so do its tokens
    return (f"<p style='line-height:170%;'>{' '.join(parts)}</p>"
            + (f"<p><i>The first {SHOW_AT_MOST:,} tokens are shown.</i></p>"
               if t.count > SHOW_AT_MOST else "")
            + f"<p>{t.count:,} tokens · {t.characters:,} characters · "
            f"{t.chars_per_token:.2f} characters per token</p>")


class TokenizerTab(QWidget):
    """Type text, see the tokens; pick a second installed model to compare."""

    def __init__(self, jobs: LabJobs, installed: list[Path], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.job: int | None = None
        self.shown_once = False  # tokens of the example shown yet
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName("Text to tokenize")
        self.text.setPlaceholderText("Type or paste text; its tokens appear below.")
        self.text.setPlainText(EXAMPLE)
        self.compare_with = QComboBox(self)
        self.compare_with.setAccessibleName("Compare with")
        self.set_installed(installed)
        self.go = QPushButton("Tokenize", self)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.left = QTextBrowser(self)
        self.left.setAccessibleName("Tokens")
        self.right = QTextBrowser(self)
        self.right.setAccessibleName("Tokens of the other model")
        self.right.hide()
        self.summary = QLabel("", self)
        self.busy = Busy(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Compare with:", self))
        row.addWidget(self.compare_with, 1)
        row.addWidget(self.go)
        results = QSplitter(Qt.Orientation.Horizontal, self)
        results.addWidget(self.left)
        results.addWidget(self.right)
        layout = QVBoxLayout(self)
        intro = QLabel("What the model reads: ␣ is a space, ↵ a new line, → a tab; <0x..> in "
                       "red is a byte of a character the model has no token for (byte "
                       "fallback).", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(results, 3)
        layout.addWidget(self.summary)
        self.debounce = QTimer(self, singleShot=True, interval=300)
        self.debounce.timeout.connect(self.start)
        self.text.textChanged.connect(self.debounce.start)
        self.go.clicked.connect(self.start)
        self.compare_with.currentIndexChanged.connect(self.start)
        self.busy.cancelled.connect(lambda: self.jobs.cancel(self.job))

    def set_installed(self, installed: list[Path]) -> None:
        """The models to compare with (after a download or a deletion, too)."""
        chosen = self.compare_with.currentData()
        self.compare_with.blockSignals(True)
        self.compare_with.clear()
        self.compare_with.addItem("(no comparison)", None)
        for path in installed:
            self.compare_with.addItem(path.stem, str(path))
        self.compare_with.setCurrentIndex(max(0, self.compare_with.findData(chosen)))
        self.compare_with.blockSignals(False)

    def set_text(self, text: str) -> None:
        self.text.setPlainText(text)
        self.start()

    def start(self) -> None:
        text = self.text.toPlainText()
        if not text:
            self.error.setText("Type or paste some text to tokenize.")
            return
        if self.job is not None:
            self.debounce.start()  # one at a time; try again when this one is back
            return
        other = self.compare_with.currentData()

        def work(model, ctx):
            mine = tokenizer.tokenize(model, text)
            if not other:
                return mine, None
            return mine, tokenizer.tokenize(open_model(other, vocab_only=True), text)

        self.busy.start("Tokenizing…")
        self.job = self.jobs.run(work, self.show_result, self.show_error)

    def show_result(self, result: tuple[Tokenized, Tokenized | None]) -> None:
        self.job = None
        self.shown_once = True
        self.busy.stop()
        self.error.setText("")
        mine, other = result
        dark = theme.is_dark(self)
        self.left.setHtml(f"<h3>{html.escape(mine.model)}</h3>" + chips_html(mine, dark))
        self.right.setVisible(other is not None)
        if other is None:
            self.summary.setText("")
            return
        self.right.setHtml(f"<h3>{html.escape(other.model)}</h3>" + chips_html(other, dark))
        self.summary.setText(tokenizer.Comparison(mine, other).summary())

    def show_error(self, message: str) -> None:
        self.job = None
        self.busy.stop()
        self.error.setText(message)
