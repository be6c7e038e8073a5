"""Reading a GGUF's header and tensor table once per file, for anatomy and quantisation.

``gguf.GGUFReader`` parses every metadata field (SmolLM2's vocabulary and merges are
~100,000 strings): about 3 s on a busy 2-core machine. The Lab reads the same file for
its anatomy, its tensor list and each quantisation run, so the parsed reader is kept
(it only maps the file; tensor data is read when used) until the file changes.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from companion.tutor.engine import ModelError

_lock = threading.Lock()  # two background jobs may ask for the same file at once


def reader(path: Path | str):
    """A ``gguf.GGUFReader`` for ``path``, parsed once per (file, size, modification)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelError(f"Model file not found: {path}")
    stat = path.stat()
    with _lock:
        return _parsed(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _parsed(path: str, size: int, mtime_ns: int):
    import gguf

    try:
        return gguf.GGUFReader(path)
    except Exception as exc:  # the gguf package raises plain errors for broken files
        raise ModelError(f"{Path(path).name} is not a readable GGUF file ({exc}).") from exc
