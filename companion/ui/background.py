"""One way to run short jobs off the GUI thread: backups, exports, downloads, file checks.

Like Anki's ``QueryOp``: a function runs on Qt's thread pool with a ``JobContext``
(progress, status, cancel); its result or its error comes back on the GUI thread.
A failure is never dropped: without an ``on_failure`` it is shown in the window's
status bar (known problems as one line; anything else also logged with its
traceback, since it is a bug). The model has its own worker (``inference.py``).

    op = run_in_background(self, lambda ctx: write(plan), on_success=self.done)
    op.progress.connect(bar.setValue)   # optional: the job starts after this turn of the
    op.cancel()                         # event loop, so no early report is missed
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QWidget

from companion.errors import known_errors, one_line
from companion.jobs import Cancelled, JobContext

log = logging.getLogger(__name__)
_running: set[BackgroundOp] = set()  # kept alive until they report


class BackgroundOp(QObject):
    succeeded = Signal(object)
    failed = Signal(str)  # one line for the learner
    cancelled = Signal()
    progress = Signal(int, int)  # done, total (total 0: unknown)
    status = Signal(str)
    reported = Signal(object)  # a job's own progress record
    ended = Signal()  # after any of succeeded / failed / cancelled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = JobContext(progress=self.progress.emit, status=self.status.emit,
                              report=self.reported.emit)
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self.ctx.cancel()

    @property
    def is_cancelled(self) -> bool:
        return self.ctx.cancelled


class _Runnable(QRunnable):
    def __init__(self, op: BackgroundOp, fn: Callable[[JobContext], Any]) -> None:
        super().__init__()
        self.op, self.fn = op, fn
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        op = self.op
        try:
            result = self.fn(op.ctx)
        except Cancelled:
            _tell(op.cancelled)
        except Exception as exc:  # reported on the GUI thread, never raised into Qt
            op.error = exc
            if not isinstance(exc, known_errors()):
                log.error("background job failed:\n%s", traceback.format_exc())
            if op.ctx.cancelled:
                _tell(op.cancelled)
            else:
                _tell(op.failed, one_line(exc))
        else:
            if op.ctx.cancelled and result is None:
                _tell(op.cancelled)
            else:
                _tell(op.succeeded, result)
        _tell(op.ended)


def _tell(signal, *args: object) -> None:
    """Emit, unless the app is already gone (quit while the job ran): nobody is left to tell."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        log.debug("a background job finished after its window closed")


def run_in_background(parent: QObject | None, fn: Callable[[JobContext], Any],
                      on_success: Callable[[Any], object] | None = None,
                      on_failure: Callable[[str], object] | None = None,
                      on_cancelled: Callable[[], object] | None = None) -> BackgroundOp:
    """Run ``fn(ctx)`` on the thread pool; callbacks run on the GUI thread."""
    op = BackgroundOp()
    _running.add(op)
    if on_success is not None:
        op.succeeded.connect(on_success)
    op.failed.connect(on_failure if on_failure is not None else _show_failure(parent))
    if on_cancelled is not None:
        op.cancelled.connect(on_cancelled)
    op.ended.connect(lambda: _running.discard(op))
    # started on the next turn of the event loop: a caller connects op.progress/reported/
    # status right after this returns, and a queued signal emitted before that would be
    # lost (seen: a restore list stuck on "Counting…" about one run in seven)
    runnable = _Runnable(op, fn)
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(runnable))
    return op


def _show_failure(parent: QObject | None) -> Callable[[str], None]:
    def show(message: str) -> None:
        window = parent.window() if isinstance(parent, QWidget) else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(f"Something went wrong: {message}", 15000)
        else:
            log.error("background job failed: %s", message)

    return show


def wait_for_all(msecs: int = 30000) -> bool:
    """Let running jobs finish (at quit), so none is cut off mid-write."""
    return QThreadPool.globalInstance().waitForDone(msecs)
