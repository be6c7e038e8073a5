"""Spaced review with FSRS: a missed question becomes a card, ratings move its due date.

All scheduling maths is the ``fsrs`` package's; this module only converts
between its ``Card`` objects and what storage keeps.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from fsrs import Card, Rating, Scheduler

from companion.storage.quiz import CardUpdate, ReviewCard
from companion.text import utc_stamp


class Grade(IntEnum):
    """The four answers a learner gives after a review, in FSRS's numbering."""

    AGAIN = int(Rating.Again)
    HARD = int(Rating.Hard)
    GOOD = int(Rating.Good)
    EASY = int(Rating.Easy)

    @property
    def label(self) -> str:
        return self.name.capitalize()


_scheduler = Scheduler()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_card(now: dt.datetime | None = None) -> CardUpdate:
    """A card for a just-missed question: due at once, so it shows up in review."""
    card = Card(due=now or utc_now())
    return CardUpdate(card.to_json(), utc_stamp(card.due))


def load(card: ReviewCard) -> Card:
    return Card.from_json(card.card_json)


def review(card: Card, grade: Grade, now: dt.datetime | None = None,
           source: str = "review") -> CardUpdate:
    updated, _log = _scheduler.review_card(card, Rating(int(grade)), now or utc_now())
    return CardUpdate(updated.to_json(), utc_stamp(updated.due), int(grade), source)


def preview(card: Card, now: dt.datetime | None = None) -> dict[Grade, dt.timedelta]:
    """How long until the card comes back for each grade (shown on the buttons)."""
    now = now or utc_now()
    return {g: _scheduler.review_card(card, Rating(int(g)), now)[0].due - now for g in Grade}


def describe_interval(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = round(seconds / 86400)
    return f"{days} day" + ("s" if days != 1 else "")
