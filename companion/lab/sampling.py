"""How a next token is chosen from the model's scores: temperature, top-k, top-p, min-p.

Pure numpy over one row of logits, so a slider can recompute the whole picture in well
under a millisecond without asking the model again. The order is llama.cpp's default
sampler chain, the one the tutor really uses: the filters (top-k, then top-p, then
min-p) pick which tokens *survive*, judged on the model's own probabilities; then the
temperature reshapes the survivors' probabilities, which are renormalised to sum to 1.
Temperature 0 means greedy: only the most likely token survives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Settings:
    temperature: float = 0.8
    top_k: int = 40  # 0: off
    top_p: float = 0.95  # 1: off
    min_p: float = 0.05  # 0: off

    def __post_init__(self) -> None:
        if not 0 <= self.temperature <= 5:
            raise ValueError("Temperature must be between 0 and 5.")
        if self.top_k < 0:
            raise ValueError("top-k must be 0 (off) or more.")
        if not 0 < self.top_p <= 1:
            raise ValueError("top-p must be above 0 and at most 1.")
        if not 0 <= self.min_p < 1:
            raise ValueError("min-p must be at least 0 and below 1.")


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def entropy_bits(probs: np.ndarray) -> float:
    """Uncertainty of a distribution in bits: 0 when one token is certain."""
    p = probs[probs > 0]
    return max(0.0, float(-(p * np.log2(p)).sum()))  # never "-0.00 bits"


@dataclass
class Picked:
    """What survives the filters, with probabilities before and after, most likely first."""

    ids: np.ndarray  # every token id, most likely first
    model_probs: np.ndarray  # the model's own probabilities (temperature 1), same order
    tempered: np.ndarray  # softmax(logits / T) over the whole vocabulary, same order
    final: np.ndarray  # renormalised over survivors at temperature T; 0 for the rest
    survivors: int  # the first ``survivors`` entries survive (the filters keep a prefix)

    @property
    def entropy_bits(self) -> float:
        return entropy_bits(self.final[:self.survivors])

    @property
    def full_entropy_bits(self) -> float:
        """Entropy of the whole tempered distribution, before any filter."""
        return entropy_bits(self.tempered)


class NextTokenScores:
    """One row of logits, sorted once; every slider change reuses the sort."""

    def __init__(self, logits: np.ndarray) -> None:
        logits = np.asarray(logits, dtype=np.float64)
        self.order = np.argsort(-logits, kind="stable")
        self.sorted = logits[self.order]
        self.model_probs = softmax(self.sorted)
        self.cumulative = np.cumsum(self.model_probs)

    def pick(self, s: Settings) -> Picked:
        n = len(self.sorted)
        keep = n
        if s.top_k > 0:
            keep = min(keep, s.top_k)
        if s.top_p < 1:
            # the smallest prefix whose probability reaches top_p
            keep = min(keep, int(np.searchsorted(self.cumulative, s.top_p)) + 1)
        if s.min_p > 0:
            floor = s.min_p * self.model_probs[0]
            keep = min(keep, int(np.count_nonzero(self.model_probs >= floor)))
        keep = max(1, keep)
        if s.temperature == 0:
            keep = 1
            tempered = np.zeros(n)
            tempered[0] = 1.0
        else:
            tempered = softmax(self.sorted / s.temperature)
        final = np.zeros(n)
        final[:keep] = tempered[:keep] / tempered[:keep].sum()
        return Picked(self.order, self.model_probs, tempered, final, keep)

    def sample(self, s: Settings, rng: np.random.Generator) -> int:
        picked = self.pick(s)
        k = picked.survivors
        return int(picked.ids[rng.choice(k, p=picked.final[:k])])

    def greedy(self) -> int:
        return int(self.order[0])
