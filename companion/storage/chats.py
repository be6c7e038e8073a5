"""Saved tutor conversations: list, rename, delete, search, export to Markdown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from companion.text import utc_stamp as now


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    day: int | None
    created: str
    updated: str


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "user" or "assistant"
    content: str
    citations: list[dict]
    created: str
    parts: dict = field(default_factory=dict)  # labelled parts of a tutor answer


def create(db: sqlite_utils.Database, title: str, day: int | None = None) -> int:
    stamp = now()
    with db.conn:
        cur = db.execute("INSERT INTO chats(title, day, created, updated) VALUES (?, ?, ?, ?)",
                         [title.strip()[:120] or "New conversation", day, stamp, stamp])
    return int(cur.lastrowid)


def add_message(db: sqlite_utils.Database, chat_id: int, role: str, content: str,
                citations: list[dict] | None = None, parts: dict | None = None) -> None:
    stamp = now()
    with db.conn:
        db.execute("INSERT INTO chat_messages(chat_id, role, content, citations, created, parts) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [chat_id, role, content, json.dumps(citations or []), stamp,
                    json.dumps(parts or {})])
        db.execute("UPDATE chats SET updated = ? WHERE id = ?", [stamp, chat_id])


def list_chats(db: sqlite_utils.Database, query: str = "") -> list[Chat]:
    """Newest first; ``query`` matches titles and message text."""
    if query.strip():
        like = f"%{query.strip()}%"
        rows = db.execute(
            "SELECT id, title, day, created, updated FROM chats WHERE title LIKE ? OR id IN "
            "(SELECT chat_id FROM chat_messages WHERE content LIKE ?) "
            "ORDER BY updated DESC, id DESC",
            [like, like])
    else:
        rows = db.execute("SELECT id, title, day, created, updated FROM chats "
                          "ORDER BY updated DESC, id DESC")
    return [Chat(*r) for r in rows]


def get(db: sqlite_utils.Database, chat_id: int) -> Chat | None:
    row = db.execute("SELECT id, title, day, created, updated FROM chats WHERE id = ?",
                     [chat_id]).fetchone()
    return Chat(*row) if row else None


def messages(db: sqlite_utils.Database, chat_id: int) -> list[ChatMessage]:
    rows = db.execute("SELECT role, content, citations, created, parts FROM chat_messages "
                      "WHERE chat_id = ? ORDER BY id", [chat_id])
    return [ChatMessage(r, c, json.loads(cites or "[]"), t, json.loads(parts or "{}"))
            for r, c, cites, t, parts in rows]


def rename(db: sqlite_utils.Database, chat_id: int, title: str) -> None:
    with db.conn:
        db.execute("UPDATE chats SET title = ? WHERE id = ?",
                   [title.strip()[:120] or "Untitled", chat_id])


def delete(db: sqlite_utils.Database, chat_id: int) -> None:
    with db.conn:  # messages go too (ON DELETE CASCADE)
        db.execute("DELETE FROM chats WHERE id = ?", [chat_id])


def to_markdown(db: sqlite_utils.Database, chat_id: int) -> str:
    chat = get(db, chat_id)
    if chat is None:
        raise KeyError(chat_id)
    lines = [f"# {chat.title}", "", f"*Started {chat.created[:16].replace('T', ' ')}*", ""]
    for m in messages(db, chat_id):
        who = "**You**" if m.role == "user" else "**Tutor**"
        lines += [who, "", m.content.strip(), ""]
        if m.citations:
            lines += ["Sources: " + "; ".join(
                f"[{c['number']}] Day {c['day']} · {c['title']}" for c in m.citations), ""]
    return "\n".join(lines).rstrip() + "\n"


def history_pairs(db: sqlite_utils.Database, chat_id: int) -> list[tuple[str, str]]:
    """(question, answer) pairs to continue a conversation with the model.

    For a course-first answer the model's side is its checked explanation (what it
    said), not the course excerpt shown above it; off-course replies are skipped.
    """
    pairs, question = [], None
    for m in messages(db, chat_id):
        if m.role == "user":
            question = m.content
        elif question is not None:
            if m.parts.get("not_from_course") and not m.parts.get("anyway"):
                continue
            reply = m.parts.get("unchecked") or m.parts.get("elaboration", "") \
                if m.parts else m.content
            pairs.append((question, reply))
            question = None
    return pairs
