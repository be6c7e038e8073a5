"""The curated list of tutor models a learner can download, and whether each fits this machine.

The list lives in ``models/catalog.toml`` beside the app so it can be updated without
touching code; it is validated as it is loaded, because a typo there would otherwise
surface as a confusing download failure on a learner's machine.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from companion import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the app targets 3.11, pyproject allows 3.10
    import tomli as tomllib

GIB = 1024**3
PURPOSES = ("chat", "code")
FIT_MARGIN = 1.25  # "fits" leaves a quarter to spare for the OS, the app and the lessons

_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_REPO = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class CatalogError(Exception):
    """The catalog file is unusable; the message names the entry and the field."""


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    repo: str
    file: str
    revision: str
    size: int
    quantization: str
    license: str
    min_ram_gb: float
    purpose: str
    sha256: str | None = None
    bundled: bool = False
    about: str = ""

    @property
    def download_path(self) -> Path:
        """Where a download of this entry is installed."""
        return paths.models_dir() / self.file

    def installed_path(self) -> Path | None:
        """The local copy, if any: a download first, else the copy shipped with the app."""
        if self.download_path.is_file():
            return self.download_path
        if self.bundled:
            from companion.tutor.model_files import bundled_model_path

            bundled = bundled_model_path()
            if bundled is not None and bundled.name == self.file and bundled.is_file():
                return bundled
        return None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "repo": self.repo, "file": self.file,
                "revision": self.revision, "size": self.size, "sha256": self.sha256,
                "quantization": self.quantization, "license": self.license,
                "min_ram_gb": self.min_ram_gb, "purpose": self.purpose, "bundled": self.bundled}


def catalog_path() -> Path:
    """``models/catalog.toml`` beside the app (checkout, bundle), else the wheel's copy."""
    beside = paths.app_dir() / "models" / "catalog.toml"
    if beside.is_file():
        return beside
    return Path(str(resources.files("companion.model_catalog").joinpath("catalog.toml")))


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """All catalog entries, validated; raises CatalogError with a one-line reason."""
    if path is None:
        return list(_default_catalog())
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _default_catalog() -> tuple[CatalogEntry, ...]:
    return tuple(_load(catalog_path()))


def find(entry_id: str, entries: list[CatalogEntry] | None = None) -> CatalogEntry | None:
    for entry in entries if entries is not None else load_catalog():
        if entry.id == entry_id:
            return entry
    return None


def _load(path: Path) -> list[CatalogEntry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"The model catalog is missing: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"The model catalog {path.name} cannot be read: {exc}") from None
    if data.get("schema") != 1:
        raise CatalogError(f"{path.name}: unknown schema {data.get('schema')!r} (expected 1).")
    raw = data.get("model")
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"{path.name}: no [[model]] entries.")
    entries: list[CatalogEntry] = []
    for number, item in enumerate(raw, 1):
        entry = _entry(item, f"{path.name}: model #{number}")
        if any(e.id == entry.id for e in entries):
            raise CatalogError(f"{path.name}: model #{number}: duplicate id {entry.id!r}.")
        entries.append(entry)
    return entries


