"""Stats: best scores, reviews per day and the forgiving streak."""

from __future__ import annotations

import datetime as dt

from companion.quiz import bank, scheduling, stats
from companion.quiz.scheduling import Grade
from companion.quiz.session import QuizSession
from companion.storage import quiz as store

D = dt.date(2026, 3, 10)


def _days(*offsets: int) -> set[dt.date]:
    return {D - dt.timedelta(days=o) for o in offsets}


def test_streak_forgives_one_missed_day_but_not_two():
    assert stats.forgiving_streak(set(), D) == 0
    assert stats.forgiving_streak(_days(0, 1, 2), D) == 3
    assert stats.forgiving_streak(_days(0, 2, 3), D) == 3  # day 1 missed: forgiven
    assert stats.forgiving_streak(_days(0, 3, 4), D) == 1  # two missed in a row: broken
    assert stats.forgiving_streak(_days(1, 2), D) == 2  # today is not over yet
    assert stats.forgiving_streak(_days(3, 4), D) == 0


def test_stats_from_real_quiz_and_review_activity(study):
    questions = bank.day_questions(study.course, 4)
    session = QuizSession(study.db, 4, questions)
    for i in range(len(questions)):
        shown = session.current
        session.answer(shown.answer if i else (shown.answer + 1) % len(shown.options))
        session.next()
    for concept in study.course.day(4).concepts[:2]:  # half the concepts explained back
        study.quiz.save_explanation(study.quiz.check_explanation(
            concept, " ".join(p.text for p in concept.key_points)))
    card = store.get_card(study.db, questions[0].id)
    store.save_review(study.db, questions[0].id, 4,
                      scheduling.review(scheduling.load(card), Grade.GOOD))
    s = stats.compute(study.db, study.course)
    assert s.best[4].correct == len(questions) - 1 and s.mastered == {4}
    assert s.total_reviews == 1 and s.reviews_per_day[-1] == (dt.date.today(), 1)
    assert len(s.reviews_per_day) == 14 and s.streak == 1 and s.days == 14
