"""Help > Keyboard shortcuts (F1) and Help > About.

The shortcuts list is read from the window's own menus when it opens, so it can never
miss an action or show a key that no longer works.
"""

from __future__ import annotations

import platform
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion import __version__, paths

# keys that work inside a view rather than from a menu (they are not QActions)
VIEW_KEYS = [
    ("Tutor", "Send the question", "Ctrl+Return"),
    ("Tutor", "Stop the answer", "Esc"),
    ("Quiz and review", "Choose answer 1-4, then rate 1-4 in review", "1 … 4"),
]


def menu_shortcuts(window) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action that has a shortcut, in menu order."""
    found: list[tuple[str, str, str]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} › {_plain(action.text())}")
            elif not action.isSeparator() and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                found.append((path, _plain(action.text()), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _plain(top.text()))
    return found


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


class ShortcutsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        rows = menu_shortcuts(window) + VIEW_KEYS
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter, e.g. quiz or Ctrl+K")
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for r, (where, action, keys) in enumerate(rows):
            for c, text in enumerate((keys, action, where)):
                item = QTableWidgetItem(text)
                if c == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)

    def listed(self) -> list[tuple[str, str]]:
        """(keys, action) of every row, for tests and screen readers."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text())
                for r in range(self.table.rowCount())]

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r in range(self.table.rowCount()):
            row = " ".join(self.table.item(r, c).text().lower() for c in range(3))
            self.table.setRowHidden(r, bool(needle) and needle not in row)


LICENCES = [
    ("LLM Study Companion", "Apache-2.0"),
    ("SmolLM2-135M-Instruct (the bundled model, Hugging Face)", "Apache-2.0"),
    ("llama.cpp / llama-cpp-python", "MIT"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    ("sqlite-utils, huggingface-hub, markdown, nh3, Pygments, fsrs, gguf", "open source "
     "(Apache-2.0, MIT, BSD)"),
]


class AboutDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.setWindowTitle("About LLM Study Companion")
        inference = window.features.inference
        model = inference.model_name or "not loaded"
        data = paths.data_dir()
        licences = "".join(f"<tr><td>{escape(n)}</td><td>{escape(lic)}</td></tr>"
                           for n, lic in LICENCES)
        text = (f"<h2>LLM Study Companion {escape(__version__)}</h2>"
                "<p>A 14-day offline course on how large language models work, with a "
                "local tutor. Nothing leaves your computer.</p>"
                f"<p><b>Tutor model:</b> {escape(model)}<br>"
                f"<b>Your data:</b> <a href='{QUrl.fromLocalFile(str(data)).toString()}'>"
                f"{escape(str(data))}</a><br>"
                f"<b>Running on:</b> Python {platform.python_version()}, PySide6 "
                f"{pyside_version}, {escape(platform.system())}</p>"
                f"<p><b>Licences</b></p><table cellpadding='2'>{licences}</table>")
        self.label = QLabel(text, self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setOpenExternalLinks(False)
        self.label.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)


class HelpFeature:
    """Help menu: Keyboard shortcuts (F1) and About."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.shortcuts_action: QAction = window.add_action(
            window.help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self.about_action: QAction = window.add_action(window.help_menu, "&About",
                                                       self.show_about)

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
