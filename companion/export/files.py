"""Safe file writing: atomic replace and names that cannot escape their folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pathvalidate import sanitize_filename

MAX_NAME = 120


class ExportError(Exception):
    """A one-line reason an export could not be written."""


def safe_name(title: str, fallback: str = "untitled") -> str:
    """A file name (no extension) that is valid on Windows, macOS and Linux.

    Path separators and ``..`` are removed, reserved names such as ``CON`` get a
    suffix, and the result is cut to a length every file system accepts.
    """
    cleaned = title.replace("/", " ").replace("\\", " ")
    name = sanitize_filename(cleaned, platform="universal", max_len=MAX_NAME).strip(" .")
    name = sanitize_filename(name, platform="universal", max_len=MAX_NAME)
    return name or fallback


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}") from exc


def free_path(path: Path) -> Path:
    """``path`` if it does not exist, else ``name (2).md``, ``name (3).md``, ..."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1
