"""The learner's Markdown notes: one per day, optionally one per task.

Saving a note also refreshes its search entry in the same transaction, so
search never shows text that was not saved (or misses text that was).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from companion.text import utc_stamp as now


@dataclass(frozen=True)
class Note:
    day: int
    task_id: str | None
    title: str
    body: str
    created: str
    updated: str


def _ref(day: int, task_id: str | None) -> str:
    return f"note:{day}:{task_id or ''}"


def get(db: sqlite_utils.Database, day: int, task_id: str | None = None) -> Note | None:
    row = db.execute(
        "SELECT day, task_id, title, body, created, updated FROM notes "
        "WHERE day = ? AND ifnull(task_id, '') = ?",
        [day, task_id or ""],
    ).fetchone()
    return Note(*row) if row else None


def body(db: sqlite_utils.Database, day: int, task_id: str | None = None) -> str:
    note = get(db, day, task_id)
    return note.body if note else ""


def save(db: sqlite_utils.Database, day: int, text: str, task_id: str | None = None,
         title: str = "") -> bool:
    """Store ``text``; returns False (and writes nothing) when it did not change."""
    current = get(db, day, task_id)
    if current is not None and current.body == text and current.title == title:
        return False
    stamp = now()
    with db.conn:
        db.execute(
            "INSERT INTO notes(day, task_id, title, body, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(day, ifnull(task_id, '')) DO UPDATE SET "
            "title = excluded.title, body = excluded.body, updated = excluded.updated",
            [day, task_id, title, text, stamp, stamp],
        )
        ref = _ref(day, task_id)
        db.execute("DELETE FROM search_index WHERE ref = ?", [ref])
        if text.strip():
            db.execute(
                "INSERT INTO search_index(title, body, kind, day, ref) VALUES (?, ?, 'note', ?, ?)",
                [title or f"Notes for day {day}", text, day, ref],
            )
    return True


def all_notes(db: sqlite_utils.Database) -> list[Note]:
    rows = db.execute(
        "SELECT day, task_id, title, body, created, updated FROM notes ORDER BY day, task_id"
    )
    return [Note(*r) for r in rows]
