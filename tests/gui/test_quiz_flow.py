"""The quiz, review and stats views as a learner uses them (no model needed here)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
import shiboken6
from PySide6.QtCore import Qt, QUrl
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
    for i, bank_q in enumerate(questions):
        q = view.session.current  # as shown: options in this attempt's order
        assert view.question_label.text() == bank_q.question == q.question
        assert [b.option for b in view.option_buttons[:len(q.options)]] == list(q.options)
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
    assert "To master day 4: explain 2 more of its 4 concepts back" in view.result_label.text()
    assert "2 missed question(s)" in view.result_label.text()
    missed = view.results_page.missed.toPlainText()
    for i in (2, 7):  # every miss with both answers and the explanation
        assert questions[i].question in missed and questions[i].correct_option in missed
        assert questions[i].explanation[:40] in missed
    assert "What you missed (2)" in missed
    assert f"lesson:4#{questions[2].section}" in view.results_page.missed.toHtml()
    qtbot.waitUntil(lambda: view.results_page.missed.height() > 300)  # the list takes the room
    assert view.grab().save(str(SHOTS / "quiz-results.png"))
    due = store.due_cards(window.study.db)
    assert {c.question_id for c in due} == {questions[2].id, questions[7].id}
    assert panel.review_action.text().replace("&", "") == "Review (2 due)"
    day_item = window.day_list._items[4]
    assert "★" not in day_item.text(1) and "↻2" in day_item.text(1)  # concepts still to do
    assert "↻" not in window.day_list._items[3].text(1)


def test_review_rates_cards_and_they_leave_the_queue(qtbot, window, panel):
    take_day4_missing(qtbot, window, panel, (0, 1))
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = panel.review_view
    assert review.isVisible() and review.session.total == 2
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    assert not review.grade_buttons[scheduling.Grade.GOOD].isEnabled()  # answer first
    first = review.question  # as shown in this sitting
    assert [b.option for b in review.option_buttons[:len(first.options)]] == list(first.options)
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
    view.end_quiz()
    _click(qtbot, view.model_button)
    assert "need the tutor model" in view.practice_status.text()
    assert "not ready yet" in view.practice_status.text() and view.practice_job is None
    window.features.inference.modelFailed.emit("model.gguf is damaged")
    assert "could not be loaded: model.gguf is damaged" in panel.model_problem()


def test_more_practice_starts_instant_questions_without_the_model(qtbot, window, panel):
    window.show_day(4)
    view = panel.open_practice()  # the model is not loaded: practice works anyway
    session = view.session
    assert session is not None and session.kind == "practice" and view.pages.currentIndex() == 0
    assert session.total == view.instant_count and view.practice_job is None
    assert all(q.id.startswith("prac-d04-") for q in session.questions)
    first = session.current
    assert view.question_label.text() == first.question
    assert view.header.text() == f"Practice · question 1 of {session.total}"  # no section
    assert not view.generated_tag.isVisible()
    label = view.status
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert view.grab().save(str(SHOTS / "quiz-practice-instant.png"))
    for i in range(session.total):
        q = view.session.current
        _click(qtbot, view.option_buttons[q.answer if i else (q.answer + 1) % len(q.options)])
        _click(qtbot, view.next_button)
    assert view.pages.currentIndex() == 1
    assert view.score_label.text() == f"Practice: {session.total - 1} of {session.total} correct"
    assert "What you missed (1)" in view.results_page.missed.toPlainText()
    assert store.due_cards(window.study.db)[0].question_id == session.questions[0].id


def test_ending_a_quiz_early_keeps_it_as_stopped_and_shows_the_misses(qtbot, window, panel):
    window.show_day(5)
    view = panel.open_quiz()
    total = view.session.total
    for i in range(total - 1):
        q = view.session.current
        _click(qtbot, view.option_buttons[(q.answer + 1) % len(q.options) if i == 1
                                          else q.answer])
        _click(qtbot, view.next_button)
    _click(qtbot, view.end_button)
    assert view.pages.currentIndex() == 1
    assert view.score_label.text() == f"Stopped after {total - 1} of {total}: {total - 2} correct"
    assert "marked stopped" in view.result_label.text()
    assert "What you missed (1)" in view.results_page.missed.toPlainText()
    [run] = window.study.quiz.stats().runs
    assert run.stopped and run.answered == total - 1 and not run.complete


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


def test_stats_view_draws_scores_runs_and_reviews_with_axes(qtbot, window, panel):
    _, questions = take_day4_missing(qtbot, window, panel, (5,))
    percent = round(100 * (len(questions) - 1) / len(questions))
    panel.quiz_view.close()
    window.show_day(2)
    stopped = panel.open_quiz()  # a run stopped after one answer
    _click(qtbot, stopped.option_buttons[stopped.session.current.answer])
    stopped.close()
    panel.stats_action.trigger()
    stats = panel.stats_view
    assert stats.mastered_label.text() == "0 / 14"  # quiz passed; concepts still to explain
    assert stats.concepts_label.text().startswith("0 / ")
    assert stats.streak_label.text() == "1"
    assert stats.score_bars[3] == (4, percent) and "day 4: " in stats.scores.accessibleDescription()
    for chart, left, bottom in ((stats.scores, "Best score (%)", "Course day"),
                                (stats.runs_plot, "Score (%)", "Date"),
                                (stats.reviews, "Reviews", "Date")):
        assert chart.getAxis("left").labelText == left
        assert chart.getAxis("bottom").labelText == bottom
    assert [complete for _, _, complete in stats.run_points] == [False, True]  # newest first
    table = stats.runs_table
    assert table.rowCount() == 2
    day2 = len(bank.day_questions(window.study.course, 2))
    assert table.item(0, 3).text() == f"stopped after 1 of {day2} (1 correct)"
    assert table.item(1, 3).text().startswith(f"{len(questions) - 1}/{len(questions)}")
    for chart in (stats.runs_plot, stats.reviews):  # calendar dates, not raw seconds
        assert isinstance(chart.getAxis("bottom"), pg.DateAxisItem)
    # the stats follow the quiz: a review done while they are open appears at once
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = panel.review_view
    _click(qtbot, review.option_buttons[review.question.answer])
    _click(qtbot, review.grade_buttons[scheduling.Grade.GOOD])
    assert stats.reviews_label.text() == "1" and stats.review_bars[-1][1] == 1
    stats.resize(1040, 760)
    image = stats.grab().toImage()
    assert image.save(str(SHOTS / "quiz-stats.png"))


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


def test_a_missed_practice_question_is_reviewed_without_its_section_given_away(qtbot, window,
                                                                                panel):
    window.show_day(4)
    view = panel.open_practice()
    q = view.session.current
    _click(qtbot, view.option_buttons[(q.answer + 1) % len(q.options)])
    view.close()
    review = panel.open_review()
    assert review.question.id == q.id and review.session.total == 1
    assert review.header.text() == "Card 1 of 1 due · day 4"
    assert review.question.correct_option == q.correct_option