def _entry(item: Any, where: str) -> CatalogEntry:
    if not isinstance(item, dict):
        raise CatalogError(f"{where}: not a table.")
    where = f"{where} ({item['id']})" if isinstance(item.get("id"), str) else where

    def text(key: str, pattern: re.Pattern[str] | None = None, required: bool = True) -> str:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise CatalogError(f"{where}: '{key}' must be a non-empty string.")
        if pattern is not None and not pattern.match(value):
            raise CatalogError(f"{where}: '{key}' has an invalid value {value!r}.")
        return value

    size = item.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise CatalogError(f"{where}: 'size' must be a positive whole number of bytes.")
    ram = item.get("min_ram_gb")
    if not isinstance(ram, (int, float)) or isinstance(ram, bool) or ram <= 0:
        raise CatalogError(f"{where}: 'min_ram_gb' must be a positive number.")
    purpose = text("purpose")
    if purpose not in PURPOSES:
        raise CatalogError(f"{where}: 'purpose' must be one of {', '.join(PURPOSES)}.")
    file = text("file")
    if not file.endswith(".gguf") or "/" in file or "\\" in file or file.startswith("."):
        raise CatalogError(f"{where}: 'file' must be a plain file name ending in .gguf.")
    revision = text("revision")
    if revision != "main" and not _COMMIT.match(revision):
        raise CatalogError(f"{where}: 'revision' must be a 40-hex commit or 'main'.")
    sha256 = item.get("sha256")
    if sha256 is not None and (not isinstance(sha256, str) or not _SHA256.match(sha256)):
        raise CatalogError(f"{where}: 'sha256' must be 64 lowercase hex digits.")
    bundled = item.get("bundled", False)
    if not isinstance(bundled, bool):
        raise CatalogError(f"{where}: 'bundled' must be true or false.")
    return CatalogEntry(
        id=text("id", _ID), name=text("name"), repo=text("repo", _REPO), file=file,
        revision=revision, size=size, quantization=text("quantization"),
        license=text("license"), min_ram_gb=float(ram), purpose=purpose, sha256=sha256,
        bundled=bundled, about=text("about", required=False),
    )


# ----- does it fit? ------------------------------------------------------------------------
def available_ram() -> int | None:
    """Bytes of memory free for a new model right now, or None if this OS will not say."""
    try:
        import psutil  # optional: the most accurate answer on every OS

        return int(psutil.virtual_memory().available)
    except ImportError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if sys.platform == "win32":
        return _windows_available()
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def _windows_available() -> int | None:  # pragma: no cover - exercised on Windows only
    import ctypes

    class MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong),
                    ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong),
                    ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = MemoryStatus()
    status.dwLength = ctypes.sizeof(MemoryStatus)
    if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return int(status.ullAvailPhys)
    return None


def fit(entry: CatalogEntry, available: int | None) -> str:
    """'fits', 'tight', 'too big', or 'unknown', against ``available`` bytes of free RAM."""
    if available is None:
        return "unknown"
    need = entry.min_ram_gb * GIB
    if available >= need * FIT_MARGIN:
        return "fits"
    if available >= need:
        return "tight"
    return "too big"


def human(n: float | None) -> str:
    """Sizes the way the hub shows them: decimal kB, MB, GB."""
    if n is None:
        return "?"
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000:
            return f"{n:.0f} {unit}" if unit in ("B", "kB") else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


# ----- a stronger model, suggested -----------------------------------------------------------
ASSUMED_SPEED = 10_000_000  # bytes/s (80 Mbit/s broadband) for the download-time estimate


@dataclass(frozen=True)
class Suggestion:
    """The catalog model to suggest instead of the built-in one, and what it costs."""

    entry: CatalogEntry
    free_ram: int
    installed: bool  # already downloaded: one click uses it

    def download_seconds(self, speed: float = ASSUMED_SPEED) -> float:
        return self.entry.size / speed

    def download_estimate(self, speed: float = ASSUMED_SPEED) -> str:
        """``about 2 min at 10 MB/s``: a rough figure, said as one."""
        seconds = self.download_seconds(speed)
        took = f"{max(1, round(seconds / 60))} min" if seconds >= 90 else \
            f"{max(5, round(seconds / 5) * 5)} s"
        return f"about {took} at {human(speed)}/s"


def suggest(entries: list[CatalogEntry], available: int | None) -> Suggestion | None:
    """The biggest chat model that comfortably fits the free memory (none if none does).

    "Comfortably" is ``fit() == 'fits'``: a quarter to spare, so a learner who follows
    the suggestion does not end up with a machine that swaps.
    """
    if available is None:
        return None
    fitting = [e for e in entries if e.purpose == "chat" and not e.bundled
               and fit(e, available) == "fits"]
    if not fitting:
        return None
    best = max(fitting, key=lambda e: (e.min_ram_gb, e.size))
    return Suggestion(best, available, best.download_path.is_file())
