"""The questions asked before the window opens: what to do about a problem with the data.

Each problem gets its own words and its own buttons (``app.py`` decides which);
nothing here knows about storage. A locked, read-only or full disk offers only
"Try again": the file is fine, and restoring a backup over it would hide newer notes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

ICONS = {"question": QMessageBox.Icon.Question, "warning": QMessageBox.Icon.Warning,
         "critical": QMessageBox.Icon.Critical, "information": QMessageBox.Icon.Information}


def ask_choice(parent: QWidget | None, title: str, text: str, options: list[str],
               icon: str = "warning") -> str | None:
    """Show ``text`` with one button per option (the first is the default); the one clicked."""
    box = QMessageBox(ICONS[icon], title, text, parent=parent)
    buttons = {}
    for i, option in enumerate(options):
        role = (QMessageBox.ButtonRole.RejectRole if option == "Quit"
                else QMessageBox.ButtonRole.AcceptRole if i == 0
                else QMessageBox.ButtonRole.ActionRole)
        buttons[box.addButton(option, role)] = option
    first = next(iter(buttons), None)
    if first is not None:
        box.setDefaultButton(first)
    box.exec()
    return buttons.get(box.clickedButton())


def already_open(folder: Path, pid: int | None) -> None:
    """The data is open in another copy of the app, which did not answer our request."""
    who = f" (process {pid})" if pid else ""
    ask_choice(None, "Already open",
               f"Your study data in {folder} is already open in another copy of the app{who}."
               "\n\nOnly one copy at a time may edit it, so that neither saves over the "
               "other's notes. Switch to that window, or close it and start the app again.",
               ["Quit"], "information")
