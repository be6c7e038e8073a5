"""Is this question about the course at all? A few plain signals and a small logistic model.

Ranking finds the best sections for any question; this module decides whether the best
is good enough to answer from. Raw thresholds on one or two numbers, tuned on one set
of questions, did not carry over to questions written later by someone else (long
casual questions have a low word coverage and a middling similarity to any single
sentence). So the decision weighs several signals at once:

- ``coverage``: the share of the question's meaning (each word weighted by its rarity,
  IDF) that the best sections contain, and ``paragraph``: the share that one paragraph
  holds on its own ("prune" and "tree" both occur in the course, never together);
- ``absent``: the share in words the course never uses ("Australia"), typos forgiven;
- ``named``: the question names a key term by a specific name ("kv cache", "RoPE");
- ``length``: how many content words the question has (a long question is close to no
  single course sentence, so its closeness is read in that light);
- ``course``: with the sentence encoder, how close in meaning the closest course text
  is (a lesson sentence, quiz question, definition, code note or task);
- ``background``: how close the closest line of everyday English is (a question about
  films or gardening is closer to one of those than to any lesson).

The weights are a logistic regression fitted with numpy by ``benchmarks/fit_gate.py``
on both benchmark question sets and written into ``gate_fitted.py`` together with their
cross-validated scores (a module, not a data file: the packaged app leaves
``tutor/data`` out, and needs at least the words-only gate). Without the encoder a
second model uses the word signals only.
A question the model rejects, but not by much, is "borderline": the tutor says the
course may not cover it and links the closest section instead of refusing flatly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from companion.tutor.course_index import CourseIndex, roots

if TYPE_CHECKING:
    from companion.tutor.retrieval import Query, Ranked

FILLER_WEIGHT = 0.15  # a filler word ("explain", "formula") says little about the topic


@dataclass(frozen=True)
class Signals:
    """What the gate knows about one question (see the module docstring)."""

    coverage: float
    paragraph: float
    absent: float
    named: bool
    words: int  # the question's own content words
    course: float = 0.0  # 0 without the sentence encoder
    background: float = 0.0

    def value(self, name: str) -> float:
        if name == "length":
            return math.log1p(self.words)
        if name == "above_background":
            return self.course - self.background
        return float(getattr(self, name))

    def to_json(self) -> dict:
        return {"coverage": round(self.coverage, 4), "paragraph": round(self.paragraph, 4),
                "absent": round(self.absent, 4), "named": self.named, "words": self.words,
                "course": round(self.course, 4), "background": round(self.background, 4)}


@dataclass(frozen=True)
class Gate:
    """A fitted logistic model: P(on-course) from standardised signals, and its cut-offs."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # on-course at or above this probability
    borderline: float  # below ``threshold`` but at or above this: "may not cover it"

    def probability(self, signals: Signals) -> float:
        x = np.array([signals.value(f) for f in self.features])
        z = self.bias + float(np.dot(self.weights, (x - self.mean) / self.scale))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, data: dict) -> Gate:
        return cls(tuple(data["features"]), tuple(data["mean"]), tuple(data["scale"]),
                   tuple(data["weights"]), float(data["bias"]), float(data["threshold"]),
                   float(data["borderline"]))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "weights": list(self.weights), "bias": self.bias,
                "threshold": self.threshold, "borderline": self.borderline}


@dataclass(frozen=True)
class Verdict:
    on_course: bool
    borderline: bool  # off-course, but close: say "may not", link the closest section
    probability: float


_GATES: dict[str, Gate] = {}


def gates() -> dict[str, Gate]:
    """The fitted gates by kind: "meaning" (with the encoder) and "words" (without)."""
    if not _GATES:
        from companion.tutor.gate_fitted import FITTED

        _GATES.update({kind: Gate.from_json(FITTED[kind]) for kind in ("meaning", "words")})
    return _GATES


def decide(signals: Signals, with_meaning: bool) -> Verdict:
    gate = gates()["meaning" if with_meaning else "words"]
    p = gate.probability(signals)
    return Verdict(p >= gate.threshold, gate.borderline <= p < gate.threshold, p)


# ----- the word signals ----------------------------------------------------------------------
def question_weights(index: CourseIndex, query: Query) -> dict[str, float]:
    """Each word's say: rarity (IDF), fillers damped, a follow-up's earlier words halved."""
    weights = {w: 1.0 for w in query.own}
    for w in roots(query.previous):
        weights.setdefault(w, 0.5)
    return {w: k * index.weight(w) * (FILLER_WEIGHT if w in index.fillers else 1.0)
            for w, k in weights.items()}


def coverage(index: CourseIndex, query: Query, ranked: list[Ranked], top: int = 3) -> float:
    """Share of the question's weight found in its best sections.

    A word also counts as found when it named a key term or led, through the synonyms,
    to course words that the best sections contain.
    """
    weights = question_weights(index, query)
    found: set[str] = {w for t in query.terms for p in t.phrases for w in p}
    for r in ranked[:top]:
        found |= {w for w in weights if w in r.section.bag}
        found |= {w for w, targets in query.bridges.items()
                  if any(t in r.section.bag for t in targets)}
    total = sum(weights.values())
    return sum(k for w, k in weights.items() if w in found) / total if total else 0.0


def paragraph_coverage(index: CourseIndex, query: Query, ranked: list[Ranked],
                       top: int = 10) -> float:
    """The largest share of the question that one paragraph holds on its own.

    "When should I prune my apple tree?" finds "prune" in one lesson and "tree" in
    another; no paragraph speaks of both, so the course does not answer it.
    """
    weights = question_weights(index, query)
    total = sum(weights.values())
    best = 0.0
    for r in ranked[:top]:
        for para in r.section.paragraphs:
            got = sum(k for w, k in weights.items()
                      if w in para or any(t in para for t in query.bridges.get(w, ())))
            best = max(best, got / total if total else 0.0)
    return best


def absent_share(index: CourseIndex, query: Query) -> float:
    """Share of the question's weight in words the course never uses (e.g. "Australia").

    A misspelt course word ("lenght") is not absent: ``CourseIndex.knows``.
    """
    weights = {w: index.weight(w) for w in query.own if w not in index.fillers}
    total = sum(weights.values())
    missing = sum(k for w, k in weights.items()
                  if w not in query.bridges and not index.knows(w))
    share = missing / total if total else 0.0
    return share * 0.5 if query.previous else share


def measure(index: CourseIndex, query: Query, ranked: list[Ranked],
            course: float = 0.0, background: float = 0.0) -> Signals:
    return Signals(coverage(index, query, ranked), paragraph_coverage(index, query, ranked),
                   absent_share(index, query), bool(query.terms),
                   len(set(query.own) | set(roots(query.previous))),
                   course, background)
