"""A second process that holds the study database locked, for lock tests.

    python -m tests.locker PATH [exclusive|write] SECONDS

``exclusive`` takes SQLite's exclusive lock the way another program (a sync tool, a
database browser with an open write transaction in rollback mode, a second app copy)
can: nobody else may even read. ``write`` holds an ordinary write transaction: others
may read but not write. Prints ``LOCKED`` when the lock is held, releases it on exit.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def main() -> None:
    path, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    conn = sqlite3.connect(path, isolation_level=None)
    if mode == "exclusive":
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("PRAGMA user_version")  # make sure the lock is really taken
    else:
        conn.execute("BEGIN IMMEDIATE")
    print("LOCKED", flush=True)
    time.sleep(seconds)


def hold(path: Path, mode: str = "exclusive", seconds: float = 60) -> subprocess.Popen:
    """Start the locker and return once it holds the lock; kill it when done."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.locker", str(path), mode, str(seconds)],
                            stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    line = proc.stdout.readline()
    if line.strip() != "LOCKED":
        proc.kill()
        raise RuntimeError(f"the locker did not start: {line!r}")
    return proc


def release(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


@contextlib.contextmanager
def locked(path: Path, mode: str = "exclusive", seconds: float = 60) -> Iterator[None]:
    """Hold the lock for the duration of a ``with`` block."""
    proc = hold(path, mode, seconds)
    try:
        yield
    finally:
        release(proc)


if __name__ == "__main__":
    main()
