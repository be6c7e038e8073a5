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
