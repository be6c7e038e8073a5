"""Fitting the off-course gate (``companion/tutor/gate.py``) and estimating how well it generalises.

Pure numpy, no app imports: rows in, coefficients and scores out. Used by
``benchmarks/fit_gate.py`` (fits on every question, writes ``gate.json``) and by
``benchmarks/retrieval.py --cv K`` (k-fold cross-validation).

A row is a dict with ``signals`` (a ``gate.Signals``), ``label`` (1: a course question,
0: off-course), ``day`` (the day of its first answer; 0 off-course), ``style``, ``at1``
and ``at3`` (the ranking found an answering section first / in the top 3).

The model: logistic regression on standardised signals, L2-penalised (``L2``), each
class weighted to half the total so the 89 off-course questions count as much as the
310 course ones. The cut-off is chosen on the training questions only: the one that
minimises (share of course questions called off-course) + (share of off-course questions
let through), placed half-way to the next lower training score rather than on it.
"""

from __future__ import annotations

import statistics

import numpy as np

MEANING_FEATURES = ("coverage", "paragraph", "absent", "named", "length", "course",
                    "background")
WORDS_FEATURES = ("coverage", "paragraph", "absent", "named", "length")
L2 = 1.0
BORDERLINE_OFF_SHARE = 0.15  # at most this share of training off-course questions is "borderline"


def matrix(rows: list[dict], features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[r["signals"].value(f) for f in features] for r in rows], dtype=float)
    return x, np.array([r["label"] for r in rows], dtype=float)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> dict:
    """Newton's method (IRLS) on the class-balanced, L2-penalised log-loss."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.c_[np.ones(len(x)), (x - mean) / scale]
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    b = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-z @ b))
        gradient = z.T @ (weight * (p - y)) + penalty @ b
        hessian = (z * (weight * p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        b -= step
        if np.abs(step).max() < 1e-9:
            break
    return {"mean": mean.tolist(), "scale": scale.tolist(), "bias": float(b[0]),
            "weights": b[1:].tolist()}


def probabilities(model: dict, x: np.ndarray) -> np.ndarray:
    z = model["bias"] + ((x - np.array(model["mean"])) / np.array(model["scale"])) \
        @ np.array(model["weights"])
    return 1 / (1 + np.exp(-z))


def choose_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The cut-off with the fewest errors of both kinds (as shares), with a margin."""
    best_cost, best = None, 0.5
    for t in np.unique(p):
        cost = np.mean(p[y == 1] < t) + np.mean(p[y == 0] >= t)
        if best_cost is None or cost < best_cost - 1e-12:
            best_cost, best = cost, float(t)
    lower = p[p < best]
    return (best + float(lower.max())) / 2 if len(lower) else best


def choose_borderline(p: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """The lowest cut-off that keeps "borderline" to a few off-course questions."""
    off = np.sort(p[(y == 0) & (p < threshold)])[::-1]
    allowed = int(BORDERLINE_OFF_SHARE * np.sum(y == 0))
    if len(off) <= allowed:
        return 0.0
    return float((off[allowed] + off[allowed - 1]) / 2) if allowed else float(
        (off[0] + threshold) / 2)


def fit_gate(rows: list[dict], features: tuple[str, ...], l2: float = L2) -> dict:
    """Coefficients and both cut-offs, as ``gate.Gate.from_json`` reads them."""
    x, y = matrix(rows, features)
    model = fit_logistic(x, y, l2)
    p = probabilities(model, x)
    threshold = choose_threshold(p, y)
    return {"features": list(features), **model, "threshold": threshold,
            "borderline": choose_borderline(p, y, threshold)}


def folds(rows: list[dict], k: int, seed: int = 0) -> np.ndarray:
    """Fold number per row, stratified: course questions by day, off-course by kind."""
    rng = np.random.default_rng(seed)
    strata: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        key = (r["label"], r["day"] if r["label"] else r["style"])
        strata.setdefault(key, []).append(i)
    fold = np.zeros(len(rows), dtype=int)
    offset = 0
    for key in sorted(strata, key=str):
        members = strata[key]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = (offset + j) % k  # continue where the last stratum stopped: even folds
        offset += len(members)
    return fold


def score(rows: list[dict], on: np.ndarray, borderline: np.ndarray) -> dict:
    """The benchmark's numbers for one set of decisions."""
    course = np.array([r["label"] == 1 for r in rows])
    at1 = np.array([r["at1"] for r in rows])
    at3 = np.array([r["at3"] for r in rows])
    said_off = ~on
    caught = said_off & ~course
    n = course.sum()
    return {
        "questions": int(n), "offcourse_questions": int((~course).sum()),
        "recall_at_1": float(np.sum(at1 & on & course) / n),
        "recall_at_3": float(np.sum(at3 & on & course) / n),
        "offcourse_precision": float(caught.sum() / said_off.sum()) if said_off.any() else 1.0,
        "offcourse_recall": float(caught.sum() / (~course).sum()),
        "false_offcourse": float(np.sum(said_off & course) / n),
        "course_borderline": int(np.sum(said_off & course & borderline)),
        "course_refused": int(np.sum(said_off & course & ~borderline)),
        "offcourse_borderline": int(np.sum(caught & borderline)),
    }


def cross_validate(rows: list[dict], features: tuple[str, ...], k: int = 5, seed: int = 0,
                   l2: float = L2) -> list[dict]:
    """One score per held-out fold; everything fitted on the other k-1 folds only."""
    fold = folds(rows, k, seed)
    out = []
    for f in range(k):
        train = [r for r, g in zip(rows, fold, strict=True) if g != f]
        test = [r for r, g in zip(rows, fold, strict=True) if g == f]
        gate = fit_gate(train, features, l2)
        p = probabilities(gate, matrix(test, features)[0])
        on = p >= gate["threshold"]
        result = score(test, on, (p >= gate["borderline"]) & ~on)
        result["fold"] = f + 1
        out.append(result)
    return out


def summarise(results: list[dict]) -> dict:
    """Mean and standard deviation over folds (counts are summed)."""
    summary = {}
    for key in results[0]:
        values = [r[key] for r in results]
        if key == "fold":
            continue
        if isinstance(values[0], int):
            summary[key] = sum(values)
        else:
            summary[key] = {"mean": round(statistics.fmean(values), 3),
                            "sd": round(statistics.stdev(values), 3) if len(values) > 1 else 0}
    return summary
