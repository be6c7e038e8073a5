"""Full-text search over lesson sections and notes (SQLite FTS5, BM25 ranking).

Lesson sections are indexed at section level: a hit points at the section to
open, and the tutor uses the same index to ground its answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.storage import settings

# A title match weighs more than a body match; the unindexed columns weigh nothing.
_BM25 = "bm25(search_index, 6.0, 1.0, 0.0, 0.0, 0.0)"
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    kind: str  # "lesson" or "note"
    day: int
    section: str  # section id for lessons, "" for notes
    title: str
    snippet: str  # plain text, matched words wrapped in [ ]
    score: float

    def to_json(self) -> dict:
        return asdict(self)


def index_course(db: sqlite_utils.Database, course: Course) -> bool:
    """(Re)index lesson sections when the course text changed; returns True if it did."""
    digest = hashlib.sha256(
        json.dumps([[d.number, [[s.id, s.title, s.body] for s in d.sections]]
                    for d in course.days]).encode()
    ).hexdigest()
    if settings.get(db, "course_index_digest") == digest:
        return False
    with db.conn:
        db.execute("DELETE FROM search_index WHERE kind = 'lesson'")
        db.conn.executemany(
            "INSERT INTO search_index(title, body, kind, day, ref) VALUES (?, ?, 'lesson', ?, ?)",
            [(s.title, s.body, d.number, f"lesson:{d.number}:{s.id}")
             for d in course.days for s in d.sections],
        )
        db.execute(
            "INSERT INTO settings(key, value) VALUES ('course_index_digest', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [digest])
    return True


def to_match(query: str, any_word: bool = False) -> str:
    """Turn free text into a safe FTS5 expression.

    Each whitespace-separated word becomes a quoted phrase of its parts, so
    "multi-head" matches the phrase "multi head" and no user input can inject
    FTS5 syntax.
    """
    phrases = []
    for word in query.split():
        parts = _WORD.findall(word)
        if parts:
            phrases.append('"' + " ".join(parts) + '"')
    return (" OR " if any_word else " ").join(phrases)


def search(db: sqlite_utils.Database, query: str, limit: int = 20,
           kinds: tuple[str, ...] = ("lesson", "note"), day: int | None = None) -> list[Hit]:
    """Best matches first. All words must match; if none do, any word may."""
    for any_word in (False, True):
        match = to_match(query, any_word)
        if not match:
            return []
        marks = ",".join("?" * len(kinds))
        only_day = "AND day = ?" if day is not None else ""
        rows = db.execute(
            f"SELECT kind, day, ref, title, snippet(search_index, 1, ?, ?, '…', 14), {_BM25} "
            f"FROM search_index WHERE search_index MATCH ? AND kind IN ({marks}) {only_day} "
            f"ORDER BY {_BM25} LIMIT ?",
            [_MARK_OPEN, _MARK_CLOSE, match, *kinds, *([day] if day is not None else []),
             limit],
        ).fetchall()
        if rows:
            return [_hit(*r) for r in rows]
    return []


def _hit(kind: str, day: int, ref: str, title: str, snippet: str, rank: float) -> Hit:
    section = ref.split(":", 2)[2] if kind == "lesson" else ""
    text = " ".join(snippet.split()).replace(_MARK_OPEN, "[").replace(_MARK_CLOSE, "]")
    return Hit(kind, int(day), section, title, text, round(-rank, 4))
