"""Quizzes, review cards, practice questions and their numbers."""

from __future__ import annotations

import datetime as dt

from companion.curriculum import Question
from companion.quiz import bank
from companion.quiz.review import ReviewSession
from companion.quiz.session import QuizSession, day_badges
from companion.quiz.stats import QuizStats, compute
from companion.quiz.validation import Accepted
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import quiz as store


class QuizService(Service):
    # ----- questions -----------------------------------------------------------------------
    def questions(self, day: int) -> tuple[Question, ...]:
        return bank.day_questions(self.course, day)

    def find(self, question_id: str) -> Question | None:
        return bank.find(self.course, self._db, question_id)

    def section_title(self, question: Question) -> str:
        return bank.section_title(self.course, question)

    def all_question_texts(self) -> list[str]:
        return bank.all_question_texts(self.course, self._db)

    # ----- taking a quiz -------------------------------------------------------------------
    def start(self, day: int, questions: list[Question] | tuple[Question, ...],
              kind: str = "bank") -> QuizSession:
        """A quiz run whose every answer is saved at once and reported as a change."""
        return QuizSession(self._db, day, questions, kind, on_change=self._publish)

    def review(self, limit: int | None = None, now: dt.datetime | None = None
               ) -> ReviewSession:
        return ReviewSession(self._db, self.course, limit, now, on_change=self._publish)

    # ----- review queue --------------------------------------------------------------------
    def due_count(self, now: dt.datetime | None = None) -> int:
        return sum(store.due_counts(self._db, now).values())

    def next_due(self) -> str | None:
        return store.next_due(self._db)

    def badges(self) -> dict[int, str]:
        return day_badges(self._db, self.course)

    def stats(self) -> QuizStats:
        return compute(self._db, self.course)

    # ----- generated practice questions ----------------------------------------------------
    def generated(self, day: int | None = None) -> list[Question]:
        return store.generated(self._db, day)

    def keep_generated(self, accepted: list[Accepted], model: str) -> Changes:
        for a in accepted:
            store.save_generated(self._db, a.question, a.passage.text, model)
        return self._publish(Changes(quiz=True)) if accepted else Changes()

    def flag(self, question_id: str, reason: str = "") -> Changes:
        store.flag_generated(self._db, question_id, reason)
        return self._publish(Changes(quiz=True))
