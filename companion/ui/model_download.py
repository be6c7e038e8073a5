"""The Catalog half of View → Models…: curated models to download, one at a time.

Split from model_manager.py (which keeps the installed models, imports and the
dialog) so each half stays small enough to read in one go. The download itself
runs on the thread pool (huggingface_hub, then a SHA-256 check and a test load in
a child process); this panel only shows progress and offers Cancel. It lives in
the model manager dialog, which is only hidden when closed, so a download carries
on after the learner closes the window; quitting the app cancels it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.tutor import catalog
from companion.tutor.catalog import human
from companion.tutor.download import Progress
from companion.ui.background import BackgroundOp, run_in_background
from companion.ui.theme import is_dark

FIT_COLOURS = {"fits": ("#2e7d32", "#81c995"), "tight": ("#b45309", "#fbbc04"),
               "too big": ("#c62828", "#f28b82")}


def show_progress(bar: QProgressBar, label: QLabel, p: Progress, prefix: str = "") -> None:
    """A download's progress on a bar and a label (a busy bar while test-loading)."""
    if p.phase == "check":
        bar.setRange(0, 0)  # busy: the test load has no percentage
    else:
        bar.setRange(0, 1000)
        bar.setValue(int(p.fraction * 1000))
    label.setText((prefix if p.phase == "download" else "") + p.describe())


def table_item(text: str, tip: str = "") -> QTableWidgetItem:
    """A cell that can be read and selected but not edited: both tables list facts, not a form."""
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    return item


def model_table(headers: list[str], parent: QWidget) -> QTableWidget:
    """A table of models where a click picks one whole row, the thing the buttons act on."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class DownloadPanel(QWidget):
    """The model catalog, its Download button, and the progress and Cancel of one download.

    Messages for the learner go out through ``notice`` so that the dialog shows them in
    the same place as its own; ``downloadFinished`` and ``downloadFailed`` tell it to
    list the installed models again.
    """

    notice = Signal(str, bool)  # a line for the dialog's message area; True if it is an error
    downloadFinished = Signal(object, object)  # the CatalogEntry and the installed Path
    downloadFailed = Signal(str)  # the one-line reason (cancelling counts as failing)

    def __init__(self, parent: QWidget, models) -> None:
        super().__init__(parent)
        self.models = models  # the study's ModelService
        self._op: BackgroundOp | None = None  # while a download runs

        self.catalog = model_table(["Id", "Model", "Purpose", "Download", "Needs RAM",
                                    "On this computer", "Licence", "Status"], self)
        self.catalog.setAccessibleName("Model catalog")
        self.download_button = QPushButton("Download", self)
        self.download_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel(self)
        self.cancel_button = QPushButton("Cancel download", self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # lines up with the dialog's other rows
        layout.addWidget(QLabel("<b>Catalog</b> — curated models that tutor better than the "
                                "built-in one", self))
        layout.addWidget(self.catalog, 1)
        row = QHBoxLayout()
        row.addWidget(self.download_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        row.addStretch(0)
        layout.addLayout(row)

        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.catalog.itemSelectionChanged.connect(self._update_download_button)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel_download)
        self._show_downloading(False)

    # ----- listing ----------------------------------------------------------------------------
    def selected_entry(self) -> catalog.CatalogEntry | None:
        row = self.catalog.currentRow()
        item = self.catalog.item(row, 0) if row >= 0 else None
        return catalog.find(item.text()) if item is not None else None

    def refresh(self, in_use: Path | None) -> None:
        """List the catalog with what fits this computer and what is installed or in use."""
        try:
            entries = catalog.load_catalog()
        except catalog.CatalogError as exc:
            self.notice.emit(str(exc), True)
            entries = []
        free = catalog.available_ram()
        selected = self.selected_entry()
        self.catalog.setRowCount(len(entries))
        dark = is_dark(self)
        for row, entry in enumerate(entries):
            installed = entry.installed_path()
            status = ("in use" if installed is not None and installed.resolve() == in_use
                      else "installed" if installed is not None else "")
            hint = catalog.fit(entry, free)
            room = f"{free / catalog.GIB:.1f} GB free now" if free else "free memory unknown"
            fit = table_item(hint, f"Needs about {entry.min_ram_gb:.1f} GB; {room}.")
            if hint in FIT_COLOURS:
                fit.setForeground(QBrush(QColor(FIT_COLOURS[hint][1 if dark else 0])))
            cells = [table_item(entry.id), table_item(entry.name, entry.about),
                     table_item(entry.purpose),
                     table_item(human(entry.size), f"{entry.size:,} bytes, {entry.quantization}"),
                     table_item(f"{entry.min_ram_gb:.1f} GB"), fit,
                     table_item(entry.license), table_item(status)]
            for column, cell in enumerate(cells):
                self.catalog.setItem(row, column, cell)
            if selected is not None and entry.id == selected.id:
                self.catalog.selectRow(row)
        self._update_download_button()

    def _update_download_button(self) -> None:
        entry = self.selected_entry()
        self.download_button.setEnabled(entry is not None and self._op is None
                                        and entry.installed_path() != entry.download_path)

    # ----- download ---------------------------------------------------------------------------
    def download_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.start_download(entry)

    def start_download(self, entry: catalog.CatalogEntry) -> None:
        if self._op is not None:
            return  # one at a time: the panel has one progress bar and one Cancel
        self._show_downloading(True)
        self.progress.setValue(0)
        self.progress_label.setText(f"Starting {entry.name}…")
        self.notice.emit("", False)
        self._op = run_in_background(self, lambda ctx: self.models.download(entry, ctx),
                                     lambda path: self._downloaded(entry, path),
                                     self._download_failed,
                                     lambda: self._download_failed("cancelled"))
        self._op.reported.connect(self._show_progress)
        self._update_download_button()

    def cancel_download(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def _show_progress(self, p: Progress) -> None:
        if self._op is None or self._op.is_cancelled:
            return
        show_progress(self.progress, self.progress_label, p)

    def _downloaded(self, entry: catalog.CatalogEntry, path: Path) -> None:
        self._finish_download()
        self.notice.emit(f"Installed {entry.name}. Select it above and press “Use as tutor "
                         "model”.", False)
        self.downloadFinished.emit(entry, path)

    def _download_failed(self, error: str) -> None:
        cancelled = self._op is not None and self._op.is_cancelled
        self._finish_download()
        self.notice.emit("Download cancelled; nothing was installed." if cancelled else error,
                         not cancelled)
        self.downloadFailed.emit(error)

    def _finish_download(self) -> None:
        self._op = None
        self._show_downloading(False)
        self._update_download_button()

    def _show_downloading(self, on: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.progress.setRange(0, 1000)

    def downloading(self) -> bool:
        return self._op is not None
