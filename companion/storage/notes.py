"""The learner's Markdown notes: one per day, optionally one per task.

Saving a note also refreshes its search entry in the same transaction, so
search never shows text that was not saved (or misses text that was).

``save_checked`` is the save for editors: it compares the stored text with the
text the editor last loaded or saved, in the same write transaction, and when
someone else (another window, the command line, a sync tool) changed the note
meanwhile it keeps both versions, visibly, instead of writing over theirs.
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
    with db.conn:
        _write(db, day, text, task_id, title)
    return True


def _write(db: sqlite_utils.Database, day: int, text: str, task_id: str | None,
           title: str) -> None:
    """The note and its search entry; the caller holds the transaction."""
    stamp = now()
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


CONFLICT_RULE = "\n\n---\n\n"


def both_versions(mine: str, theirs: Note) -> str:
    """One text holding the editor's version and the other one, marked for the learner."""
    return (f"{mine.rstrip()}{CONFLICT_RULE}**Also saved elsewhere** (another window or program, "
            f"{theirs.updated} UTC). Both versions are kept here; delete the one you do not "
            f"need.\n\n{theirs.body.rstrip()}\n")


@dataclass(frozen=True)
class Saved:
    """What ``save_checked`` did: the text now stored, and the other version on a conflict."""

    body: str
    changed: bool
    other: Note | None = None


def save_checked(db: sqlite_utils.Database, day: int, text: str, expected: str | None,
                 task_id: str | None = None, title: str = "") -> Saved:
    """Save ``text`` unless the note changed since the editor had ``expected``; then keep both.

    ``expected`` is the body the editor last loaded or saved ("" for no note; None skips
    the check). The read and the write are one IMMEDIATE transaction, so no other writer
    can slip in between them.
    """
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        current = get(db, day, task_id)
        stored = current.body if current is not None else ""
        if stored == text and (current is None or current.title == title):
            return Saved(stored, False)
        other = None
        if expected is not None and stored != expected and stored.strip():
            other = current
            text = both_versions(text, current)
        _write(db, day, text, task_id, title)
    return Saved(text, True, other)


def all_notes(db: sqlite_utils.Database) -> list[Note]:
    rows = db.execute(
        "SELECT day, task_id, title, body, created, updated FROM notes ORDER BY day, task_id"
    )
    return [Note(*r) for r in rows]
