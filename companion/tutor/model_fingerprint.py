"""What a model file is, cheaply: a content fingerprint, its layout, and the shipped hash.

The verdict of a model check is only worth remembering if we can tell, before each
load, that the file is still the one that was checked. Size and modification time
are not enough: a file overwritten in place with a bad GGUF of the same size, its
mtime put back, crashed the app (SIGABRT) at every start because its old "passed"
verdict was trusted. So a verdict is tied to a fingerprint: size, mtime, and a hash
of the whole GGUF header (metadata and tensor table, where every crash-prone value
lives) plus evenly spaced blocks of the weights and the last block. For SmolLM2 that
is about 3 MB read, a few milliseconds from the page cache.

``layout`` also finds where the header and the last tensor end, so a file with a
large tail after its weights (10 GB of zeros in one trial) is refused rather than
imported and copied whole.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

HEAD_MIN = 1 << 20  # always hash at least the first MiB
SAMPLE = 64 << 10
SAMPLES = 16


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    head: int  # bytes hashed from the start (the header, at least HEAD_MIN)
    digest: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(path: Path, head: int = HEAD_MIN) -> Fingerprint:
    """Hash the first ``head`` bytes, SAMPLES evenly spaced blocks after them and the end."""
    path = Path(path)
    stat = path.stat()
    size = stat.st_size
    head = min(size, max(head, HEAD_MIN))
    digest = hashlib.blake2b(digest_size=20)
    with path.open("rb") as handle:
        remaining = head
        while remaining:
            block = handle.read(min(remaining, 1 << 20))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
        rest = size - head
        offsets = [head + rest * i // SAMPLES for i in range(SAMPLES)] if rest > 0 else []
        offsets.append(max(head, size - SAMPLE))
        for offset in offsets:
            handle.seek(offset)
            digest.update(handle.read(SAMPLE))
    return Fingerprint(size, stat.st_mtime_ns, head, digest.hexdigest())


def matches(path: Path, stored: dict[str, Any] | None) -> bool:
    """True if ``path`` still has the fingerprint ``stored`` (a ``to_json`` dict)."""
    if not isinstance(stored, dict):
        return False
    try:
        stat = Path(path).stat()
        if stat.st_size != stored.get("size") or stat.st_mtime_ns != stored.get("mtime_ns"):
            return False  # changed for sure, no need to read anything
        return fingerprint(path, int(stored.get("head", HEAD_MIN))).digest == stored.get("digest")
    except (OSError, TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Layout:
    header_end: int  # where the tensor data starts
    data_end: int  # where the last tensor ends
    alignment: int


def layout(path: Path) -> Layout:
    """Where the header and the weights end (the file must already pass ``inspect_gguf``)."""
    from companion.tutor.model_files import _bounded_reader

    reader = _bounded_reader()(Path(path))
    try:
        end = max((int(t.data_offset) + int(t.n_bytes) for t in reader.tensors),
                  default=int(reader.data_offset))
        return Layout(int(reader.data_offset), end, int(reader.alignment or 32))
    finally:
        del reader  # release the memory map


def shipped_intact(path: Path, package: str) -> bool | None:
    """Whether ``path`` still matches the SHA-256 its wheel recorded (None if unknown)."""
    try:
        files = metadata.distribution(package).files or []
    except metadata.PackageNotFoundError:
        return None
    resolved = Path(path).resolve()
    for record in files:
        if record.hash is None or record.hash.mode != "sha256":
            continue
        try:
            if Path(record.locate()).resolve() != resolved:
                continue
        except OSError:
            continue
        digest = hashlib.sha256()
        with resolved.open("rb") as handle:
            for block in iter(lambda: handle.read(8 << 20), b""):
                digest.update(block)
        expected = record.hash.value
        actual = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
        return actual == expected
    return None
