"""Code explanations: fit the code into the context, cut visibly if it is too long."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from companion.tutor import prompts
from companion.tutor.engine import Engine

MAX_TOKENS = 450


@dataclass
class Explanation:
    text: str
    code: str  # the code the model actually saw
    cut_note: str
    stats: dict
    model: str
    stopped: bool


def fit_code(engine: Engine, code: str, language: str, max_tokens: int = MAX_TOKENS
             ) -> tuple[str, str]:
    """The code cut at a line boundary so the prompt fits, plus a notice if it was cut."""
    budget = engine.n_ctx - max_tokens - engine.count(prompts.EXPLAIN_SYSTEM) - 96
    if engine.count(code) <= budget:
        return code, ""
    lines = code.splitlines()
    lo, hi = 0, len(lines)
    while lo < hi:  # binary search on the number of lines that fit
        mid = (lo + hi + 1) // 2
        if engine.count("\n".join(lines[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    kept = "\n".join(lines[:lo]) if lo else engine.detokenize(engine.tokenize(code)[:budget])
    shown = lo or len(kept.splitlines())
    return kept, (f"The code is too long for the model's context: only the first {shown} of "
                  f"{len(lines)} lines were explained.")


def explain(engine: Engine, code: str, language: str = "python",
            cancel: threading.Event | None = None, emit: Callable[[str], None] = lambda _: None,
            max_tokens: int = MAX_TOKENS) -> Explanation:
    if not code.strip():
        raise ValueError("Paste some code to explain first.")
    kept, note = fit_code(engine, code, language, max_tokens)
    messages = [{"role": "system", "content": prompts.EXPLAIN_SYSTEM},
                {"role": "user", "content": prompts.explain_message(kept, language, note)}]
    pieces = []
    for piece in engine.stream_chat(messages, max_tokens, cancel):
        pieces.append(piece)
        emit(piece)
    s = engine.last
    return Explanation("".join(pieces).strip(), kept, note, s.as_dict(), engine.name, s.stopped)
