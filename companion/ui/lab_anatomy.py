"""Lab tab 4: the model file's anatomy, and a memory calculator built on its numbers."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion.lab import anatomy
from companion.lab.anatomy import KV_BYTES, Anatomy
from companion.ui import theme
from companion.ui.background import run_in_background
from companion.ui.lab_common import ACCENT, WARM, Busy, ModelFile, model_path_or_say
from companion.ui.plots import plot_widget


def anatomy_html(a: Anatomy) -> str:
    rows = [
        ("Architecture", a.architecture),
        ("Layers (transformer blocks)", a.layers),
        ("Hidden size (d_model)", a.hidden_size),
        ("Attention heads", a.heads),
        ("KV heads", f"{a.kv_heads} — grouped-query attention: {a.query_heads_per_kv_head} "
                     "query heads share each K/V head" if a.kv_heads != a.heads
         else f"{a.kv_heads} (one per head: no sharing)"),
        ("Head dimension", f"{a.head_dim} = {a.hidden_size} / {a.heads}"),
        ("FFN size", a.ffn_size),
        ("Vocabulary", f"{a.vocab_size:,} tokens"),
        ("Context length (trained)", f"{a.context_length:,} tokens"),
        ("Parameters", f"{a.parameters:,}"),
        ("Output layer", "tied to the token embeddings (same matrix)" if a.tied_embeddings
         else "its own matrix"),
    ]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                    for k, v in rows)
    groups = "".join(
        f"<tr><td>{g.type}</td><td>{g.tensors}</td><td>{g.parameters:,}</td>"
        f"<td>{g.bits_per_weight:.2f}</td><td>{anatomy.human_bytes(g.bytes)}</td></tr>"
        for g in a.groups)
    return (f"<h3>{html.escape(a.model)}</h3><table>{table}</table>"
            "<h4>How the weights are stored</h4><table><tr><th>Type</th><th>Tensors</th>"
            f"<th>Weights</th><th>Bits per weight</th><th>Size</th></tr>{groups}</table>")


class AnatomyTab(QWidget):
    def __init__(self, model_file: ModelFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_file = model_file
        self.anatomy: Anatomy | None = None
        self.path: Path | None = None
        self.op = None
        self.facts = QTextBrowser(self)
        self.facts.setAccessibleName("Model anatomy")
        self.context = QSpinBox(self)
        self.context.setAccessibleName("Context length")
        self.context.setRange(1, 1_048_576)
        self.context.setSingleStep(1024)
        self.context.setValue(8192)
        self.context.setSuffix(" tokens")
        self.kv_type = QComboBox(self)
        self.kv_type.setAccessibleName("KV cache precision")
        self.kv_type.addItems(list(KV_BYTES))
        self.kv_type.setCurrentText("f16")
        self.formula = QPlainTextEdit(self)
        self.formula.setReadOnly(True)
        self.formula.setAccessibleName("Memory formula")
        self.formula.setMaximumHeight(96)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #d93025;")
        self.plot = plot_widget(self, "memory (MiB)", "context length (tokens)")
        self.total_curve = self.plot.plot([], [], pen=pg.mkPen(ACCENT, width=2))
        self.weights_curve = self.plot.plot([], [], pen=pg.mkPen(WARM, width=2,
                                                                  style=Qt.PenStyle.DashLine))
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#9aa0a6"))
        self.plot.addItem(self.marker)
        self.busy = Busy(self)
        calc = QWidget(self)
        calc_layout = QVBoxLayout(calc)
        calc_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Memory at", self))
        row.addWidget(self.context)
        row.addWidget(QLabel("with a KV cache in", self))
        row.addWidget(self.kv_type)
        row.addStretch(1)
        calc_layout.addLayout(row)
        calc_layout.addWidget(self.formula)
        calc_layout.addWidget(self.plot, 1)
        calc_layout.addWidget(QLabel("<span style='color:#1a73e8'>━</span> weights + KV cache "
                                     "&nbsp; <span style='color:#e8710a'>┅</span> weights "
                                     "alone", self))
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.facts)
        split.addWidget(calc)
        split.setSizes([420, 560])
        layout = QVBoxLayout(self)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.context.valueChanged.connect(self.recalculate)
        self.kv_type.currentTextChanged.connect(self.recalculate)
        self.busy.cancelled.connect(lambda: self.op and self.op.cancel())

    def load(self) -> None:
        """Read the loaded model's GGUF (off the GUI thread)."""
        path = model_path_or_say(self.model_file, self.error)
        if path is None:
            return
        if path == self.path and self.anatomy is not None:
            return
        self.busy.start(f"Reading {path.name}…")
        self.op = run_in_background(self, lambda ctx: anatomy.read(path), self._show,
                                    self._failed, self.busy.stop)

    def _show(self, a: Anatomy) -> None:
        self.busy.stop()
        self.error.setText("")
        self.anatomy, self.path = a, Path(a.path)
        self.facts.document().setDefaultStyleSheet(theme.document_css(theme.is_dark(self)))
        self.facts.setHtml(anatomy_html(a))
        self.context.setValue(a.context_length)
        self.recalculate()

    def _failed(self, message: str) -> None:
        self.busy.stop()
        self.error.setText(message)

    def recalculate(self) -> None:
        a = self.anatomy
        if a is None:
            return
        kv = self.kv_type.currentText()
        m = anatomy.memory(a, self.context.value(), kv)
        self.formula.setPlainText(m.formula)
        top = max(a.context_length, self.context.value())
        xs = np.linspace(0, top, 64)
        mib = 1024 * 1024
        self.total_curve.setData(xs, (a.weight_bytes + xs * m.kv_per_token) / mib)
        self.weights_curve.setData(xs, np.full_like(xs, a.weight_bytes / mib))
        self.marker.setValue(self.context.value())
        self.plot.setYRange(0, (a.weight_bytes + top * m.kv_per_token) / mib * 1.05)
