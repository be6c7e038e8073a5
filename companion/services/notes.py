"""The learner's notes: read, save (with conflict detection), search.

The editor saves through ``save_checked`` on a worker thread: each save opens its
own short-lived connection (a restore may have replaced the file since the last
one, and SQLite connections should not be shared across threads mid-transaction),
compares the stored text with what the editor last had, and keeps both versions if
someone else changed it. Every failure comes back as a StorageError saying what it
is (locked, read-only, disk full), never a raw SQLite message; publishing the
change is left to the GUI thread (``saved``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import notes
from companion.storage.db import connect
from companion.storage.notes import Note
from companion.storage.problems import StorageError, explain, short_reason
from companion.text import utc_stamp

WRITER_BUSY_MS = 1500  # off the GUI thread a save may wait this long for another writer


@dataclass(frozen=True)
class NoteSave:
    """The outcome of one save: what is stored now, and the other version after a conflict."""

    day: int
    body: str
    changed: bool
    other: Note | None
    at: str  # when (UTC)

    @property
    def conflict(self) -> bool:
        return self.other is not None

    def keep_both(self, text: str) -> str:
        """``text`` with the other version added below it, as the stored note has it."""
        return notes.both_versions(text, self.other) if self.other is not None else text


class NoteSaveFailed(StorageError):
    """A save failed; ``reason`` says why in one line and ``copy`` where the text went."""

    def __init__(self, reason: str, copy: Path | None) -> None:
        super().__init__(reason)
        self.reason, self.copy = reason, copy


class NotesService(Service):
    def get(self, day: int) -> Note | None:
        return self._read(lambda: notes.get(self._db, day))

    def body(self, day: int) -> str:
        return self._read(lambda: notes.body(self._db, day))

    def save(self, day: int, text: str) -> Changes:
        try:
            changed = notes.save(self._db, day, text)
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, self._study.db_path) from exc
        return self._publish(Changes(notes=True)) if changed else Changes()

    def save_checked(self, day: int, text: str, expected: str | None,
                     busy_ms: int = WRITER_BUSY_MS) -> NoteSave:
        """Save from any thread on a connection of its own; does not publish (see ``saved``).

        ``expected`` is the text the editor last loaded or saved for ``day``; if the stored
        note differs from it, both versions are kept (``NoteSave.other``). ``busy_ms`` is
        how long to wait for another program's lock.
        """
        path: Path = self._study.db_path
        try:
            db = connect(path, busy_ms=busy_ms)
        except sqlite3.Error as exc:
            raise explain(exc, path) from exc
        try:
            outcome = notes.save_checked(db, day, text, expected)
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, path) from exc
        finally:
            db.close()
        return NoteSave(day, outcome.body, outcome.changed, outcome.other, utc_stamp())

    @staticmethod
    def reason(exc: BaseException) -> str:
        """A few words on why a save failed, for the banner ("the disk is full")."""
        return short_reason(exc)

    def saved(self, result: NoteSave) -> Changes:
        """Tell the views about a save made by ``save_checked`` (call on the GUI thread)."""
        return self._publish(Changes(notes=True)) if result.changed else Changes()

    def all(self) -> list[Note]:
        return self._read(lambda: notes.all_notes(self._db))

    def _read(self, fetch):
        try:
            return fetch()
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, self._study.db_path) from exc
