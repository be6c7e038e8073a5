"""The one inference worker: a QObject on its own QThread that owns the Engine.

A ``Llama`` is not thread-safe, so every use of the model goes through this
worker as a *job*: a plain function ``job(engine, cancel, emit) -> result``
that runs on the worker thread. ``emit(text)`` streams text back to the GUI;
``cancel`` is a ``threading.Event`` the job checks between tokens. Jobs run one
at a time, in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from companion.tutor.engine import Engine, ModelError

Job = Callable[[Engine, threading.Event, Callable[[str], None]], Any]
FLUSH_MS = 40  # tokens reach the view in batches, not one repaint per token


class _Worker(QObject):
    token = Signal(int, str)  # job id, text
    finished = Signal(int, object)
    failed = Signal(int, str)
    loaded = Signal(str, str)  # model name, path
    loadFailed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.engine: Engine | None = None

    @Slot(str)
    def load(self, path: str) -> None:
        try:
            if self.engine is not None:
                self.engine.close()
                self.engine = None
            self.engine = Engine(Path(path))
        except ModelError as exc:
            self.loadFailed.emit(str(exc))
        except Exception as exc:  # never let a bad file take the app down
            self.loadFailed.emit(f"Could not load the model: {exc}")
        else:
            self.loaded.emit(self.engine.name, path)

    @Slot(int, object, object)
    def run(self, job_id: int, job: Job, cancel: threading.Event) -> None:
        if self.engine is None:
            self.failed.emit(job_id, "The tutor model is not loaded.")
            return
        try:
            result = job(self.engine, cancel, lambda text: self.token.emit(job_id, text))
        except ModelError as exc:
            self.failed.emit(job_id, str(exc))
        except Exception as exc:
            self.failed.emit(job_id, f"The tutor stopped with an error: {exc}")
        else:
            self.finished.emit(job_id, result)


class Inference(QObject):
    """GUI-side handle: submit jobs, receive batched text and results as signals."""

    text = Signal(int, str)  # job id, batched text
    finished = Signal(int, object)
    failed = Signal(int, str)
    modelReady = Signal(str, str)  # name, path
    modelFailed = Signal(str)
    _load = Signal(str)
    _run = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("inference")
        self.worker = _Worker()
        self.worker.moveToThread(self.thread)
        self._load.connect(self.worker.load)
        self._run.connect(self.worker.run)
        self.worker.token.connect(self._buffer)
        self.worker.finished.connect(self._finish)
        self.worker.failed.connect(self._fail)
        self.worker.loaded.connect(self._loaded)
        self.worker.loadFailed.connect(self._load_failed)
        self.thread.start()
        self.model_name = ""
        self.model_path = ""
        self.ready = False
        self._next_id = 0
        self._cancels: dict[int, threading.Event] = {}
        self._pending: dict[int, list[str]] = {}
        self._flush = QTimer(self, interval=FLUSH_MS)
        self._flush.timeout.connect(self.flush)

    def load(self, path: Path | str) -> None:
        self.ready = False
        self._load.emit(str(path))

    def submit(self, job: Job) -> int:
        self._next_id += 1
        cancel = threading.Event()
        self._cancels[self._next_id] = cancel
        self._run.emit(self._next_id, job, cancel)
        return self._next_id

    def cancel(self, job_id: int) -> None:
        event = self._cancels.get(job_id)
        if event is not None:
            event.set()

    def cancel_all(self) -> None:
        for event in self._cancels.values():
            event.set()

    def busy(self) -> bool:
        return bool(self._cancels)

    # ----- worker -> GUI -----------------------------------------------------------------
    @Slot(int, str)
    def _buffer(self, job_id: int, text: str) -> None:
        self._pending.setdefault(job_id, []).append(text)
        if not self._flush.isActive():
            self._flush.start()

    @Slot()
    def flush(self) -> None:
        pending, self._pending = self._pending, {}
        for job_id, pieces in pending.items():
            self.text.emit(job_id, "".join(pieces))
        if not self._pending:
            self._flush.stop()

    @Slot(int, object)
    def _finish(self, job_id: int, result: object) -> None:
        self.flush()
        self._cancels.pop(job_id, None)
        self.finished.emit(job_id, result)

    @Slot(int, str)
    def _fail(self, job_id: int, message: str) -> None:
        self.flush()
        self._cancels.pop(job_id, None)
        self.failed.emit(job_id, message)

    @Slot(str, str)
    def _loaded(self, name: str, path: str) -> None:
        self.model_name, self.model_path, self.ready = name, path, True
        self.modelReady.emit(name, path)

    @Slot(str)
    def _load_failed(self, message: str) -> None:
        self.ready = False
        self.modelFailed.emit(message)

    def shutdown(self) -> None:
        """Stop generating and end the thread (the engine is freed with the worker)."""
        if not self.thread.isRunning():
            return
        self.cancel_all()
        self.thread.quit()
        self.thread.wait(30000)
