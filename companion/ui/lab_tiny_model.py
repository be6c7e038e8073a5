"""Lab tab 7: train a tiny character-level language model and watch it learn.

Training (numpy, ``companion.lab.tiny_model``) runs on the thread pool; the loss curve
and the samples update live from its reports, and Cancel stops it between steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion.curriculum import Course
from companion.lab import training
from companion.lab.tiny_model import Config
from companion.lab.training import TrainingResult, TrainingUpdate
from companion.ui.background import run_in_background
from companion.ui.lab_common import ACCENT, MUTED, WARM, Busy
from companion.ui.plots import add_legend, plot_widget

KIND_NAMES = {"mlp": "an MLP", "bigram": "a bigram"}


def smooth(values: list[float], width: int = 50) -> np.ndarray:
    """A running mean, so the trend shows through the noise of small batches."""
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return v
    c = np.cumsum(np.insert(v, 0, 0.0))
    end = np.arange(1, len(v) + 1)
    width_here = np.minimum(end, width)  # the first points average what there is
    return (c[end] - c[end - width_here]) / width_here


class TinyModelTab(QWidget):
    showCode = Signal(str, str)  # title, code

    def __init__(self, course: Course, notes: Callable[[], list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.course, self.notes = course, notes
        self.op = None
        self.started = 0.0
        self.result: TrainingResult | None = None
        self.source = QComboBox(self)
        self.source.setAccessibleName("Train on")
        self.source.addItems(["the course text", "your notes"])
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Model")
        self.kind.addItem("MLP (12 characters of context)", "mlp")
        self.kind.addItem("Bigram (1 character of context)", "bigram")
        self.steps = QSpinBox(self)
        self.steps.setAccessibleName("Steps")
        self.steps.setRange(100, 50_000)
        self.steps.setSingleStep(500)
        self.steps.setValue(Config().steps)
        self.steps.setSuffix(" steps")
        self.train_btn = QPushButton("Train", self)
        self.code_btn = QPushButton("Show the code", self)
        self.info = QLabel("A character-level model in numpy: forward pass, backward pass and "
                           "Adam written out by hand. About a minute for 6,000 steps.", self)
        self.info.setWordWrap(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.plot = plot_widget(self, "loss (nats per character)", "step")
        add_legend(self.plot)
        self.raw = self.plot.plot([], [], pen=pg.mkPen(MUTED, width=1), name="batch loss")
        self.trend = self.plot.plot([], [], pen=pg.mkPen(ACCENT, width=2),
                                    name="batch loss, running mean")
        self.val = self.plot.plot([], [], pen=pg.mkPen(WARM, width=2), symbol="o",
                                  symbolSize=6, symbolBrush=WARM, name="validation loss")
        self.samples = QPlainTextEdit(self)
        self.samples.setReadOnly(True)
        self.samples.setAccessibleName("Samples")
        self.samples.setPlaceholderText("Samples of generated text appear here every few "
                                        "hundred steps.")
        self.busy = Busy(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Train on", self))
        row.addWidget(self.source)
        row.addWidget(self.kind)
        row.addWidget(self.steps)
        row.addStretch(1)
        row.addWidget(self.code_btn)
        row.addWidget(self.train_btn)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.info)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.samples, 2)
        self.train_btn.clicked.connect(self.train)
        self.code_btn.clicked.connect(
            lambda: self.showCode.emit("The tiny model's code", training.source_code()))
        self.busy.cancelled.connect(lambda: self.op and self.op.cancel())

    def train(self) -> None:
        if self.busy.isVisible():
            return
        if self.source.currentIndex() == 0:
            text, source = training.course_text(self.course), "the course text"
        else:
            text, source = training.notes_text(self.notes()), "your notes"
        cfg = Config(kind=self.kind.currentData(), steps=self.steps.value())
        self.samples.clear()
        for curve in (self.raw, self.trend, self.val):
            curve.setData([], [])
        self.error.setText("")
        self.busy.start(f"Training on {source}…")
        self.train_btn.setEnabled(False)
        self.started = time.perf_counter()
        self.op = run_in_background(self, lambda ctx: training.run(text, source, cfg, ctx),
                                    self._done, self._failed)
        self.op.progress.connect(self.busy.step)
        self.op.reported.connect(self.update_curve)

    def update_curve(self, u: object) -> None:
        if not isinstance(u, TrainingUpdate):
            return
        self.raw.setData(u.steps, u.train_loss)
        self.trend.setData(u.steps, smooth(u.train_loss))
        self.val.setData(u.val_steps, u.val_loss)
        shown = self.samples.toPlainText().count("── step")
        for step, text in u.samples[shown:]:
            loss = u.val_loss[u.val_steps.index(step)]
            self.samples.appendPlainText(f"── step {step}, validation loss {loss:.2f} ──\n"
                                         f"{text}\n")
        rate = u.step / max(1e-6, time.perf_counter() - self.started)
        self.info.setText(f"Step {u.step:,} of {u.total:,} · {rate:.0f} steps/s · "
                          f"batch loss now {np.mean(u.train_loss[-50:]):.2f} "
                          f"(started at {u.train_loss[0]:.2f}; a uniform guess would be "
                          f"ln(vocabulary))")

    def _failed(self, message: str) -> None:
        self.busy.stop()
        self.train_btn.setEnabled(True)
        self.error.setText(message)

    def _done(self, result: TrainingResult) -> None:
        self.busy.stop()
        self.train_btn.setEnabled(True)
        self.result = result
        h = result.history
        self.update_curve(TrainingUpdate(len(h.steps), result.config.steps, h.steps,
                                         h.train_loss, h.val_steps, h.val_loss, h.samples))
        took = time.perf_counter() - self.started
        stopped = " (stopped early)" if result.stopped else ""
        self.info.setText(
            f"Trained {KIND_NAMES[result.config.kind]} model{stopped}: "
            f"{result.parameters:,} parameters, {result.vocabulary} different characters, "
            f"{result.characters:,} characters of {result.source}, {len(h.steps):,} steps in "
            f"{took:.0f} s. Loss {result.first_loss:.2f} → {result.final_val_loss:.2f} on "
            "held-out text.")
