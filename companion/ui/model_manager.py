"""View → Models… (Ctrl+Shift+M): installed models, the catalog, downloads and imports.

Everything slow (reading GGUF metadata, downloading, hashing, the test load in a
child process) runs on the thread pool; this dialog only shows progress and
results. It is not modal: a learner can keep studying while a model downloads,
and closing the dialog does not stop the download.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.storage import settings
from companion.tutor import catalog, models
from companion.tutor.catalog import human
from companion.tutor.download import Progress, download
from companion.tutor.engine import ModelError
from companion.ui.theme import is_dark
from companion.ui.workers import run_in_background

PATH_ROLE = Qt.ItemDataRole.UserRole
FIT_COLOURS = {"fits": ("#2e7d32", "#81c995"), "tight": ("#b45309", "#fbbc04"),
               "too big": ("#c62828", "#f28b82")}


class _Relay(QObject):
    """Carries progress from the download thread to the GUI thread (a queued signal)."""

    progress = Signal(object)


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    return item


def _table(headers: list[str], parent: QWidget) -> QTableWidget:
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


class ModelManagerDialog(QDialog):
    modelsChanged = Signal()  # installed set or chosen model changed

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Tutor models")
        self.setAcceptDrops(True)
        self.resize(960, 600)
        self._cancel: threading.Event | None = None
        self._imports: list[Path] = []
        self._pending_use: str | None = None
        self._generation = 0
        self._relay = _Relay(self)
        self._relay.progress.connect(self._show_progress)

        self.in_use = QLabel(self)
        self.installed = _table(["File", "Name", "Size", "Quantization", "Context",
                                 "Architecture"], self)
        self.installed.setAccessibleName("Installed models")
        self.use_button = QPushButton("Use as tutor model", self)
        self.delete_button = QPushButton("Delete…", self)
        self.import_button = QPushButton("Import .gguf…", self)
        drop_hint = QLabel("…or drop a .gguf file on this window.", self)
        self.catalog = _table(["Id", "Model", "Purpose", "Download", "Needs RAM",
                               "On this computer", "Licence", "Status"], self)
        self.catalog.setAccessibleName("Model catalog")
        self.download_button = QPushButton("Download", self)
        self.download_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel(self)
        self.cancel_button = QPushButton("Cancel download", self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.in_use)
        layout.addWidget(QLabel("<b>Installed</b>", self))
        layout.addWidget(self.installed, 2)
        row = QHBoxLayout()
        for widget in (self.use_button, self.delete_button, self.import_button, drop_hint):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel("<b>Catalog</b> — curated models that tutor better than the "
                                "built-in one", self))
        layout.addWidget(self.catalog, 3)
        row = QHBoxLayout()
        row.addWidget(self.download_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        row.addStretch(0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.use_button.clicked.connect(self.use_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.ask_import)
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button.clicked.connect(self.cancel_download)
        self.installed.itemSelectionChanged.connect(self._update_buttons)
        self.catalog.itemSelectionChanged.connect(self._update_buttons)
        inference = self._inference()
        if inference is not None:
            inference.modelReady.connect(self._model_ready)
            inference.modelFailed.connect(self._model_failed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel_download)
        self._show_downloading(False)
        self.refresh()

    # ----- helpers ----------------------------------------------------------------------------
    def _inference(self):
        return getattr(self.window, "inference", None)

    def _db(self):
        return self.window.study.db

    def in_use_path(self) -> Path | None:
        try:
            return models.resolve_model(settings.get(self._db(), settings.TUTOR_MODEL)).resolve()
        except ModelError:
            return None

    def say(self, text: str, error: bool = False) -> None:
        colour = ("#f28b82" if is_dark(self) else "#c62828") if error else ""
        self.message.setStyleSheet(f"color: {colour};" if colour else "")
        self.message.setText(text)

    def selected_installed(self) -> Path | None:
        row = self.installed.currentRow()
        item = self.installed.item(row, 0) if row >= 0 else None
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def selected_entry(self) -> catalog.CatalogEntry | None:
        row = self.catalog.currentRow()
        item = self.catalog.item(row, 0) if row >= 0 else None
        return catalog.find(item.text()) if item is not None else None

    def _update_buttons(self) -> None:
        path = self.selected_installed()
        self.use_button.setEnabled(path is not None and path != self.in_use_path())
        self.delete_button.setEnabled(path is not None and not models.is_shipped(path))
        self.delete_button.setToolTip("Models that ship with the app cannot be deleted."
                                      if path is not None and models.is_shipped(path) else "")
        entry = self.selected_entry()
        self.download_button.setEnabled(entry is not None and self._cancel is None
                                        and entry.installed_path() != entry.download_path)

    # ----- listing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        in_use = self.in_use_path()
        self.in_use.setText(f"The tutor uses: <b>{in_use.name if in_use else 'no model'}</b>")
        selected = self.selected_installed()
        paths = models.installed_models()
        self.installed.setRowCount(len(paths))
        for row, path in enumerate(paths):
            name = _item(path.name + ("  ✓ in use" if path == in_use else ""), str(path))
            name.setData(PATH_ROLE, str(path))
            self.installed.setItem(row, 0, name)
            self.installed.setItem(row, 1, _item("reading…"))
            size = path.stat().st_size if path.exists() else None
            self.installed.setItem(row, 2, _item(human(size)))
            for column in (3, 4, 5):
                self.installed.setItem(row, column, _item(""))
            if path == selected:
                self.installed.selectRow(row)
        self._generation += 1
        generation = self._generation
        run_in_background(lambda: _read_all(paths),
                          lambda found: self._fill_metadata(generation, found))
        self._fill_catalog(in_use)
        self._update_buttons()

    def _fill_metadata(self, generation: int, found: list[tuple[Path, object]]) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        for row, (_path, info) in enumerate(found):
            if isinstance(info, models.ModelInfo):
                cells = [info.name, human(info.size_bytes), info.quantization,
                         str(info.context_length or "?"), info.architecture]
                for column, text in enumerate(cells, 1):
                    self.installed.setItem(row, column, _item(text))
            else:
                self.installed.setItem(row, 1, _item(f"unusable: {info}", str(info)))

    def _fill_catalog(self, in_use: Path | None) -> None:
        try:
            entries = catalog.load_catalog()
        except catalog.CatalogError as exc:
            self.say(str(exc), error=True)
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
            fit = _item(hint, f"Needs about {entry.min_ram_gb:.1f} GB; {room}.")
            if hint in FIT_COLOURS:
                fit.setForeground(QBrush(QColor(FIT_COLOURS[hint][1 if dark else 0])))
            cells = [_item(entry.id), _item(entry.name, entry.about), _item(entry.purpose),
                     _item(human(entry.size), f"{entry.size:,} bytes, {entry.quantization}"),
                     _item(f"{entry.min_ram_gb:.1f} GB"), fit,
                     _item(entry.license), _item(status)]
            for column, cell in enumerate(cells):
                self.catalog.setItem(row, column, cell)
            if selected is not None and entry.id == selected.id:
                self.catalog.selectRow(row)

    # ----- use and delete ---------------------------------------------------------------------
    def use_selected(self) -> None:
        path = self.selected_installed()
        if path is not None:
            self.use(path)

    def use(self, path: Path) -> None:
        """Check, save as the tutor model, and load it now: no restart needed."""
        self.say(f"Checking {path.name}…")

        def check() -> Path:
            models.precheck(path)  # instant if verified; a full check (seconds) otherwise
            return path

        run_in_background(check, self._apply_use, lambda err: self.say(err, error=True))

    def _apply_use(self, path: Path) -> None:
        settings.put(self._db(), settings.TUTOR_MODEL, str(path))
        inference = self._inference()
        if inference is None:
            self.say(f"Saved: the tutor will use {path.name} from the next start.")
        else:
            self._pending_use = str(path)
            self.say(f"Loading {path.name}…")
            inference.load(path)
        self.refresh()
        self.modelsChanged.emit()

    def _model_ready(self, name: str, path: str) -> None:
        if self._pending_use is not None and Path(path) == Path(self._pending_use):
            self._pending_use = None
            self.say(f"The tutor now uses {Path(path).name}.")
            self.window.statusBar().showMessage(f"Tutor model: {name}", 8000)
        self.refresh()

    def _model_failed(self, message: str) -> None:
        if self._pending_use is not None:
            self._pending_use = None
            self.say(message, error=True)

    def delete_selected(self) -> None:
        path = self.selected_installed()
        if path is None or models.is_shipped(path):
            return
        answer = QMessageBox.question(
            self, "Delete model", f"Delete {path.name} ({human(path.stat().st_size)}) from "
            "this computer? You can download or import it again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if path == self.in_use_path():  # fall back to the default before the file goes
            settings.put(self._db(), settings.TUTOR_MODEL, "")
            inference = self._inference()
            if inference is not None:
                fallback = models.resolve_model(None)
                self._pending_use = str(fallback)
                inference.load(fallback)
        try:
            models.delete_model(path)
        except (ModelError, OSError) as exc:
            self.say(f"Could not delete {path.name}: {exc}", error=True)
        else:
            self.say(f"Deleted {path.name}.")
        self.refresh()
        self.modelsChanged.emit()

    # ----- import -----------------------------------------------------------------------------
    def ask_import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Import GGUF models", str(Path.home()),
                                                 "GGUF models (*.gguf);;All files (*)")
        self.import_files([Path(p) for p in chosen])

    def import_files(self, files: list[Path]) -> None:
        """Check and copy each file in turn, one at a time (each test-loads in a child)."""
        idle = not self._imports
        self._imports.extend(files)
        if idle and self._imports:
            self._next_import()

    def _next_import(self) -> None:
        if not self._imports:
            return
        source = self._imports[0]
        self.say(f"Checking {source.name}…")
        run_in_background(lambda: models.import_model(source),
                          lambda path: self._imported(source, path),
                          lambda err: self._import_failed(source, err))

    def _imported(self, source: Path, path: Path) -> None:
        self._imports.pop(0)
        self.say(f"Imported {source.name}. Select it and press “Use as tutor model”.")
        self.refresh()
        self.modelsChanged.emit()
        self._next_import()

    def _import_failed(self, source: Path, error: str) -> None:
        self._imports.pop(0)
        self.say(error, error=True)
        self._next_import()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    # ----- download ---------------------------------------------------------------------------
    def download_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.start_download(entry)

    def start_download(self, entry: catalog.CatalogEntry) -> None:
        if self._cancel is not None:
            return
        cancel = self._cancel = threading.Event()
        self._show_downloading(True)
        self.progress.setValue(0)
        self.progress_label.setText(f"Starting {entry.name}…")
        self.say("")
        run_in_background(lambda: download(entry, self._relay.progress.emit, cancel),
                          lambda path: self._downloaded(entry, path),
                          lambda err: self._download_failed(err))
        self._update_buttons()

    def cancel_download(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def _show_progress(self, p: Progress) -> None:
        if self._cancel is None or self._cancel.is_set():
            return
        if p.phase == "check":
            self.progress.setRange(0, 0)  # busy: the test load has no percentage
            self.progress_label.setText("Test-loading the model…")
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(p.fraction * 1000))
        if p.phase == "verify":
            self.progress_label.setText(f"Checking SHA-256… {p.fraction * 100:.0f}%")
            return
        text = f"{human(p.done)} of {human(p.total)}"
        if p.speed:
            text += f" · {human(p.speed)}/s"
        if p.eta_s is not None:
            text += f" · {int(p.eta_s) // 60}:{int(p.eta_s) % 60:02d} left"
        self.progress_label.setText(text)

    def _downloaded(self, entry: catalog.CatalogEntry, path: Path) -> None:
        self._finish_download()
        self.say(f"Installed {entry.name}. Select it above and press “Use as tutor model”.")
        self.window.statusBar().showMessage(f"Downloaded {entry.name}", 8000)
        self.refresh()
        self.modelsChanged.emit()

    def _download_failed(self, error: str) -> None:
        cancelled = self._cancel is not None and self._cancel.is_set()
        self._finish_download()
        self.say("Download cancelled; nothing was installed." if cancelled else error,
                 error=not cancelled)
        self.refresh()

    def _finish_download(self) -> None:
        self._cancel = None
        self._show_downloading(False)
        self._update_buttons()

    def _show_downloading(self, on: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.progress.setRange(0, 1000)

    def downloading(self) -> bool:
        return self._cancel is not None


def _read_all(paths: list[Path]) -> list[tuple[Path, object]]:
    """Metadata for each model, or the one-line reason it cannot be read (off the GUI thread)."""
    found: list[tuple[Path, object]] = []
    for path in paths:
        try:
            found.append((path, models.model_info(path)))
        except ModelError as exc:
            found.append((path, str(exc)))
    return found


def install(window) -> QAction:
    """Add View → Models… (Ctrl+Shift+M) to the main window; safe to call twice."""
    existing = getattr(window, "models_action", None)
    if existing is not None:
        return existing

    def open_manager() -> None:
        dialog = getattr(window, "model_manager", None)
        if dialog is None:
            dialog = window.model_manager = ModelManagerDialog(window)
        else:
            dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    window.models_action = window.add_action(window.view_menu, "&Models…", open_manager,
                                             "Ctrl+Shift+M")
    return window.models_action
