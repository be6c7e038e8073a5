"""Open the one SQLite file safely and bring its schema up to date.

Every connection gets WAL, ``synchronous=FULL`` and foreign keys so a note typed
by hand survives a crash or a power cut. A file written by a newer version of
the app is refused before anything touches it (the version is read before the
switch to WAL, which is itself a write), instead of being "migrated" into
something it was not. Every failure is named for what it is (locked, read-only,
disk full, not a database, damaged: see ``problems.py``) because each needs a
different answer.

How long a connection waits for another program's lock is a choice per process:
the CLI can wait a few seconds, the GUI thread must not (see ``set_busy_timeout``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from companion.storage.problems import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    EmptyDatabaseError,
    NewerDatabaseError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
    explain,
)
from companion.storage.schema import SCHEMA_VERSION, migrations

__all__ = ["CorruptDatabaseError", "DatabaseLockedError", "DiskFullError", "EmptyDatabaseError",
           "NewerDatabaseError", "NotADatabaseError", "ReadOnlyDatabaseError", "StorageError",
           "busy_timeout", "check_integrity", "connect", "open_database", "set_busy_timeout"]

DEFAULT_BUSY_MS = 3000  # how long a write waits for another program's short transaction
_busy_ms = DEFAULT_BUSY_MS


def busy_timeout() -> int:
    """The wait for a lock that new connections get, in milliseconds."""
    return _busy_ms


def set_busy_timeout(ms: int, db: sqlite_utils.Database | None = None) -> None:
    """Wait at most ``ms`` for a lock on new connections (and on ``db`` if given).

    The GUI sets this low after start-up so that no click waits long on a file some
    other program holds; a failed write is then reported and retried instead.
    """
    global _busy_ms
    _busy_ms = int(ms)
    if db is not None:
        db.execute(f"PRAGMA busy_timeout = {_busy_ms}")


def connect(path: Path | str, busy_ms: int | None = None) -> sqlite_utils.Database:
    """A connection with the pragmas every connection must have."""
    busy = _busy_ms if busy_ms is None else int(busy_ms)
    try:
        conn = sqlite3.connect(str(path), timeout=busy / 1000, check_same_thread=False)
    except sqlite3.Error as exc:
        raise explain(exc, Path(path)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy}")
        _prepare(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        raise explain(exc, Path(path)) from exc
    except StorageError:
        conn.close()
        raise
    return sqlite_utils.Database(conn)


def _prepare(conn: sqlite3.Connection, path: Path | str) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and str(path) != ":memory:":
        raise StorageError(f"Could not switch {path} to WAL mode (got {mode}).")
    conn.execute("PRAGMA synchronous = FULL")


def check_integrity(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Raise CorruptDatabaseError unless ``PRAGMA quick_check`` says ok."""
    conn = db.conn if isinstance(db, sqlite_utils.Database) else db
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise CorruptDatabaseError(f"The database failed its integrity check: {detail}")


def _refuse_empty(path: Path) -> None:
    """A missing or zero-byte file with a backup beside it is lost work, not a new install."""
    if path.exists() and path.stat().st_size > 0:
        return
    from companion.storage import backup

    found = backup.newest_backup_with_data(path.parent / backup.FOLDER_NAME)
    if found is None:
        return
    state = "is missing" if not path.exists() else "is empty (0 bytes)"
    raise EmptyDatabaseError(
        f"Your study database {state}, but a backup with your work from "
        f"{found.made_at:%Y-%m-%d %H:%M} exists.", found)


def open_database(path: Path | str, busy_ms: int | None = None,
                  fresh: bool = False) -> sqlite_utils.Database:
    """Open, check and migrate the database at ``path``.

    Raises a StorageError subclass naming the problem (newer, locked, read-only, disk
    full, not a database, damaged, or empty while a backup exists); never resets
    anything. ``fresh`` allows starting over where a backup exists (the learner chose to).
    """
    path = Path(path)
    if not fresh and str(path) != ":memory:":
        _refuse_empty(path)
    busy = _busy_ms if busy_ms is None else int(busy_ms)
    try:
        conn = sqlite3.connect(str(path), timeout=busy / 1000, check_same_thread=False)
    except sqlite3.Error as exc:
        raise explain(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy}")
        # read-only checks first: a newer or damaged file must not even be switched to WAL
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerDatabaseError(
                f"This data was written by a newer version of the app (schema {version}, this "
                f"version understands up to {SCHEMA_VERSION}). It was not modified; please "
                "update the app.")
        check_integrity(conn)
        _prepare(conn, path)
        db = sqlite_utils.Database(conn)
        if migrations.pending(db):
            with db.conn:  # one transaction: a failed upgrade leaves the old schema intact
                db.conn.execute("BEGIN IMMEDIATE")
                migrations.apply(db)
                db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        conn.close()
        raise explain(exc, path) from exc
    except StorageError:
        conn.close()
        raise
    return db
