"""The main window: day list | lesson, with the checklist and notes (and the tutor) as docks.

The lesson is the reading area; ``window_layout.py`` decides where the window opens and
whether the side docks stand side by side or as tabs; what the learner arranges is
saved in ``layout.ini`` beside the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, QUrl, QUrlQuery, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
)

from companion import paths
from companion.services import Changes
from companion.study import Hit, Study
from companion.ui.checklist import Checklist
from companion.ui.day_list import DayList
from companion.ui.dialogs import StartDateDialog
from companion.ui.markdown_view import MarkdownView
from companion.ui.note_keeper import NoteKeeper
from companion.ui.notes_editor import NotesEditor
from companion.ui.notes_export import NotesExport
from companion.ui.reading import ReadingWidth
from companion.ui.search_dialog import SearchDialog
from companion.ui.study_pane import StudyPane
from companion.ui.window_layout import (
    MIN_SIZE,
    arrange_docks,
    first_geometry,
    keep_on_screen,
)

if TYPE_CHECKING:
    from companion.app import Features

SHORT_WINDOW = 760  # below this height the checklist and the notes start as tabs


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
        self._first_dock_sizes: tuple[list[QDockWidget], list[int]] | None = None
        self.setWindowTitle("LLM Study Companion")
        self.setGeometry(first_geometry(self))
        self.setMinimumSize(MIN_SIZE.boundedTo(self.size()))
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.day_list = DayList(study.course, self)
        self.day_list.setMinimumWidth(170)
        self.lesson = MarkdownView(self)
        self.lesson.setAccessibleName("Lesson")
        self.lesson.figures = True
        self.lesson.internal_links = True  # lesson:, lab: and code: links act in the app
        self.lesson.setMinimumWidth(340)
        self.reading = ReadingWidth(self.lesson)  # extra width becomes margin, not line length
        self.checklist = Checklist(self)
        self.notes = NotesEditor(self)

        self.study_pane = StudyPane(self.checklist, self.notes, self)
        self.study_dock = QDockWidget("Checklist and notes", self)
        self.study_dock.setObjectName("study-dock")  # saveState/restoreState key
        self.study_dock.setWidget(self.study_pane)
        self.study_dock.setMinimumWidth(260)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("day-list-and-lesson")
        self.splitter.addWidget(self.day_list)
        self.splitter.addWidget(self.lesson)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([230, 700])
        self.setCentralWidget(self.splitter)

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
        study = self.study_dock.toggleViewAction()
        study.setText("&Checklist and notes")
        study.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.view_menu.addAction(study)
        self.add_action(self.view_menu, "&Day list", self._toggle_day_list, "Ctrl+Shift+D")
        self.add_action(self.view_menu, "Checklist and notes as &tabs",
                        lambda: self.study_pane.set_mode(
                            "tabs" if self.study_pane.mode == "split" else "split"))
        self.view_menu.addSeparator()
        self.help_menu = bar.addMenu("&Help")  # filled by the help feature (ui/help.py)

    def _toggle_day_list(self) -> None:
        self.day_list.setVisible(not self.day_list.isVisible())

    def arrange_docks(self, tutor: QDockWidget) -> None:
        """Put the checklist-and-notes dock and the tutor dock on the right (app.py)."""
        self._first_dock_sizes = arrange_docks(self, self.study_dock, tutor)
        if self.height() < SHORT_WINDOW:  # a low screen: the notes get the dock's full height
            self.study_pane.set_mode("tabs")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._first_dock_sizes is not None:  # a first start: nothing was restored
            docks, widths = self._first_dock_sizes
            self._first_dock_sizes = None
            # after this event: the window's layout has its real size only then
            QTimer.singleShot(0, lambda: self.resizeDocks(docks, widths,
                                                          Qt.Orientation.Horizontal))

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
        today = per_day.get(self.current_day())
        if today is not None:
            self.study_pane.set_progress(today.done, today.total)

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
        # a page at a time: Study.search(query, limit) returns the best ``limit`` and .total
        dialog = SearchDialog(self.study.search, self,
                              day_title=lambda day: self.study.course.day(day).title)
        dialog.hitChosen.connect(self._jump_to)
        self._search_dialog = dialog
        dialog.open()

    def _jump_to(self, hit: Hit) -> None:
        if hit.kind == "lesson":
            self.show_section(hit.day, hit.section)
        else:
            self.show_day(hit.day)
            self.study_dock.show()
            self.study_pane.show_notes()
            self.notes.editor.setFocus()
            if hit.marks:  # the matched words, selected where they are in the note
                start, end = hit.marks[0]
                self.notes.reveal(hit.snippet[start:end])

    def change_start_date(self) -> None:
        dialog = StartDateDialog(self.study.progress.start_date(), self)
        if dialog.exec():
            self.study.progress.set_start_date(dialog.chosen())

    def export_notes(self) -> None:
        """File > Export notes…: the dialog, clashes and writing are in ui/notes_export.py."""
        self._notes_export = NotesExport(self)  # kept: tests and the status bar follow it
        self._notes_export.start()

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
        store.setValue("splitter", self.splitter.saveState())
        store.setValue("study_pane", self.study_pane.mode)
        store.setValue("day_list", self.day_list.isVisible())

    def restore_layout(self) -> None:
        """What the learner arranged last time; a first start keeps the screen-fitted size."""
        store = self._layout_file()
        if store.value("geometry") is not None:
            self.restoreGeometry(store.value("geometry"))
            keep_on_screen(self)
        if store.value("state") is not None and self.restoreState(store.value("state")):
            self._first_dock_sizes = None  # the learner's own dock sizes win
        if store.value("splitter") is not None:
            self.splitter.restoreState(store.value("splitter"))
        self.study_pane.set_mode(str(store.value("study_pane") or self.study_pane.mode))
        self.day_list.setVisible(str(store.value("day_list", "true")).lower() != "false")

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

