"""One sitting of spaced review, shared by the review window and ``companion review``.

Answer first, then rate how well you remembered: the suggested rating follows the
answer (Again after a miss) and each rating's next interval comes from FSRS. The
options come in a fresh order each time a card is shown (``shuffle``), so a card
is remembered by its answer, not by where the answer stood in the quiz.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import sqlite_utils

from companion.curriculum import Course, Question
from companion.quiz import bank, scheduling, shuffle
from companion.quiz.scheduling import Grade
from companion.services.changes import Changes
from companion.storage import quiz as store
from companion.storage.quiz import ReviewCard


class ReviewSession:
    def __init__(self, db: sqlite_utils.Database, course: Course, limit: int | None = None,
                 now: dt.datetime | None = None,
                 on_change: Callable[[Changes], object] = lambda _c: None,
                 rng: random.Random | None = None) -> None:
        self._db = db
        self._rng = rng or random.Random()
        self._course = course
        self._on_change = on_change
        self.cards: list[ReviewCard] = store.due_cards(db, now, limit)
        self.position = -1
        self.reviewed = 0
        self.card: ReviewCard | None = None
        self.question: Question | None = None  # as shown: options in this sitting's order
        self.shown: shuffle.Shown | None = None
        self.chosen: int | None = None

    @property
    def total(self) -> int:
        return len(self.cards)

    def next(self) -> Question | None:
        """Move to the next due card whose question still exists (others are dropped)."""
        self.chosen = None
        while True:
            self.position += 1
            if self.position >= len(self.cards):
                self.card = self.question = self.shown = None
                return None
            card = self.cards[self.position]
            question = bank.find(self._course, self._db, card.question_id)
            if question is not None:
                self.shown = shuffle.show(question, self._rng)
                self.card, self.question = card, self.shown.question
                return self.question
            store.delete_card(self._db, card.question_id)  # it could never be reviewed

    def section_title(self) -> str:
        return bank.section_title(self._course, self.question) if self.question else ""

    def answer(self, chosen: int) -> bool:
        """Record the learner's choice for the current card; True when it is right."""
        if self.question is None or not 0 <= chosen < len(self.question.options):
            raise ValueError("There is no such option.")
        self.chosen = chosen
        return chosen == self.question.answer

    @property
    def suggested(self) -> Grade:
        ok = self.question is not None and self.chosen == self.question.answer
        return Grade.GOOD if ok else Grade.AGAIN

    def intervals(self, now: dt.datetime | None = None) -> dict[Grade, dt.timedelta]:
        """When the card would come back for each rating."""
        assert self.card is not None
        return scheduling.preview(scheduling.load(self.card), now)

    def rate(self, grade: Grade, now: dt.datetime | None = None) -> Changes:
        """Save the rating; the card's next due date follows from it."""
        if self.card is None or self.question is None or self.chosen is None:
            raise ValueError("Answer the card before rating it.")
        update = scheduling.review(scheduling.load(self.card), grade, now)
        store.save_review(self._db, self.question.id, self.question.day, update, now)
        self.reviewed += 1
        changes = Changes(quiz=True)
        self._on_change(changes)
        return changes

    def still_due(self) -> int:
        return len(store.due_cards(self._db))

    def next_due(self) -> str | None:
        return store.next_due(self._db)
