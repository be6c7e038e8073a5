"""Backups through SQLite's online backup API, and restoring from them.

The live file is never copied byte-by-byte: with WAL the main file alone may be
missing the latest commits, and a copy taken mid-write can be torn.

Two promises beyond "make a copy now and then":

* A backup holding the learner's work is never rotated out by empty ones. After a
  lost or emptied database the app may run for a while on a fresh file; its
  backups then contain nothing, and pruning must not let them push out the last
  one that does (``prune`` keeps the newest backup with data, whatever its age).
* A restore never hides newer data: the file it replaces is moved into the backups
  folder as ``replaced-<time>.db`` and listed with the backups, so a restore can be
  undone by restoring that entry.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from companion.storage.problems import CorruptDatabaseError, StorageError, explain

FOLDER_NAME = "backups"  # beside the database (paths.backups_dir() is this folder)
KEEP_RECENT = 10
KEEP_DAILY = 7
_PREFIX = "companion-"
_REPLACED = "replaced-"
_STAMP = "%Y%m%d-%H%M%S-%f"
_PARTIAL_SUFFIXES = (".partial", ".partial-journal", ".partial-wal", ".partial-shm")
_lock = threading.Lock()  # one backup at a time in this process (timer and "Back up now")
# tables where a row means the learner did something worth keeping
_LEARNER_ROWS = (
    "SELECT 1 FROM notes WHERE trim(body) != ''",
    "SELECT 1 FROM task_progress WHERE done = 1",
    "SELECT 1 FROM chat_messages",
    "SELECT 1 FROM quiz_attempts",
    "SELECT 1 FROM review_log",
)


@dataclass(frozen=True)
class Backup:
    path: Path
    made_at: dt.datetime
    size: int
    kind: str = "backup"  # or "replaced": the data a restore replaced, kept for undo

    @property
    def label(self) -> str:
        text = f"{self.made_at:%Y-%m-%d %H:%M:%S}  ({self.size / 1024:.0f} KB)"
        if self.kind == "replaced":
            text += "  your data before a restore (restore it to undo that restore)"
        return text


@dataclass(frozen=True)
class Contents:
    """What a study database holds of the learner's own work (the restore dialog shows it)."""

    tasks_done: int = 0
    notes: int = 0  # notes with some text (day notes and task notes)
    chats: int = 0  # saved tutor conversations
    quiz_attempts: int = 0  # answered quiz questions


_COUNTS = {
    "tasks_done": "SELECT count(*) FROM task_progress WHERE done = 1",
    "notes": "SELECT count(*) FROM notes WHERE trim(body) != ''",
    "chats": "SELECT count(*) FROM chats",
    "quiz_attempts": "SELECT count(*) FROM quiz_attempts",
}


def contents(path: Path) -> Contents | None:
    """Count what the database at ``path`` holds, without writing to it (None: unreadable).

    Read-only, so it can look at a backup, a replaced file or the file in use (a WAL
    reader sees what is committed) from a worker thread while the app keeps writing.
    A table an older schema lacks counts as empty.
    """
    try:
        conn = _open_read_only(path)
    except sqlite3.Error:
        return None
    try:
        found = {}
        for name, sql in _COUNTS.items():
            try:
                found[name] = int(conn.execute(sql).fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "no such table" not in str(exc):
                    return None
                found[name] = 0
        return Contents(**found)
    except sqlite3.Error:  # not a database, damaged
        return None
    finally:
        conn.close()


def _parse(path: Path) -> Backup | None:
    for prefix, kind in ((_PREFIX, "backup"), (_REPLACED, "replaced")):
        if path.stem.startswith(prefix):
            try:
                made = dt.datetime.strptime(path.stem[len(prefix):], _STAMP)
                return Backup(path, made, path.stat().st_size, kind)
            except (ValueError, OSError):
                return None
    return None


def list_backups(folder: Path) -> list[Backup]:
    """Backups and replaced files, newest first."""
    found = [b for p in folder.glob("*.db") if (b := _parse(p)) is not None]
    return sorted(found, key=lambda b: b.made_at, reverse=True)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def has_learner_data(path: Path) -> bool:
    """True if the database at ``path`` holds a note, a ticked task, a chat or a quiz answer."""
    try:
        conn = _open_read_only(path)
    except sqlite3.Error:
        return False
    try:
        return _conn_has_data(conn)
    finally:
        conn.close()


def _conn_has_data(conn: sqlite3.Connection) -> bool:
    for sql in _LEARNER_ROWS:
        try:
            if conn.execute(sql + " LIMIT 1").fetchone():
                return True
        except sqlite3.Error:
            continue  # an older schema without that table
    return False


def is_healthy(path: Path) -> bool:
    try:
        conn = _open_read_only(path)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def newest_good_backup(folder: Path) -> Backup | None:
    return next((b for b in list_backups(folder) if is_healthy(b.path)), None)


def newest_backup_with_data(folder: Path) -> Backup | None:
    """The newest healthy backup (or replaced file) that holds some of the learner's work."""
    if not folder.is_dir():
        return None
    return next((b for b in list_backups(folder)
                 if has_learner_data(b.path) and is_healthy(b.path)), None)


def _counter(conn: sqlite3.Connection) -> tuple[int, int | None]:
    changes = conn.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0]
    row = conn.execute("SELECT counter FROM backup_state WHERE id = 1").fetchone()
    return changes, (row[0] if row else None)


