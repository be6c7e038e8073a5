"""Composition root: open storage, build services, show the window.

The only module that knows both the core and the UI. Startup problems (a
damaged or too-new database) become dialogs here, never tracebacks. Features are
built here, each given what it needs, and kept in one typed ``Features`` record
on the window: no feature reaches into another through untyped attributes.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from companion import __version__, paths
from companion.storage import CorruptDatabaseError, NewerDatabaseError, StorageError, backup
from companion.study import Study
from companion.ui.background import run_in_background
from companion.ui.dialogs import RestoreDialog, StartDateDialog
from companion.ui.explain_view import ExplainFeature
from companion.ui.help import HelpFeature
from companion.ui.inference import Inference
from companion.ui.main_window import MainWindow
from companion.ui.model_manager import ModelsFeature
from companion.ui.quiz_panel import QuizPanel
from companion.ui.tutor_model import TutorModel
from companion.ui.tutor_panel import TutorPanel, install_tutor

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
        window.closing.connect(self.timer.stop)

    def run(self, force: bool = False) -> None:
        backups = self.window.study.backups
        status = self.window.statusBar()
        run_in_background(
            self.window, lambda _ctx: backups.make(force=force),
            lambda made: made and status.showMessage(f"Backed up at {made.made_at:%H:%M}", 4000),
            lambda err: status.showMessage(f"Backup failed: {err}", 8000),
        )

    def restore(self) -> None:
        window = self.window
        window.notes.flush()
        backups = window.study.backups
        dialog = RestoreDialog(backups.list(), window)
        if not dialog.exec() or dialog.chosen() is None:
            return
        chosen = dialog.chosen()
        try:
            backups.restore(chosen)
        except StorageError as exc:
            QMessageBox.warning(window, "Restore failed", str(exc))
            return
        window.statusBar().showMessage(f"Restored the backup from {chosen.label}", 8000)


@dataclass
class Features:
    """Everything plugged into the main window, built once in ``build_window``."""

    inference: Inference
    backups: Backups
    model: TutorModel
    tutor: TutorPanel
    explain: ExplainFeature
    models: ModelsFeature
    quiz: QuizPanel
    help: HelpFeature


def build_window(study: Study, load_model: bool = True) -> MainWindow:
    """The main window with every feature installed; the model loads off the GUI thread."""
    window = MainWindow(study)
    inference = Inference(window)
    window.closing.connect(inference.shutdown)
    model = TutorModel(window, inference)
    tutor = install_tutor(window, inference)
    model.message.connect(tutor.show_message)
    window.features = Features(
        inference=inference,
        backups=Backups(window),
        model=model,
        tutor=tutor,
        explain=ExplainFeature(window, inference),
        models=ModelsFeature(window, inference),
        quiz=QuizPanel(window, inference),
        help=HelpFeature(window),
    )
    window.refresh_progress()  # now with the quiz badges
    if load_model:
        QTimer.singleShot(0, model.load)
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
    if study.progress.start_date() is None:
        dialog = StartDateDialog(None, welcome=True)
        if dialog.exec():
            study.progress.set_start_date(dialog.chosen())
    window = build_window(study)
    window.restore_layout()
    window.show()
    QTimer.singleShot(0, window.features.backups.run)
    code = app.exec()
    window.features.inference.shutdown()
    window.study.close()
    return code
