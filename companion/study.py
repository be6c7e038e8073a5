"""The learner's study state: the course plus their saved progress and notes.

The CLI and the GUI both go through this one object, so they cannot drift
apart in what "progress" or "export" means.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from companion import paths
from companion.curriculum import Course, course
from companion.export import StudyRecord, planned_files, write
from companion.storage import notes, open_database, progress, search


class Study:
    def __init__(self, db: sqlite_utils.Database, db_path: Path, course_: Course) -> None:
        self.db = db
        self.db_path = db_path
        self.course = course_
        search.index_course(db, course_)

    @classmethod
    def open(cls, db_path: Path | None = None) -> Study:
        path = db_path or paths.database_path()
        return cls(open_database(path), path, course())

    def close(self) -> None:
        self.db.close()

    def record(self) -> StudyRecord:
        saved = notes.all_notes(self.db)
        day_notes = [n for n in saved if n.task_id is None]
        return StudyRecord(
            done=progress.done_tasks(self.db),
            notes={n.day: n.body for n in day_notes},
            updated={n.day: n.updated for n in day_notes},
        )

    def export(self, fmt: str, out: Path, on_conflict: str = "fail") -> list[Path]:
        return write(self.export_plan(fmt, out), on_conflict)

    def export_plan(self, fmt: str, out: Path) -> dict[Path, str]:
        return planned_files(fmt, out, self.course, self.record())

    def search(self, query: str, limit: int = 20) -> list[search.Hit]:
        return search.search(self.db, query, limit)
