"""Lab tab 5: quantise a real weight tensor yourself; see the error and the memory saved."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.lab import quantization
from companion.lab.quantization import QuantizationResult
from companion.ui.background import run_in_background
from companion.ui.lab_common import COLORS, MUTED, Busy, ModelFile, model_path_or_say
from companion.ui.plots import add_legend, plot_widget

EXPLAIN = ("Weights are read from the model file and dequantised to float32 (with the gguf "
           "package); each scheme maps them to 2^bits levels and back. Block-wise schemes keep "
           "one fp16 scale (and offset) per 32 weights, which costs 0.5 (or 1) extra bit per "
           "weight but stops one outlier from ruining the whole tensor. Note: the file's own "
           "values already sit on its quantisation grid, so re-applying its own format gives "
           "no error at all: start from the Q8_0 embedding table to see what 4 and 2 bits cost "
           "against nearly original weights.")


class QuantizationTab(QWidget):
    def __init__(self, model_file: ModelFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_file = model_file
        self.path: Path | None = None
        self.result: QuantizationResult | None = None
        self.op = None
        self.tensor = QComboBox(self)
        self.tensor.setAccessibleName("Weight tensor")
        self.tensor.setMinimumContentsLength(28)
        self.bits = QComboBox(self)
        self.bits.setAccessibleName("Bits")
        self.bits.addItems([f"{b} bits" for b in quantization.BITS])
        self.bits.setCurrentIndex(1)
        self.go = QPushButton("Quantise", self)
        self.info = QLabel("", self)
        self.info.setWordWrap(True)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Scheme", "Bits", "Bits per weight",
                                              "Error (% of spread)", "Size (MB)"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.hist = plot_widget(self, "share of weights", "error (quantised − original)")
        add_legend(self.hist)
        self.memory = plot_widget(self, "MB", "")
        self.memory_bars = pg.BarGraphItem(x=[], height=[], width=0.6, brushes=[])
        self.memory.addItem(self.memory_bars)
        self.memory.getAxis("bottom").setHeight(44)  # two-line scheme names
        self.busy = Busy(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Tensor:", self))
        row.addWidget(self.tensor, 1)
        row.addWidget(self.bits)
        row.addWidget(self.go)
        plots = QSplitter(Qt.Orientation.Horizontal, self)
        plots.addWidget(self.hist)
        plots.addWidget(self.memory)
        plots.setSizes([620, 380])
        explain = QLabel(EXPLAIN, self)
        explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        layout.addWidget(plots, 2)
        layout.addWidget(self.table, 1)
        self.go.clicked.connect(self.run)
        self.bits.currentIndexChanged.connect(self.redraw)
        self.busy.cancelled.connect(lambda: self.op and self.op.cancel())

    def load(self) -> None:
        """List the loaded model's weight matrices (off the GUI thread)."""
        path = model_path_or_say(self.model_file, self.error)
        if path is None:
            return
        if path == self.path:
            return
        self.path = path
        self.busy.start(f"Reading the tensor table of {path.name}…")
        self.op = run_in_background(self, lambda ctx: quantization.tensors(path),
                                    self._listed, self._failed, self.busy.stop)

    def _listed(self, tensors: list) -> None:
        self.busy.stop()
        self.tensor.clear()
        for t in tensors:
            self.tensor.addItem(f"{t.name}  {t.type}  {'×'.join(map(str, t.shape))}", t.name)
        index = self.tensor.findData(quantization.DEFAULT_TENSOR)
        if index < 0:
            index = self.tensor.findData(quantization.FALLBACK_TENSOR)
        self.tensor.setCurrentIndex(max(0, index))

    def run(self) -> None:
        name, path = self.tensor.currentData(), self.path
        if not name or path is None or (self.op is not None and self.busy.isVisible()):
            return
        self.busy.start(f"Quantising {name}…")
        self.go.setEnabled(False)
        self.op = run_in_background(
            self, lambda ctx: quantization.compare_schemes(path, name, ctx), self._done,
            self._failed, self._cancelled)
        self.op.progress.connect(self.busy.step)

    def _cancelled(self) -> None:
        self.busy.stop()
        self.go.setEnabled(True)

    def _failed(self, message: str) -> None:
        self._cancelled()
        self.error.setText(message)

    def _done(self, result: QuantizationResult) -> None:
        self._cancelled()
        self.error.setText("")
        self.result = result
        t = result.tensor
        self.info.setText(
            f"Model: {result.model} · {t.name} {'×'.join(map(str, t.shape))} is stored as "
            f"{t.type} ({t.bits_per_weight:.2f} bits per weight, "
            f"{t.bytes / 1e6:.2f} MB; {t.parameters * 4 / 1e6:.2f} MB in float32). "
            f"{result.weights:,} weights used; their spread (std) is {result.std:.4f}.")
        rows = list(result.outcomes) + ([result.file_format] if result.file_format else [])
        self.table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            for j, value in enumerate([o.scheme, str(o.bits or "—"), f"{o.bits_per_weight:.2f}",
                                       f"{100 * o.relative_error:.2f}", f"{o.megabytes:.3f}"]):
                self.table.setItem(i, j, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.redraw()

    def redraw(self) -> None:
        r = self.result
        if r is None:
            return
        bits = quantization.BITS[self.bits.currentIndex()]
        chosen = [o for o in r.outcomes if o.bits == bits]
        self.hist.clear()
        spread = max(float(np.abs(o.errors).max()) for o in chosen) or 1.0
        edges = np.linspace(-spread, spread, 61)
        for color, o in zip(COLORS, chosen, strict=False):
            counts, _ = np.histogram(o.errors, bins=edges)
            self.hist.plot(edges, counts / max(1, counts.sum()), stepMode="center",
                           pen=pg.mkPen(color, width=2),
                           name=f"{o.scheme} ({100 * o.relative_error:.1f}%)")
        f32 = r.tensor.parameters * 4 / 1e6
        bars = [("float32", f32, MUTED)] + [(o.scheme, o.megabytes, c)
                                           for c, o in zip(COLORS, chosen, strict=False)]
        if r.file_format is not None:
            bars.append((f"file {r.tensor.type}", r.file_format.megabytes, "#5f6368"))
        self.memory_bars.setOpts(x=list(range(len(bars))), height=[b[1] for b in bars],
                                 brushes=[pg.mkBrush(b[2]) for b in bars])
        self.memory.getAxis("bottom").setTicks([[(i, b[0].replace(" ", "\n"))
                                                 for i, b in enumerate(bars)]])
        self.memory.setTitle(f"whole tensor at {bits} bits")
