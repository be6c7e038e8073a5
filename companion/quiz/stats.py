"""Numbers for the stats view: scores per day, runs and reviews over time, mastery, streak.

Stopped runs are listed too (marked stopped): leaving a quiz part-way is part of
the learner's history, though only finished runs count for mastery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.quiz.mastery import DayMastery, day_mastery
from companion.storage import quiz as store


@dataclass(frozen=True)
class QuizStats:
    best: dict[int, store.Score]  # best finished bank quiz per day
    mastered: set[int]
    mastery: dict[int, DayMastery]
    runs: list[store.Run]  # newest first, finished and stopped
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


def local_date(stamp: str) -> dt.date:
    """The learner's calendar day of a stored UTC timestamp."""
    return _local_date(stamp)


def compute(db: sqlite_utils.Database, course: Course, today: dt.date | None = None,
            window: int = 14, run_limit: int = 200) -> QuizStats:
    today = today or dt.date.today()
    best = store.best_scores(db)
    counts: dict[dt.date, int] = {}
    reviews = store.reviews_by_date(db)
    for stamp in reviews:
        date = _local_date(stamp)
        counts[date] = counts.get(date, 0) + 1
    span = [today - dt.timedelta(days=i) for i in range(window - 1, -1, -1)]
    active = {_local_date(s) for s in store.activity_stamps(db)}
    mastery = day_mastery(db, course)
    return QuizStats(
        best=best,
        mastered={d for d, m in mastery.items() if m.mastered},
        mastery=mastery,
        runs=store.runs(db, run_limit),
        reviews_per_day=[(d, counts.get(d, 0)) for d in span],
        total_reviews=len(reviews),
        due_now=sum(store.due_counts(db).values()),
        streak=forgiving_streak(active, today),
        days=len(course.days),
    )
