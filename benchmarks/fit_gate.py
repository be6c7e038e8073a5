"""Fit the tutor's off-course gate and write it to ``companion/tutor/gate_fitted.py``.

    python benchmarks/fit_gate.py [--check]

Both benchmark question sets are the data (``benchmarks/data/retrieval.toml`` and
``retrieval_holdout.toml``: 310 course and 89 off-course questions). Each question is
run through the tutor's real retrieval to measure the gate's signals; two logistic
models are fitted on all of them (``gate_model.fit_gate``): one with the sentence
encoder's signals, one on words only for installs without the encoder. The file also
records the 5-fold cross-validated scores, the honest estimate of how the gate does on
questions it was not fitted on. ``--check`` fits and compares without writing (exit 1
when the stored coefficients differ from a fresh fit: the course or the signals changed).
"""

from __future__ import annotations

import argparse
import json
import pprint
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gate_model  # noqa: E402
import retrieval as bench  # noqa: E402

from companion.tutor import gate  # noqa: E402

FOLDS = 5
TARGET = Path(gate.__file__).with_name("gate_fitted.py")
HEADER = '''"""The off-course gate's fitted coefficients (written by benchmarks/fit_gate.py).

Logistic regression over ``gate.Signals`` (see ``gate.py``), fitted on both benchmark
question sets; ``cv`` holds the 5-fold cross-validated scores of the same procedure.
Do not edit by hand.
Refit after editing the lessons, the signals or the background lines:

    python benchmarks/fit_gate.py
"""

FITTED = '''


def fit() -> dict:
    out: dict = {"fitted": {"on": [bench.DATA.name, bench.HOLDOUT.name],
                            "date": date.today().isoformat(), "by": Path(__file__).name,
                            "l2": gate_model.L2, "cv_folds": FOLDS}}
    for kind, features, use_meaning in (("meaning", gate_model.MEANING_FEATURES, True),
                                        ("words", gate_model.WORDS_FEATURES, False)):
        rows = []
        for path in (bench.DATA, bench.HOLDOUT):
            rows += bench.collect(path, use_meaning)[0]
        out[kind] = gate_model.fit_gate(rows, features)
        out[kind]["cv"] = gate_model.summarise(gate_model.cross_validate(rows, features, FOLDS))
        print(f"{kind}: {len(rows)} questions, 5-fold CV {json.dumps(out[kind]['cv'])}",
              file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare a fresh fit with the stored one; write nothing")
    args = parser.parse_args()
    fresh = fit()
    if args.check:
        from companion.tutor.gate_fitted import FITTED

        same = all(abs(a - b) < 1e-6 for kind in ("meaning", "words")
                   for a, b in zip(FITTED[kind]["weights"], fresh[kind]["weights"], strict=True))
        print("gate_fitted.py matches a fresh fit" if same else "gate_fitted.py is stale: refit")
        return 0 if same else 1
    TARGET.write_text(HEADER + pprint.pformat(fresh, width=96, sort_dicts=False) + "\n",
                      encoding="utf-8")
    gate._GATES.clear()
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
