"""Downloading a catalog model with huggingface_hub: progress, resume, verification.

huggingface_hub does all the HTTP (headers, redirects to the CDN, retries with a
Range request when a connection drops mid-way). We ask it for the file's metadata
first, because that is where the hub states the SHA-256 and size of the exact file
at the pinned commit, then stream the bytes into ``models/.partial/<sha256>.part``.
That partial survives a crash or a lost connection, so the next attempt continues
where the last one stopped. Only a file whose SHA-256 matches, and which then passes
the safe-loading check, is moved (atomically) into the models folder. Cancel
discards the partial: the learner asked to stop, not to pause.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from companion import __version__, paths
from companion.tutor import model_check
from companion.tutor.catalog import CatalogEntry
from companion.tutor.model_files import ModelInfo

# Before huggingface_hub is imported: no user-agent telemetry, which in hub 2.x includes a
# request to the hub's agent registry. An offline study app should only fetch what it must.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
METADATA_TIMEOUT_S = 15.0
_active: set[str] = set()
_active_lock = threading.Lock()


class DownloadError(Exception):
    """The download failed; the message says why in one line."""


class DownloadCancelled(DownloadError):
    """The learner pressed Cancel."""


@dataclass(frozen=True)
class Progress:
    phase: str  # "download", "verify" (SHA-256) or "check" (safe loading)
    done: int
    total: int
    speed: float = 0.0  # bytes per second over this session
    eta_s: float | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


ProgressCallback = Callable[[Progress], None]


def partial_dir() -> Path:
    folder = paths.models_dir() / ".partial"
    folder.mkdir(exist_ok=True)
    return folder


def endpoint() -> str:
    """The hub to use; ``HF_ENDPOINT`` is read now, not when huggingface_hub was imported."""
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def offline() -> bool:
    from huggingface_hub import constants

    return constants.is_offline_mode()


def download(entry: CatalogEntry, on_progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None) -> Path:
    """Download, verify and install ``entry``; returns the installed path."""
    report = on_progress or (lambda _p: None)
    cancel = cancel or threading.Event()
    if offline():
        raise DownloadError("Offline mode is on (HF_HUB_OFFLINE), so nothing can be "
                            "downloaded; turn it off to fetch models.")
    target = entry.download_path
    if target.is_file() and target.stat().st_size == entry.size and model_check.is_verified(target):
        return target  # already installed and checked
    url, size, sha256 = _hub_metadata(entry)
    key = str(target)
    with _active_lock:
        if key in _active:
            raise DownloadError(f"{entry.name} is already being downloaded.")
        _active.add(key)
    try:
        return _fetch(entry, url, size, sha256, report, cancel)
    finally:
        with _active_lock:
            _active.discard(key)


def _hub_metadata(entry: CatalogEntry) -> tuple[str, int, str]:
    """(url to fetch, size, sha256) as the hub reports them, checked against the catalog."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    hub = endpoint()
    url = hf_hub_url(entry.repo, entry.file, revision=entry.revision, endpoint=hub)
    try:
        meta = get_hf_file_metadata(url, token=False, timeout=METADATA_TIMEOUT_S,
                                    library_name="llm-study-companion",
                                    library_version=__version__, endpoint=hub)
    except Exception as exc:  # every failure becomes one line the learner can act on
        raise DownloadError(_describe_hub_error(exc, entry, hub)) from None
    sha256 = (meta.etag or "").lower()
    if not _SHA256.match(sha256):
        raise DownloadError(f"The hub did not report a SHA-256 for {entry.file}, so it cannot "
                            "be verified; not downloading it.")
    if entry.sha256 and sha256 != entry.sha256:
        raise DownloadError(f"The hub offers a different {entry.file} than the catalog lists "
                            f"(SHA-256 {sha256[:12]}…, expected {entry.sha256[:12]}…); refusing.")
    if meta.size is not None and meta.size != entry.size:
        raise DownloadError(f"The hub reports {entry.file} as {meta.size:,} bytes but the "
                            f"catalog expects {entry.size:,}; refusing.")
    # a Xet-stored file has no plain CDN location: fetch the resolve URL and follow redirects
    fetch = meta.location if getattr(meta, "xet_file_data", None) is None else url
    return fetch, entry.size, sha256


