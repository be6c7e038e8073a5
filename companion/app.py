"""Composition root: open storage, build services, show the window.

The only module that knows both the core and the UI. Startup problems (a
damaged or too-new database) become dialogs here, never tracebacks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from companion import __version__, paths
from companion.storage import CorruptDatabaseError, NewerDatabaseError, StorageError, backup
from companion.storage import settings as settings_store
from companion.study import Study
from companion.ui import explain_view, model_manager, quiz_panel, tutor_panel
from companion.ui.dialogs import RestoreDialog, StartDateDialog
from companion.ui.inference import Inference
from companion.ui.main_window import MainWindow
from companion.ui.workers import run_in_background

BACKUP_EVERY_MS = 30 * 60 * 1000
ICON = Path(__file__).with_name("assets") / "companion.png"


def _fallback_streams() -> None:
    """A windowed frozen app has no console: give print() somewhere harmless to go."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def open_study_interactively(parent: QWidget | None = None) -> Study | None:
    """Open the database, offering to restore a backup if it is damaged.

    Returns None when the learner chooses to quit. Nothing is ever reset silently.
    """
    db_path = paths.database_path()
    while True:
        try:
            return Study.open(db_path)
        except NewerDatabaseError as exc:
            QMessageBox.critical(parent, "Newer data", str(exc))
            return None
        except CorruptDatabaseError as exc:
            good = backup.newest_good_backup(paths.backups_dir())
            if good is None:
                QMessageBox.critical(
                    parent, "Damaged database",
                    f"{exc}\n\nThere is no backup to restore. The file is left untouched at:\n"
                    f"{db_path}\nMove it away to start fresh, or restore it with another tool.")
                return None
            answer = QMessageBox.question(
                parent, "Damaged database",
                f"{exc}\n\nRestore the newest good backup, made {good.made_at:%Y-%m-%d %H:%M}?"
                "\nThe damaged file is kept beside it, not deleted.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return None
            backup.restore(good.path, db_path)
        except StorageError as exc:
            QMessageBox.critical(parent, "Cannot open your data", str(exc))
            return None


class Backups:
    """At start if data changed, then every 30 minutes while changes happen."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.timer = QTimer(window, interval=BACKUP_EVERY_MS)
        self.timer.timeout.connect(self.run)
        self.timer.start()
        window.backupRequested.connect(lambda: self.run(force=True))
        window.restoreRequested.connect(self.restore)

    def run(self, force: bool = False) -> None:
        db_path = self.window.study.db_path
        run_in_background(
            lambda: backup.make_backup(db_path, paths.backups_dir(), force=force),
            lambda made: made and self.window.statusBar().showMessage(
                f"Backed up at {made.made_at:%H:%M}", 4000),
            lambda err: self.window.statusBar().showMessage(f"Backup failed: {err}", 8000),
        )

    def restore(self) -> None:
        window = self.window
        window.notes.flush()
        dialog = RestoreDialog(backup.list_backups(paths.backups_dir()), window)
        if not dialog.exec() or dialog.chosen() is None:
            return
        chosen = dialog.chosen()
        db_path = window.study.db_path
        backup.make_backup(db_path, paths.backups_dir())  # so the restore itself can be undone
        window.study.close()
        try:
            backup.restore(chosen.path, db_path)
        except StorageError as exc:
            QMessageBox.warning(window, "Restore failed", str(exc))
        window.reload(Study.open(db_path))
        window.statusBar().showMessage(f"Restored the backup from {chosen.label}", 8000)


def build_window(study: Study, load_model: bool = True) -> MainWindow:
    """The main window with every feature installed; the model loads off the GUI thread."""
    window = MainWindow(study)
    window.backups = Backups(window)
    window.inference = Inference(window)
    window.tutor = tutor_panel.install(window, window.inference)
    explain_view.install(window, window.inference)
    model_manager.install(window)
    quiz_panel.install(window)
    window.studyReloaded.connect(window.tutor.reload)
    window.closing.connect(window.inference.shutdown)
    if load_model:
        QTimer.singleShot(0, window.tutor.load_model)
    return window


def run_gui() -> int:
    _fallback_streams()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("LLM Study Companion")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.llm_study_companion")
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    study = open_study_interactively()
    if study is None:
        return 1
    if settings_store.start_date(study.db) is None:
        dialog = StartDateDialog(None, welcome=True)
        if dialog.exec():
            settings_store.set_start_date(study.db, dialog.chosen())
    window = build_window(study)
    window.restore_layout()
    window.show()
    QTimer.singleShot(0, window.backups.run)
    code = app.exec()
    window.inference.shutdown()
    window.study.close()
    return code
