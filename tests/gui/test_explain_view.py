"""Explain code: the lesson context menu finds code blocks; the view shows cut notices."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from companion.ui.explain_view import code_block_at


def test_lesson_code_block_is_found_under_the_cursor(window):
    window.show_day(4)
    lesson = window.lesson
    doc_text = lesson.toPlainText()
    assert "import numpy as np" in doc_text
    # find the screen position of the code line and ask what block is there
    cursor = lesson.document().find("import numpy as np")
    lesson.setTextCursor(cursor)
    lesson.ensureCursorVisible()
    rect = lesson.cursorRect(cursor)
    found = code_block_at(lesson, QPoint(rect.x() + 2, rect.center().y()))
    assert found is not None and found[0] == "python" and "import numpy as np" in found[1]
    assert code_block_at(lesson, QPoint(2, 2)) is None  # the title is not code


def test_ask_about_this_day_prefers_the_current_day(qtbot, window, fake_engine):
    fake_engine(["Day summary."])
    window.show_day(7)
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000) as blocker:
        window.features.tutor.ask_about_day()
    answer = blocker.args[1]
    assert answer.citations and answer.citations[0].day == 7
