"""Options in a new order for every attempt, so positions cannot be learnt instead of answers.

A quiz or a review shows each multiple-choice question with its options shuffled;
the order stays fixed for the rest of that attempt (the learner sees the same
screen after answering) and is saved with the answer, so history keeps saying
which option was chosen whatever position it stood in. True/false questions keep
"True" before "False": shuffling two fixed words teaches nothing.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from companion.curriculum import Question


@dataclass(frozen=True)
class Shown:
    """A question as one attempt shows it."""

    question: Question  # options in the order shown; ``answer`` points into that order
    order: tuple[int, ...]  # order[i] = the bank's index of the option shown at position i
    original: Question

    def bank_index(self, shown: int) -> int:
        """The bank's index of the option at screen position ``shown``."""
        return self.order[shown]

    @property
    def shuffled(self) -> bool:
        return self.order != tuple(range(len(self.order)))


def show(question: Question, rng: random.Random | None = None) -> Shown:
    """``question`` with its options in a fresh random order (true/false left alone)."""
    order = list(range(len(question.options)))
    if question.kind != "truefalse":
        (rng or random.Random()).shuffle(order)
    return Shown(reorder(question, order), tuple(order), question)


def reorder(question: Question, order: list[int] | tuple[int, ...]) -> Question:
    """The same question with its options in ``order`` (bank indices) and the key moved along."""
    if sorted(order) != list(range(len(question.options))):
        raise ValueError(f"{order!r} is not an order of {len(question.options)} options")
    return dataclasses.replace(question, options=tuple(question.options[i] for i in order),
                               answer=list(order).index(question.answer))
