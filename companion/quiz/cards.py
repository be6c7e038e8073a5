"""The learner's cards for export: every bank question, plus the review cards they hold.

One record per question, with what the back of a flashcard needs (explanation,
section, day) and, for a question in the review queue, its FSRS due state. The
Anki and CSV writers (``companion.export.anki`` / ``cards_csv``) only format these.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course, Question
from companion.quiz import bank
from companion.storage import quiz as store

STATES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}  # fsrs.State values


@dataclass(frozen=True)
class ReviewState:
    due: str  # UTC ISO time
    state: str  # learning | review | relearning
    stability: float | None  # days
    due_now: bool

    @property
    def due_date(self) -> str:
        return dt.datetime.fromisoformat(self.due).astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ExportCard:
    question: Question
    origin: str  # bank | practice | generated
    day_title: str
    section_title: str
    review: ReviewState | None = None


def _state(card: store.ReviewCard, now: dt.datetime) -> ReviewState:
    data = json.loads(card.card_json)
    stability = data.get("stability")
    return ReviewState(card.due, STATES.get(int(data.get("state", 1)), "learning"),
                       float(stability) if stability is not None else None,
                       dt.datetime.fromisoformat(card.due) <= now)


def collect(course: Course, db: sqlite_utils.Database,
            now: dt.datetime | None = None) -> list[ExportCard]:
    """Bank questions in course order, then review cards for questions outside the bank."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cards = {c.question_id: c for c in store.all_cards(db)}
    out: list[ExportCard] = []
    seen: set[str] = set()

    def add(q: Question, origin: str) -> None:
        day = course.day(q.day)
        card = cards.get(q.id)
        out.append(ExportCard(q, origin, day.title, bank.section_title(course, q),
                              _state(card, now) if card else None))
        seen.add(q.id)

    for day in course.days:
        for q in day.quiz:
            add(q, "bank")
    for qid in sorted(set(cards) - seen):
        q = bank.find(course, db, qid)
        if q is not None:
            add(q, "generated" if q.generated else "practice")
    return out
