"""One pass through a set of questions, with the bookkeeping a learner expects.

Each answer is saved as it is given (so quitting half-way loses nothing), a
miss becomes a review card due at once, and the finished score decides whether
the day is mastered. The CLI and the GUI both drive this same object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course, Question
from companion.quiz import scheduling
from companion.services.changes import Changes
from companion.storage import quiz as store

MASTERY = 0.8  # a day counts as mastered at 80% or better on its bank quiz


@dataclass(frozen=True)
class Feedback:
    question: Question
    chosen: int
    correct: bool
    new_card: bool  # this miss put the question in the review queue for the first time

    @property
    def correct_option(self) -> str:
        return self.question.correct_option


def is_mastered(correct: int, total: int) -> bool:
    return total > 0 and correct / total >= MASTERY - 1e-9


class QuizSession:
    """Questions one at a time; ``kind`` is "bank" (counts for mastery) or "practice"."""

    def __init__(self, db: sqlite_utils.Database, day: int, questions: list[Question] |
                 tuple[Question, ...], kind: str = "bank",
                 on_change: Callable[[Changes], object] = lambda _c: None) -> None:
        if not questions:
            raise ValueError("A quiz needs at least one question.")
        self.db = db
        self._on_change = on_change
        self.day = day
        self.kind = kind
        self.questions = list(questions)
        self.index = 0
        self.correct = 0
        self.answered = 0
        self.feedback: Feedback | None = None  # for the current question, once answered
        self.finished = False
        self.run_id = store.start_run(db, day, len(self.questions), kind)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if self.index < self.total else None

    def answer(self, chosen: int, now: dt.datetime | None = None) -> Feedback:
        """Grade the current question and save the attempt (and a review card for a miss)."""
        question = self.current
        if question is None or self.finished:
            raise ValueError("The quiz is over.")
        if self.feedback is not None:
            return self.feedback  # answering twice does not count twice
        if not 0 <= chosen < len(question.options):
            raise ValueError(f"Choose an option from 1 to {len(question.options)}.")
        ok = chosen == question.answer
        card, fresh = None, False
        if not ok:
            existing = store.get_card(self.db, question.id)
            if existing is None:
                card, fresh = scheduling.new_card(now), True
            else:  # a miss in a quiz means the card was forgotten: grade it "Again"
                card = scheduling.review(scheduling.load(existing), scheduling.Grade.AGAIN, now,
                                         source="quiz")
        store.record_attempt(self.db, self.run_id, question.id, question.day or self.day,
                             chosen, ok, card, now)
        self._on_change(Changes(quiz=True))
        self.answered += 1
        self.correct += ok
        self.feedback = Feedback(question, chosen, ok, fresh)
        return self.feedback

    def skip_current(self) -> None:
        """Drop the current question (e.g. a flagged generated one) without grading it."""
        if self.current is not None and self.feedback is None:
            del self.questions[self.index]
            if self.index >= self.total:
                self.finish()

    def next(self) -> Question | None:
        self.index += 1
        self.feedback = None
        if self.index >= self.total:
            self.finish()
        return self.current

    def finish(self) -> None:
        """Close the run; only a run that reached the end counts for mastery."""
        if self.finished:
            return
        self.finished = True
        if self.answered == self.total and self.total:
            store.finish_run(self.db, self.run_id, self.correct)
            self._on_change(Changes(quiz=True))

    @property
    def complete(self) -> bool:
        return self.finished and self.answered == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def mastered(self) -> bool:
        return self.kind == "bank" and self.complete and is_mastered(self.correct, self.total)

    @property
    def missed(self) -> int:
        return self.answered - self.correct


def mastered_days(db: sqlite_utils.Database) -> set[int]:
    return {day for day, s in store.best_scores(db).items() if is_mastered(s.correct, s.total)}


def day_badges(db: sqlite_utils.Database, course: Course) -> dict[int, str]:
    """Marks for the day list: a star for a mastered day, a count of due reviews."""
    mastered = mastered_days(db)
    due = store.due_counts(db)
    badges = {}
    for d in course.days:
        parts = []
        if d.number in mastered:
            parts.append("★")
        if due.get(d.number):
            parts.append(f"↻{due[d.number]}")
        if parts:
            badges[d.number] = " ".join(parts)
    return badges
