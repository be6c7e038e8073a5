"""Tutor benchmark: the app's pipeline against a bare llama-cpp-python loop.

Same model, same threads, same prompt tokens, same sampling and seed, fresh KV
cache for each run. Prints one JSON object. Targets (default model, 2 cores):
decode and prompt ratios >= 0.95, first grounded TTFT <= 1.0 s, follow-up TTFT
<= 0.3 s, longest GUI stall while streaming <= 30 ms.

``--busy N`` then measures decoding over a long answer (128 tokens; the tutor's own
answers can stop after 20, too few for a steady rate) with the app's engine and
with the bare loop, first idle, then while N CPU-bound processes keep cores busy:
``idle_decode_tps``, ``busy_decode_tps``, ``busy_ratio``, ``idle_ratio_vs_bare``,
and the bare loop with all cores under the same load (``busy_bare_decode_tps``:
what the app did before it chose threads from the free cores). Targets with
--busy 1 on 2 cores: busy_ratio >= 0.6, idle_ratio_vs_bare >= 0.97.

    python benchmarks/tutor.py [--runs 3] [--model PATH] [--busy N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COMPANION_HOME", tempfile.mkdtemp(prefix="companion-bench-"))

from companion.study import Study  # noqa: E402
from companion.tutor.conversation import Conversation  # noqa: E402
from companion.tutor.engine import Sampling  # noqa: E402
from companion.tutor.llama_engine import LlamaEngine  # noqa: E402
from companion.tutor.model_files import resolve_model  # noqa: E402

QUESTION = "What is multi-head attention and why does it use several heads?"
FOLLOW_UP = "How many heads does each attention layer use?"
MAX_TOKENS = 128
SEED = 1234


def pipeline_run(model: Path, study: Study) -> dict:
    engine = LlamaEngine(model, sampling=Sampling(seed=SEED))
    conv = Conversation(max_tokens=MAX_TOKENS)
    first = conv.answer(engine, conv.prepare(study.db, study.course, QUESTION))
    stats = engine.last
    tokens = _first_prompt(engine, study)
    follow = conv.answer(engine, conv.prepare(study.db, study.course, FOLLOW_UP))
    engine.close()
    return {"tokens": tokens, "decode_tps": stats.tokens_per_s,
            "prompt_tps": stats.prompt_tokens_per_s, "ttft_first": first.stats["ttft_s"],
            "ttft_follow_up": follow.stats["ttft_s"], "completion": stats.completion_tokens,
            "prompt_tokens": stats.prompt_tokens, "threads": stats.threads,
            "follow_up_evaluated": follow.stats["evaluated_tokens"],
            "follow_up_prompt_tokens": follow.stats["prompt_tokens"]}


def _first_prompt(engine: LlamaEngine, study: Study) -> list[int]:
    conv = Conversation(max_tokens=MAX_TOKENS)
    plan = conv.build(engine, conv.prepare(study.db, study.course, QUESTION))
    return engine.chat_tokens(plan.messages)[0]


def bare_run(model: Path, tokens: list[int], threads: int) -> dict:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(model), n_ctx=4096, n_threads=threads,
                          n_threads_batch=threads, n_batch=512, verbose=False)
    s = Sampling(seed=SEED)
    start = time.perf_counter()
    first = last = 0.0
    count = 0
    for chunk in llm.create_completion(prompt=tokens, max_tokens=MAX_TOKENS, stream=True,
                                       temperature=s.temperature, top_k=s.top_k, top_p=s.top_p,
                                       min_p=s.min_p, repeat_penalty=s.repeat_penalty,
                                       seed=s.seed):
        if not chunk["choices"][0]["text"]:
            continue
        now = time.perf_counter()
        count += 1
        if not first:
            first = now
        last = now
    ttft = first - start
    llm.close()
    return {"decode_tps": (count - 1) / (last - first) if last > first else 0.0,
            "prompt_tps": len(tokens) / ttft, "completion": count}


def gui_stall(model: Path) -> float:
    """Longest gap between 1 ms timer ticks on the GUI thread while an answer streams."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from companion.app import build_window
    from companion.storage import settings

    app = QApplication.instance() or QApplication(sys.argv)
    study = Study.open()
    settings.put(study.db, settings.TUTOR_MODEL, str(model))
    study.tutor.set_mode("explain")  # the model answers (coach mode needs no model)
    window = build_window(study, load_model=False)
    window.show()
    loop_done = {"ready": False, "finished": False}
    features = window.features
    features.inference.modelReady.connect(lambda *_: loop_done.__setitem__("ready", True))
    features.inference.finished.connect(lambda *_: loop_done.__setitem__("finished", True))
    features.model.load()
    deadline = time.monotonic() + 120
    while not loop_done["ready"]:
        app.processEvents()
        time.sleep(0.005)
        if time.monotonic() > deadline:
            raise TimeoutError("the model did not load in 120 s")
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0]:
            gaps.append(now - last[0])
        last[0] = now

    timer = QTimer(interval=1)
    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    features.tutor.ask(QUESTION)
    deadline = time.monotonic() + 120
    while not loop_done["finished"]:
        app.processEvents()
        if time.monotonic() > deadline:
            timer.stop()
            raise TimeoutError("no answer in 120 s")
    timer.stop()
    features.inference.shutdown()
    window.close()
    study.close()
    return max(gaps) if gaps else 0.0


def _spin(stop) -> None:
    """A CPU-bound program: pure Python arithmetic until told to stop."""
    x = 0
    while not stop.is_set():
        for _ in range(200_000):
            x += 1


