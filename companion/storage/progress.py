"""Checklist progress: which tasks are done, and when."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.text import utc_stamp as now


def set_done(db: sqlite_utils.Database, task_id: str, day: int, done: bool) -> None:
    with db.conn:
        db.execute(
            "INSERT INTO task_progress(task_id, day, done, done_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(task_id) DO UPDATE SET done = excluded.done, done_at = excluded.done_at",
            [task_id, day, int(done), now() if done else None],
        )


def done_tasks(db: sqlite_utils.Database) -> dict[str, str]:
    """Task id -> when it was ticked, for every ticked task."""
    rows = db.execute("SELECT task_id, done_at FROM task_progress WHERE done = 1")
    return {task_id: done_at or "" for task_id, done_at in rows}


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def day_progress(db: sqlite_utils.Database, course: Course) -> dict[int, Progress]:
    done = done_tasks(db)
    return {
        d.number: Progress(sum(t.id in done for t in d.required_tasks), len(d.required_tasks))
        for d in course.days
    }


def overall(db: sqlite_utils.Database, course: Course) -> Progress:
    per_day = day_progress(db, course).values()
    return Progress(sum(p.done for p in per_day), sum(p.total for p in per_day))
