"""The quiz, review and stats views as a learner uses them (no model needed here)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from companion.quiz import bank, generation, scheduling
from companion.quiz.validation import Accepted, SourceText, check
from companion.services import Changes
from companion.storage import quiz as store
from tests.conftest import SHOTS


@pytest.fixture
def panel(window):
    return window.features.quiz


def _click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def take_day4_missing(qtbot, window, panel, missed: tuple[int, ...]):
    window.show_day(4)
    QTest.keyClick(window, Qt.Key.Key_Q,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = panel.quiz_view
    assert view is not None and view.isVisible() and view.day == 4
    questions = bank.day_questions(window.study.course, 4)
    for i, q in enumerate(questions):
        assert view.question_label.text() == q.question
        choice = (q.answer + 1) % len(q.options) if i in missed else q.answer
        _click(qtbot, view.option_buttons[choice])
        assert ("Correct" in view.feedback.toPlainText()) == (i not in missed)
        assert view.explain_button.isVisible() == (i in missed)
        if i == missed[0]:
            SHOTS.mkdir(exist_ok=True)
            assert view.grab().save(str(SHOTS / "quiz-feedback.png"))
        _click(qtbot, view.next_button)
    return view, questions


def test_missing_two_on_day_4_makes_two_due_cards_shown_everywhere(qtbot, window, panel):
    view, questions = take_day4_missing(qtbot, window, panel, (2, 7))
    assert view.pages.currentIndex() == 1
    n = len(questions)
    assert view.score_label.text() == f"Score: {n - 2} / {n} ({round(100 * (n - 2) / n)}%)"
    assert "Day 4 mastered!" in view.result_label.text()
    assert "2 missed question(s)" in view.result_label.text()
    due = store.due_cards(window.study.db)
    assert {c.question_id for c in due} == {questions[2].id, questions[7].id}
    assert panel.review_action.text().replace("&", "") == "Review (2 due)"
    day_item = window.day_list._items[4]
    assert "★" in day_item.text(1) and "↻2" in day_item.text(1)
    assert "↻" not in window.day_list._items[3].text(1)


def test_review_rates_cards_and_they_leave_the_queue(qtbot, window, panel):
    take_day4_missing(qtbot, window, panel, (0, 1))
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = panel.review_view
    assert review.isVisible() and review.session.total == 2
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    assert not review.grade_buttons[scheduling.Grade.GOOD].isEnabled()  # answer first
    first = review.question
    _click(qtbot, review.option_buttons[first.answer])
    assert review.grade_buttons[scheduling.Grade.GOOD].isDefault()
    assert "10 min" in review.grade_buttons[scheduling.Grade.GOOD].text()
    assert review.grab().save(str(SHOTS / "review.png"))
    _click(qtbot, review.grade_buttons[scheduling.Grade.GOOD])
    second = review.question
    assert second.id != first.id
    QTest.keyClick(review, Qt.Key.Key_1 if second.answer else Qt.Key.Key_2)  # a miss, by key
    assert review.grade_buttons[scheduling.Grade.AGAIN].isDefault()
    QTest.keyClick(review, Qt.Key.Key_1)  # Again
    assert "All done: 2 card(s) reviewed." in review.question_label.text()
    assert "Next card due in" in review.status.text()
    assert store.due_cards(window.study.db) == []
    ratings = [r[0] for r in window.study.db.execute("SELECT rating FROM review_log")]
    assert ratings == [3, 1]
    assert panel.review_action.text().replace("&", "") == "Review (0 due)"


def test_the_feedback_link_opens_the_lesson_section(qtbot, window, panel):
    window.show_day(4)
    view = panel.open_quiz()
    q = view.session.current
    _click(qtbot, view.option_buttons[q.answer])
    window.show_day(1)
    html = view.feedback.toHtml()
    assert f"lesson:4#{q.section}" in html
    view.feedback.anchorClicked.emit(QUrl(f"lesson:4#{q.section}"))
    assert window.current_day() == 4


def test_model_not_ready_is_said_plainly(qtbot, window, panel):
    assert not window.features.inference.ready  # this window does not load the model
    window.show_day(4)
    view = panel.open_quiz()
    q = view.session.current
    _click(qtbot, view.option_buttons[(q.answer + 1) % len(q.options)])
    _click(qtbot, view.explain_button)
    assert "not ready yet" in view.explanation.toPlainText()
    assert view.explain_job is None
    practice = panel.open_practice()
    qtbot.waitUntil(lambda: "needs the tutor model" in practice.practice_status.text())
    assert "not ready yet" in practice.practice_status.text() and practice.practice_job is None
    window.features.inference.modelFailed.emit("model.gguf is damaged")
    assert "could not be loaded: model.gguf is damaged" in panel.model_problem()


def test_generated_questions_are_marked_counted_and_can_be_flagged(qtbot, window, panel):
    """UI logic with a hand-made generation result (the real model is in test_quiz_practice)."""
    window.show_day(4)
    view = panel.open_quiz()
    passage = SourceText(4, "multi-head-attention", "Multi-head attention",
                      "The base model used d_model = 512 with 8 heads of 64 dimensions.")
    raw = ('{"question": "How many heads did the base model use?", '
           '"options": ["4 heads", "8 heads", "16 heads", "32 heads"], "answer": 1}')
    question = check(raw, passage, [])
    result = generation.GenerationResult(4, "test-model", [Accepted(question, passage, raw)])
    result.rejected = [generation.Rejection("not valid JSON", "{")] * 2
    view._practice_done(result)
    assert "1 of 3 generated questions passed the checks (2 rejected)." in view.status.text()
    assert "not valid JSON" in view.practice_status.toolTip()
    assert view.session.kind == "practice" and view.generated_tag.isVisible()
    assert view.flag_button.isVisible() and view.question_label.text() == question.question
    assert store.generated(window.study.db, 4) == [question]
    _click(qtbot, view.flag_button)
    assert store.generated(window.study.db, 4) == []
    assert view.pages.currentIndex() == 1  # the only question is gone: practice is over


def test_none_passing_is_said_and_nothing_is_shown(qtbot, window, panel):
    window.show_day(4)
    view = panel.open_quiz()
    result = generation.GenerationResult(4, "test-model")
    result.rejected = [generation.Rejection("duplicate options", "{}")] * 5
    view._practice_done(result)
    assert view.pages.currentIndex() == 1
    text = view.practice_status.text()
    assert "0 of 5 generated questions passed the checks (5 rejected)." in text
    assert "None passed, so none of them are shown" in text


def test_stats_view_draws_scores_and_reviews(qtbot, window, panel):
    _, questions = take_day4_missing(qtbot, window, panel, (5,))
    percent = round(100 * (len(questions) - 1) / len(questions))
    panel.stats_action.trigger()
    stats = panel.stats_view
    assert stats.mastered_label.text() == "1 / 14"
    assert stats.streak_label.text() == "1"
    assert stats.scores.bars[3] == ("4", percent, str(percent)) and 3 in stats.scores.highlight
    assert f"4: {percent}" in stats.scores.accessibleDescription()
    image = stats.grab().toImage()
    assert image.save(str(SHOTS / "quiz-stats.png"))
    green = QColor("#2e7d32").rgb()
    assert any(image.pixel(x, y) == green for x in range(0, image.width(), 2)
               for y in range(0, image.height(), 2))


def test_views_close_cleanly_and_a_restore_closes_open_ones(qtbot, window, panel):
    window.show_day(2)
    first = panel.open_quiz()
    second = panel.open_quiz()  # replaces the first, which is deleted
    qtbot.waitUntil(lambda: not shiboken6.isValid(first))
    assert panel.quiz_view is second and second.day == 2
    review = panel.open_review()
    assert "Nothing is due for review." in review.question_label.text()
    review.close()
    qtbot.waitUntil(lambda: panel.review_view is None)
    window.changed.emit(Changes(study=True))  # what a restore from backup publishes
    qtbot.waitUntil(lambda: panel.quiz_view is None)
    assert not shiboken6.isValid(second)