class Busy:
    """N processes that each keep one core busy while the ``with`` block runs."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.stop = multiprocessing.Event()
        self.procs = [multiprocessing.Process(target=_spin, args=(self.stop,), daemon=True)
                      for _ in range(n)]

    def __enter__(self) -> Busy:
        for p in self.procs:
            p.start()
        if self.procs:
            time.sleep(2.5)  # let them settle and the CPU monitor see them (2 s window)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for p in self.procs:
            p.join(5)
            if p.is_alive():
                p.terminate()


ESSAY = [{"role": "user", "content": "Explain in detail how attention works in a transformer, "
                                     "step by step, with an example."}]


def decode_run(model: Path, threads: int) -> tuple[dict, dict]:
    """Decode speed over a long answer: the app's engine (threads chosen from the free
    cores), then the bare loop with all cores on the same prompt tokens."""
    engine = LlamaEngine(model, sampling=Sampling(seed=SEED))
    text = "".join(engine.stream_chat(ESSAY, MAX_TOKENS))
    stats = engine.last
    tokens = engine.chat_tokens(ESSAY)[0]
    engine.close()
    app = {"decode_tps": stats.tokens_per_s, "threads": stats.threads,
           "completion": stats.completion_tokens, "chars": len(text)}
    return app, bare_run(model, tokens, threads)


def busy_runs(model: Path, runs: int, n: int, threads: int) -> dict:
    """The engine and the bare loop on a long answer, idle and with ``n`` busy processes."""
    med = statistics.median
    out: dict = {"busy_processes": n}
    for label in ("idle", "busy"):
        app, bare = [], []
        with Busy(n if label == "busy" else 0):
            for _ in range(runs):
                a, b = decode_run(model, threads)
                app.append(a)
                bare.append(b)
        out[f"{label}_decode_tps"] = round(med(a["decode_tps"] for a in app), 1)
        out[f"{label}_decode_tps_runs"] = [round(a["decode_tps"], 1) for a in app]
        out[f"{label}_threads_used"] = [a["threads"] for a in app]
        out[f"{label}_completion_tokens"] = [a["completion"] for a in app]
        out[f"{label}_bare_decode_tps"] = round(med(b["decode_tps"] for b in bare), 1)
        out[f"{label}_bare_decode_tps_runs"] = [round(b["decode_tps"], 1) for b in bare]
    out["busy_ratio"] = round(out["busy_decode_tps"] / out["idle_decode_tps"], 3)
    out["idle_ratio_vs_bare"] = round(out["idle_decode_tps"] / out["idle_bare_decode_tps"], 3)
    out["busy_ratio_bare_all_cores"] = round(out["busy_bare_decode_tps"]
                                             / out["idle_bare_decode_tps"], 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", help="GGUF to benchmark (default: the tutor's default)")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI stall measurement")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="also measure while N CPU-bound processes run")
    parser.add_argument("--busy-only", action="store_true",
                        help="with --busy: skip the pipeline and GUI measurements")
    args = parser.parse_args()
    model = Path(args.model) if args.model else resolve_model(None)
    threads = LlamaEngine.__dataclass_fields__["n_threads"].default_factory()
    if args.busy > 0 and args.busy_only:
        result = {"model": model.name, "threads": threads, "runs": args.runs,
                  **busy_runs(model, args.runs, args.busy, threads)}
        print(json.dumps(result, indent=2))
        return 0
    study = Study.open()
    pipe, bare = [], []
    for _ in range(args.runs):  # alternate so drift on a busy machine hits both alike
        p = pipeline_run(model, study)
        pipe.append(p)
        bare.append(bare_run(model, p["tokens"], threads))
    med = statistics.median
    result = {
        "model": model.name, "threads": threads, "runs": args.runs,
        "prompt_tokens": pipe[0]["prompt_tokens"],
        "completion_tokens": [p["completion"] for p in pipe],
        "bare_completion_tokens": [b["completion"] for b in bare],
        "pipeline_decode_tps": round(med(p["decode_tps"] for p in pipe), 1),
        "bare_decode_tps": round(med(b["decode_tps"] for b in bare), 1),
        "pipeline_prompt_tps": round(med(p["prompt_tps"] for p in pipe), 1),
        "bare_prompt_tps": round(med(b["prompt_tps"] for b in bare), 1),
        "ttft_first_grounded_s": round(med(p["ttft_first"] for p in pipe), 3),
        "ttft_follow_up_s": round(med(p["ttft_follow_up"] for p in pipe), 3),
        "follow_up_evaluated_tokens": pipe[0]["follow_up_evaluated"],
        "follow_up_prompt_tokens": pipe[0]["follow_up_prompt_tokens"],
    }
    result["decode_ratio"] = round(result["pipeline_decode_tps"] / result["bare_decode_tps"], 3)
    result["prompt_ratio"] = round(result["pipeline_prompt_tps"] / result["bare_prompt_tps"], 3)
    result["pipeline_decode_tps_runs"] = [round(p["decode_tps"], 1) for p in pipe]
    result["bare_decode_tps_runs"] = [round(b["decode_tps"], 1) for b in bare]
    result["threads_used"] = [p["threads"] for p in pipe]
    if args.busy > 0:
        result.update(busy_runs(model, args.runs, args.busy, threads))
    if not args.no_gui:
        try:
            result["gui_max_stall_ms"] = round(gui_stall(model), 1)
        except Exception as exc:  # noqa: BLE001 - keep the numbers measured so far
            result["gui_max_stall_ms"] = None
            result["gui_error"] = f"{type(exc).__name__}: {exc}"
    study.close()
    for p in pipe:
        p.pop("tokens")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
