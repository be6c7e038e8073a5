"""Numbers for the stats view: scores per day, reviews over time, mastery, streak."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.quiz.session import is_mastered
from companion.storage import quiz as store


@dataclass(frozen=True)
class QuizStats:
    best: dict[int, store.Score]  # best finished bank quiz per day
    mastered: set[int]
    reviews_per_day: list[tuple[dt.date, int]]  # oldest first, one entry per calendar day
    total_reviews: int
    due_now: int
    streak: int
    days: int


def _local_date(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone().date()


def forgiving_streak(active: set[dt.date], today: dt.date) -> int:
    """Days studied in the current run, where one missed day in a row is forgiven.

    Today does not count as missed until it is over.
    """
    if not active:
        return 0
    day = today if today in active else today - dt.timedelta(days=1)
    streak = gap = 0
    earliest = min(active)
    while day >= earliest:
        if day in active:
            streak += 1
            gap = 0
        else:
            gap += 1
            if gap > 1:
                break
        day -= dt.timedelta(days=1)
    return streak


def compute(db: sqlite_utils.Database, course: Course, today: dt.date | None = None,
            window: int = 14) -> QuizStats:
    today = today or dt.date.today()
    best = store.best_scores(db)
    counts: dict[dt.date, int] = {}
    reviews = store.reviews_by_date(db)
    for stamp in reviews:
        date = _local_date(stamp)
        counts[date] = counts.get(date, 0) + 1
    span = [today - dt.timedelta(days=i) for i in range(window - 1, -1, -1)]
    active = {_local_date(s) for s in store.activity_stamps(db)}
    return QuizStats(
        best=best,
        mastered={d for d, s in best.items() if is_mastered(s.correct, s.total)},
        reviews_per_day=[(d, counts.get(d, 0)) for d in span],
        total_reviews=len(reviews),
        due_now=sum(store.due_counts(db).values()),
        streak=forgiving_streak(active, today),
        days=len(course.days),
    )
