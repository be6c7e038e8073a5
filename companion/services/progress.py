"""Checklist progress and where the learner is in the 14 days."""

from __future__ import annotations

import datetime as dt
import sqlite3

from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import progress, settings
from companion.storage.problems import explain
from companion.storage.progress import Progress


class ProgressService(Service):
    def done_tasks(self) -> dict[str, str]:
        """Task id -> when it was ticked."""
        return progress.done_tasks(self._db)

    def set_done(self, task_id: str, day: int, done: bool) -> Changes:
        """Tick or untick a task; a locked or full database raises its own StorageError."""
        try:
            progress.set_done(self._db, task_id, day, done)
        except sqlite3.Error as exc:
            raise explain(exc, self._study.db_path) from exc
        return self._publish(Changes(progress=True))

    def per_day(self) -> dict[int, Progress]:
        return progress.day_progress(self._db, self.course)

    def overall(self) -> Progress:
        return progress.overall(self._db, self.course)

    def start_date(self) -> dt.date | None:
        return settings.start_date(self._db)

    def set_start_date(self, date: dt.date) -> Changes:
        settings.set_start_date(self._db, date)
        return self._publish(Changes(progress=True))

    def today(self) -> int | None:
        """Which course day today is (None before a start date is set)."""
        return settings.today_number(self._db, len(self.course.days))
