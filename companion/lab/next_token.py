"""Experiment 2: the model's next-token probabilities, step by step, and its surprise.

A language model does one thing: given tokens, it scores every token in its vocabulary
as the next one. Here the learner sees those scores as probabilities, picks one
(greedy or sampled), and sees how surprised the model is by each token of a sentence
(surprise = -log2 p; perplexity = 2 ** mean surprise).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from companion.jobs import JobContext
from companion.lab.model_access import LabModel
from companion.lab.sampling import NextTokenScores, Picked, Settings, entropy_bits, softmax
from companion.lab.tokenizer import make_visible


@dataclass(frozen=True)
class Candidate:
    id: int
    text: str  # the piece, whitespace made visible
    model_prob: float  # the model's own probability (temperature 1)
    prob: float  # after temperature and filters, renormalised (0: filtered out)
    survives: bool


@dataclass
class NextToken:
    """The model's view of what comes after a prompt; sliders recompute from ``scores``."""

    model: str
    prompt: str
    prompt_tokens: list[int]
    scores: NextTokenScores
    pieces: Callable[[int], str]  # token id -> visible text (reads the model's vocabulary)
    note: str = ""
    seconds: float = 0.0  # time the model took to score the prompt

    def candidates(self, s: Settings, k: int = 20) -> tuple[list[Candidate], Picked]:
        picked = self.scores.pick(s)
        shown = []
        for i in range(min(k, len(picked.ids))):
            token = int(picked.ids[i])
            shown.append(Candidate(token, self.pieces(token), float(picked.model_probs[i]),
                                   float(picked.final[i]), i < picked.survivors))
        return shown, picked

    def to_json(self, s: Settings, k: int = 10) -> dict:
        shown, picked = self.candidates(s, k)
        return {
            "model": self.model, "note": self.note, "prompt": self.prompt,
            "prompt_tokens": len(self.prompt_tokens),
            "settings": {"temperature": s.temperature, "top_k": s.top_k, "top_p": s.top_p,
                         "min_p": s.min_p},
            "survivors": picked.survivors,
            "entropy_bits": round(picked.entropy_bits, 4),
            "full_entropy_bits": round(picked.full_entropy_bits, 4),
            "greedy": self.pieces(self.scores.greedy()),
            "seconds": round(self.seconds, 4),
            "top": [{"id": c.id, "token": c.text, "probability": round(c.prob, 6),
                     "model_probability": round(c.model_prob, 6), "survives": c.survives}
                    for c in sorted(shown, key=lambda c: (-c.prob, -c.model_prob))],
        }


def _visible_piece(model: LabModel) -> Callable[[int], str]:
    def piece(token: int) -> str:
        raw = model.piece(token)
        try:
            return make_visible(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return "".join(f"<0x{b:02X}>" for b in raw)

    return piece


def next_token(model: LabModel, prompt: str, tokens: list[int] | None = None) -> NextToken:
    """Score every possible next token after ``prompt`` (or after ``tokens`` if given)."""
    import time

    ids = list(tokens) if tokens is not None else model.tokenize(prompt, start=True)
    start = time.perf_counter()
    logits = model.next_logits(ids)
    took = time.perf_counter() - start
    return NextToken(model.name, prompt, ids, NextTokenScores(logits), _visible_piece(model),
                     model.note, took)


@dataclass
class Continuation:
    greedy: str
    sampled: str
    seed: int


def continue_both(model: LabModel, prompt: str, s: Settings, n: int = 24, seed: int = 0,
                  ctx: JobContext | None = None) -> Continuation:
    """Greedy and sampled continuations side by side, ``n`` tokens each."""
    ctx = ctx or JobContext()
    start = model.tokenize(prompt, start=True)
    texts = []
    for run, mode in enumerate(("greedy", "sampled")):
        rng = np.random.default_rng(seed)
        tokens = list(start)
        for i in range(n):
            ctx.check()
            ctx.progress(run * n + i, 2 * n)
            scores = NextTokenScores(model.next_logits(tokens))
            token = scores.greedy() if mode == "greedy" else scores.sample(s, rng)
            if token == model.eos:
                break
            tokens.append(token)
        texts.append(model.text_of(tokens[len(start):]))
    ctx.progress(2 * n, 2 * n)
    return Continuation(texts[0], texts[1], seed)


# every position keeps a row of scores over the whole vocabulary (49,152 floats for
# SmolLM2, 192 KiB): 512 positions is ~100 MB, enough for a paragraph
MAX_SURPRISE_TOKENS = 512


@dataclass(frozen=True)
class TokenSurprise:
    id: int
    text: str
    prob: float  # what the model gave this token before seeing it
    surprise_bits: float  # -log2 prob
    entropy_bits: float  # how unsure the model was at that point, whatever came


@dataclass
class Surprise:
    model: str
    first: str  # the first token (nothing predicts it)
    tokens: list[TokenSurprise] = field(default_factory=list)
    note: str = ""

    @property
    def mean_bits(self) -> float:
        return sum(t.surprise_bits for t in self.tokens) / len(self.tokens) if self.tokens \
            else 0.0

    @property
    def perplexity(self) -> float:
        return 2.0 ** self.mean_bits

    def to_json(self) -> dict:
        return {"model": self.model, "first": self.first, "note": self.note,
                "mean_surprise_bits": round(self.mean_bits, 4),
                "perplexity": round(self.perplexity, 3),
                "tokens": [{"id": t.id, "token": t.text, "probability": round(t.prob, 6),
                            "surprise_bits": round(t.surprise_bits, 4),
                            "entropy_bits": round(t.entropy_bits, 4)} for t in self.tokens]}


def surprise(model: LabModel, text: str) -> Surprise:
    """Token by token: how likely the model found each token of ``text`` before it came."""
    tokens = model.tokenize(text, start=True)
    if len(tokens) < 2:
        raise ValueError("Type a sentence of at least two tokens to measure surprise.")
    if len(tokens) > MAX_SURPRISE_TOKENS:
        raise ValueError(f"The text is {len(tokens)} tokens; surprise is measured on at most "
                         f"{MAX_SURPRISE_TOKENS} (a few sentences). Shorten it.")
    logits = model.all_logits(tokens)
    piece = _visible_piece(model)
    result = Surprise(model.name, piece(tokens[0]), note=model.note)
    for i in range(1, len(tokens)):
        probs = softmax(logits[i - 1].astype(np.float64))
        p = float(probs[tokens[i]])
        result.tokens.append(TokenSurprise(tokens[i], piece(tokens[i]), p,
                                           -math.log2(max(p, 1e-300)), entropy_bits(probs)))
    return result
