"""Course vectors computed once, kept on disk: a fresh process does not re-encode the course.

Encoding every lesson sentence with a real sentence encoder takes tens of seconds on a
busy two-core machine, against milliseconds to read the result back. Each vector is
stored under a digest of its text, in a file named after a digest of the encoder's
model files:

- the app ships the vectors of the course as released (``data/course-vectors.npz``),
  so a new install asks its first question at once;
- vectors for sentences edited since then are computed in the background and kept in
  the data folder (``cache/course-vectors-<model>.npz``), so only changed text is
  ever encoded again, and a different model file never reuses another's vectors.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

import numpy as np

from companion.jobs import JobContext

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "data" / "course-vectors.npz"
CHUNK = 16  # texts encoded between two progress reports / cancel checks


class Encoder(Protocol):
    """What the tutor needs from a sentence encoder."""

    name: str

    def fingerprint(self) -> str: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cache_file(model: str, folder: Path | None = None) -> Path:
    """Where this data folder keeps vectors made by the model with digest ``model``."""
    if folder is None:
        from companion.paths import data_dir

        folder = data_dir()
    return folder / "cache" / f"course-vectors-{model[:16]}.npz"


def read(path: Path, model: str) -> dict[str, np.ndarray]:
    """The vectors stored in ``path`` for ``model`` (nothing if absent, damaged or other)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model:
                return {}
            keys = (k.decode() if isinstance(k, bytes) else str(k) for k in data["keys"].tolist())
            return dict(zip(keys,
                            data["vectors"].astype(np.float32), strict=True))
    except FileNotFoundError:
        return {}
    except Exception as exc:  # a damaged cache is rebuilt, never fatal
        log.debug("Ignoring unreadable vector cache %s (%s)", path, exc)
        return {}


def write(path: Path, model: str, vectors: dict[str, np.ndarray]) -> None:
    """Store ``vectors`` atomically (float16: half the size, cosines change by < 0.001)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(vectors)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, model=np.array(model), keys=np.array(keys, dtype="S40"),
                     vectors=np.stack([vectors[k] for k in keys]).astype(np.float16))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; vectors are no secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def embed_cached(encoder: Encoder, texts: list[str], ctx: JobContext | None = None,
                 folder: Path | None = None) -> np.ndarray:
    """Vectors for ``texts``: read from the shipped and cached files, encoding only the rest.

    New vectors are saved to the data folder's cache, also when the job is cancelled
    halfway (what was encoded is kept). A read-only data folder only costs the saving.
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    model = encoder.fingerprint()
    known = read(SHIPPED, model)
    path = cache_file(model, folder)
    known.update(read(path, model))
    wanted = {text_key(t): t for t in texts}
    missing = [k for k in wanted if k not in known]
    if missing:
        ctx = ctx or JobContext()
        ctx.status(f"Reading the course for meaning ({len(missing)} sentences, once)")
        try:
            for start in range(0, len(missing), CHUNK):
                ctx.progress(start, len(missing))
                ctx.check()
                chunk = missing[start:start + CHUNK]
                for key, vector in zip(chunk, encoder.embed([wanted[k] for k in chunk]),
                                       strict=True):
                    known[key] = vector
            ctx.progress(len(missing), len(missing))
        finally:
            _save(path, model, known, set(wanted))
    return np.stack([known[text_key(t)] for t in texts])


def _save(path: Path, model: str, known: dict[str, np.ndarray], wanted: set[str]) -> None:
    """Keep the vectors of the current course text (vectors of old text are dropped)."""
    try:
        write(path, model, {k: v for k, v in known.items() if k in wanted})
    except OSError as exc:
        log.debug("Could not save course vectors to %s (%s)", path, exc)
