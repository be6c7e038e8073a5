"""Small dialogs: start date, restore from backup, export."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
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
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from companion.services.backups import Backup, Contents


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


def when(moment: dt.datetime, today: dt.date | None = None) -> str:
    """A backup's time as a person says it: "today 14:02", "yesterday 09:10", or the date."""
    today = today or dt.date.today()
    if moment.date() == today:
        return f"today {moment:%H:%M}"
    if moment.date() == today - dt.timedelta(days=1):
        return f"yesterday {moment:%H:%M}"
    return f"{moment:%a %d %b %Y, %H:%M}"


def backup_title(chosen: Backup) -> str:
    """ "Backup from today 14:02", or "Before restore (today 14:05)" for the data a restore
    replaced (restoring that one undoes the restore)."""
    if chosen.kind == "replaced":
        return f"Before restore ({when(chosen.made_at)})"
    return f"Backup from {when(chosen.made_at)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe(contents: Contents | None) -> str:
    """ "5 tasks done · 3 notes · 1 chat · 12 quiz attempts" """
    if contents is None:
        return "Cannot be read (damaged?)"
    if contents == Contents():
        return "Empty: no tasks done, notes, chats or quiz answers"
    return " · ".join([f"{contents.tasks_done} task{'' if contents.tasks_done == 1 else 's'} "
                       "done", _plural(contents.notes, "note"), _plural(contents.chats, "chat"),
                       _plural(contents.quiz_attempts, "quiz attempt")])


COUNTED = (("tasks_done", "Tasks done"), ("notes", "Notes"), ("chats", "Chats"),
           ("quiz_attempts", "Quiz attempts"))
_BACKUP_ROLE = Qt.ItemDataRole.UserRole


class RestoreDialog(QDialog):
    """Backups and "Before restore" copies, newest first, each with what it holds.

    What each file holds is counted off the GUI thread and arrives through
    ``set_contents``; the data in use now through ``set_current``. Restore asks first,
    showing the backup's counts beside the current ones (``confirmation``), and only
    then emits ``restoreChosen``.
    """

    restoreChosen = Signal(object)  # Backup, confirmed

    def __init__(self, backups: list[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.resize(560, 420)
        self.current: Contents | None = None
        self.current_known = False
        self.contents: dict[Path, Contents | None] = {}
        self.confirmation: QMessageBox | None = None
        layout = QVBoxLayout(self)
        info = QLabel("Pick a backup to restore. Your data now is not deleted: it is kept and "
                      "listed here as <i>Before restore</i>, so you can go back.", self)
        info.setWordWrap(True)
        layout.addWidget(info)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Backups")
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        style = self.style()
        icons = {"backup": style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon),
                 "replaced": style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack)}
        for b in backups:
            item = QListWidgetItem(icons.get(b.kind, icons["backup"]),
                                   f"{backup_title(b)}\nCounting…")
            item.setData(_BACKUP_ROLE, b)
            item.setToolTip(f"{b.path.name}, {b.made_at:%Y-%m-%d %H:%M:%S}, "
                            f"{b.size / 1024:.0f} KB")
            self.list.addItem(item)
        if backups:
            self.list.setCurrentRow(0)
        else:
            self.list.addItem("No backups yet. They are made as you study, and with "
                              "File > Back up now.")
        layout.addWidget(self.list)
        self.now = QLabel("Your data now: counting…", self)
        self.now.setWordWrap(True)
        layout.addWidget(self.now)
        self.buttons = QDialogButtonBox(self)
        self.restore_button = self.buttons.addButton("Restore…",
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.ask)
        self.buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _: self.ask())
        self.list.currentRowChanged.connect(lambda _: self._update_button())
        layout.addWidget(self.buttons)
        self._update_button()

    # ----- what the files hold (from the worker) -----------------------------------------
    def set_contents(self, path: Path, contents: Contents | None) -> None:
        self.contents[path] = contents
        for row in range(self.list.count()):
            item = self.list.item(row)
            chosen = item.data(_BACKUP_ROLE)
            if chosen is not None and chosen.path == path:
                item.setText(f"{backup_title(chosen)}\n{describe(contents)}")
        self._update_button()

    def set_current(self, contents: Contents | None) -> None:
        self.current, self.current_known = contents, True
        self.now.setText(f"Your data now: {describe(contents)}")
        self._update_button()

    def chosen(self) -> Backup | None:
        item = self.list.currentItem()
        return item.data(_BACKUP_ROLE) if item else None

    def _update_button(self) -> None:
        """Restore is offered once the chosen file is counted and readable."""
        chosen = self.chosen()
        self.restore_button.setEnabled(
            chosen is not None and self.contents.get(chosen.path) is not None)

    # ----- asking first ----------------------------------------------------------------------
    def ask(self) -> None:
        """Show what the backup holds beside what is there now; Restore there restores."""
        chosen = self.chosen()
        if chosen is None or not self.restore_button.isEnabled():
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Restore this backup?",
                          comparison(chosen, self.contents[chosen.path], self.current), parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        self.confirm_button = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(self.confirm_button)
        box.finished.connect(lambda _: self._answered(box, chosen))
        self.confirmation = box
        box.open()

    def _answered(self, box: QMessageBox, chosen: Backup) -> None:
        self.confirmation = None
        if box.clickedButton() is self.confirm_button:
            self.restoreChosen.emit(chosen)
            self.accept()


