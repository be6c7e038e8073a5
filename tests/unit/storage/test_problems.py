"""Locked, read-only, full, not a database, damaged, newer, empty: each named for what it is.

The earlier fault trials found all of these reported as "damaged", with a restore
offered that would have hidden every note written since the last backup. Here each
is produced for real: a second process holds the lock, a real tmpfs fills up or is
remounted read-only, bytes are really overwritten.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from companion.storage import backup, notes, open_database, settings
from companion.storage.db import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    EmptyDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
)
from companion.storage.schema import SCHEMA_VERSION
from tests.locker import locked
from tests.small_disk import fill, make_read_only, small_disk


def _with_note(path: Path, text: str = "my precious note") -> None:
    db = open_database(path)
    notes.save(db, 2, text)
    db.close()


def test_a_database_locked_by_another_process_is_locked_not_damaged(tmp_path: Path):
    path = tmp_path / "companion.db"
    _with_note(path)
    before = path.read_bytes()
    with locked(path, "exclusive"):
        started = time.monotonic()
        with pytest.raises(DatabaseLockedError, match="in use by another program") as caught:
            open_database(path, busy_ms=300)
        waited = time.monotonic() - started
    assert not isinstance(caught.value, CorruptDatabaseError)
    assert waited < 3  # the busy timeout we asked for, not SQLite's 10 s
    assert path.read_bytes() == before  # nothing moved, nothing written
    db = open_database(path)  # and once the other program lets go, all is there
    assert notes.body(db, 2) == "my precious note"


def test_a_write_blocked_by_another_writer_says_locked(tmp_path: Path):
    from companion.storage.problems import explain

    path = tmp_path / "companion.db"
    _with_note(path)
    db = open_database(path, busy_ms=200)
    with locked(path, "write"), pytest.raises(sqlite3.OperationalError) as caught:
        notes.save(db, 2, "new text")
    assert isinstance(explain(caught.value, path), DatabaseLockedError)


def test_a_read_only_folder_is_read_only_not_damaged(tmp_path: Path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "companion.db"
        _with_note(path)
        make_read_only(disk)
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            open_database(path)


def test_a_full_disk_at_start_is_disk_full_not_damaged(tmp_path: Path):
    with small_disk(tmp_path / "disk", 1024) as disk:
        path = disk / "companion.db"
        _with_note(path)
        fill(disk)
        with pytest.raises(DiskFullError, match="disk .* is full"):
            open_database(path)
        (disk / "filler.bin").unlink()
        assert notes.body(open_database(path), 2) == "my precious note"


def test_a_file_that_is_not_sqlite_is_not_a_database(tmp_path: Path):
    path = tmp_path / "companion.db"
    path.write_bytes(b"hello, I am a text file\n" * 200)
    with pytest.raises(NotADatabaseError):
        open_database(path)
    assert path.read_bytes().startswith(b"hello, I am")


def test_damaged_pages_are_damaged(tmp_path: Path):
    path = tmp_path / "companion.db"
    _with_note(path)
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xde\xad" * ((len(data) - 4096) // 2)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError):
        open_database(path)


def test_a_newer_database_in_rollback_journal_mode_is_not_modified(tmp_path: Path):
    path = tmp_path / "companion.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="not modified"):
        open_database(path)
    assert path.read_bytes() == before  # in particular, not switched to WAL
    assert not path.with_name("companion.db-wal").exists()


def test_an_empty_or_missing_database_with_a_backup_offers_the_backup(tmp_path: Path):
    path = tmp_path / "companion.db"
    _with_note(path)
    made = backup.make_backup(path, tmp_path / "backups")
    path.write_bytes(b"")  # zero bytes: what a failed sync or a full disk can leave
    with pytest.raises(EmptyDatabaseError, match="empty") as caught:
        open_database(path)
    assert caught.value.backup.path == made.path
    assert path.read_bytes() == b""  # not silently turned into a fresh install
    path.unlink()
    with pytest.raises(EmptyDatabaseError, match="missing"):
        open_database(path)
    db = open_database(path, fresh=True)  # only when the learner chooses to start over
    assert notes.body(db, 2) == ""


def test_an_empty_database_without_a_backup_is_a_new_start(tmp_path: Path):
    path = tmp_path / "companion.db"
    path.write_bytes(b"")
    db = open_database(path)
    assert "notes" in db.table_names()


def test_empty_backups_never_rotate_out_the_good_one(tmp_path: Path):
    path, folder = tmp_path / "companion.db", tmp_path / "backups"
    _with_note(path)
    good = backup.make_backup(path, folder)
    path.unlink()
    db = open_database(path, fresh=True)  # the learner started over on an empty file
    settings.put(db, "start_date", "2026-01-01")  # a change, but none of the learner's work
    assert backup.make_backup(path, folder) is None  # an empty copy is not worth a backup
    for _ in range(backup.KEEP_RECENT + 5):  # "Back up now", many times
        assert backup.make_backup(path, folder, force=True) is not None
    kept = backup.list_backups(folder)
    assert good.path in [b.path for b in kept]
    assert backup.newest_backup_with_data(folder).path == good.path


def test_an_interrupted_backup_leaves_nothing_behind_for_long(tmp_path: Path):
    path, folder = tmp_path / "companion.db", tmp_path / "backups"
    _with_note(path)
    folder.mkdir()
    stale = [folder / "companion-20260101-120000-000000.partial",
             folder / "companion-20260101-120000-000000.partial-journal"]
    for leftover in stale:
        leftover.write_bytes(b"\0" * 100_000)
    backup.make_backup(path, folder)
    assert not any(p.exists() for p in stale)
    assert all(not p.name.endswith((".partial", ".partial-journal")) for p in folder.iterdir())


def test_a_backup_on_a_full_disk_fails_clearly_and_cleans_up(tmp_path: Path):
    with small_disk(tmp_path / "disk", 1024) as disk:
        path, folder = disk / "companion.db", disk / "backups"
        _with_note(path, "x" * 200_000)
        folder.mkdir()
        fill(disk, leave=20_000)
        with pytest.raises(DiskFullError):
            backup.make_backup(path, folder)
        assert [p.name for p in folder.iterdir()] == []


def test_a_restore_keeps_the_replaced_file_listed_for_undo(tmp_path: Path):
    path, folder = tmp_path / "companion.db", tmp_path / "backups"
    _with_note(path, "old")
    old = backup.make_backup(path, folder)
    db = open_database(path)
    notes.save(db, 2, "newer, written after the backup")
    db.close()
    aside = backup.restore(old.path, path)
    listed = {b.path: b for b in backup.list_backups(folder)}
    assert listed[aside].kind == "replaced" and "before a restore" in listed[aside].label
    assert notes.body(open_database(path), 2) == "old"
    backup.restore(aside, path)  # undo
    assert notes.body(open_database(path), 2) == "newer, written after the backup"
