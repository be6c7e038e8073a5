"""Practice benchmark: how fast does a learner get valid practice questions?

Target (issue 14): at least 5 valid practice questions in under 5 s with the
bundled setup. Measures, for every day:

- ``cli_s``: wall time of ``companion practice --day N --json`` as a fresh process
  (Python start-up, course load, building and checking the questions, JSON out);
- ``valid``: how many of the questions it printed pass ``practice.check`` again
  here, independently (against the whole quiz bank for near-duplicates);
- ``build_ms``: building and checking one round in-process, cold (first round of
  the day) and warm (a second round).

``--model`` also times the model-written questions on the bundled model (the old
"More practice"), for comparison: minutes, and few pass the checks.

    python benchmarks/practice.py [--count 8] [--days 1-14] [--model]

Prints a table to stderr and one JSON object to stdout. The machine is shared:
timings are under whatever load other programs put on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("COMPANION_HOME", tempfile.mkdtemp(prefix="companion-bench-"))

from companion.curriculum import Question, course  # noqa: E402
from companion.quiz import practice  # noqa: E402
from companion.quiz.validation import Rejected  # noqa: E402

TARGET_COUNT, TARGET_S = 5, 5.0


def _days(spec: str) -> list[int]:
    first, _, last = spec.partition("-")
    return list(range(int(first), int(last or first) + 1))


def cli_round(day: int, count: int) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "companion", "practice", "--day", str(day),
                          "--count", str(count), "--json"], capture_output=True, text=True,
                         check=True, timeout=120)
    return time.perf_counter() - start, json.loads(out.stdout)


def valid(items: list[dict]) -> int:
    bank = [q.question for d in course().days for q in d.quiz]
    ok = 0
    for item in items:
        q = Question(item["id"], "choice", item["question"], tuple(item["options"]),
                     item["answer"], item["explanation"], item["section"], item["day"])
        try:
            practice.check(course(), practice.PracticeQuestion(q, item["style"],
                                                               item["source"]), bank)
        except Rejected:
            continue
        ok += 1
    return ok


def in_process(day: int, count: int) -> tuple[float, float]:
    practice.pool.cache_clear()
    start = time.perf_counter()
    practice.checked_round(course(), day, count)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    practice.checked_round(course(), day, count)
    return cold * 1000, (time.perf_counter() - start) * 1000


def model_round(day: int, count: int) -> dict:
    from companion.quiz import generation
    from companion.tutor.llama_engine import LlamaEngine
    from companion.tutor.model_files import bundled_model_path

    engine = LlamaEngine(bundled_model_path())
    try:
        bank = [q.question for d in course().days for q in d.quiz]
        start = time.perf_counter()
        result = generation.generate(engine, course().day(day), bank, count)
        return {"day": day, "asked": count, "accepted": len(result.accepted),
                "seconds": round(time.perf_counter() - start, 1), "model": engine.name}
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=practice.DEFAULT_COUNT)
    parser.add_argument("--days", default=f"1-{len(course().days)}")
    parser.add_argument("--model", action="store_true",
                        help="also time model-written questions on the bundled model (slow)")
    args = parser.parse_args()
    rows = []
    for day in _days(args.days):
        seconds, items = cli_round(day, args.count)
        cold, warm = in_process(day, args.count)
        rows.append({"day": day, "questions": len(items), "valid": valid(items),
                     "styles": sorted({i["style"] for i in items}),
                     "cli_s": round(seconds, 3), "build_ms_cold": round(cold, 1),
                     "build_ms_warm": round(warm, 2)})
        r = rows[-1]
        print(f"day {day:2d}: {r['valid']}/{r['questions']} valid, CLI {r['cli_s']:.2f} s, "
              f"in-process {r['build_ms_cold']:.0f} ms cold / {r['build_ms_warm']:.1f} ms "
              "warm", file=sys.stderr)
    cli = [r["cli_s"] for r in rows]
    summary = {
        "count": args.count,
        "days": rows,
        "cli_s_median": round(statistics.median(cli), 3),
        "cli_s_max": round(max(cli), 3),
        "min_valid": min(r["valid"] for r in rows),
        "target": f">= {TARGET_COUNT} valid in < {TARGET_S} s",
        "target_met": all(r["valid"] >= TARGET_COUNT and r["cli_s"] < TARGET_S for r in rows),
    }
    if args.model:
        summary["model_written"] = model_round(4, 3)
        print(f"model-written: {summary['model_written']}", file=sys.stderr)
    print(json.dumps(summary, indent=2))
    return 0 if summary["target_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
