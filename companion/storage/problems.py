"""What went wrong with the database, in words that say what to do about it.

SQLite reports "database is locked", "attempt to write a readonly database",
"database or disk is full", "file is not a database" and "database disk image is
malformed" through one exception type. They need very different answers: a locked or
read-only file, or a full disk, is fine and must never be "restored" over (that would
hide every note written since the last backup), while only a damaged file is a case
for a backup. So every SQLite or OS error from storage is turned into one of the
classes below, each with its own message; the GUI picks its action by class.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path


class StorageError(Exception):
    """A database problem worth a one-line message to the learner."""

    kind = "other"


class NewerDatabaseError(StorageError):
    """Written by a newer app: never touched, never migrated backwards."""

    kind = "newer"


class CorruptDatabaseError(StorageError):
    """The file is a database but its contents are damaged: the one case for a backup."""

    kind = "damaged"


class NotADatabaseError(StorageError):
    """The file is not an SQLite database at all (another file took its name)."""

    kind = "not-a-database"


class DatabaseLockedError(StorageError):
    """Another program holds the database; the file itself is fine."""

    kind = "locked"


class ReadOnlyDatabaseError(StorageError):
    """The file or its folder cannot be written; the file itself is fine."""

    kind = "read-only"


class DiskFullError(StorageError):
    """No room left on the disk; nothing was changed."""

    kind = "disk-full"


class EmptyDatabaseError(StorageError):
    """The database is missing or zero bytes long while a backup with the learner's work exists.

    Starting fresh here would look like a new install and hide that work, so the
    newest backup is offered instead (``backup`` is it).
    """

    kind = "empty"

    def __init__(self, message: str, backup: object = None) -> None:
        super().__init__(message)
        self.backup = backup


def free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # unreachable; keeps type checkers content


def writable(path: Path) -> bool:
    """Whether the database file (if it exists) and its folder can be written."""
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def locked_error(path: Path) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"Your study data ({path.name}) is in use by another program, which has locked it. "
        "Close that program (or the other copy of this app) and try again; nothing was "
        "changed.")


def read_only_error(path: Path) -> ReadOnlyDatabaseError:
    return ReadOnlyDatabaseError(
        f"Your study data cannot be written: {path.parent} is read-only. Make the folder and "
        f"{path.name} writable, or set COMPANION_HOME to a writable folder.")


def disk_full_error(path: Path) -> DiskFullError:
    free = free_space(path.parent)
    room = f" ({human_size(free)} free)" if free is not None else ""
    return DiskFullError(
        f"The disk holding your study data is full{room}. Free some space on it and try "
        "again; what was saved before is safe.")


SHORT = {
    "locked": "another program is using your study data",
    "read-only": "the data folder is read-only",
    "disk-full": "the disk is full",
    "damaged": "the database is damaged",
    "not-a-database": "the data file is not a study database",
}


def short_reason(exc: BaseException) -> str:
    """A few words for a banner ("the disk is full"); the full message for anything else."""
    kind = getattr(exc, "kind", "")
    if kind in SHORT:
        return SHORT[kind]
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def explain(exc: BaseException, path: Path | str) -> StorageError:
    """The StorageError subclass (with its message) that describes ``exc`` for ``path``."""
    if isinstance(exc, StorageError):
        return exc
    path = Path(path)
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if name.startswith("SQLITE_FULL") or "disk is full" in text or code == errno.ENOSPC:
        return disk_full_error(path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "is locked" in text:
        return locked_error(path)
    if (name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text
            or code in (errno.EROFS, errno.EACCES, errno.EPERM)):
        return read_only_error(path)
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        if not path.parent.is_dir():
            return StorageError(f"Cannot open {path.name}: the folder {path.parent} does not "
                                "exist.")
        if not writable(path):
            return read_only_error(path)
        return StorageError(f"Cannot open {path} ({exc}). Check that the folder exists and "
                            "that you may use it.")
    if name == "SQLITE_NOTADB" or "not a database" in text:
        return NotADatabaseError(
            f"{path.name} is not a study database (it is not an SQLite file at all). It was "
            "left untouched.")
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return CorruptDatabaseError(f"{path.name} is damaged ({exc}).")
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        free = free_space(path.parent)
        if free is not None and free < 1 << 20:
            return disk_full_error(path)
        return StorageError(f"Could not read or write {path.name} (input/output error: {exc}).")
    if isinstance(exc, sqlite3.Error):
        return StorageError(f"The database {path.name} reported a problem: {exc}.")
    return StorageError(str(exc) or type(exc).__name__)
