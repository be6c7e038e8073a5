"""File > Export > Anki deck…: take the question bank and your review cards to Anki.

A feature object like the others in ``app.py``'s ``Features``: it adds its menu
action through ``window.add_action`` (under File's "Export" submenu when there
is one, else right after "Export notes…"), asks where to save (an ``.apkg`` for
Anki, or ``.csv``), and writes the file on the thread pool, so the window stays
responsive; the result, or the one-line reason it failed, shows in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from companion.ui.background import BackgroundOp, run_in_background

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

FILTERS = {"Anki deck (*.apkg)": "anki", "CSV file for spreadsheets (*.csv)": "csv"}


def _plain(text: str) -> str:
    return text.replace("&", "")


class AnkiExport(QObject):
    """Export the question bank and review cards as an Anki deck or a CSV file."""

    exported = Signal(object)  # the Path written
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.op: BackgroundOp | None = None
        menu = self._export_menu()
        text = "&Anki deck…" if menu is not window.file_menu else "Export &Anki deck…"
        self.action = window.add_action(menu, text, self.choose_file)
        self.action.setToolTip("The quiz questions and your review cards as an Anki deck "
                               "(.apkg) or a CSV file")
        if menu is window.file_menu:
            self._place_after_notes_export(menu)

    def _export_menu(self) -> QMenu:
        for action in self.window.file_menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu) and _plain(sub.title()).strip() == "Export":
                return sub
        return self.window.file_menu

    def _place_after_notes_export(self, menu: QMenu) -> None:
        actions = menu.actions()
        for i, action in enumerate(actions):
            if _plain(action.text()).startswith("Export notes") and i + 1 < len(actions):
                menu.removeAction(self.action)
                menu.insertAction(actions[i + 1], self.action)
                return

    def choose_file(self) -> None:
        start = str(Path.home() / "llm-study-companion.apkg")
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export cards", start,
                                                   ";;".join(FILTERS))
        if path:  # the dialog has already asked before overwriting
            self.export_to(Path(path), FILTERS.get(chosen), overwrite=True)

    def export_to(self, path: Path, fmt: str | None = None, overwrite: bool = False
                  ) -> BackgroundOp | None:
        """Write the cards to ``path`` off the GUI thread (format from the suffix if not given)."""
        if self.op is not None:
            self.window.statusBar().showMessage("An export is already running.", 5000)
            return None
        fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "anki")
        if fmt == "anki" and path.suffix.lower() != ".apkg":
            path = path.with_name(path.name + ".apkg")
        quiz = self.window.study.quiz
        policy = "overwrite" if overwrite else "fail"
        self.window.statusBar().showMessage(f"Exporting cards to {path.name}…")
        self.op = run_in_background(self.window, lambda _ctx: quiz.export_cards(fmt, path,
                                                                                 policy)[0],
                                    self._done, self._failed)
        return self.op

    def _done(self, path: Path) -> None:
        self.op = None
        self.window.statusBar().showMessage(f"Exported the cards to {path}", 10000)
        self.exported.emit(path)

    def _failed(self, message: str) -> None:
        self.op = None
        self.window.statusBar().showMessage(f"Export failed: {message}", 15000)
        self.failed.emit(message)

    @property
    def menu_action(self) -> QAction:
        return self.action
