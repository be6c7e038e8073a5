"""More practice and Explain my mistake in the GUI, through the real bundled model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from companion.curriculum import course
from companion.quiz import mistakes
from companion.quiz.validation import check, support
from companion.storage import quiz as store
from companion.tutor.model_files import bundled_model_path
from tests.conftest import SHOTS

BANK = [q.question for d in course().days for q in d.quiz]


@pytest.fixture
def live(window, qtbot):
    panel = window.features.quiz
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        window.features.inference.load(bundled_model_path())
    window.show_day(4)
    return window, panel


def test_model_questions_show_only_checked_ones_and_the_rejected_count(qtbot, live):
    window, panel = live
    view = panel.open_practice()  # instant questions first, at once
    assert view.session.kind == "practice" and view.practice_job is None
    view.end_quiz()
    view.practice_count = 3  # keeps the test short; the app asks for 5
    progress: list[tuple[int, int]] = []
    window.features.inference.progress.connect(
        lambda _id, done, total: progress.append((done, total)))
    with qtbot.waitSignal(window.features.inference.finished, timeout=240_000):
        qtbot.mouseClick(view.model_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.practice_job is not None)
        assert view.cancel_button.isVisible() and view.practice_progress.isVisible()
    assert progress  # progress reached the bar while the model worked
    result = view.last_result
    assert result.generated == 3 and not result.cancelled
    status = view.practice_status.text()
    assert f"{len(result.accepted)} of 3 generated questions passed the checks" in status
    if result.rejected:
        assert f"({len(result.rejected)} rejected)" in status
    kept = store.generated(window.study.db, 4)
    assert [q.id for q in kept] == [a.question.id for a in result.accepted]
    for accepted in result.accepted:  # re-check what is shown, independently of the run
        q = accepted.question
        assert check(accepted.raw, accepted.passage, BANK).options == q.options
        assert len({o.casefold() for o in q.options}) == 4 and all(o.strip() for o in q.options)
        assert support(q.correct_option, accepted.passage.text) >= 0.75
    if result.accepted:
        assert view.pages.currentIndex() == 0 and view.session.kind == "practice"
        shown = view.session.questions
        assert all(q.generated for q in shown) and view.generated_tag.isVisible()
        assert view.question_label.text() == result.accepted[0].question.question
    else:
        assert view.pages.currentIndex() == 1
        assert "None passed, so none of them are shown" in status
    label = view.practice_status  # let the wrapped status line get its height, then look
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    SHOTS.mkdir(exist_ok=True)
    view.grab().save(str(SHOTS / "quiz-practice.png"))


def test_explain_my_mistake_streams_an_answer_that_starts_from_the_key(qtbot, live):
    window, panel = live
    view = panel.open_quiz()
    view.explain_max_tokens = 60
    q = view.session.current  # as shown: options shuffled for this attempt
    wrong = (q.answer + 1) % len(q.options)
    qtbot.mouseClick(view.option_buttons[wrong], Qt.MouseButton.LeftButton)
    chunks: list[str] = []
    window.features.inference.text.connect(lambda job, text: job == view.explain_job and
                                  chunks.append(text))
    with qtbot.waitSignal(window.features.inference.finished, timeout=120_000) as done:
        qtbot.mouseClick(view.explain_button, Qt.MouseButton.LeftButton)
        assert view.stop_button.isVisible()
    result = done.args[1]
    assert "".join(chunks).startswith(mistakes.answer_line(q))
    assert len(chunks) >= 2  # streamed in batches, not all at the end
    assert result.text.startswith(mistakes.answer_line(q)) and len(result.text) > len(
        mistakes.answer_line(q)) + 10
    shown = view.explanation.toPlainText()
    assert shown.startswith("The correct answer is") and q.correct_option in shown
    assert "<script" not in view.explanation.toHtml()
    assert not view.stop_button.isVisible() and view.explain_job is None
    view.grab().save(str(SHOTS / "quiz-explain.png"))
