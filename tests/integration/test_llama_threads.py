"""llama.cpp's thread count follows the free cores, changed without reloading the model."""

from __future__ import annotations

import multiprocessing
import time

import llama_cpp
import pytest

from companion.tutor import cpu_load
from companion.tutor.engine import Sampling
from companion.tutor.llama_engine import LlamaEngine

pytestmark = pytest.mark.slow
ASK = [{"role": "user", "content": "What is a token?"}]


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _llama_threads(engine: LlamaEngine) -> int:
    return llama_cpp.llama_n_threads(engine._llm._ctx.ctx)


def test_set_threads_changes_llama_cpp_without_reloading(model_path):
    engine = LlamaEngine(model_path, n_threads=2, adaptive_threads=False,
                         sampling=Sampling(seed=1, temperature=0.0))
    llm = engine._llm
    try:
        first = "".join(engine.stream_chat(ASK, 12))
        assert engine.last.threads == 2 and _llama_threads(engine) == 2
        engine.set_threads(1)
        assert _llama_threads(engine) == 1 and engine._llm is llm  # same model, no reload
        assert engine.threads == 1 and engine.n_threads == 2
        engine._llm.reset()  # greedy and a fresh cache: the same words with one thread
        assert "".join(engine.stream_chat(ASK, 12)) == first
        assert engine.last.threads == 1
    finally:
        engine.close()


def test_each_answer_uses_the_cores_other_programs_leave_free(model_path, monkeypatch):
    engine = LlamaEngine(model_path, n_threads=2)
    try:
        monitor = engine._monitor
        monkeypatch.setattr(monitor, "busy_others", lambda: 0.1)  # an idle machine
        list(engine.stream_chat(ASK, 4))
        assert engine.last.threads == 2 and _llama_threads(engine) == 2
        monkeypatch.undo()
        # two programs keep both cores busy (anything else running only adds to that)
        ctx = multiprocessing.get_context("spawn")
        hogs = [ctx.Process(target=_spin, args=(8.0,)) for _ in range(2)]
        for hog in hogs:
            hog.start()
        try:
            time.sleep(cpu_load.WINDOW_S + 1.0)  # the sampler sees them for a full window
            list(engine.stream_chat(ASK, 4))
            assert engine.last.threads == 1 and _llama_threads(engine) == 1
        finally:
            for hog in hogs:
                hog.join()
    finally:
        engine.close()
