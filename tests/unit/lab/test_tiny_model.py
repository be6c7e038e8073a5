"""The tiny character model: its hand-written gradients are right, and training works."""

from __future__ import annotations

import numpy as np
import pytest

from companion.curriculum import course
from companion.jobs import JobContext
from companion.lab import run_code, training
from companion.lab.tiny_model import CharModel, Config, train

TEXT = "the cat sat on the mat. the dog sat on the log. " * 60


@pytest.mark.parametrize("kind", ["bigram", "mlp"])
def test_backward_matches_numerical_gradients(kind):
    cfg = Config(kind=kind, context=3, embed=4, hidden=8)
    model = CharModel(sorted(set(TEXT)), cfg)
    rng = np.random.default_rng(0)
    for p in model.params.values():
        p += rng.normal(0, 0.1, p.shape)
    x = rng.integers(0, len(model.chars), (6, model.context))
    y = rng.integers(0, len(model.chars), 6)
    _, cache, probs = model.loss(x, y)
    grads = model.backward(y, cache, probs)
    for name, param in model.params.items():
        for index in list(np.ndindex(param.shape))[:: max(1, param.size // 7)]:
            old = param[index]
            param[index] = old + 1e-5
            up = model.loss(x, y)[0]
            param[index] = old - 1e-5
            down = model.loss(x, y)[0]
            param[index] = old
            assert grads[name][index] == pytest.approx((up - down) / 2e-5, abs=1e-6), name


def test_a_short_run_lowers_the_loss():
    model, history = train(TEXT, Config(steps=150, sample_every=50, hidden=32, context=4))
    assert history.val_loss[-1] < history.train_loss[0] - 1.0
    assert len(history.samples) == 3 and all(len(s) == 160 for _, s in history.samples)


def test_training_reports_progress_and_stops_on_cancel():
    updates = []
    ctx = JobContext(report=updates.append)

    def stop_after_first(update):
        updates.append(update)
        ctx.cancel()

    ctx.report = stop_after_first
    text = training.course_text(course())[:20_000]
    result = training.run(text, "the course text", Config(steps=500, hidden=16), ctx)
    assert result.stopped and len(result.history.steps) < 500
    assert updates and updates[0].step == training.REPORT_EVERY


def test_too_little_text_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="at least 2,000"):
        training.run("tiny", "your notes")


def test_the_models_own_code_runs_as_lesson_code():
    result = run_code.run(training.source_code(), timeout=120)
    assert result.ok, result.stderr
    assert "loss fell: True" in result.stdout
