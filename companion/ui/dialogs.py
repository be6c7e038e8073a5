"""Small dialogs: start date, restore from backup, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.services.backups import Backup


class StartDateDialog(QDialog):
    """Asked on first run: the day the learner starts, which decides "today"."""

    def __init__(self, current: dt.date | None, parent: QWidget | None = None,
                 welcome: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome" if welcome else "Start date")
        layout = QVBoxLayout(self)
        if welcome:
            text = QLabel(
                "<h3>Welcome to the LLM Study Companion</h3>"
                "<p>Fourteen days, one lesson a day: a checklist, resources and your own notes, "
                "all stored on this computer.</p>"
                "<p>The built-in tutor is a tiny offline model: quick, private and "
                "grounded in the lessons, but it makes mistakes. Check its citations; you can "
                "install a stronger model later from the model manager.</p>"
                "<p>When do you start? The course marks <b>today</b> from this date.</p>")
            text.setWordWrap(True)
            layout.addWidget(text)
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        start = current or dt.date.today()
        self.date.setDate(QDate(start.year, start.month, start.day))
        form = QFormLayout()
        form.addRow("Start date:", self.date)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> dt.date:
        d = self.date.date()
        return dt.date(d.year(), d.month(), d.day())


class RestoreDialog(QDialog):
    """Lists backups, newest first, with their dates."""

    def __init__(self, backups: list[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.resize(420, 360)
        layout = QVBoxLayout(self)
        info = QLabel("Pick a backup to restore. Your current data is kept aside, not deleted.")
        info.setWordWrap(True)
        layout.addWidget(info)
        self.list = QListWidget(self)
        for b in backups:
            item = QListWidgetItem(b.label)
            item.setData(256, b)
            self.list.addItem(item)
        if backups:
            self.list.setCurrentRow(0)
        else:
            self.list.addItem("No backups yet.")
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(self)
        self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        layout.addWidget(self.buttons)

    def chosen(self) -> Backup | None:
        item = self.list.currentItem()
        return item.data(256) if item else None


class ExportDialog(QDialog):
    """Choose the format and where to write it."""

    def __init__(self, start_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export notes")
        self.format = QComboBox(self)
        self.format.addItem("One Markdown file", "single")
        self.format.addItem("Obsidian-style folder (one file per day)", "vault")
        self.path = QLineEdit(str(start_dir / "llm-study-notes.md"), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._format_changed)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format:", self.format)
        form.addRow("Save to:", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._start = start_dir

    def _format_changed(self) -> None:
        base = Path(self.path.text()).parent if self.path.text() else self._start
        name = "llm-study-notes.md" if self.fmt() == "single" else "LLM study vault"
        self.path.setText(str(base / name))

    def _browse(self) -> None:
        options = QFileDialog.Option.DontUseNativeDialog
        if self.fmt() == "single":
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                                    "Markdown (*.md)", options=options)
        else:
            chosen = QFileDialog.getExistingDirectory(self, "Export into folder",
                                                      self.path.text(), options)
        if chosen:
            self.path.setText(chosen)

    def fmt(self) -> str:
        return str(self.format.currentData())

    def target(self) -> Path:
        return Path(self.path.text()).expanduser()
