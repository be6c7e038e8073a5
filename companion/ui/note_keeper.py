"""Between the notes editor and the database: loading, saving, conflicts, closing.

The main window asks this one object to load a day's note, to save what the editor
hands over, and whether it may close. It makes sure that:

* a note that could not be read is never shown as an empty page that a save would
  then write over (the editor stays read-only with the reason and Retry);
* text whose save failed is shown again, not the older stored text, when the learner
  comes back to that day;
* a conflict (the note changed elsewhere) shows both versions in the editor;
* closing with unsaved text asks first, and says where the emergency copy is.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from companion.errors import known_errors
from companion.services.notes import NoteSave, NotesService
from companion.ui.note_saving import NoteSaver
from companion.ui.notes_editor import NotesEditor

CLOSE_WAIT_MS = 3000  # at close, saves still running get this long


class NoteKeeper(QObject):
    def __init__(self, editor: NotesEditor, notes: NotesService, folder: Path,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.editor, self.notes = editor, notes
        self.saver = NoteSaver(notes, folder, self)
        self._unreadable = 0  # the day whose note could not be read (editor read-only)
        editor.saveRequested.connect(self.saver.save)
        editor.retryRequested.connect(self.retry)
        self.saver.saved.connect(self._saved)
        self.saver.failed.connect(self._failed)

    def load(self, day: int) -> None:
        """Show ``day``'s note: its unsaved text if a save failed, else the stored one."""
        unsaved = self.saver.unsaved_text(day)
        try:
            stored = self.notes.body(day)
        except known_errors() as exc:
            if unsaved is None:
                self._unreadable = day
                self.editor.show_note(day, "")
                self.editor.editor.setReadOnly(True)
                self.editor.mark_unreadable(day, self.notes.reason(exc))
                return
            stored = None
        self._unreadable = 0
        self.editor.editor.setReadOnly(False)
        if stored is not None:
            self.saver.loaded(day, stored)
        self.editor.show_note(day, unsaved if unsaved is not None else stored or "",
                              unsaved=unsaved is not None)
        if unsaved is not None and self.saver.last_error:
            self.editor.mark_failed(self.saver.last_error, str(self.saver.copy_of(day) or ""))

    def retry(self) -> None:
        if self._unreadable:
            self.load(self._unreadable)
        self.saver.retry()

    def forget(self) -> None:
        """The database was replaced (a restore): drop what we knew about it."""
        self.saver.forget()

    # ----- what the saver reports -----------------------------------------------------------
    def _saved(self, result: NoteSave) -> None:
        when = datetime.now().strftime("%H:%M:%S")
        if result.day == self.editor.day:
            if result.conflict:
                self.editor.replace_text(result.keep_both(self.editor.text()))
                self.editor.mark_conflict(when)
            else:
                self.editor.mark_saved(when)
        if not self.saver.failing():
            self.editor.banner.hide()

    def _failed(self, day: int, reason: str, copy: str) -> None:
        self.editor.mark_failed(reason, copy, day)
        window = self.parent()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"Your notes are NOT saved yet: {reason}", 10000)

    # ----- closing ------------------------------------------------------------------------------
    def ready_to_close(self) -> bool:
        """Save what is left; if that fails, ask. False keeps the window open."""
        self.editor.flush()
        while not self.saver.wait(CLOSE_WAIT_MS):
            choice = self._ask_close()
            if choice == "close":
                return True
            if choice == "cancel":
                return False
            self.saver.retry()
        return True

    def before_restore(self) -> bool:
        """Save what is left before a restore replaces the database; False to cancel it."""
        self.editor.flush()
        if self.saver.wait(CLOSE_WAIT_MS):
            return True
        days = ", ".join(str(d) for d in sorted(self.saver.unsaved()))
        answer = QMessageBox.question(
            self.editor.window(), "Notes not saved",
            f"Your latest notes for day {days} are not saved ({self.saver.last_error}). A "
            "restore replaces them with the backup's (emergency copies stay in the data "
            "folder). Restore anyway?")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.saver.discard()
        return True

    def _ask_close(self) -> str:
        unsaved = self.saver.unsaved()
        days = ", ".join(str(d) for d in sorted(unsaved))
        copies = [str(c) for d in unsaved if (c := self.saver.copy_of(d)) is not None]
        where = (f"A copy is in {copies[0]}." if len(copies) == 1
                 else f"Copies are in {', '.join(copies)}." if copies
                 else "No copy could be written to disk: closing now loses this text.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Notes not saved",
                          f"Your notes for day {days} are not saved: "
                          f"{self.saver.last_error or 'the save did not finish'}.\n\n{where}",
                          parent=self.editor.window())
        again = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        close = box.addButton("Close anyway", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(again)
        box.exec()
        clicked = box.clickedButton()
        return "again" if clicked is again else "close" if clicked is close else "cancel"
