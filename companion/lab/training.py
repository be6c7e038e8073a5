"""Experiment 6 around the tiny model: what it trains on, progress, Cancel, its own code.

``tiny_model.py`` is kept free of the app (numpy only) so the learner can read and run
it as lesson code; this module connects it to a ``JobContext`` (a live loss curve,
samples, Cancel) and chooses the training text: the course itself, or the learner's
own notes.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from companion.jobs import JobContext
from companion.lab import tiny_model
from companion.lab.tiny_model import Config, History

MAX_CHARS = 300_000  # plenty for a character model; keeps one epoch quick
REPORT_EVERY = 20  # steps between live updates of the loss curve


@dataclass
class TrainingUpdate:
    """A snapshot for the live view: copies, safe to hand to another thread."""

    step: int
    total: int
    steps: list[int]
    train_loss: list[float]
    val_steps: list[int]
    val_loss: list[float]
    samples: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class TrainingResult:
    source: str
    characters: int
    vocabulary: int
    parameters: int
    config: Config
    history: History
    stopped: bool

    @property
    def first_loss(self) -> float:
        return self.history.train_loss[0]

    @property
    def final_val_loss(self) -> float:
        return self.history.val_loss[-1] if self.history.val_loss else float("nan")

    def to_json(self) -> dict:
        h = self.history
        return {"source": self.source, "characters": self.characters,
                "vocabulary": self.vocabulary, "parameters": self.parameters,
                "kind": self.config.kind, "steps": len(h.steps), "stopped": self.stopped,
                "first_loss": round(self.first_loss, 4),
                "final_train_loss": round(sum(h.train_loss[-50:]) / len(h.train_loss[-50:]), 4),
                "validation": [{"step": s, "loss": round(v, 4)}
                               for s, v in zip(h.val_steps, h.val_loss, strict=True)],
                "samples": [{"step": s, "text": t} for s, t in h.samples]}


def course_text(course) -> str:
    """Every lesson section's Markdown, in course order."""
    return "\n\n".join(s.body.strip() for d in course.days for s in d.sections)[:MAX_CHARS]


def notes_text(notes: list[str]) -> str:
    return "\n\n".join(n.strip() for n in notes if n.strip())[:MAX_CHARS]


def source_code() -> str:
    """The tiny model's own code, to read and to run as lesson code."""
    return Path(tiny_model.__file__).read_text(encoding="utf-8")


def _one_blas_thread():
    """Small matrices train many times faster on one BLAS thread, above all on a busy
    machine, where extra threads mostly wait for each other."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1)


def run(text: str, source: str, cfg: Config | None = None,
        ctx: JobContext | None = None) -> TrainingResult:
    """Train on ``text``, reporting ``TrainingUpdate``s through ``ctx.report``."""
    cfg = cfg or Config()
    ctx = ctx or JobContext()
    if len(text) < 2000:
        raise ValueError(f"{source} has only {len(text)} characters; a character model needs "
                         "at least 2,000 to learn anything.")
    stopped = False
    reported_samples = 0

    def on_step(step: int, h: History, model) -> bool:
        nonlocal stopped, reported_samples
        if ctx.cancelled:
            stopped = True
            return False
        if step % REPORT_EVERY == 0 or step == cfg.steps or len(h.samples) > reported_samples:
            reported_samples = len(h.samples)
            ctx.progress(step, cfg.steps)
            ctx.report(TrainingUpdate(step, cfg.steps, list(h.steps), list(h.train_loss),
                                      list(h.val_steps), list(h.val_loss), list(h.samples)))
        return True

    ctx.status(f"Training a {cfg.kind} model on {source}…")
    with _one_blas_thread():
        model, history = tiny_model.train(text, cfg, on_step)
    return TrainingResult(source, len(text), len(model.chars), model.size, cfg, history,
                          stopped)
