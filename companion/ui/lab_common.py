"""What every Lab tab shares: model jobs, the model it used, a progress row, chart colours.

Model work (tokens, logits) runs as a job on the one inference thread, through
``LabJobs``; numpy and file work runs on the thread pool (``ui/background.py``).
Either way a tab shows a ``Busy`` row (progress and Cancel) while it waits, and the
GUI thread never waits for the model. Charts come from ``ui/plots.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from companion.jobs import Cancelled, JobContext
from companion.lab.model_access import LabModel, for_engine
from companion.tutor.engine import ModelError
from companion.ui.inference import Inference

ModelWork = Callable[[LabModel, JobContext], Any]
ModelFile = Callable[[], tuple[Path, str]]  # the loaded model's GGUF, and a note on why


@dataclass
class _Problem:
    """A job's known failure (bad input, a model problem), carried back as a result."""

    message: str


def _guarded(work: ModelWork):
    def job(engine, ctx: JobContext):
        try:
            model = for_engine(engine)
            return model, work(model, ctx)
        except (ValueError, ModelError) as exc:
            return _Problem(str(exc))
        except Cancelled:
            return _Problem("Stopped.")

    return job


class LabJobs(QObject):
    """Runs Lab work on the inference thread; hands ``(model, result)`` back on the GUI."""

    modelUsed = Signal(str, str)  # model name, note ("" when it is the tutor's own)

    def __init__(self, inference: Inference, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inference = inference
        self._waiting: dict[int, tuple[Callable, Callable]] = {}
        inference.finished.connect(self._finished)
        inference.failed.connect(self._failed)
        inference.progress.connect(self._progress)
        self.progress_for: dict[int, Callable[[int, int], None]] = {}

    def run(self, work: ModelWork, done: Callable[[Any], None],
            failed: Callable[[str], None],
            progress: Callable[[int, int], None] | None = None) -> int | None:
        """Submit ``work``; None (and ``failed`` called) when there is no model to use."""
        if not self.inference.ready:
            failed("The model is not loaded yet: wait for “Tutor: …” in the status bar, "
                   "or choose one in View › Models.")
            return None
        job = self.inference.submit(_guarded(work))
        self._waiting[job] = (done, failed)
        if progress is not None:
            self.progress_for[job] = progress
        return job

    def cancel(self, job: int | None) -> None:
        """Stop ``job``: its tab hears "Stopped." at once; whatever it still returns is
        dropped (a short job may finish anyway, on the model's thread)."""
        if job is None:
            return
        self.inference.cancel(job)
        self.progress_for.pop(job, None)
        waiting = self._waiting.pop(job, None)
        if waiting is not None:
            waiting[1]("Stopped.")

    @Slot(int, object)
    def _finished(self, job: int, result: object) -> None:
        if job not in self._waiting:
            return
        done, failed = self._waiting.pop(job)
        self.progress_for.pop(job, None)
        if isinstance(result, _Problem):
            failed(result.message)
            return
        model, value = result
        self.modelUsed.emit(model.name, model.note)
        done(value)

    @Slot(int, str)
    def _failed(self, job: int, message: str) -> None:
        if job in self._waiting:
            self.progress_for.pop(job, None)
            self._waiting.pop(job)[1](message)

    @Slot(int, int, int)
    def _progress(self, job: int, done: int, total: int) -> None:
        if job in self.progress_for:
            self.progress_for[job](done, total)


def model_file(inference: Inference) -> tuple[Path, str]:
    """The GGUF the loaded model came from, or the bundled one (with why) for a server."""
    from companion.tutor.model_files import bundled_model_path

    where = Path(inference.model_path) if inference.model_path else None
    if where is not None and where.suffix == ".gguf" and where.is_file():
        return where, ""
    bundled = bundled_model_path()
    if bundled is None:
        raise ModelError("The Lab needs a local GGUF model file; choose one in View › Models.")
    if inference.ready:
        return bundled, (f"The tutor runs on {inference.model_name or 'a server'}; this reads "
                         f"the bundled model {bundled.stem} instead.")
    return bundled, ""


def model_path_or_say(model_file: ModelFile, error: QLabel) -> Path | None:
    """The GGUF a file-reading tab should read, or None with the reason shown in one line."""
    try:
        return model_file()[0]
    except Exception as exc:  # noqa: BLE001 - a model problem, shown in one line
        error.setText(str(exc))
        return None


class Busy(QWidget):
    """A progress bar with Cancel, shown only while something runs."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setMaximumHeight(16)
        self.words = QLabel("", self)
        self.cancel_btn = QPushButton("Cancel", self)
        self.cancel_btn.clicked.connect(self.cancelled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.words)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_btn)
        self.hide()

    def start(self, words: str) -> None:
        self.words.setText(words)
        self.bar.setRange(0, 0)  # busy until a first progress arrives
        self.show()

    @Slot(int, int)
    def step(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def stop(self) -> None:
        self.hide()


ACCENT = "#1a73e8"
MUTED = "#9aa0a6"
WARM = "#e8710a"
COLORS = ["#1a73e8", "#e8710a", "#188038", "#a142f4", "#d93025"]


def model_line(name: str, note: str = "") -> str:
    """The line every experiment shows: which model produced what you see."""
    return f"Model: {name}" + (f" — {note}" if note else "")
