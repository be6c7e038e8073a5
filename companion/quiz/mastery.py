"""When a day counts as mastered: recall (the quiz) and explanation (explain it back).

Retrieval practice and self-explanation are both among the best-supported study
methods, so a day is mastered when its bank quiz is at 80% or better *and* at
least half of its main concepts have been explained back in the learner's own
words (every key point, no misconception). Set ``CONCEPTS_FOR_MASTERY`` to 0 for
quiz-only mastery.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.storage import quiz as store

MASTERY = 0.8  # a day's bank quiz is passed at 80% or better
CONCEPTS_FOR_MASTERY = 0.5  # share of a day's concepts to explain back completely


def is_mastered(correct: int, total: int) -> bool:
    """True when a quiz score passes (the quiz half of mastery)."""
    return total > 0 and correct / total >= MASTERY - 1e-9


@dataclass(frozen=True)
class DayMastery:
    day: int
    quiz: store.Score | None  # the best finished bank quiz, if any
    explained: int  # concepts explained completely at least once
    concepts: int

    @property
    def quiz_passed(self) -> bool:
        return self.quiz is not None and is_mastered(self.quiz.correct, self.quiz.total)

    @property
    def concepts_needed(self) -> int:
        return min(self.concepts, math.ceil(CONCEPTS_FOR_MASTERY * self.concepts))

    @property
    def concepts_passed(self) -> bool:
        return self.explained >= self.concepts_needed

    @property
    def mastered(self) -> bool:
        return self.quiz_passed and self.concepts_passed

    def next_step(self) -> str:
        """What is left to master the day, in one sentence."""
        if self.mastered:
            return f"Day {self.day} mastered!"
        todo = []
        if not self.quiz_passed:
            todo.append(f"score {round(MASTERY * 100)}% or better in the quiz")
        if not self.concepts_passed:
            left = self.concepts_needed - self.explained
            todo.append(f"explain {left} more of its {self.concepts} concepts back "
                        f"({self.explained} done so far)")
        return f"To master day {self.day}: " + " and ".join(todo) + "."


def day_mastery(db: sqlite_utils.Database, course: Course) -> dict[int, DayMastery]:
    best = store.best_scores(db)
    explained = store.explained_concepts(db)
    return {d.number: DayMastery(d.number, best.get(d.number),
                                 sum(c.id in explained for c in d.concepts), len(d.concepts))
            for d in course.days}


def mastered_days(db: sqlite_utils.Database, course: Course) -> set[int]:
    return {n for n, m in day_mastery(db, course).items() if m.mastered}


def day_badges(db: sqlite_utils.Database, course: Course) -> dict[int, str]:
    """Marks for the day list: a star for a mastered day, a count of due reviews."""
    mastered = mastered_days(db, course)
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
