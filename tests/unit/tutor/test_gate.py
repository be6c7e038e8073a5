"""The off-course gate: its signals on the real course, the stored model, and how it is fitted.

The fitting code lives in benchmarks/gate_model.py (numpy only); it is tested here on
data whose answer is known, and the stored coefficients are checked against a fresh
fit on the two question sets (slow: every question runs through real retrieval).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from companion.curriculum import course
from companion.tutor import gate, semantic
from companion.tutor.course_index import index_for
from companion.tutor.gate import Gate, Signals
from companion.tutor.retrieval import find, make_query

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gate_model  # noqa: E402


@pytest.fixture(scope="module")
def c():
    cc = course()
    find(cc, "warm up")
    return cc


def _signals(**kw) -> Signals:
    base = {"coverage": 0.5, "paragraph": 0.5, "absent": 0.0, "named": False, "words": 4,
            "course": 0.5, "background": 0.3}
    return Signals(**{**base, **kw})


# ----- the stored model ------------------------------------------------------------------
def test_both_gates_ship_and_use_signals_that_exist():
    gates = gate.gates()
    assert set(gates) == {"meaning", "words"}
    for g in gates.values():
        assert len(g.features) == len(g.weights) == len(g.mean) == len(g.scale)
        for name in g.features:
            assert math.isfinite(_signals().value(name))
        assert 0 < g.borderline < g.threshold < 1
    assert "course" not in gates["words"].features  # usable without the encoder
    from companion.tutor.gate_fitted import FITTED

    assert FITTED["meaning"]["cv"]["questions"] == 310  # fitted on both sets, CV recorded


def test_probability_is_the_logistic_of_the_standardised_signals():
    g = Gate(("coverage", "length"), (0.5, 1.0), (0.25, 2.0), (2.0, -1.0), 0.5, 0.6, 0.3)
    s = _signals(coverage=1.0, words=3)
    z = 0.5 + 2.0 * (1.0 - 0.5) / 0.25 - 1.0 * (math.log1p(3) - 1.0) / 2.0
    assert g.probability(s) == pytest.approx(1 / (1 + math.exp(-z)))
    assert Gate.from_json(g.to_json()) == g


def test_more_meaning_means_more_on_course():
    g = gate.gates()["meaning"]
    weak, strong = _signals(course=0.35), _signals(course=0.65)
    assert g.probability(strong) > g.probability(weak)
    assert g.probability(_signals(background=0.7)) < g.probability(_signals(background=0.2))


# ----- signals on the real course --------------------------------------------------------
def test_typos_and_contractions_are_not_words_the_course_lacks(c):
    index = index_for(c)
    assert index.knows("lenght") and index.knows("corect")  # length, correct
    assert not index.knows("australia") and not index.knows("sourdough")
    q = make_query(index, "isn't it better to pad to the max lenght?")
    assert "isn" not in q.own and gate.absent_share(index, q) == 0.0


def test_the_course_notes_are_part_of_meaning(c):
    """Quiz questions, definitions and code notes count as course text."""
    index = index_for(c)
    kinds = {n.kind for n in index.notes}
    assert kinds == {"quiz", "term", "code", "concept", "task"}
    vectors = semantic.vectors_for(index)
    if vectors is None:
        pytest.skip("no sentence encoder installed")
    quiz = next(n for n in index.notes if n.kind == "quiz")
    close = vectors.closeness(quiz.text)
    assert close.course > 0.99  # the note itself is among the course's texts


def test_everyday_questions_are_closer_to_the_background_than_to_the_course(c):
    vectors = semantic.vectors_for(index_for(c))
    if vectors is None:
        pytest.skip("no sentence encoder installed")
    everyday = vectors.closeness("what time does the bakery open on Sunday")
    lesson = vectors.closeness("why do we scale the attention scores by the key dimension")
    assert everyday.background > everyday.course
    assert lesson.course > lesson.background


@pytest.mark.parametrize("question", ["What is the capital of Australia?",
                                      "who won the 1966 world cup",
                                      "how long should I boil an egg"])
def test_clear_off_course_questions_are_refused_not_borderline(c, question):
    found = find(c, question)
    assert not found.on_course and not found.borderline and found.probability < 0.05


def test_a_narrow_miss_is_borderline_with_a_closest_section(c):
    found = find(c, "how do I pay attention in lectures")
    assert not found.on_course and found.borderline and found.closest is not None


def test_follow_ups_keep_their_context_but_a_new_topic_is_judged_on_its_own(c):
    previous = "what does the temperature setting do when the model samples text"
    assert find(c, "and what happens if I crank it way up?", previous).on_course
    assert not find(c, "what is the capital of Australia?", previous="what is attention?"
                    ).on_course


def test_words_only_gate_still_decides(c):
    assert find(c, "What is multi-head attention?", use_meaning=False).on_course
    assert not find(c, "What is the capital of Australia?", use_meaning=False).on_course


# ----- fitting (benchmarks/gate_model.py) ------------------------------------------------
class _S:
    """Stands in for Signals in fitting tests: any named value."""

    def __init__(self, **values: float) -> None:
        self.values = values

    def value(self, name: str) -> float:
        return self.values[name]


def _rows(n_on: int = 120, n_off: int = 40, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_on + n_off):
        label = int(i < n_on)
        x = rng.normal(1.0 if label else -1.0, 0.6)
        rows.append({"signals": _S(a=x, b=rng.normal()), "label": label,
                     "day": 1 + i % 14 if label else 0, "style": "s" if label else "o",
                     "at1": bool(label), "at3": bool(label)})
    return rows


def test_logistic_fit_finds_the_informative_signal():
    g = gate_model.fit_gate(_rows(), ("a", "b"))
    assert g["weights"][0] > 2 and abs(g["weights"][1]) < 0.5
    x, y = gate_model.matrix(_rows(seed=2), ("a", "b"))
    p = gate_model.probabilities(g, x)
    on = p >= g["threshold"]
    assert np.mean(on[y == 1]) > 0.9 and np.mean(~on[y == 0]) > 0.9
    assert g["borderline"] < g["threshold"]


def test_threshold_balances_both_kinds_of_error():
    p = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9])
    y = np.array([0, 0, 0, 1, 1, 1, 1])
    t = gate_model.choose_threshold(p, y)
    assert 0.3 < t < 0.6  # between the classes, not on a training score


def test_folds_are_stratified_by_day_and_kind():
    rows = _rows()
    fold = gate_model.folds(rows, 5, seed=0)
    sizes = np.bincount(fold)
    assert sizes.max() - sizes.min() <= 1
    off = np.bincount(fold[[r["label"] == 0 for r in rows]], minlength=5)
    assert off.max() - off.min() <= 1
    for day in range(1, 15):  # each day's questions spread over the folds
        days = fold[[r["day"] == day for r in rows]]
        assert len(set(days)) == min(5, len(days))


def test_cross_validation_never_fits_on_the_held_out_fold(monkeypatch):
    rows = _rows()
    seen: list[set[int]] = []
    real = gate_model.fit_gate

    def spy(train, features, l2=gate_model.L2):
        seen.append({id(r) for r in train})
        return real(train, features, l2)

    monkeypatch.setattr(gate_model, "fit_gate", spy)
    results = gate_model.cross_validate(rows, ("a", "b"), k=4)
    fold = gate_model.folds(rows, 4)
    assert len(results) == 4
    for f, train in enumerate(seen):
        held_out = {id(r) for r, g in zip(rows, fold, strict=True) if g == f}
        assert train and not train & held_out
    assert sum(r["questions"] for r in results) == 120
    summary = gate_model.summarise(results)
    assert 0.8 < summary["offcourse_recall"]["mean"] <= 1.0


@pytest.mark.slow
def test_the_stored_gate_is_a_fit_of_the_current_course_and_signals():
    """A stale gate_fitted.py (lessons or signals changed since fitting) fails here: refit."""
    import fit_gate

    from companion.tutor.gate_fitted import FITTED as stored

    fresh = fit_gate.fit()
    for kind in ("meaning", "words"):
        assert stored[kind]["features"] == fresh[kind]["features"]
        assert np.allclose(stored[kind]["weights"], fresh[kind]["weights"], atol=1e-6)
        assert stored[kind]["threshold"] == pytest.approx(fresh[kind]["threshold"])
