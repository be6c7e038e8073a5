"""File > Export notes…: choose, settle clashes, write off the GUI thread, say what was written.

The flow never blocks: the dialog and the "already exist" question are window-modal
and answered through signals, and the files are written on a worker. The status bar
names the files actually written, so after "Keep both" it says ``notes (2).md``, not
the name that was asked for. The last format and path are remembered in the layout
file beside the data (not the database: a remembered folder is not study work).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from companion.export import ExportError
from companion.ui.background import run_in_background
from companion.ui.dialogs import EXPORT_NAMES, ExportDialog

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

SHOWN_MS = 15000


def written_message(written: list[Path]) -> str:
    """What the status bar says: the real names, e.g. after "Keep both" ``notes (2).md``."""
    if not written:
        return "Nothing was exported."
    if len(written) == 1:
        return f"Exported your notes to {written[0]}"
    folder = written[0].parent
    return (f"Exported {len(written)} files to {folder}: {written[0].name} … "
            f"{written[-1].name}")


class NotesExport(QObject):
    """One export, from the dialog to the status bar message."""

    written = Signal(list)  # the paths written
    ended = Signal()  # written, failed or cancelled

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.question: QMessageBox | None = None  # the "already exist" or error box on screen
        self._plan: dict[Path, str] = {}
        store = window._layout_file()
        remembered = {fmt: str(store.value(f"export/{fmt}", "") or "") for fmt in EXPORT_NAMES}
        self.dialog = ExportDialog(Path.home(), window, remembered,
                                   str(store.value("export/format", "single") or "single"))
        self.dialog.accepted.connect(self._chosen)
        self.dialog.rejected.connect(self.ended)

    def start(self) -> None:
        self.window.notes.flush()  # the export reads what is saved
        self.dialog.open()

    def _remember(self, fmt: str, target: Path) -> None:
        store = self.window._layout_file()
        store.setValue("export/format", fmt)
        store.setValue(f"export/{fmt}", str(target))
        store.sync()

    def _chosen(self) -> None:
        fmt, target = self.dialog.fmt(), self.dialog.target()
        self._remember(fmt, target)
        try:
            self._plan = self.window.study.exports.plan(fmt, target)
        except ExportError as exc:
            self._ask(QMessageBox.Icon.Warning, "Export", str(exc), [])
            return
        clashes = [p for p in self._plan if p.exists()]
        if not clashes:
            self._write("fail")
            return
        named = clashes[0].name if len(clashes) == 1 else f"{len(clashes)} files, e.g. " \
            f"{clashes[0].name},"
        self._ask(QMessageBox.Icon.Question, "Files already exist",
                  f"{named} already exist{'s' if len(clashes) == 1 else ''} in "
                  f"{clashes[0].parent}.\n\nKeep both writes the new file(s) with a number "
                  "added, e.g. “notes (2).md”.",
                  [("Keep both", QMessageBox.ButtonRole.AcceptRole, "rename"),
                   ("Overwrite", QMessageBox.ButtonRole.DestructiveRole, "overwrite")])

    def _ask(self, icon: QMessageBox.Icon, title: str, text: str,
             choices: list[tuple[str, QMessageBox.ButtonRole, str]]) -> None:
        box = QMessageBox(icon, title, text, parent=self.window)
        policies = {}
        for label, role, policy in choices:
            policies[box.addButton(label, role)] = policy
        box.addButton(QMessageBox.StandardButton.Cancel if choices
                      else QMessageBox.StandardButton.Ok)
        if choices:
            box.setDefaultButton(next(iter(policies)))

        def answered(_result: int) -> None:
            self.question = None
            policy = policies.get(box.clickedButton())
            if policy is None:
                self.ended.emit()
            else:
                self._write(policy)

        box.finished.connect(answered)
        self.question = box
        box.open()

    def _write(self, policy: str) -> None:
        exports, plan = self.window.study.exports, self._plan
        self.window.statusBar().showMessage("Exporting…")
        run_in_background(self.window, lambda _ctx: exports.write(plan, policy),
                          self._done, self._failed)

    def _done(self, written: list[Path]) -> None:
        self.window.statusBar().showMessage(written_message(written), SHOWN_MS)
        self.written.emit(written)
        self.ended.emit()

    def _failed(self, error: str) -> None:
        self.window.statusBar().showMessage(f"Export failed: {error}", SHOWN_MS)
        self._ask(QMessageBox.Icon.Warning, "Export failed", error, [])
