"""Code explanations: fit the code into the context, cut visibly if it is too long."""

from __future__ import annotations

from dataclasses import dataclass

from companion.jobs import JobContext
from companion.text import fit_lines
from companion.tutor import prompts
from companion.tutor.engine import Engine

MAX_TOKENS = 450


@dataclass
class CodeExplanation:
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
    kept, lo = fit_lines(code, budget, engine.count)
    if not lo:  # one enormous line: cut inside it
        kept = engine.cut(code, budget)
    shown = lo or len(kept.splitlines())
    return kept, (f"The code is too long for the model's context: only the first {shown} of "
                  f"{len(lines)} lines were explained.")


def explain_code(engine: Engine, code: str, language: str = "python",
                 ctx: JobContext | None = None, max_tokens: int = MAX_TOKENS) -> CodeExplanation:
    if not code.strip():
        raise ValueError("Paste some code to explain first.")
    kept, note = fit_code(engine, code, language, max_tokens)
    messages = [{"role": "system", "content": prompts.EXPLAIN_SYSTEM},
                {"role": "user", "content": prompts.explain_message(kept, language, note)}]
    ctx = ctx or JobContext()
    pieces = []
    for piece in engine.stream_chat(messages, max_tokens, ctx.cancel_event):
        pieces.append(piece)
        ctx.emit(piece)
    s = engine.last
    return CodeExplanation("".join(pieces).strip(), kept, note, s.as_dict(), engine.name, s.stopped)
