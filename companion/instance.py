"""One app window per data folder.

Two windows on the same notes each keep their own copy of the text in memory and
save it over the other's: the trial that found this ended with one learner's
paragraph silently gone while both windows said "Saved". So the GUI takes an
exclusive lock on ``companion.lock`` in the data folder for as long as it runs. The
operating system drops the lock when the process ends, however it ends (quit,
crash, SIGKILL, power cut), so a stale lock can never keep the app from starting.

The command line does not take this lock: its writes are short transactions that
SQLite serialises with the app's, and reading while the app runs is harmless.
Qt-free; bringing the running window forward is ``ui/single_instance.py``.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path
from typing import IO

LOCK_NAME = "companion.lock"
REQUESTS = ".show-requests"  # a later launch drops a file here; the running app answers


class InstanceLock:
    """An exclusive, crash-proof lock on a data folder (``fcntl.flock`` / ``msvcrt.locking``)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME
        self._handle: IO[str] | None = None
        self.unavailable = ""  # why the lock file could not be created, if it could not

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> bool:
        """Take the lock; False if another process holds it. Never waits.

        A folder where the lock file cannot even be created (read-only, missing) is
        not "in use": True, and ``unavailable`` says why; opening the database there
        then fails with its own clear message.
        """
        if self._handle is not None:
            return True
        try:
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            self.unavailable = exc.strerror or str(exc)
            return True
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def holder(self) -> int | None:
        """The process id written by whoever holds (or last held) the lock."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock(self._handle)
        except OSError:
            pass  # closing the file releases it anyway
        self._handle.close()
        self._handle = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def requests_dir(folder: Path) -> Path:
    path = Path(folder) / REQUESTS
    path.mkdir(parents=True, exist_ok=True)
    return path


def request_show(folder: Path, timeout_s: float = 3.0) -> bool:
    """Ask the app running on ``folder`` to show its window; True once it has answered.

    The request is a file the running app deletes when it has raised its window, so
    plain files (no sockets, no extra Qt module) are enough and work on every system.
    """
    try:
        request = requests_dir(folder) / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.show"
        request.write_text("show\n", encoding="utf-8")
    except OSError:
        return False
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not request.exists():
            return True
        time.sleep(0.05)
    request.unlink(missing_ok=True)
    return False


def take_requests(folder: Path) -> int:
    """Delete pending show requests (answering them); how many there were."""
    taken = 0
    try:
        found = list(requests_dir(folder).glob("*.show"))
    except OSError:  # a read-only data folder: nobody can have asked
        return 0
    for request in found:
        try:
            request.unlink()
            taken += 1
        except OSError:
            continue
    return taken


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
