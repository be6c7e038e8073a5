"""Composition root: open storage, build services, show the window.

The only module that knows both the core and the UI. One window per data folder
(``instance.py``: a second launch brings the first forward). Start-up problems become
questions here, never tracebacks, each with its own answer: a locked, read-only or
full disk offers Try again, a damaged file the newest good backup, a missing or
emptied one its backup instead of a fresh start. Features are
built here, each given what it needs, and kept in one typed ``Features`` record
on the window: no feature reaches into another through untyped attributes.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from companion import __version__, paths
from companion.instance import InstanceLock, request_show
from companion.jobs import JobContext
from companion.services.backups import Backup, BackupService, Contents
from companion.storage import CorruptDatabaseError, NewerDatabaseError, StorageError, backup, db
from companion.storage.db import EmptyDatabaseError, open_database
from companion.storage.problems import explain
from companion.study import Study
from companion.ui import startup
from companion.ui.anki_export import AnkiExport
from companion.ui.background import run_in_background, wait_for_all
from companion.ui.dialogs import RestoreDialog, StartDateDialog, backup_title
from companion.ui.explain_view import ExplainFeature
from companion.ui.help import HelpFeature
from companion.ui.inference import Inference
from companion.ui.lab_view import LabFeature
from companion.ui.main_window import MainWindow
from companion.ui.model_manager import ModelsFeature
from companion.ui.note_saving import wait_for_notes
from companion.ui.quiz_panel import QuizPanel
from companion.ui.single_instance import ShowRequests
from companion.ui.tutor_model import TutorModel
from companion.ui.tutor_panel import TutorPanel, install_tutor

BACKUP_EVERY_MS = 30 * 60 * 1000
START_BUSY_MS = 2000  # before the window: wait a little for another program's lock
GUI_BUSY_MS = 100  # afterwards, no click waits longer than this on a lock (it is retried)
QUIT_WAIT_MS = 5000  # at quit, running jobs (backup, download) get this long to stop
ICON = Path(__file__).with_name("assets") / "companion.png"


def _fallback_streams() -> None:
    """A windowed frozen app has no console: give print() somewhere harmless to go."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def open_study_interactively(parent: QWidget | None = None) -> Study | None:
    """Open the database; each problem gets its own question (see ``_answer``).

    Returns None when the learner chooses to quit. Nothing is ever reset silently,
    and a backup is offered only for a damaged, missing or emptied file.
    """
    db_path = paths.database_path()
    before = db.busy_timeout()
    db.set_busy_timeout(START_BUSY_MS)
    try:
        while True:
            try:
                return Study.open(db_path)
            except (StorageError, sqlite3.Error) as error:  # Study also indexes the course
                exc = explain(error, db_path)
                try:
                    if not _answer(exc, db_path, parent):
                        return None
                except StorageError as failed:  # the restore or fresh start failed itself
                    if startup.ask_choice(parent, "Cannot open your data", str(failed),
                                          ["Try again", "Quit"]) != "Try again":
                        return None
    finally:
        db.set_busy_timeout(before)


RESTORE = "Restore the backup"
KEPT = ("The current file is kept in the backups folder, not deleted: File > Restore from "
        "backup lists it, so this can be undone.")
TITLES = {"locked": "Your data is in use", "read-only": "Your data is read-only",
          "disk-full": "The disk is full", "not-a-database": "Not a study database"}


def _answer(exc: StorageError, db_path: Path, parent: QWidget | None) -> bool:
    """Ask what to do about ``exc`` and do it; True to try opening again."""
    if isinstance(exc, NewerDatabaseError):
        startup.ask_choice(parent, "Newer data", str(exc), ["Quit"], "critical")
        return False
    if isinstance(exc, EmptyDatabaseError):
        choice = startup.ask_choice(
            parent, "Your data is missing",
            f"{exc}\n\nRestore that backup now? Starting fresh instead keeps the backups as "
            "they are, and you can restore one later from the File menu.",
            [RESTORE, "Start fresh", "Quit"], "question")
        if choice == RESTORE:
            backup.restore(exc.backup.path, db_path)
        elif choice == "Start fresh":
            open_database(db_path, fresh=True).close()
        return choice in (RESTORE, "Start fresh")
    if isinstance(exc, CorruptDatabaseError):
        good = backup.newest_good_backup(paths.backups_dir())
        if good is None:
            startup.ask_choice(
                parent, "Damaged database",
                f"{exc}\n\nThere is no backup to restore. The file is left untouched at:\n"
                f"{db_path}\nMove it away to start fresh, or repair it with another tool.",
                ["Quit"], "critical")
            return False
        choice = startup.ask_choice(
            parent, "Damaged database",
            f"{exc}\n\nRestore the newest good backup, made {good.made_at:%Y-%m-%d %H:%M}? "
            + KEPT, [RESTORE, "Quit"], "question")
        if choice == RESTORE:
            backup.restore(good.path, db_path)
        return choice == RESTORE
    text = str(exc)
    if exc.kind == "not-a-database":
        text += (f"\n\nIf you know what it is, move it out of {db_path.parent} and press Try "
                 "again: the app will then offer your newest backup.")
    choice = startup.ask_choice(parent, TITLES.get(exc.kind, "Cannot open your data"), text,
                                ["Try again", "Quit"])
    return choice == "Try again"


