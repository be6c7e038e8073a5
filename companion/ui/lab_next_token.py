"""Lab tab 2: the model's next-token probabilities, with live sampling sliders.

The model is asked once per prompt; the sliders (temperature, top-k, top-p, min-p)
recompute survivors and probabilities from those cached scores, so they redraw at
once. "Step" samples one token with the current settings and appends it; "Greedy vs
sampled" writes two continuations side by side.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion.lab import next_token
from companion.lab.next_token import Continuation, NextToken
from companion.lab.sampling import Settings
from companion.ui.lab_common import ACCENT, MUTED, Busy, LabJobs
from companion.ui.plots import plot_widget

SHOWN = 15  # candidates in the chart
EXAMPLE = "The capital of France is"


def _slider(low: int, high: int, value: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(low, high)
    s.setValue(value)
    return s


class NextTokenTab(QWidget):
    def __init__(self, jobs: LabJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.job: int | None = None
        self.result: NextToken | None = None
        self.rng_seed = 0
        self.prompt = QLineEdit(EXAMPLE, self)
        self.prompt.setAccessibleName("Prompt")
        self.score_btn = QPushButton("Score next token", self)
        self.step_btn = QPushButton("Step: sample one token", self)
        self.compare_btn = QPushButton("Greedy vs sampled", self)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 9999)
        self.seed.setPrefix("seed ")
        self.temperature = _slider(0, 200, 80)
        self.top_k = _slider(0, 100, 40)
        self.top_p = _slider(5, 100, 95)
        self.min_p = _slider(0, 50, 5)
        self.values = {name: QLabel(self) for name in ("temperature", "top_k", "top_p", "min_p")}
        grid = QGridLayout()
        for row, (label, slider, name) in enumerate([
                ("Temperature", self.temperature, "temperature"), ("Top-k", self.top_k, "top_k"),
                ("Top-p", self.top_p, "top_p"), ("Min-p", self.min_p, "min_p")]):
            slider.setAccessibleName(label)
            grid.addWidget(QLabel(label, self), row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(self.values[name], row, 2)
            slider.valueChanged.connect(self.redraw)
        self.plot = plot_widget(self, "", "probability")
        self.plot.setMinimumHeight(260)
        self.model_bars = pg.BarGraphItem(x0=[], y=[], height=0.8, width=[],
                                          brush=pg.mkBrush(MUTED), pen=pg.mkPen(None))
        self.final_bars = pg.BarGraphItem(x0=[], y=[], height=0.45, width=[],
                                          brush=pg.mkBrush(ACCENT), pen=pg.mkPen(None))
        self.plot.addItem(self.model_bars)
        self.plot.addItem(self.final_bars)
        self.plot.getViewBox().invertY(True)
        self.plot.setXRange(0, 1, padding=0.02)
        self.legend = QLabel("<span style='color:#9aa0a6'>■</span> the model's own "
                             "probability &nbsp; <span style='color:#1a73e8'>■</span> after "
                             "temperature and filters (renormalised)", self)
        self.info = QLabel("", self)
        self.info.setWordWrap(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.greedy = QPlainTextEdit(self)
        self.sampled = QPlainTextEdit(self)
        for box, name in ((self.greedy, "Greedy continuation"),
                          (self.sampled, "Sampled continuation")):
            box.setReadOnly(True)
            box.setAccessibleName(name)
            box.setPlaceholderText(name)
            box.setMaximumHeight(90)
        self.busy = Busy(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Prompt:", self))
        top.addWidget(self.prompt, 1)
        top.addWidget(self.score_btn)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step_btn)
        buttons.addWidget(self.compare_btn)
        buttons.addWidget(self.seed)
        buttons.addStretch(1)
        both = QHBoxLayout()
        both.addWidget(self.greedy)
        both.addWidget(self.sampled)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.info)
        layout.addLayout(buttons)
        layout.addLayout(both)
        self.score_btn.clicked.connect(self.score)
        self.prompt.returnPressed.connect(self.score)
        self.step_btn.clicked.connect(self.step)
        self.compare_btn.clicked.connect(self.compare)
        self.busy.cancelled.connect(lambda: self.jobs.cancel(self.job))
        self._show_values()

    # ----- settings --------------------------------------------------------------------
    def settings(self) -> Settings:
        return Settings(temperature=self.temperature.value() / 100, top_k=self.top_k.value(),
                        top_p=self.top_p.value() / 100, min_p=self.min_p.value() / 100)

    def _show_values(self) -> None:
        s = self.settings()
        self.values["temperature"].setText(f"{s.temperature:.2f}" + (" (greedy)" if
                                                                     s.temperature == 0 else ""))
        self.values["top_k"].setText("off" if s.top_k == 0 else str(s.top_k))
        self.values["top_p"].setText("off" if s.top_p >= 1 else f"{s.top_p:.2f}")
        self.values["min_p"].setText("off" if s.min_p == 0 else f"{s.min_p:.2f}")

    # ----- model calls -----------------------------------------------------------------
    def _busy(self, words: str) -> bool:
        if self.job is not None:
            return False
        self.busy.start(words)
        for b in (self.score_btn, self.step_btn, self.compare_btn):
            b.setEnabled(False)
        return True

    def _idle(self) -> None:
        self.job = None
        self.busy.stop()
        for b in (self.score_btn, self.step_btn, self.compare_btn):
            b.setEnabled(True)

    def set_prompt(self, text: str) -> None:
        self.prompt.setText(text)
        self.score()

    def score(self, tokens: list[int] | bool | None = None) -> None:
        prompt = self.prompt.text()
        if not prompt.strip():
            self.error.setText("Type a prompt first.")
            return
        if not self._busy("Asking the model…"):
            return
        if tokens:
            ids = list(tokens)  # after a Step: exactly these tokens, spelled back as text
            work = lambda model, ctx: next_token.next_token(model, model.text_of(ids), ids)  # noqa: E731
        else:
            work = lambda model, ctx: next_token.next_token(model, prompt)  # noqa: E731
        self.job = self.jobs.run(work, self._scored, self._failed)

    def _scored(self, result: NextToken) -> None:
        self._idle()
        self.error.setText("")
        self.result = result
        if self.prompt.text() != result.prompt:
            self.prompt.setText(result.prompt)
        self.redraw()

    def _failed(self, message: str) -> None:
        self._idle()
        self.error.setText(message)

    def step(self) -> None:
        """Sample one token from the shown distribution, append it, and score again."""
        if self.result is None or self.result.prompt != self.prompt.text():
            self.score()
            return
        rng = np.random.default_rng(self.seed.value() + len(self.result.prompt_tokens))
        token = self.result.scores.sample(self.settings(), rng)
        self.score([*self.result.prompt_tokens, token])

    def compare(self) -> None:
        prompt, settings, seed = self.prompt.text(), self.settings(), self.seed.value()
        if not prompt.strip():
            self.error.setText("Type a prompt first.")
            return
        if not self._busy("Writing greedy and sampled continuations…"):
            return
        self.job = self.jobs.run(
            lambda model, ctx: next_token.continue_both(model, prompt, settings, 24, seed, ctx),
            self._compared, self._failed, self.busy.step)

    def _compared(self, result: Continuation | None) -> None:
        self._idle()
        if result is None:
            return
        self.greedy.setPlainText("Greedy (always the most likely): " + result.greedy)
        self.sampled.setPlainText(f"Sampled (seed {result.seed}): " + result.sampled)

    # ----- drawing (no model call) -----------------------------------------------------
    def redraw(self) -> None:
        self._show_values()
        if self.result is None:
            return
        s = self.settings()
        shown, picked = self.result.candidates(s, SHOWN)
        ys = list(range(len(shown)))
        self.model_bars.setOpts(x0=[0] * len(shown), y=ys, width=[c.model_prob for c in shown])
        self.final_bars.setOpts(x0=[0] * len(shown), y=ys, width=[c.prob for c in shown])
        labels = [(i, f"{c.text}" + ("" if c.survives else " ✕")) for i, c in enumerate(shown)]
        self.plot.getAxis("left").setTicks([labels])
        self.plot.setYRange(-0.6, len(shown) - 0.4, padding=0)
        greedy = self.result.pieces(self.result.scores.greedy())
        self.info.setText(
            f"{picked.survivors:,} of {len(picked.ids):,} tokens survive the filters · "
            f"entropy {picked.entropy_bits:.2f} bits after them "
            f"({picked.full_entropy_bits:.2f} bits over the whole vocabulary at this "
            f"temperature) · greedy pick “{greedy}” · {len(self.result.prompt_tokens)} "
            f"prompt tokens scored in {self.result.seconds * 1000:.0f} ms. ✕ = filtered out.")
