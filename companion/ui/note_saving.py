"""Saving notes without freezing the window, loudly when it fails, never dropping the text.

A save can be slow (fsync on a busy disk) or fail (another program holds the file,
the folder became read-only, the disk is full). Saving on the GUI thread with a 10 s
busy timeout froze the window for 10 s per attempt, and a failure only showed in the
status bar. Now:

* a save is tried at once on the GUI thread only while saves are quick: it waits at
  most ``INLINE_BUSY_MS`` for a lock, so the window never stalls for long, and when it
  is done the note is in the database (switching days, then reading, just works);
* a save that fails or is slow moves to the thread pool, where saves then run one
  at a time (newer text for a day replaces older queued text) until they are quick
  again;
* a failed save keeps the text in memory (``unsaved``), writes it to an emergency
  file beside the data (``unsaved-<time>-dayNN.md``; the temp folder if that fails
  too), reports the reason through ``failed`` and is tried again every few seconds;
* the editor's last loaded or saved text goes with every save, so a note changed
  meanwhile by someone else is kept beside ours, not overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QElapsedTimer,
    QEventLoop,
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    Signal,
)

from companion.errors import known_errors, one_line
from companion.services.notes import NoteSave, NoteSaveFailed, NotesService
from companion.ui.background import BackgroundOp

RETRY_MS = 5000
_pool: QThreadPool | None = None
_alive: set[BackgroundOp] = set()  # kept until they report


def notes_pool() -> QThreadPool:
    """Threads for notes only (saves, the preview), so they never queue behind long jobs.

    On the shared pool a tutor warm-up and a download (two threads on a two-core
    machine) would hold a failed save's retry, or the preview, for as long as they run.
    """
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


class _Job(QRunnable):
    def __init__(self, op: BackgroundOp, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.op, self.fn = op, fn
        self.setAutoDelete(True)

    def run(self) -> None:
        op = self.op
        try:
            result = self.fn(op.ctx)
        except Exception as exc:  # reported on the GUI thread as the failure it is
            op.error = exc
            self._tell(op.failed, one_line(exc))
        else:
            self._tell(op.succeeded, result)
        self._tell(op.ended)

    @staticmethod
    def _tell(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the app is shutting down and the listener is gone
            pass


def run_for_notes(fn: Callable[[Any], Any], on_success: Callable[[Any], object],
                  on_failure: Callable[[str], object]) -> BackgroundOp:
    """``run_in_background`` for notes work, on ``notes_pool``; callbacks on the GUI thread."""
    op = BackgroundOp()
    _alive.add(op)
    op.succeeded.connect(on_success)
    op.failed.connect(on_failure)
    op.ended.connect(lambda: _alive.discard(op))
    notes_pool().start(_Job(op, fn))
    return op


def wait_for_notes(msecs: int) -> bool:
    """At quit: let a running save finish."""
    return notes_pool().waitForDone(msecs)

INLINE_BUSY_MS = 60  # the longest a save on the GUI thread waits for another's lock
QUICK_S = 0.1  # a save that takes longer moves the next ones off the GUI thread


def emergency_copy(folder: Path, day: int, text: str, reason: str,
                   name: str | None = None) -> Path | None:
    """Write ``text`` to ``folder/unsaved-<time>-dayNN.md`` (or the temp folder); its path.

    ``name`` reuses the file of an earlier failure of the same note, so retries update
    one file instead of piling up copies.
    """
    name = name or f"unsaved-{dt.datetime.now():%Y%m%d-%H%M%S}-day{day:02d}.md"
    header = (f"<!-- Notes for day {day} that could not be saved to the database "
              f"({reason}). Copy them back into the app. -->\n\n")
    for place in (folder, Path(tempfile.gettempdir())):
        target = place / name
        temp = place / f".{name}.tmp"
        try:
            with temp.open("w", encoding="utf-8") as handle:
                handle.write(header + text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
            return target
        except OSError:
            temp.unlink(missing_ok=True)
    return None


class NoteSaver(QObject):
    saved = Signal(object)  # NoteSave, on the GUI thread
    failed = Signal(int, str, str)  # day, reason, emergency copy ("" if none could be written)

    def __init__(self, notes: NotesService, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notes = notes
        self.folder = folder
        self.inline = True  # saves are quick: do them at once on the GUI thread
        self._queued: dict[int, str] = {}  # day -> newest text not yet handed to a worker
        self._failed: dict[int, str] = {}  # day -> text whose last save failed
        self._copies: dict[int, Path] = {}  # day -> its emergency copy
        self._known: dict[int, str] = {}  # day -> the stored text as this editor last saw it
        self._running: tuple[int, str] | None = None
        self._op: BackgroundOp | None = None
        self.last_error = ""
        self._retry = QTimer(self, singleShot=True, interval=RETRY_MS)
        self._retry.timeout.connect(self.retry)

    # ----- what the editor tells us -------------------------------------------------------
    def loaded(self, day: int, stored: str) -> None:
        """The editor showed ``stored`` from the database for ``day``."""
        if day not in self.unsaved():
            self._known[day] = stored

    def forget(self) -> None:
        """The whole database was replaced (a restore): what we knew about it is void."""
        self._known.clear()

    def save(self, day: int, text: str) -> None:
        self._failed.pop(day, None)
        if self.inline and not self.busy() and not self._failed:
            self._save_inline(day, text)
            return
        self._queued[day] = text
        self._next()

    def retry(self) -> None:
        """Try every failed save again (the banner's Retry, or the timer)."""
        for day, text in list(self._failed.items()):
            self._queued.setdefault(day, text)
        self._failed.clear()
        self._next()

    # ----- what the window asks --------------------------------------------------------------
    def unsaved(self) -> dict[int, str]:
        """Every day whose latest text is not in the database yet (queued, running, failed)."""
        texts = dict(self._failed)
        if self._running is not None:
            texts.setdefault(*self._running)
        texts.update(self._queued)
        return texts

    def unsaved_text(self, day: int) -> str | None:
        return self.unsaved().get(day)

    def copy_of(self, day: int) -> Path | None:
        return self._copies.get(day)

    def failing(self) -> bool:
        """True while some day's last save attempt failed."""
        return bool(self._failed)

    def discard(self) -> None:
        """Give up on unsaved text (a restore replaced everything); emergency copies stay."""
        self._queued.clear()
        self._failed.clear()
        self._retry.stop()
        self.last_error = ""

    def busy(self) -> bool:
        return self._running is not None or bool(self._queued)

    def wait(self, msecs: int) -> bool:
        """Let queued and running saves finish (at close); True if nothing is left unsaved."""
        clock = QElapsedTimer()
        clock.start()
        while self.busy() and clock.elapsed() < msecs:
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return not self.unsaved()

    # ----- the work ----------------------------------------------------------------------------
    def _save_inline(self, day: int, text: str) -> None:
        started = time.monotonic()
        try:
            result = self.notes.save_checked(day, text, self._known.get(day), INLINE_BUSY_MS)
        except known_errors():  # locked, read-only, full...: the worker retries and reports
            self.inline = False
            self._queued[day] = text
            self._next()
            return
        self.inline = time.monotonic() - started < QUICK_S
        self._done(result)

    def _next(self) -> None:
        if self._running is not None or not self._queued:
            return
        day = next(iter(self._queued))
        text = self._queued.pop(day)
        self._running = (day, text)
        expected = self._known.get(day)
        copy_name = self._copies[day].name if day in self._copies else None
        notes, folder = self.notes, self.folder

        def job(_ctx) -> tuple[NoteSave, float]:
            started = time.monotonic()
            try:
                return notes.save_checked(day, text, expected), time.monotonic() - started
            except Exception as exc:
                reason = notes.reason(exc)
                raise NoteSaveFailed(reason, emergency_copy(folder, day, text, reason,
                                                            copy_name)) from exc

        # bound methods, not lambdas: Qt drops them if the saver is gone when the job ends
        self._op = run_for_notes(job, self._worker_done, self._fail)

    def _worker_done(self, outcome: tuple[NoteSave, float]) -> None:
        result, took = outcome
        self._running = None
        self.inline = took < QUICK_S and not self._queued
        self._done(result)

    def _done(self, result: NoteSave) -> None:
        self._known[result.day] = result.body
        if result.conflict and result.day in self._queued:  # typed meanwhile: keep theirs too
            self._queued[result.day] = result.keep_both(self._queued[result.day])
        copy = self._copies.pop(result.day, None)
        if copy is not None:
            copy.unlink(missing_ok=True)  # the database has this text (or newer) now
        if not self._failed:
            self._retry.stop()
            self.last_error = ""
        self.notes.saved(result)
        self.saved.emit(result)
        self._next()

    def _fail(self, line: str) -> None:
        day, text = self._running or (0, "")
        self._running = None
        self.inline = False
        error = self._op.error if self._op is not None else None
        reason = error.reason if isinstance(error, NoteSaveFailed) else line
        copy = error.copy if isinstance(error, NoteSaveFailed) else None
        if copy is not None:
            self._copies[day] = copy
        if day not in self._queued:  # newer text queued meanwhile supersedes this one
            self._failed[day] = text
        self.last_error = reason
        self._retry.start()
        self.failed.emit(day, reason, str(copy or ""))
        self._next()