def comparison(chosen: Backup, held: Contents | None, now: Contents | None) -> str:
    """The confirmation's text: the backup's counts beside the current ones, and how to undo."""
    rows = []
    for name, label in COUNTED:
        then = getattr(held, name) if held else "?"
        current = getattr(now, name) if now else "?"
        fewer = isinstance(then, int) and isinstance(current, int) and then < current
        cell = f"<b>{then}</b>" if fewer else str(then)
        rows.append(f"<tr><td>{label}</td><td align='right'>{cell}</td>"
                    f"<td align='right'>{current}</td></tr>")
    lost = held is not None and now is not None and any(
        getattr(held, n) < getattr(now, n) for n, _ in COUNTED)
    warning = ("<p>The backup holds less than you have now (in bold).</p>" if lost else "")
    return (f"<p>Restore <b>{html.escape(backup_title(chosen))}</b>?</p>"
            "<table cellspacing='0' cellpadding='4'>"
            "<tr><th></th><th align='right'>&nbsp;&nbsp;&nbsp;Backup</th>"
            "<th align='right'>&nbsp;&nbsp;&nbsp;Now</th></tr>"
            + "".join(rows) + "</table>" + warning +
            "<p>Your data now is kept and listed as <i>Before restore</i> in this list: "
            "restore that to undo this.</p>")


EXPORT_NAMES = {"single": "llm-study-notes.md", "vault": "LLM study vault"}


class ExportDialog(QDialog):
    """Choose the format and where to write it; opens with the last choices.

    ``remembered`` maps each format to the path last used for it (kept by the caller in
    the layout file beside the data), so switching formats brings back that format's path.
    """

    def __init__(self, start_dir: Path, parent: QWidget | None = None,
                 remembered: dict[str, str] | None = None, fmt: str = "single") -> None:
        super().__init__(parent)
        self.setWindowTitle("Export notes")
        self.setMinimumWidth(640)
        self._start = start_dir
        self._paths = {k: v for k, v in (remembered or {}).items() if k in EXPORT_NAMES and v}
        self.format = QComboBox(self)
        self.format.addItem("One Markdown file", "single")
        self.format.addItem("Obsidian-style folder (one file per day)", "vault")
        self.format.setCurrentIndex(max(0, self.format.findData(fmt)))
        self.path = QLineEdit(self._path_for(self.fmt()), self)
        self.path.setAccessibleName("Save to")
        browse = QPushButton("Browse…", self)
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        self._shown = self.fmt()
        self.format.currentIndexChanged.connect(self._format_changed)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("&Format:", self.format)
        save_to = QLabel("&Save to:", self)
        save_to.setBuddy(self.path)  # Alt+S: a row holding a layout gets no buddy by itself
        form.addRow(save_to, row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.path.textChanged.connect(
            lambda text: self.export_button.setEnabled(bool(text.strip())))
        form.addRow(self.buttons)

    def _path_for(self, fmt: str) -> str:
        return self._paths.get(fmt) or str(self._start / EXPORT_NAMES[fmt])

    def _format_changed(self) -> None:
        """Keep what was typed for the other format; bring back this one's path."""
        self._paths[self._shown] = self.path.text()
        self._shown = self.fmt()
        if self.fmt() in self._paths:
            self.path.setText(self._paths[self.fmt()])
            return
        base = Path(self.path.text()).expanduser().parent if self.path.text() else self._start
        self.path.setText(str(base / EXPORT_NAMES[self.fmt()]))

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
        return Path(self.path.text().strip()).expanduser()
