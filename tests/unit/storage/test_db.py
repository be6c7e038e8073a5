"""Storage: pragmas, migrations, refusing newer files, notes, progress, search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from companion.storage import NewerDatabaseError, notes, open_database, progress, settings
from companion.storage.schema import SCHEMA_VERSION


def test_every_connection_is_wal_full_sync_with_foreign_keys(tmp_path: Path):
    db = open_database(tmp_path / "c.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000  # waits for short writes


def test_migrations_run_once_and_record_version(tmp_path: Path):
    path = tmp_path / "c.db"
    open_database(path).close()
    db = open_database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names[0] == "m001_core_tables" and len(names) == len(set(names)) == SCHEMA_VERSION
    assert {"notes", "task_progress", "settings", "search_index"} <= set(db.table_names())


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "c.db"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        open_database(path)
    assert path.read_bytes() == before


def test_an_old_database_is_migrated_forward(tmp_path: Path):
    from companion.storage.schema import migrations

    path = tmp_path / "old.db"
    db = open_database(path)
    db.close()
    # simulate a file written before the chats table existed
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE chat_messages; DROP TABLE chats; "
                       "DELETE FROM _sqlite_migrations WHERE name = 'm003_chats'; "
                       "PRAGMA user_version = 2;")
    conn.close()
    db = open_database(path)
    assert "chats" in db.table_names()
    assert not migrations.pending(db)


def test_notes_and_progress_survive_reopening(tmp_path: Path):
    path = tmp_path / "c.db"
    db = open_database(path)
    notes.save(db, 3, "# Tokens\nBPE merges pairs")
    progress.set_done(db, "d03-a", 3, True)
    settings.put(db, "start_date", "2026-11-01")
    db.close()
    db = open_database(path)
    assert notes.body(db, 3) == "# Tokens\nBPE merges pairs"
    assert "d03-a" in progress.done_tasks(db)
    assert settings.start_date(db).isoformat() == "2026-11-01"
    progress.set_done(db, "d03-a", 3, False)
    assert "d03-a" not in progress.done_tasks(db)


def test_saving_an_unchanged_note_writes_nothing(tmp_path: Path):
    db = open_database(tmp_path / "c.db")
    assert notes.save(db, 1, "hello") is True
    assert notes.save(db, 1, "hello") is False


def test_today_follows_the_start_date(tmp_path: Path):
    import datetime as dt

    db = open_database(tmp_path / "c.db")
    assert settings.today_number(db, 14) is None
    settings.set_start_date(db, dt.date(2026, 11, 1))
    assert settings.today_number(db, 14, dt.date(2026, 11, 1)) == 1
    assert settings.today_number(db, 14, dt.date(2026, 11, 5)) == 5
    assert settings.today_number(db, 14, dt.date(2027, 1, 1)) == 14
