"""Explain code: the lesson context menu finds code blocks; the view shows cut notices."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from companion.ui.explain_view import code_block_at
from tests.gui.fakes import ScriptedEngine


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


def test_explain_view_streams_with_the_real_model(qtbot, window):
    from companion.tutor.models import bundled_model_path

    with qtbot.waitSignal(window.inference.modelReady, timeout=120_000):
        window.inference.load(bundled_model_path())
    view = window.explain_view
    view.set_code("for i in range(3):\n    print(i * i)\n", "python")
    with qtbot.waitSignal(window.inference.finished, timeout=120_000):
        view.start()
    assert view.explanation.toPlainText().strip()
    assert "print" in view.highlighted.toPlainText()
    assert "style=" in view.highlighted.toHtml()  # highlighted, not plain text


def test_too_long_code_gets_a_visible_notice(qtbot, window):
    from companion.tutor.models import bundled_model_path

    with qtbot.waitSignal(window.inference.modelReady, timeout=120_000):
        window.inference.load(bundled_model_path())
    view = window.explain_view
    view.set_code("\n".join(f"x{i} = x{i - 1} + {i}" for i in range(1, 4000)), "python")
    with qtbot.waitSignal(window.inference.finished, timeout=180_000):
        view.start()
        view.stop()  # no need to read the whole explanation
    assert "too long" in view.notice.text()


def test_ask_about_this_day_prefers_the_current_day(qtbot, window):
    window.inference.worker.engine = ScriptedEngine(["Day summary."])
    window.inference.ready = True
    window.show_day(7)
    with qtbot.waitSignal(window.inference.finished, timeout=10_000) as blocker:
        window.tutor.ask_about_day()
    answer = blocker.args[1]
    assert answer.citations and answer.citations[0].day == 7
