"""Real small and read-only file systems for fault tests (tmpfs mounts; needs root).

A full disk and a read-only folder are hard to fake faithfully: SQLite reports them
through different error codes depending on which file (database, ``-wal``, ``-shm``,
journal) it was writing. So these helpers mount a real tmpfs of a few hundred KB
inside the test's temporary folder and unmount it afterwards. Where mounting is not
allowed (not root, a container without CAP_SYS_ADMIN) the tests that need them skip.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def can_mount() -> bool:
    return os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def small_disk(path: Path, size_kb: int = 512) -> Iterator[Path]:
    """A fresh tmpfs of ``size_kb`` KB mounted at ``path`` for the duration."""
    if not can_mount():
        pytest.skip("mounting a small file system needs root")
    path.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path))
    except (subprocess.CalledProcessError, OSError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


def make_read_only(path: Path) -> None:
    """Remount the small disk at ``path`` read-only (root ignores chmod, not this)."""
    _mount("-o", "remount,ro", str(path))


def make_writable(path: Path) -> None:
    _mount("-o", "remount,rw", str(path))


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding ``folder`` until at most ``leave`` bytes are free."""
    filler = folder / "filler.bin"
    block = b"\0" * 4096
    with filler.open("ab") as handle:
        while True:
            free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
            if free <= leave:
                break
            try:
                handle.write(block[: max(1, min(len(block), free - leave))])
                handle.flush()
            except OSError:
                break
    return filler