class Backups:
    """At start if data changed, then every 30 minutes while changes happen; and File >
    Restore from backup, which shows what each backup holds, asks first, and can be undone
    (the data it replaces is listed as "Before restore")."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: RestoreDialog | None = None
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
        """Open the list (window-modal, not blocking); counting runs on a worker meanwhile."""
        window = self.window
        if not window.note_keeper.before_restore():  # unsaved notes: the learner said no
            return
        service = window.study.backups
        listed = service.list()
        dialog = RestoreDialog(listed, window)
        self.dialog = dialog
        # all at once, through on_success: it is connected before the job starts (a signal
        # connected after the start could miss what the job reports first)
        counting = run_in_background(dialog, lambda ctx: self._count(service, listed, ctx),
                                     lambda found: self._show_counts(dialog, found),
                                     lambda err: dialog.now.setText(
                                         f"Could not read the backups: {err}"))
        dialog.finished.connect(lambda _: counting.cancel())
        dialog.restoreChosen.connect(self._restore)
        dialog.open()

    def _restore(self, chosen: Backup) -> None:
        window = self.window
        try:
            window.study.backups.restore(chosen)
        except StorageError as exc:
            QMessageBox.warning(window, "Restore failed", str(exc))
            return
        window.statusBar().showMessage(
            f"Restored: {backup_title(chosen)}. Your data from before is kept as \"Before "
            "restore\" in File > Restore from backup: restore it to undo this.", 15000)

    @staticmethod
    def _count(service: BackupService, listed: list[Backup], ctx: JobContext
               ) -> dict[Path | None, Contents | None] | None:
        """What the data now (key None) and each backup hold; on a worker, a few ms a file."""
        found: dict[Path | None, Contents | None] = {None: service.contents()}
        for done, chosen in enumerate(listed, 1):
            if ctx.cancelled:
                return None
            found[chosen.path] = service.contents(chosen)
            ctx.progress(done, len(listed))
        return found

    @staticmethod
    def _show_counts(dialog: RestoreDialog,
                     found: dict[Path | None, Contents | None] | None) -> None:
        if found is None:  # cancelled: the dialog is closed
            return
        for path, contents in found.items():
            if path is None:
                dialog.set_current(contents)
            else:
                dialog.set_contents(path, contents)


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
    anki_export: AnkiExport
    lab: LabFeature
    help: HelpFeature


def build_window(study: Study, load_model: bool = True) -> MainWindow:
    """The main window with every feature installed; the model loads off the GUI thread."""
    window = MainWindow(study)
    inference = Inference(window)
    window.closing.connect(inference.shutdown)
    model = TutorModel(window, inference)
    tutor = install_tutor(window, inference)
    model.message.connect(tutor.show_message)
    model.set_banner_host(tutor.add_banner)  # fallback notices and the model suggestion
    window.features = Features(
        inference=inference,
        backups=Backups(window),
        model=model,
        tutor=tutor,
        explain=ExplainFeature(window, inference),
        models=ModelsFeature(window, inference),
        quiz=QuizPanel(window, inference),
        anki_export=AnkiExport(window),
        lab=LabFeature(window, inference),
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
    try:
        folder = paths.data_dir()
    except OSError as exc:  # e.g. COMPANION_HOME under a read-only folder
        startup.ask_choice(None, "Cannot open your data",
                           f"The data folder cannot be created: {exc.strerror or exc} "
                           f"({exc.filename or ''}).", ["Quit"], "critical")
        return 1
    lock = InstanceLock(folder)
    if not lock.acquire():  # one window per data folder: never two editors on one note
        if request_show(folder):
            print("LLM Study Companion is already open on this data; its window was brought "
                  "forward.", file=sys.stderr)
            return 0
        startup.already_open(folder, lock.holder())
        return 1
    try:
        return _run_window(app, folder)
    finally:
        lock.release()


def _run_window(app: QApplication, folder: Path) -> int:
    study = open_study_interactively()
    if study is None:
        return 1
    db.set_busy_timeout(GUI_BUSY_MS, study.db)
    if study.progress.start_date() is None:
        dialog = StartDateDialog(None, welcome=True)
        if dialog.exec():
            study.progress.set_start_date(dialog.chosen())
    window = build_window(study)
    window.restore_layout()
    show_requests = ShowRequests(folder, window)
    window.show()
    QTimer.singleShot(0, window.features.backups.run)
    code = app.exec()
    show_requests.stop()
    window.features.inference.shutdown()
    wait_for_all(QUIT_WAIT_MS)  # a backup or a cancelled download ends before Qt goes away
    wait_for_notes(QUIT_WAIT_MS)
    window.study.close()
    return code
