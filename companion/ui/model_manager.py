"""View → Models… (Ctrl+Shift+M): installed models, the catalog, downloads and imports.

Everything slow (reading GGUF metadata, downloading, hashing, the test load in a
child process) runs on the thread pool; this dialog only shows progress and
results. It is not modal: a learner can keep studying while a model downloads,
and closing the dialog does not stop the download. This module holds the
installed models (use, delete, import); the catalog and its downloads are the
``DownloadPanel`` in model_download.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from companion.tutor import catalog
from companion.tutor.catalog import human
from companion.tutor.engine import ModelError
from companion.ui.background import run_in_background
from companion.ui.model_download import DownloadPanel, model_table, table_item
from companion.ui.server_dialog import ServerDialog
from companion.ui.theme import is_dark

PATH_ROLE = Qt.ItemDataRole.UserRole


class ModelManagerDialog(QDialog):
    modelsChanged = Signal()  # installed set or chosen model changed

    def __init__(self, window, inference) -> None:
        super().__init__(window)
        self.window = window
        self.inference = inference
        self.models = window.study.models
        self.setWindowTitle("Tutor models")
        self.setAcceptDrops(True)
        self.resize(960, 600)
        self._imports: list[Path] = []
        self._pending_use: str | None = None
        self._generation = 0

        self.in_use = QLabel(self)
        self.installed = model_table(["File", "Name", "Size", "Quantization", "Context",
                                      "Architecture"], self)
        self.installed.setAccessibleName("Installed models")
        self.use_button = QPushButton("Use as tutor model", self)
        self.delete_button = QPushButton("Delete…", self)
        self.import_button = QPushButton("Import .gguf…", self)
        self.server_button = QPushButton("Use a server…", self)
        self.server_button.setToolTip("Answer with llama-server, Ollama, LM Studio, vLLM or "
                                      "another OpenAI-compatible server")
        drop_hint = QLabel("…or drop a .gguf file on this window.", self)
        self.downloads = DownloadPanel(self, window.study.models)
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
        row.addWidget(self.server_button)
        layout.addLayout(row)
        layout.addWidget(self.downloads, 3)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.use_button.clicked.connect(self.use_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.ask_import)
        self.server_button.clicked.connect(self.ask_server)
        self.installed.itemSelectionChanged.connect(self._update_buttons)
        self.downloads.notice.connect(self.say)
        self.downloads.downloadFinished.connect(self._downloaded)
        self.downloads.downloadFailed.connect(lambda _error: self.refresh())
        inference.modelReady.connect(self._model_ready)
        inference.modelFailed.connect(self._model_failed)
        self.refresh()

    # ----- helpers ----------------------------------------------------------------------------
    def in_use_path(self) -> Path | None:
        return self.window.study.models.in_use()

    def say(self, text: str, error: bool = False) -> None:
        colour = ("#f28b82" if is_dark(self) else "#c62828") if error else ""
        self.message.setStyleSheet(f"color: {colour};" if colour else "")
        self.message.setText(text)

    def selected_installed(self) -> Path | None:
        row = self.installed.currentRow()
        item = self.installed.item(row, 0) if row >= 0 else None
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def _update_buttons(self) -> None:
        path = self.selected_installed()
        self.use_button.setEnabled(path is not None and path != self.in_use_path())
        shipped = path is not None and self.window.study.models.is_shipped(path)
        self.delete_button.setEnabled(path is not None and not shipped)
        self.delete_button.setToolTip("Models that ship with the app cannot be deleted."
                                      if shipped else "")

    # ----- listing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        in_use = self.in_use_path()
        choice = self.window.study.models.engine_choice()
        if choice.is_server:
            model = choice.model or "its first model"
            self.in_use.setText(f"The tutor uses: <b>{model}</b> on the server <b>{choice.url}"
                                "</b> — select a model below and press “Use as tutor model” "
                                "to go back to a file.")
        else:
            self.in_use.setText(f"The tutor uses: <b>{in_use.name if in_use else 'no model'}"
                                "</b>")
        selected = self.selected_installed()
        paths = self.window.study.models.installed()
        self.installed.setRowCount(len(paths))
        for row, path in enumerate(paths):
            name = table_item(path.name + ("  ✓ in use" if path == in_use else ""), str(path))
            name.setData(PATH_ROLE, str(path))
            self.installed.setItem(row, 0, name)
            self.installed.setItem(row, 1, table_item("reading…"))
            size = path.stat().st_size if path.exists() else None
            self.installed.setItem(row, 2, table_item(human(size)))
            for column in (3, 4, 5):
                self.installed.setItem(row, column, table_item(""))
            if path == selected:
                self.installed.selectRow(row)
        self._generation += 1
        generation = self._generation
        models = self.window.study.models
        run_in_background(self, lambda _ctx: _read_all(models, paths),
                          lambda found: self._fill_metadata(generation, found))
        self.downloads.refresh(in_use)
        self._update_buttons()

    def _fill_metadata(self, generation: int, found: list[tuple[Path, object]]) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        for row, (_path, info) in enumerate(found):
            if not isinstance(info, str):
                cells = [info.name, human(info.size_bytes), info.quantization,
                         str(info.context_length or "?"), info.architecture]
                for column, text in enumerate(cells, 1):
                    self.installed.setItem(row, column, table_item(text))
            else:
                self.installed.setItem(row, 1, table_item(f"unusable: {info}", str(info)))

    # ----- use and delete ---------------------------------------------------------------------
    def use_selected(self) -> None:
        path = self.selected_installed()
        if path is not None:
            self.use(path)

    def use(self, path: Path) -> None:
        """Check, save as the tutor model, and load it now: no restart needed."""
        self.say(f"Checking {path.name}…")

        models = self.window.study.models

        def check(_ctx) -> Path:
            models.check(path)  # instant if verified; a full check (seconds) otherwise
            return path

        run_in_background(self, check, self._apply_use, lambda err: self.say(err, error=True))

    def _apply_use(self, path: Path) -> None:
        self.window.study.models.choose(path)
        self._pending_use = str(path)
        self.say(f"Loading {path.name}…")
        self.inference.load(path)
        self.refresh()
        self.modelsChanged.emit()

    def _model_ready(self, name: str, path: str) -> None:
        if self._pending_use is not None and path == self._pending_use:
            self._pending_use = None
            shown = name if "://" in path else Path(path).name
            self.say(f"The tutor now uses {shown}.")
            self.window.statusBar().showMessage(f"Tutor model: {name}", 8000)
        self.refresh()

    def _model_failed(self, message: str) -> None:
        if self._pending_use is not None:
            self._pending_use = None
            self.say(message, error=True)

    def delete_selected(self) -> None:
        path = self.selected_installed()
        models = self.window.study.models
        if path is None or models.is_shipped(path):
            return
        answer = QMessageBox.question(
            self, "Delete model", f"Delete {path.name} ({human(path.stat().st_size)}) from "
            "this computer? You can download or import it again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        in_use = path == self.in_use_path()
        try:
            models.delete(path)  # goes back to the default model if this one was in use
        except (ModelError, OSError) as exc:
            self.say(f"Could not delete {path.name}: {exc}", error=True)
        else:
            self.say(f"Deleted {path.name}.")
            if in_use:  # load the default now, so the tutor does not hold a deleted file
                fallback = models.resolve()
                self._pending_use = str(fallback)
                self.inference.load(fallback)
        self.refresh()
        self.modelsChanged.emit()

    # ----- a server ---------------------------------------------------------------------------
    def ask_server(self) -> ServerDialog:
        """Open "Use a server…"; once saved, the server becomes the tutor at once."""
        dialog = ServerDialog(self, self.window.study.models)
        dialog.accepted.connect(self._use_server)
        dialog.open()
        return dialog

    def _use_server(self) -> None:
        plan = self.window.study.models.engine_plan()
        self._pending_use = plan.where
        self.say(f"Connecting to {plan.label}…")
        self.inference.load_engine(plan.factory, plan.where)
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
        models = self.window.study.models
        run_in_background(self, lambda _ctx: models.import_file(source),
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

    # ----- download: the catalog half, in model_download.py ------------------------------------
    def start_download(self, entry: catalog.CatalogEntry) -> None:
        self.downloads.start_download(entry)

    def cancel_download(self) -> None:
        self.downloads.cancel_download()

    def downloading(self) -> bool:
        return self.downloads.downloading()

    def _downloaded(self, entry: catalog.CatalogEntry, _path: Path) -> None:
        self.window.statusBar().showMessage(f"Downloaded {entry.name}", 8000)
        self.refresh()
        self.modelsChanged.emit()


def _read_all(models, paths: list[Path]) -> list[tuple[Path, object]]:
    """Metadata for each model, or the one-line reason it cannot be read (off the GUI thread)."""
    found: list[tuple[Path, object]] = []
    for path in paths:
        try:
            found.append((path, models.info(path)))
        except ModelError as exc:
            found.append((path, str(exc)))
    return found


class ModelsFeature:
    """View → Models… (Ctrl+Shift+M); the dialog is made on first use and then kept."""

    def __init__(self, window, inference) -> None:
        self.window = window
        self.inference = inference
        self.dialog: ModelManagerDialog | None = None
        self.action: QAction = window.add_action(window.view_menu, "&Models…", self.open,
                                                 "Ctrl+Shift+M")

    def open(self) -> ModelManagerDialog:
        if self.dialog is None:
            self.dialog = ModelManagerDialog(self.window, self.inference)
        else:
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
