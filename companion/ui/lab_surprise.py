"""Lab tab 3: how surprised the model is by each token of a sentence, and its perplexity.

Surprise is -log2 of the probability the model gave a token before seeing it: 1 bit is
a coin flip, 10 bits a one-in-a-thousand guess. Perplexity is 2 to the mean surprise:
the number of equally likely choices the model was, on average, hesitating between.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.lab import next_token
from companion.lab.next_token import Surprise
from companion.ui.lab_common import ACCENT, WARM, Busy, LabJobs
from companion.ui.plots import plot_widget

EXAMPLES = ("The cat sat on the mat.", "The cat sat on the refrigerator of justice.")
HIGH_BITS = 12.0  # surprise that gets the strongest colour


def _rgb(bits: float) -> str:
    from PySide6.QtGui import QColor

    t = max(0.0, min(1.0, bits / HIGH_BITS))
    return QColor.fromHslF((1 - t) / 3, 0.75, 0.8).name()


def sentence_html(s: Surprise) -> str:
    parts = [f"<span style='font-family:monospace; font-size:13pt;'>"
             f"{html.escape(s.first)}</span>"]
    for t in s.tokens:
        parts.append(f"<span title='{t.surprise_bits:.1f} bits' style='background-color:"
                     f"{_rgb(t.surprise_bits)}; color:#202124; font-family:monospace; "
                     f"font-size:13pt;'>{html.escape(t.text)}<sub style='font-size:8pt;'>"
                     f"{t.surprise_bits:.1f}</sub></span>")
    return "<p style='line-height:180%;'>" + " ".join(parts) + "</p>"


class SurpriseTab(QWidget):
    def __init__(self, jobs: LabJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.job: int | None = None
        self.result: Surprise | None = None
        self.text = QLineEdit(EXAMPLES[1], self)
        self.text.setAccessibleName("Sentence")
        self.go = QPushButton("Measure surprise", self)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.sentence = QTextBrowser(self)
        self.sentence.setAccessibleName("Tokens coloured by surprise")
        self.sentence.setMaximumHeight(110)
        self.plot = plot_widget(self, "bits", "token")
        self.surprise_bars = pg.BarGraphItem(x=[], height=[], width=0.6,
                                             brush=pg.mkBrush(WARM), pen=pg.mkPen(None))
        self.entropy_line = self.plot.plot([], [], pen=pg.mkPen(ACCENT, width=2),
                                           symbol="o", symbolSize=5, symbolBrush=ACCENT)
        self.plot.addItem(self.surprise_bars)
        self.entropy_line.setZValue(10)  # the line stays visible in front of the bars
        self.busy = Busy(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sentence:", self))
        row.addWidget(self.text, 1)
        row.addWidget(self.go)
        layout = QVBoxLayout(self)
        intro = QLabel("Each token coloured by how surprised the model was to see it (green: "
                       "expected, red: surprising; the number is bits). The first, uncoloured "
                       "token is read before the text, not predicted: the model's start-of-text "
                       "marker.", self)
        intro.setWordWrap(True)  # long lines would make the whole Lab window wider
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.sentence)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 1)
        legend = QLabel("<span style='color:#e8710a'>■</span> surprise of the token that came "
                        "(bits) &nbsp; <span style='color:#1a73e8'>●</span> the model's "
                        "uncertainty before it (entropy, bits)", self)
        legend.setWordWrap(True)
        layout.addWidget(legend)
        self.go.clicked.connect(self.measure)
        self.text.returnPressed.connect(self.measure)
        self.busy.cancelled.connect(lambda: self.jobs.cancel(self.job))

    def set_text(self, text: str) -> None:
        self.text.setText(text)
        self.measure()

    def measure(self) -> None:
        text = self.text.text()
        if not text.strip():
            self.error.setText("Type a sentence first.")
            return
        if self.job is not None:
            return
        self.busy.start("Reading the sentence…")
        self.go.setEnabled(False)
        self.job = self.jobs.run(lambda model, ctx: next_token.surprise(model, text),
                                 self._measured, self._failed)

    def _measured(self, result: Surprise) -> None:
        self.job = None
        self.busy.stop()
        self.go.setEnabled(True)
        self.error.setText("")
        self.result = result
        self.sentence.setHtml(sentence_html(result))
        worst = max(result.tokens, key=lambda t: t.surprise_bits)
        self.summary.setText(
            f"Perplexity {result.perplexity:.1f} (mean surprise {result.mean_bits:.2f} bits per "
            f"token over {len(result.tokens)} predicted tokens). Most surprising: "
            f"“{worst.text}” at {worst.surprise_bits:.1f} bits (p = {worst.prob:.2g}).")
        xs = list(range(len(result.tokens)))
        self.surprise_bars.setOpts(x=xs, height=[t.surprise_bits for t in result.tokens])
        self.entropy_line.setData(xs, [t.entropy_bits for t in result.tokens])
        self.plot.getAxis("bottom").setTicks([[(i, t.text) for i, t in enumerate(result.tokens)]])

    def _failed(self, message: str) -> None:
        self.job = None
        self.busy.stop()
        self.go.setEnabled(True)
        self.error.setText(message)
