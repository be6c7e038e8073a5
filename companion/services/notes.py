"""The learner's notes: read, save (with conflict detection), search."""

from __future__ import annotations

from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import notes
from companion.storage.notes import Note


class NotesService(Service):
    def get(self, day: int) -> Note | None:
        return notes.get(self._db, day)

    def body(self, day: int) -> str:
        return notes.body(self._db, day)

    def save(self, day: int, text: str) -> Changes:
        changed = notes.save(self._db, day, text)
        return self._publish(Changes(notes=True)) if changed else Changes()

    def all(self) -> list[Note]:
        return notes.all_notes(self._db)
