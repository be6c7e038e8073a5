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


PASTED = ("import numpy as np\n\ndef normalise(scores, t):\n    w = np.exp(scores / t)\n"
          "    return w / w.sum()\n\nrng = np.random.default_rng(1)\n"
          "x = rng.normal(size=(4, 8))\nprint(normalise(x[0], 0.5))\n")


def test_a_lesson_block_shows_its_course_note_before_the_model(qtbot, window, fake_engine):
    fake_engine(["The scores are divided by sqrt(d_k) before the softmax. ",
                 "This code was written by Alan Turing in 1950. "], delay_s=0.1)
    block = next(b for b in window.study.course.day(4).code_blocks()
                 if "def scaled_dot_product_attention" in b.code)
    view = window.features.explain.view
    view.set_code(block.code, "python")
    with qtbot.waitSignal(window.features.inference.finished, timeout=20_000) as blocker:
        view.start()
        assert "From the course" in view.explanation.toPlainText()  # before any model word
    result = blocker.args[1]
    assert result.source == "lesson note" and result.citations[0].day == 4
    text = view.explanation.toPlainText()
    assert window.study.course.day(4).code_note(block.number).summary[:40] in text
    assert "1950" in text and "held back" in text  # marked, not shown as fact
    assert result.elaboration == [] or all("1950" not in s for s in result.elaboration)


def test_pasted_code_gets_a_walk_through_and_course_links(qtbot, window, fake_engine, shots):
    fake_engine(["It computes a softmax. "])
    view = window.features.explain.view
    view.resize(1000, 700)
    view.set_code(PASTED, "python")
    with qtbot.waitSignal(window.features.inference.finished, timeout=20_000) as blocker:
        view.start()
    result = blocker.args[1]
    assert result.source == "walk-through" and "softmax" in result.answer
    assert any("softmax" in c.title.lower() or c.day in (1, 3, 4) for c in result.citations)
    assert "np.exp" in view.explanation.toPlainText()
    view.grab().save(str(shots / "tutor-explain-code.png"))