def remove_partials(folder: Path) -> list[Path]:
    """Delete what an interrupted backup left behind (it can be as big as the database)."""
    removed = []
    for path in folder.glob(f"{_PREFIX}*"):
        if path.name.endswith(_PARTIAL_SUFFIXES):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def make_backup(db_path: Path, folder: Path, *, force: bool = False) -> Backup | None:
    """Back up ``db_path`` if it changed since the last backup; prune old ones.

    Opens its own connection so it can run on a worker thread. An unforced backup of
    a database without any of the learner's work is skipped while an older backup
    with work exists: it would only help rotate that one out.
    """
    with _lock:
        folder.mkdir(parents=True, exist_ok=True)
        remove_partials(folder)
        made = _make(db_path, folder, force)
        if made is not None:
            prune(folder)
        return made


def _make(db_path: Path, folder: Path, force: bool) -> Backup | None:
    try:
        src = sqlite3.connect(str(db_path), timeout=10)
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from exc
    target = partial = None
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        # the one write here is bookkeeping (which change was backed up): no fsync wait for
        # it, so the GUI's own short lock wait never meets a backup's commit
        src.execute("PRAGMA synchronous = NORMAL")
        changes, backed_up = _counter(src)
        if not force and backed_up == changes:
            return None
        if not force and not _conn_has_data(src) and newest_backup_with_data(folder):
            return None
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
    except (sqlite3.Error, OSError) as exc:
        if partial is not None:
            for suffix in _PARTIAL_SUFFIXES:
                partial.with_suffix(suffix).unlink(missing_ok=True)
        raise explain(exc, target or db_path) from exc
    finally:
        src.close()
    return Backup(target, made, target.stat().st_size)


def prune(folder: Path) -> list[Path]:
    """Keep the newest KEEP_RECENT backups, the newest of each of the last KEEP_DAILY days,
    and the newest backup that holds the learner's work, however old."""
    backups = [b for b in list_backups(folder) if b.kind == "backup"]
    keep = {b.path for b in backups[:KEEP_RECENT]}
    days_seen: set[dt.date] = set()
    for b in backups:
        if b.made_at.date() not in days_seen and len(days_seen) < KEEP_DAILY:
            days_seen.add(b.made_at.date())
            keep.add(b.path)
    removed = [b for b in backups if b.path not in keep]
    if removed:
        with_data = next((b for b in backups if has_learner_data(b.path)), None)
        if with_data is not None and with_data in removed:
            removed.remove(with_data)
    for b in removed:
        b.path.unlink(missing_ok=True)
    return [b.path for b in removed]


def restore(backup: Path, db_path: Path, keep_in: Path | None = None) -> Path | None:
    """Replace the database with ``backup``; the old file is kept, never deleted.

    The replaced file (with its ``-wal``/``-shm``) moves to ``keep_in`` (the backups
    folder beside the database by default) as ``replaced-<time>.db``, where
    ``list_backups`` lists it, so this restore can be undone. Returns its new path
    (None if there was no file). Every connection to ``db_path`` must be closed first.
    """
    if not is_healthy(backup):
        raise CorruptDatabaseError(f"The backup {backup.name} is damaged too; pick another.")
    keep_in = keep_in or db_path.parent / FOLDER_NAME
    keep_in.mkdir(parents=True, exist_ok=True)
    staged = db_path.with_name(db_path.name + ".restoring")
    for leftover in (staged, staged.with_name(staged.name + "-journal")):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(staged))
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        staged.unlink(missing_ok=True)
        problem = explain(exc, db_path)
        raise StorageError(f"Could not restore {backup.name}: {problem}") from exc
    finally:
        src.close()
    aside = None
    if db_path.exists():
        aside = keep_in / f"{_REPLACED}{dt.datetime.now().strftime(_STAMP)}.db"
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
