"""Downloading a catalog model from the Hugging Face Hub: progress, resume, verification.

We ask huggingface_hub for the file's metadata first, because that is where the hub
states the SHA-256 and size of the exact file at the pinned commit, then stream the
bytes ourselves (``download_stream.py``, on the hub's own HTTP session) into
``models/.partial/<sha256>.part``. That partial survives a crash or a lost
connection, so the next attempt continues where the last one stopped. Only a file
whose SHA-256 matches, and which then passes the safe-loading check, is moved
(atomically) into the models folder. Cancel discards the partial: the learner asked
to stop, not to pause.

The stream is ours, not huggingface_hub's ``http_get``, because that one had no
stall limit (a server sending a byte every 5 s kept it waiting forever), checked
Cancel only every 10 MB, retried for minutes, and wrote whatever body came back with
a 200 (an HTML sign-in page became the start of the partial file).
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
from urllib.parse import urlsplit

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

    def describe(self) -> str:
        """One line for a progress label (the dialog's and the tutor's suggestion alike)."""
        from companion.tutor.catalog import human

        if self.phase == "check":
            return "Test-loading the model…"
        if self.phase == "verify":
            return f"Checking SHA-256… {self.fraction * 100:.0f}%"
        text = f"{human(self.done)} of {human(self.total)}"
        if self.speed:
            text += f" · {human(self.speed)}/s"
        if self.eta_s is not None:
            text += f" · {int(self.eta_s) // 60}:{int(self.eta_s) % 60:02d} left"
        return text


ProgressCallback = Callable[[Progress], None]


def partial_dir() -> Path:
    folder = paths.models_dir() / ".partial"
    folder.mkdir(exist_ok=True)
    return folder


def check_endpoint_setting() -> None:
    """Refuse a malformed ``HF_ENDPOINT`` in words, before huggingface_hub reads it.

    huggingface_hub fails at import on e.g. ``http://127.0.0.1:notaport`` with "Port
    could not be cast to integer value", which tells a learner nothing.
    """
    value = os.environ.get("HF_ENDPOINT")
    if not value:
        return
    problem = ""
    try:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https"):
            problem = "it must start with http:// or https://"
        elif not parts.hostname:
            problem = "it names no server"
        else:
            parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError as exc:
        problem = "its port is not a number" if "port" in str(exc).lower() else str(exc)
    if problem:
        raise DownloadError(f"HF_ENDPOINT={value!r} is not a usable hub address: {problem}. "
                            "Fix it or unset it to use huggingface.co.")


def endpoint() -> str:
    """The hub to use; ``HF_ENDPOINT`` is read now, not when huggingface_hub was imported."""
    check_endpoint_setting()
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def offline() -> bool:
    check_endpoint_setting()
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
    from companion.tutor.download_stream import (
        Stalled,
        StreamCancelled,
        StreamRefused,
        stream_into,
    )

    part = partial_dir() / f"{sha256}.part"
    if part.exists() and part.stat().st_size > size:
        part.unlink()  # longer than the real file: cannot be a prefix of it
    have = part.stat().st_size if part.exists() else 0
    free = shutil.disk_usage(part.parent).free
    if free < size - have:
        raise DownloadError(f"Not enough free disk space for {entry.name}: it needs "
                            f"{(size - have) / 1e9:.1f} GB, {free / 1e9:.1f} GB are free.")
    meter = _Meter(report, cancel, size, have)
    try:
        _resuming(lambda start: stream_into(url, part, start, size, meter.update, cancel),
                  part, size)
    except StreamCancelled:
        part.unlink(missing_ok=True)
        raise DownloadCancelled("Download cancelled.") from None
    except Stalled as exc:  # the partial is kept: the next attempt resumes from it
        raise DownloadError(f"The download of {entry.name} stalled: {exc}. What arrived is "
                            "kept; try again later to resume where it stopped.") from None
    except StreamRefused as exc:  # nothing of that response was written
        raise DownloadError(f"The download of {entry.name} was refused: {exc}") from None
    except OSError as exc:
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


RESUMES = 5  # a dropped connection is resumed this many times while each try makes progress


def _resuming(fetch: Callable[[int], None], part: Path, size: int) -> None:
    """Call ``fetch(start)`` until the partial is complete; resume after a dropped connection."""
    from companion.tutor.download_stream import StreamFailed

    tries = 0
    while True:
        have = part.stat().st_size if part.exists() else 0
        if have >= size:
            return
        try:
            fetch(have)
            return
        except StreamFailed:
            now = part.stat().st_size if part.exists() else 0
            tries += 1
            if now <= have or tries > RESUMES:
                raise  # no progress, or too many drops: tell the learner


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


class _Meter:
    """Turns bytes received into Progress reports (speed, time left) and honours Cancel.

    If the listener itself fails (its window was closed while the app quits), the
    download stops as if cancelled instead of failing with a Qt error.
    """

    def __init__(self, report: ProgressCallback, cancel: threading.Event, size: int,
                 initial: int) -> None:
        self.report, self.cancel, self.size = report, cancel, size
        self.initial = self.done = initial
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        step = max(1, self.size // 200)  # half a percent
        if now - self.last < 0.1 and done - self.done < step and done < self.size:
            return  # ten reports a second (or one per half percent) are plenty for a bar
        self.last, self.done = now, done
        elapsed = now - self.started
        fresh = done - self.initial
        speed = fresh / elapsed if elapsed > 0 and fresh > 0 else 0.0
        eta = (self.size - done) / speed if speed else None
        try:
            self.report(Progress("download", done, self.size, speed, eta))
        except RuntimeError:  # "Signal source has been deleted": nobody is listening any more
            self.cancel.set()
