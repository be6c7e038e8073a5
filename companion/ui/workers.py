"""Running slow calls off the GUI thread.

``run_in_background`` is for one-shot jobs (backups, exports, downloads): the
callable runs on Qt's thread pool and its result or error comes back as a
signal on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()
        self.setAutoDelete(True)

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported to the learner as one line, never raised in Qt
            self.signals.failed.emit(str(exc).splitlines()[0] if str(exc) else repr(exc))
        else:
            self.signals.done.emit(result)


_alive: set[JobSignals] = set()


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[str], None] | None = None) -> JobSignals:
    job = Job(fn)
    signals = job.signals
    _alive.add(signals)  # keep the signal object alive until the job reports
    if on_done:
        signals.done.connect(on_done)
    if on_failed:
        signals.failed.connect(on_failed)
    signals.done.connect(lambda _=None: _alive.discard(signals))
    signals.failed.connect(lambda _=None: _alive.discard(signals))
    QThreadPool.globalInstance().start(job)
    return signals
