"""The learner's study: the course, their saved work, and the services over both.

The CLI and the GUI both go through this one object, so they cannot drift apart
in what "progress", "review" or "export" means. It is the only thing the views
hold; services reach storage, views never do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from companion import paths
from companion.curriculum import Course, course
from companion.services.backups import BackupService
from companion.services.changes import Changes
from companion.services.chats import ChatService
from companion.services.exports import ExportService
from companion.services.models import ModelService
from companion.services.notes import NotesService
from companion.services.progress import ProgressService
from companion.services.quiz import QuizService
from companion.services.tutor import TutorService
from companion.storage import open_database, search
from companion.storage.problems import explain

Listener = Callable[[Changes], object]


def _index(db: sqlite_utils.Database, db_path: Path, course_: Course) -> None:
    """Keep the search index in step with the course (a write: it can meet a lock)."""
    try:
        search.index_course(db, course_)
    except sqlite3.Error as exc:
        db.close()
        raise explain(exc, db_path) from exc
Hit = search.Hit  # a search result, for views (which do not import storage)


class Study:
    def __init__(self, db: sqlite_utils.Database, db_path: Path, course_: Course) -> None:
        self.db = db  # for services and the CLI; views use the services
        self.db_path = db_path
        self.course = course_
        self._listeners: list[Listener] = []
        _index(db, db_path, course_)
        self.progress = ProgressService(self)
        self.notes = NotesService(self)
        self.chats = ChatService(self)
        self.quiz = QuizService(self)
        self.models = ModelService(self)
        self.tutor = TutorService(self)
        self.exports = ExportService(self)
        self.backups = BackupService(self)

    @classmethod
    def open(cls, db_path: Path | None = None) -> Study:
        path = db_path or paths.database_path()
        return cls(open_database(path), path, course())

    def close(self) -> None:
        self.db.close()

    def reopen(self) -> None:
        """Open the database file again (after a restore replaced it)."""
        self.db = open_database(self.db_path)
        _index(self.db, self.db_path, self.course)
        self.tutor.forget(everything=True)

    # ----- changes -------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every write's ``Changes``; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def publish(self, changes: Changes) -> None:
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    # ----- reading -------------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, offset: int = 0) -> search.Hits:
        """One page of results, best first; ``.total`` says how many there are in all."""
        return search.search(self.db, query, limit, offset=offset)

    def export(self, fmt: str, out: Path, on_conflict: str = "fail") -> list[Path]:
        return self.exports.export(fmt, out, on_conflict)