def _describe_hub_error(exc: Exception, entry: CatalogEntry, hub: str) -> str:
    from huggingface_hub import errors

    if isinstance(exc, errors.OfflineModeIsEnabled):
        return "Offline mode is on (HF_HUB_OFFLINE), so nothing can be downloaded."
    if isinstance(exc, errors.RepositoryNotFoundError):
        return f"The model hub at {hub} has no repository {entry.repo}."
    if isinstance(exc, errors.RevisionNotFoundError):
        return f"{entry.repo} has no revision {entry.revision[:12]} on {hub}."
    if isinstance(exc, errors.RemoteEntryNotFoundError):
        return f"{entry.repo} has no file {entry.file} at revision {entry.revision[:12]}."
    if isinstance(exc, errors.HfHubHTTPError):
        status = getattr(getattr(exc, "response", None), "status_code", "?")
        return f"The model hub at {hub} answered with an error (HTTP {status})."
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"Cannot reach the model hub at {hub} ({reason[:100]}). Check your connection."


def _fetch(entry: CatalogEntry, url: str, size: int, sha256: str,
           report: ProgressCallback, cancel: threading.Event) -> Path:
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils import build_hf_headers

    part = partial_dir() / f"{sha256}.part"
    if part.exists() and part.stat().st_size > size:
        part.unlink()  # longer than the real file: cannot be a prefix of it
    have = part.stat().st_size if part.exists() else 0
    free = shutil.disk_usage(part.parent).free
    if free < size - have:
        raise DownloadError(f"Not enough free disk space for {entry.name}: it needs "
                            f"{(size - have) / 1e9:.1f} GB, {free / 1e9:.1f} GB are free.")
    meter = _meter(report, cancel, size)
    headers = build_hf_headers(token=False, library_name="llm-study-companion",
                               library_version=__version__)
    try:
        with part.open("ab") as handle:
            if have < size:
                http_get(url, handle, resume_size=have, headers=headers, expected_size=size,
                         displayed_filename=entry.file, tqdm_class=meter)
    except DownloadCancelled:
        part.unlink(missing_ok=True)
        raise
    except Exception as exc:  # the partial is kept: the next attempt resumes from it
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DownloadError(f"The download of {entry.name} stopped ({reason[:100]}); "
                            "try again to resume it where it stopped.") from None
    _check_sha256(entry, part, sha256, report, cancel)
    report(Progress("check", 0, 1))
    try:
        info: ModelInfo = model_check.verify(part, record=False)
    except Exception as exc:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{entry.file} downloaded correctly but is not a usable model: "
                            f"{exc}") from None
    if cancel.is_set():  # pressed during the test load: still honoured, nothing installed
        part.unlink(missing_ok=True)
        raise DownloadCancelled("Download cancelled.")
    target = entry.download_path
    os.replace(part, target)
    model_check.remember(target, info, loaded=True)
    report(Progress("check", 1, 1))
    return target


def _check_sha256(entry: CatalogEntry, part: Path, expected: str, report: ProgressCallback,
                  cancel: threading.Event) -> None:
    digest = hashlib.sha256()
    done, total = 0, part.stat().st_size
    with part.open("rb") as handle:
        for block in iter(lambda: handle.read(8 << 20), b""):
            if cancel.is_set():
                part.unlink(missing_ok=True)
                raise DownloadCancelled("Download cancelled.")
            digest.update(block)
            done += len(block)
            report(Progress("verify", done, total))
    actual = digest.hexdigest()
    if actual != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{entry.file} does not match the SHA-256 the hub reports "
                            f"(expected {expected[:12]}…, got {actual[:12]}…); the file was "
                            "deleted. Try again.")


def _meter(report: ProgressCallback, cancel: threading.Event, size: int):
    """A tqdm-compatible class huggingface_hub drives; it reports progress and obeys Cancel."""
    from tqdm.auto import tqdm

    class Meter(tqdm):
        def __init__(self, *args, **kwargs) -> None:
            kwargs.pop("name", None)
            kwargs["disable"] = True  # we draw our own bar; tqdm must print nothing
            self._initial = int(kwargs.get("initial") or 0)
            super().__init__(*args, **kwargs)
            self._done = self._initial
            self._started = time.monotonic()

        def update(self, n: float | None = 1) -> bool | None:
            self._done += int(n or 0)
            elapsed = time.monotonic() - self._started
            fresh = self._done - self._initial
            speed = fresh / elapsed if elapsed > 0 and fresh > 0 else 0.0
            eta = (size - self._done) / speed if speed else None
            report(Progress("download", self._done, size, speed, eta))
            if cancel.is_set():
                raise DownloadCancelled("Download cancelled.")
            return None

    return Meter
