"""Helper process for the two-instance test: the real app (run_gui), typing into day 2.

    python tests/integration/instance_app.py TEXT

Starts the app exactly as `companion gui` does (instance lock included); once its
window is up it shows day 2, types TEXT at the end of the note, saves, and prints
"TYPED". A second copy started on the same data folder must never get that far.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.app import run_gui
from companion.ui.main_window import MainWindow


def main() -> int:
    text = sys.argv[1]
    app = QApplication(sys.argv[:1])

    def type_when_ready() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible():
            QTimer.singleShot(50, type_when_ready)
            return
        window = windows[0]
        window.show_day(2)
        window.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
        QTest.keyClicks(window.notes.editor, text)
        QTest.keyClick(window.notes.editor, Qt.Key.Key_Return)
        window.notes.flush()
        print("TYPED", flush=True)

    QTimer.singleShot(0, type_when_ready)
    print("STARTING", flush=True)
    return run_gui()


if __name__ == "__main__":
    raise SystemExit(main())
