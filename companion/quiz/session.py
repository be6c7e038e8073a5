"""One pass through a set of questions, with the bookkeeping a learner expects.

Each answer is saved as it is given (so quitting half-way loses nothing), a
miss becomes a review card due at once, and the finished score is what the
day's mastery looks at; a run left part-way is kept and marked stopped. Options
are shown in a fresh order each attempt (``shuffle``); the order is saved with
the answer. The CLI and the GUI both drive this same object.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Question
from companion.quiz import scheduling, shuffle
from companion.quiz.mastery import MASTERY, day_badges, is_mastered, mastered_days
from companion.services.changes import Changes
from companion.storage import quiz as store

__all__ = ["MASTERY", "Feedback", "QuizSession", "day_badges", "is_mastered", "mastered_days"]


@dataclass(frozen=True)
class Feedback:
    question: Question  # as shown: options in this attempt's order
    chosen: int  # position on screen
    correct: bool
    new_card: bool  # this miss put the question in the review queue for the first time

    @property
    def correct_option(self) -> str:
        return self.question.correct_option

    @property
    def chosen_option(self) -> str:
        return self.question.options[self.chosen]


class QuizSession:
    """Questions one at a time; ``kind`` is "bank" (counts for mastery) or "practice"."""

    def __init__(self, db: sqlite_utils.Database, day: int, questions: list[Question] |
                 tuple[Question, ...], kind: str = "bank",
                 on_change: Callable[[Changes], object] = lambda _c: None,
                 rng: random.Random | None = None) -> None:
        if not questions:
            raise ValueError("A quiz needs at least one question.")
        self.db = db
        self._on_change = on_change
        self.day = day
        self.kind = kind
        self.questions = list(questions)  # as in the bank
        rng = rng or random.Random()
        self.shown = [shuffle.show(q, rng) for q in self.questions]  # fixed for this attempt
        self.index = 0
        self.correct = 0
        self.answered = 0
        self.feedback: Feedback | None = None  # for the current question, once answered
        self.results: list[Feedback] = []  # every answer of this run, in order
        self.finished = False
        self.run_id = store.start_run(db, day, len(self.questions), kind)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def current(self) -> Question | None:
        """The current question as shown (options in this attempt's order)."""
        return self.shown[self.index].question if self.index < self.total else None

    def answer(self, chosen: int, now: dt.datetime | None = None) -> Feedback:
        """Grade the option at screen position ``chosen`` and save the attempt.

        A miss also makes (or resets) the question's review card.
        """
        question = self.current
        if question is None or self.finished:
            raise ValueError("The quiz is over.")
        if self.feedback is not None:
            return self.feedback  # answering twice does not count twice
        if not 0 <= chosen < len(question.options):
            raise ValueError(f"Choose an option from 1 to {len(question.options)}.")
        shown = self.shown[self.index]
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
                             shown.bank_index(chosen), ok, card, now, order=shown.order)
        self._on_change(Changes(quiz=True))
        self.answered += 1
        self.correct += ok
        self.feedback = Feedback(question, chosen, ok, fresh)
        self.results.append(self.feedback)
        return self.feedback

    def skip_current(self) -> None:
        """Drop the current question (e.g. a flagged generated one) without grading it."""
        if self.current is not None and self.feedback is None:
            del self.questions[self.index]
            del self.shown[self.index]
            if self.index >= self.total:
                self.finish()

    def next(self) -> Question | None:
        self.index += 1
        self.feedback = None
        if self.index >= self.total:
            self.finish()
        return self.current

    def finish(self) -> None:
        """Close the run: a finished one counts for mastery, a stopped one is marked so."""
        if self.finished:
            return
        self.finished = True
        if self.answered == self.total and self.total:
            store.finish_run(self.db, self.run_id, self.correct)
        else:
            store.stop_run(self.db, self.run_id, self.correct)
        self._on_change(Changes(quiz=True))

    @property
    def complete(self) -> bool:
        return self.finished and self.answered == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        """This run passed the day's quiz (the quiz half of mastery)."""
        return self.kind == "bank" and self.complete and is_mastered(self.correct, self.total)

    @property
    def missed(self) -> int:
        return self.answered - self.correct

    @property
    def misses(self) -> list[Feedback]:
        """Every missed answer of this run, in the order given."""
        return [f for f in self.results if not f.correct]
