"""The one inference worker: a QObject on its own QThread that owns the engine.

A ``Llama`` is not thread-safe, so every use of the model goes through this
worker as a *job*: a plain function ``job(engine, ctx) -> result`` that runs on
the worker thread. ``ctx`` is a ``JobContext``: ``ctx.emit(text)`` streams text,
``ctx.progress(done, total)`` and ``ctx.status(words)`` report what is happening,
and ``ctx.cancel_event`` is set by Stop. Jobs run one at a time, in order.

The engine itself is made on the worker thread too, by a factory (a model file,
a server, or a test fake), so no engine object ever crosses threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from companion.jobs import JobContext
from companion.tutor.engine import Engine, ModelError

Job = Callable[[Engine, JobContext], Any]
EngineFactory = Callable[[], Engine]
FLUSH_MS = 40  # tokens reach the view in batches, not one repaint per token


class _Worker(QObject):
    token = Signal(int, str)  # job id, text
    progress = Signal(int, int, int)  # job id, done, total
    status = Signal(int, str)  # job id, what is happening
    finished = Signal(int, object)
    failed = Signal(int, str)
    loaded = Signal(str, str)  # model name, where it is (path or server)
    loadFailed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.engine: Engine | None = None

    @Slot(object, str)
    def load(self, factory: EngineFactory, where: str) -> None:
        try:
            if self.engine is not None:
                self.engine.close()
                self.engine = None
            self.engine = factory()
        except ModelError as exc:
            self.loadFailed.emit(str(exc))
        except Exception as exc:  # never let a bad file take the app down
            self.loadFailed.emit(f"Could not load the model: {exc}")
        else:
            self.loaded.emit(self.engine.name, where)

    @Slot(int, object, object)
    def run(self, job_id: int, job: Job, cancel: threading.Event) -> None:
        if self.engine is None:
            self.failed.emit(job_id, "The tutor model is not loaded.")
            return
        ctx = JobContext(cancel, emit=lambda text: self.token.emit(job_id, text),
                         progress=lambda done, total: self.progress.emit(job_id, done, total),
                         status=lambda words: self.status.emit(job_id, words))
        try:
            result = job(self.engine, ctx)
        except ModelError as exc:
            self.failed.emit(job_id, str(exc))
        except Exception as exc:
            self.failed.emit(job_id, f"The tutor stopped with an error: {exc}")
        else:
            self.finished.emit(job_id, result)


class Inference(QObject):
    """GUI-side handle: submit jobs, receive batched text and results as signals."""

    text = Signal(int, str)  # job id, batched text
    progress = Signal(int, int, int)  # job id, done, total
    status = Signal(int, str)  # job id, what the job is doing
    finished = Signal(int, object)
    failed = Signal(int, str)
    modelReady = Signal(str, str)  # name, where (path or server)
    modelFailed = Signal(str)
    _load = Signal(object, str)
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
        self.worker.progress.connect(self.progress)
        self.worker.status.connect(self.status)
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
        """Load a GGUF file with llama.cpp (on the worker thread)."""
        from companion.tutor.llama_engine import LlamaEngine

        self.load_engine(lambda: LlamaEngine(Path(path)), str(path))

    def load_engine(self, factory: EngineFactory, where: str) -> None:
        """Make the engine with ``factory`` on the worker thread, replacing the current one."""
        self.ready = False
        self._load.emit(factory, where)

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
