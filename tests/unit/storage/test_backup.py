"""Backups use SQLite's backup API, rotate, and restore a damaged database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from companion.storage import CorruptDatabaseError, backup, notes, open_database
from companion.storage.db import NotADatabaseError


def test_backup_only_when_data_changed(tmp_path: Path):
    path, folder = tmp_path / "c.db", tmp_path / "b"
    db = open_database(path)
    notes.save(db, 1, "first")
    assert backup.make_backup(path, folder) is not None
    assert backup.make_backup(path, folder) is None  # nothing changed
    notes.save(db, 1, "second")
    made = backup.make_backup(path, folder)
    assert made is not None and backup.is_healthy(made.path)
    assert len(backup.list_backups(folder)) == 2


def test_rotation_keeps_recent_and_daily(tmp_path: Path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = dt.datetime(2026, 11, 1, 12, 0)
    for i in range(30):  # 3 per day over 10 days
        stamp = start + dt.timedelta(hours=8 * i)
        (folder / f"companion-{stamp:%Y%m%d-%H%M%S-%f}.db").write_bytes(b"x")
    backup.prune(folder)
    kept = backup.list_backups(folder)
    days = {b.made_at.date() for b in kept}
    assert len(kept) <= backup.KEEP_RECENT + backup.KEEP_DAILY
    assert kept[0].made_at == start + dt.timedelta(hours=8 * 29)
    assert len(days) >= 7


def test_a_corrupted_database_is_detected_and_restored(tmp_path: Path):
    path, folder = tmp_path / "c.db", tmp_path / "b"
    db = open_database(path)
    notes.save(db, 2, "precious note")
    backup.make_backup(path, folder)
    db.close()
    # damage the file: overwrite pages in the middle with garbage
    data = bytearray(path.read_bytes())
    data[100:] = b"\xde\xad\xbe\xef" * ((len(data) - 100) // 4 + 1)
    path.write_bytes(bytes(data[: len(data)]))
    with pytest.raises(CorruptDatabaseError):
        open_database(path)
    good = backup.newest_good_backup(folder)
    aside = backup.restore(good.path, path)
    assert aside is not None and aside.exists()  # the damaged file is kept, not deleted
    # ... and listed with the backups, so the restore can be undone
    assert [b.kind for b in backup.list_backups(aside.parent) if b.path == aside] == ["replaced"]
    db = open_database(path)
    assert notes.body(db, 2) == "precious note"


def test_a_file_that_is_not_a_database_is_reported_not_reset(tmp_path: Path):
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(NotADatabaseError, match="not a study database"):
        open_database(path)
    assert path.read_bytes().startswith(b"this is not sqlite")


def test_contents_counts_the_learners_work_read_only(tmp_path: Path):
    from companion.storage import chats, progress, quiz

    path, folder = tmp_path / "c.db", tmp_path / "b"
    db = open_database(path)
    assert backup.contents(path) == backup.Contents()
    notes.save(db, 1, "one")
    notes.save(db, 2, "   ")  # whitespace only: not a note worth counting
    progress.set_done(db, "d01-read", 1, True)
    progress.set_done(db, "d01-write", 1, True)
    progress.set_done(db, "d01-write", 1, False)
    chat = chats.create(db, "a chat", 1)
    chats.add_message(db, chat, "user", "hi")
    for n in range(3):
        quiz.record_attempt(db, None, f"d01-q{n}", 1, 0, n == 0)
    made = backup.make_backup(path, folder)
    notes.save(db, 3, "after the backup")  # the live file (WAL) is read as committed
    before = path.read_bytes()
    assert backup.contents(made.path) == backup.Contents(tasks_done=1, notes=1, chats=1,
                                                         quiz_attempts=3)
    assert backup.contents(path).notes == 2
    assert path.read_bytes() == before  # looked at, not written
    db.close()


def test_contents_of_what_cannot_be_read_is_none_and_old_schemas_count_empty(tmp_path: Path):
    import sqlite3

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 500)
    assert backup.contents(junk) is None
    assert backup.contents(tmp_path / "missing.db") is None
    old = tmp_path / "old.db"  # before chats and quizzes existed
    conn = sqlite3.connect(old)
    conn.execute("CREATE TABLE notes (day INTEGER, body TEXT)")
    conn.execute("CREATE TABLE task_progress (task_id TEXT, done INTEGER)")
    conn.execute("INSERT INTO notes VALUES (1, 'kept')")
    conn.commit()
    conn.close()
    assert backup.contents(old) == backup.Contents(notes=1)
