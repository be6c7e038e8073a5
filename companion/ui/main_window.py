"""The main window: day list | lesson | checklist + notes, with menus and status bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QUrl, QUrlQuery, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from companion import paths
from companion.export import ExportError
from companion.services import Changes
from companion.study import Hit, Study
from companion.ui.background import run_in_background
from companion.ui.checklist import Checklist
from companion.ui.day_list import DayList
from companion.ui.dialogs import ExportDialog, StartDateDialog
from companion.ui.markdown_view import MarkdownView
from companion.ui.note_keeper import NoteKeeper
from companion.ui.notes_editor import NotesEditor
from companion.ui.search_dialog import SearchDialog

if TYPE_CHECKING:
    from companion.app import Features


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class MainWindow(QMainWindow):
    """The window and its own views; features (tutor, quiz, models...) plug in from app.py."""

    dayShown = Signal(int)
    changed = Signal(object)  # Changes: the one "something was saved" signal views refresh from
    restoreRequested = Signal()
    closing = Signal()
    backupRequested = Signal()

    def __init__(self, study: Study) -> None:
        super().__init__()
        self.study = study
        self.features: Features  # set by app.build_window
        self._unsubscribe = study.subscribe(self.changed.emit)
        self.changed.connect(self._on_changed)
        self.badge_providers: list[Callable[[], dict[int, str]]] = []
        self.setWindowTitle("LLM Study Companion")
        self.resize(1440, 900)
        self.day_list = DayList(study.course, self)
        self.lesson = MarkdownView(self)
        self.lesson.setAccessibleName("Lesson")
        self.lesson.figures = True
        self.lesson.internal_links = True  # lesson:, lab: and code: links act in the app
        self.checklist = Checklist(self)
        self.notes = NotesEditor(self)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_split = QSplitter(Qt.Orientation.Vertical, right)
        top, bottom = QWidget(), QWidget()
        top_layout, bottom_layout = QVBoxLayout(top), QVBoxLayout(bottom)
        for lay in (top_layout, bottom_layout):
            lay.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(_heading("Checklist"))
        top_layout.addWidget(self.checklist)
        bottom_layout.addWidget(_heading("My notes"))
        bottom_layout.addWidget(self.notes)
        right_split.addWidget(top)
        right_split.addWidget(bottom)
        right_split.setSizes([260, 520])
        right_layout.addWidget(right_split)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.day_list)
        split.addWidget(self.lesson)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setCollapsible(1, False)
        self.lesson.setMinimumWidth(420)
        self.day_list.setMinimumWidth(210)
        split.setSizes([250, 620, 330])
        self.setCentralWidget(split)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setFormat("%v / %m tasks")
        self.progress_label = QLabel(self)
        self.tutor_status = QLabel("Tutor: not loaded", self)
        self.statusBar().addPermanentWidget(self.tutor_status)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress_bar)

        self.day_list.daySelected.connect(self.show_day)
        self.checklist.taskToggled.connect(self._save_task)
        self.checklist.labRequested.connect(
            lambda lab, day: self.features.lab.open(lab, day=day))
        # loading, saving off the GUI thread, failed saves and conflicts: ui/note_keeper.py
        self.note_keeper = NoteKeeper(self.notes, study.notes, paths.data_dir(), self)
        self.lesson.internalLinkClicked.connect(self.open_internal_link)
        self._build_menus()
        self.refresh_progress()
        today = study.progress.today()
        self.day_list.set_today(today)
        self.day_list.select_day(today or 1)
        self.lesson.setFocus()

    # ----- menus and shortcuts -------------------------------------------------------------
    def add_action(self, menu, text: str, slot: Callable, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.add_action(self.file_menu, "&Export notes…", self.export_notes, "Ctrl+E")
        self.add_action(self.file_menu, "&Back up now", self.backupRequested.emit)
        self.add_action(self.file_menu, "&Restore from backup…", self.restoreRequested.emit)
        self.file_menu.addSeparator()
        self.add_action(self.file_menu, "Set &start date…", self.change_start_date)
        self.file_menu.addSeparator()
        # not StandardKey.Quit: it is empty on some platforms
        self.add_action(self.file_menu, "&Quit", self.close, "Ctrl+Q")
        go = bar.addMenu("&Go")
        self.add_action(go, "&Search…", self.open_search, "Ctrl+K")
        self.add_action(go, "&Previous day", lambda: self.step_day(-1), "Ctrl+PgUp")
        self.add_action(go, "&Next day", lambda: self.step_day(1), "Ctrl+PgDown")
        self.add_action(go, "&Today", self.go_today, "Ctrl+T")
        self.go_menu = go
        self.view_menu = bar.addMenu("&View")
        self.help_menu = bar.addMenu("&Help")  # filled by the help feature (ui/help.py)

    # ----- days ----------------------------------------------------------------------------
    def current_day(self) -> int:
        return self.notes.day or 1

    def show_day(self, number: int) -> None:
        self.notes.flush()  # never lose the previous day's typing
        day = self.study.course.day(number)
        self.lesson.set_markdown(day.lesson_markdown(links=True))
        self.checklist.show_day(day, set(self.study.progress.done_tasks()))
        self.note_keeper.load(number)
        self.setWindowTitle(f"Day {number}: {day.title} — LLM Study Companion")
        if self.day_list.current_day() != number:
            self.day_list.select_day(number)
        self.dayShown.emit(number)

    def step_day(self, delta: int) -> None:
        target = self.current_day() + delta
        if 1 <= target <= len(self.study.course.days):
            self.show_day(target)

    def go_today(self) -> None:
        self.show_day(self.study.progress.today() or 1)

    def show_section(self, day: int, section: str) -> None:
        if self.current_day() != day:
            self.show_day(day)
        self.lesson.scrollToAnchor(section)

    def open_internal_link(self, url: QUrl) -> None:
        """In-app links: ``lesson:4#multi-head-attention`` (citations) opens that section;
        ``lab:next-token?day=3`` opens a Lab experiment; ``code:copy/4/2`` and
        ``code:explain/4/2`` act on a lesson code block."""
        if url.scheme() == "lesson" and url.path().isdigit():
            day = int(url.path())
            if 1 <= day <= len(self.study.course.days):
                self.show_section(day, url.fragment())
        elif url.scheme() == "lab":
            query = QUrlQuery(url)
            day, block = query.queryItemValue("day"), query.queryItemValue("block")
            self.features.lab.open(url.path(), day=int(day) if day.isdigit() else None,
                                   block=int(block) if block.isdigit() else None)
        elif url.scheme() == "code":
            action, _, where = url.path().partition("/")
            day_text, _, block_text = where.partition("/")
            if not (day_text.isdigit() and block_text.isdigit()):
                return
            blocks = self.study.course.day(int(day_text)).code_blocks()
            block = next((b for b in blocks if b.number == int(block_text)), None)
            if block is None:
                return
            if action == "copy":
                QGuiApplication.clipboard().setText(block.code)
                self.statusBar().showMessage("Code copied to the clipboard.", 4000)
            elif action == "explain":
                self.features.explain.explain(block.code, block.language or "text")

    # ----- saving --------------------------------------------------------------------------
    def _save_task(self, task_id: str, day: int, done: bool) -> None:
        try:
            self.study.progress.set_done(task_id, day, done)
        except Exception as exc:  # in use by another program, disk full, read-only...
            # the box goes back to what is saved: it never shows a tick that is not kept
            self.checklist.set_done(task_id, not done)
            self.statusBar().showMessage(f"The tick was not saved. {str(exc).splitlines()[0]}",
                                         10000)

    def _save_note(self, day: int, text: str) -> None:
        """Hand a note to the saver (off the GUI thread; failures show in a banner)."""
        self.note_keeper.saver.save(day, text)

    def refresh_progress(self) -> None:
        per_day = self.study.progress.per_day()
        total = self.study.progress.overall()
        self.day_list.set_progress(per_day, self.day_badges())
        self.progress_bar.setMaximum(total.total)
        self.progress_bar.setValue(total.done)
        self.progress_label.setText(f"Course progress {total.percent}%")

    def day_badges(self) -> dict[int, str]:
        """Extra marks per day (quiz mastery, due reviews) from the installed features."""
        merged: dict[int, str] = {}
        for provider in self.badge_providers:
            for day, mark in provider().items():
                merged[day] = f"{merged.get(day, '')} {mark}".strip()
        return merged

    # ----- actions -------------------------------------------------------------------------
    def open_search(self) -> None:
        self.notes.flush()
        dialog = SearchDialog(lambda q: self.study.search(q, 30), self)
        dialog.hitChosen.connect(self._jump_to)
        self._search_dialog = dialog
        dialog.open()

    def _jump_to(self, hit: Hit) -> None:
        if hit.kind == "lesson":
            self.show_section(hit.day, hit.section)
        else:
            self.show_day(hit.day)
            self.notes.editor.setFocus()

    def change_start_date(self) -> None:
        dialog = StartDateDialog(self.study.progress.start_date(), self)
        if dialog.exec():
            self.study.progress.set_start_date(dialog.chosen())

    def export_notes(self) -> None:
        self.notes.flush()
        dialog = ExportDialog(Path.home(), self)
        if not dialog.exec():
            return
        fmt, target = dialog.fmt(), dialog.target()
        exports = self.study.exports
        try:
            plan = exports.plan(fmt, target)
        except ExportError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return
        policy = "fail"
        clashes = [p for p in plan if p.exists()]
        if clashes:
            box = QMessageBox(QMessageBox.Icon.Question, "Files already exist",
                              f"{len(clashes)} file(s) already exist, e.g. {clashes[0].name}.",
                              parent=self)
            overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton("Keep both", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is overwrite:
                policy = "overwrite"
            elif box.clickedButton() is keep:
                policy = "rename"
            else:
                return
        self.statusBar().showMessage("Exporting…")
        run_in_background(
            self, lambda _ctx: exports.write(plan, policy),
            lambda written: self.statusBar().showMessage(
                f"Exported {len(written)} file(s) to {target}", 8000),
            lambda err: QMessageBox.warning(self, "Export failed", err),
        )

    # ----- lifecycle -----------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.lesson.rerender()
            self.notes.preview.rerender()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.note_keeper.ready_to_close():  # unsaved notes: the learner said Cancel
            event.ignore()
            return
        self.save_layout()
        self.closing.emit()
        self._unsubscribe()
        super().closeEvent(event)

    def _layout_file(self) -> QSettings:
        # beside the data, not in the database: a moved dock is not a change worth a backup
        return QSettings(str(paths.data_dir() / "layout.ini"), QSettings.Format.IniFormat)

    def save_layout(self) -> None:
        store = self._layout_file()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("state", self.saveState())

    def restore_layout(self) -> None:
        store = self._layout_file()
        if store.value("geometry") is not None:
            self.restoreGeometry(store.value("geometry"))
        if store.value("state") is not None:
            self.restoreState(store.value("state"))

    def _on_changed(self, changes: Changes) -> None:
        """Refresh what a write changed (views of features connect to ``changed`` too)."""
        if changes.study:  # a restore: everything on screen came from the old file
            self.note_keeper.forget()
            self.notes.show_note(0, "")
            self.show_day(self.day_list.current_day() or 1)
        elif changes.progress:
            self.day_list.set_today(self.study.progress.today())
        if changes.touches("progress", "quiz"):
            self.refresh_progress()

