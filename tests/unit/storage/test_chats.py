"""Saved tutor conversations: create, list, search, rename, delete, export."""

from __future__ import annotations

from pathlib import Path

from companion.storage import chats, open_database


def test_conversation_lifecycle(tmp_path: Path):
    db = open_database(tmp_path / "c.db")
    first = chats.create(db, "Attention questions", day=4)
    chats.add_message(db, first, "user", "What is attention?")
    chats.add_message(db, first, "assistant", "A weighted average [1].",
                      [{"number": 1, "day": 4, "title": "Self-attention", "section": "x"}])
    second = chats.create(db, "Tokens")
    chats.add_message(db, second, "user", "What is BPE?")
    assert [c.id for c in chats.list_chats(db)] == [second, first]  # newest first
    assert [c.id for c in chats.list_chats(db, "weighted")] == [first]  # searches messages
    assert chats.history_pairs(db, first) == [("What is attention?", "A weighted average [1].")]
    chats.rename(db, first, "Renamed")
    md = chats.to_markdown(db, first)
    assert md.startswith("# Renamed") and "Sources: [1] Day 4 · Self-attention" in md
    chats.delete(db, first)
    assert chats.get(db, first) is None and chats.messages(db, first) == []  # cascade
