"""Backups through SQLite's online backup API, and restoring from them.

The live file is never copied byte-by-byte: with WAL the main file alone may be
missing the latest commits, and a copy taken mid-write can be torn.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from companion.storage.db import CorruptDatabaseError, StorageError

KEEP_RECENT = 10
KEEP_DAILY = 7
_PREFIX = "companion-"
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: dt.datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.made_at:%Y-%m-%d %H:%M:%S}  ({self.size / 1024:.0f} KB)"


def list_backups(folder: Path) -> list[Backup]:
    """Newest first."""
    found = []
    for path in folder.glob(f"{_PREFIX}*.db"):
        try:
            made = dt.datetime.strptime(path.stem[len(_PREFIX):], _STAMP)
            found.append(Backup(path, made, path.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def _counter(db: sqlite_utils.Database) -> tuple[int, int | None]:
    changes = db.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0]
    row = db.execute("SELECT counter FROM backup_state WHERE id = 1").fetchone()
    return changes, (row[0] if row else None)


def make_backup(db_path: Path, folder: Path, *, force: bool = False) -> Backup | None:
    """Back up ``db_path`` if it changed since the last backup; prune old ones.

    Opens its own connection so it can run on a worker thread.
    """
    src = sqlite3.connect(str(db_path), timeout=10)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        db = sqlite_utils.Database(src)
        changes, backed_up = _counter(db)
        if backed_up == changes and not force:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        made = dt.datetime.now()
        target = folder / f"{_PREFIX}{made.strftime(_STAMP)}.db"
        partial = target.with_suffix(".partial")
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
        finally:
            dst.close()
        os.replace(partial, target)
        with src:
            src.execute(
                "INSERT INTO backup_state(id, counter, made_at) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET counter = excluded.counter, "
                "made_at = excluded.made_at",
                [changes, made.isoformat()],
            )
    finally:
        src.close()
    prune(folder)
    return Backup(target, made, target.stat().st_size)


def prune(folder: Path) -> list[Path]:
    """Keep the newest KEEP_RECENT backups plus the newest of each of the last KEEP_DAILY days."""
    backups = list_backups(folder)
    keep = {b.path for b in backups[:KEEP_RECENT]}
    days_seen: set[dt.date] = set()
    for b in backups:
        if b.made_at.date() not in days_seen and len(days_seen) < KEEP_DAILY:
            days_seen.add(b.made_at.date())
            keep.add(b.path)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def is_healthy(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def newest_good_backup(folder: Path) -> Backup | None:
    return next((b for b in list_backups(folder) if is_healthy(b.path)), None)


def restore(backup: Path, db_path: Path) -> Path | None:
    """Replace the database with ``backup``; the old file is kept aside, never deleted.

    Returns where the replaced file was moved (None if there was none). Every
    connection to ``db_path`` must be closed first.
    """
    if not is_healthy(backup):
        raise CorruptDatabaseError(f"The backup {backup.name} is damaged too; pick another.")
    staged = db_path.with_name(db_path.name + ".restoring")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(str(staged))
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"Could not read the backup {backup.name}: {exc}") from exc
    finally:
        src.close()
        dst.close()
    aside = None
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.replaced-{dt.datetime.now():%Y%m%d-%H%M%S}")
        os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            if aside is not None:
                os.replace(side, aside.with_name(aside.name + suffix))
            else:
                side.unlink()
    os.replace(staged, db_path)
    return aside
