"""Helper process for the crash test: the real window, typing into the notes."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.app import build_window
from companion.study import Study

CHUNKS = [f"line {i} of my notes\n" for i in range(30)]


def main() -> None:
    app = QApplication(sys.argv)
    study = Study.open()
    window = build_window(study, load_model=False)
    window.show()
    window.show_day(2)
    typed: list[str] = []

    def type_next() -> None:
        chunk = CHUNKS[len(typed)]
        QTest.keyClicks(window.notes.editor, chunk.rstrip("\n"))
        QTest.keyClick(window.notes.editor, Qt.Key.Key_Return)
        typed.append(chunk)
        print("TYPED", len(typed), flush=True)
        if len(typed) < len(CHUNKS):
            QTimer.singleShot(100, type_next)

    QTimer.singleShot(200, type_next)
    app.exec()


if __name__ == "__main__":
    main()
