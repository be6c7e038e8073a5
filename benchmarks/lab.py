"""Lab benchmark: how fast the next-token experiment answers and its sliders redraw.

1. Next-token probabilities for a 50-token prompt with the bundled model, read through
   the tutor's own engine (``LlamaEngine``) as in the app, KV cache cleared before each
   run: the model reads all 50 tokens, then the scores are sorted and turned into
   probabilities. Also a "Step" (one more token after a cached prompt). Target: < 150 ms.
2. A slider change in the Next token tab: the distribution recomputed from the cached
   scores and the bar chart repainted (offscreen Qt, synchronous ``repaint``).
   Target: < 16 ms.

Prints one JSON object (medians, p90, the targets and whether they were met). The
machine's load matters: say what else was running when you quote the numbers.

    python benchmarks/lab.py [--runs 20] [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COMPANION_HOME", tempfile.mkdtemp(prefix="companion-bench-"))

from companion.lab import model_access, next_token  # noqa: E402
from companion.tutor.llama_engine import LlamaEngine  # noqa: E402
from companion.tutor.model_files import resolve_model  # noqa: E402

PROMPT_TOKENS = 50
NEXT_TOKEN_TARGET_MS = 150.0
REDRAW_TARGET_MS = 16.0
TEXT = ("A language model reads a sequence of tokens and, at every position, gives a score "
        "to every token in its vocabulary; softmax turns those scores into the probabilities "
        "of the next token, and sampling picks one of them to continue the text, again and "
        "again, one token at a time.")


def _summary(times_ms: list[float], target: float) -> dict:
    ordered = sorted(times_ms)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    median = statistics.median(ordered)
    return {"median_ms": round(median, 2), "p90_ms": round(p90, 2),
            "min_ms": round(ordered[0], 2), "runs": len(ordered), "target_ms": target,
            "met": median < target}


def bench_next_token(model_path: Path, runs: int) -> tuple[dict, object]:
    engine = LlamaEngine(model_path)
    lab = model_access.from_engine(engine)
    tokens = lab.tokenize(TEXT)[:PROMPT_TOKENS]
    assert len(tokens) == PROMPT_TOKENS, "the benchmark text is too short"
    fresh, step, bare = [], [], []
    result = None
    for _ in range(runs + 1):  # the first run warms up llama.cpp's buffers; not counted
        lab.llm.reset()  # the same 50 tokens through llama-cpp-python alone, for reference
        start = time.perf_counter()
        lab.llm.eval(tokens)
        bare.append((time.perf_counter() - start) * 1000)
        lab.llm.n_tokens = 0  # an empty KV cache: all 50 tokens are read
        start = time.perf_counter()
        result = next_token.next_token(lab, TEXT, tokens)
        result.candidates(next_token.Settings(), 15)
        fresh.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        next_token.next_token(lab, TEXT, tokens + [result.scores.greedy()])
        step.append((time.perf_counter() - start) * 1000)
    data = {"model": lab.name, "prompt_tokens": PROMPT_TOKENS,
            "threads": getattr(engine, "threads", engine.n_threads),
            "fresh_prompt": _summary(fresh[1:], NEXT_TOKEN_TARGET_MS),
            "step_after_cached_prompt": _summary(step[1:], NEXT_TOKEN_TARGET_MS),
            # the model alone: the part of fresh_prompt the Lab cannot make faster
            "bare_llama_eval_median_ms": round(statistics.median(bare[1:]), 2)}
    return data, result


def bench_redraw(result, runs: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from companion.ui.lab_next_token import NextTokenTab

    app = QApplication.instance() or QApplication(sys.argv)

    class _NoJobs:  # the tab only needs the cached result for slider redraws
        def run(self, *args, **kwargs):
            return None

        def cancel(self, job):
            return None

    tab = NextTokenTab(_NoJobs())
    tab.resize(1100, 700)
    tab.show()
    tab._scored(result)
    app.processEvents()
    times = []
    sliders = [tab.temperature, tab.top_k, tab.top_p, tab.min_p]
    for i in range(runs * 4 + 4):
        slider = sliders[i % 4]
        value = slider.minimum() + (i * 7) % (slider.maximum() - slider.minimum() + 1)
        start = time.perf_counter()
        slider.setValue(value)  # recompute + update the chart items
        tab.plot.repaint()  # paint now, not at the next event-loop turn
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000)
    tab.close()
    return _summary(times[4:], REDRAW_TARGET_MS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--model", help="a .gguf file (default: the tutor's model)")
    args = parser.parse_args()
    model = Path(args.model) if args.model else resolve_model(None)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    next_data, result = bench_next_token(model, args.runs)
    redraw = bench_redraw(result, args.runs)
    print(json.dumps({"next_token": next_data, "slider_redraw": redraw,
                      "load_average_1min": load, "cores": os.cpu_count()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
