"""Open the one SQLite file safely and bring its schema up to date.

Every connection gets WAL, ``synchronous=FULL`` and foreign keys so a note typed
by hand survives a crash or a power cut. A file written by a newer version of
the app is refused instead of being "migrated" into something it was not.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from companion.storage.schema import SCHEMA_VERSION, migrations


class StorageError(Exception):
    """A database problem worth a one-line message to the learner."""


class NewerDatabaseError(StorageError):
    pass


class CorruptDatabaseError(StorageError):
    pass


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection with the pragmas every connection must have."""
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal" and str(path) != ":memory:":
        raise StorageError(f"Could not switch {path} to WAL mode (got {mode}).")
    conn.execute("PRAGMA synchronous = FULL")
    return sqlite_utils.Database(conn)


def check_integrity(db: sqlite_utils.Database) -> None:
    """Raise CorruptDatabaseError unless ``PRAGMA quick_check`` says ok."""
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(f"The database is damaged ({exc}).") from exc
    if [r[0] for r in rows] != ["ok"]:
        detail = "; ".join(str(r[0]) for r in rows[:3])
        raise CorruptDatabaseError(f"The database failed its integrity check: {detail}")


def open_database(path: Path | str) -> sqlite_utils.Database:
    """Open, check and migrate the database at ``path``.

    Raises NewerDatabaseError for a file from a newer app and CorruptDatabaseError
    for one that is not a healthy SQLite database; never resets anything.
    """
    try:
        db = connect(path)
        check_integrity(db)
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(f"{Path(path).name} is not a readable database ({exc}).") \
            from exc
    if version > SCHEMA_VERSION:
        db.close()
        raise NewerDatabaseError(
            f"This data was written by a newer version of the app (schema {version}, this "
            f"version understands up to {SCHEMA_VERSION}). Please update the app."
        )
    if migrations.pending(db):
        with db.conn:  # one transaction: a failed upgrade leaves the old schema intact
            db.conn.execute("BEGIN IMMEDIATE")
            migrations.apply(db)
            db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db
