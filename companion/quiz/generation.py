"""Practice questions from the local model, constrained to JSON and then checked.

Each candidate is written from one short lesson passage (a paragraph, code and
Markdown removed), so the validator can test the answer against exactly the
text the model saw. Output is constrained by a grammar built from ``SCHEMA``;
the grammar guarantees the shape only, never the sense, which is what
``validation`` is for. String lengths are left to the validator: length limits
in a llama.cpp grammar make sampling markedly slower.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.curriculum import Day
from companion.jobs import JobContext
from companion.quiz.validation import Accepted, Candidate, Rejection, SourceText, check_all
from companion.text import fit_words, paragraphs
from companion.tutor.engine import Engine

DEFAULT_COUNT = 5
MAX_TOKENS = 128  # a sound question is 50-100 tokens; longer output is rambling
MIN_WORDS, MAX_WORDS = 30, 120

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "question": {"type": "string"},
        "options": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "string"}},
        "answer": {"type": "integer", "enum": [0, 1, 2, 3]},
    },
    "required": ["question", "options", "answer"],
    "additionalProperties": False,
}

SYSTEM = ("You write one multiple-choice quiz question about a short lesson passage. "
          "The question must be answered by the passage. Give four different options: exactly "
          "one is correct and uses the passage's words; the other three are plausible but "
          "wrong. \"answer\" is the position (0, 1, 2 or 3) of the correct option. "
          "Reply with JSON only.")

EXAMPLE_PASSAGE = ("A tokenizer splits text into tokens before a model reads it. Byte-pair "
                   "encoding starts from single characters and repeatedly merges the most "
                   "frequent pair of adjacent symbols, until the vocabulary reaches its "
                   "target size.")
EXAMPLE_ANSWER = ('{"question": "What does byte-pair encoding merge at each step?", '
                  '"options": ["The rarest pair of words", "The most frequent pair of adjacent '
                  'symbols", "Every pair of sentences", "The first and last character"], '
                  '"answer": 1}')


@dataclass
class GenerationResult:
    day: int
    model: str
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    cancelled: bool = False

    @property
    def generated(self) -> int:
        return len(self.accepted) + len(self.rejected)

    def summary(self) -> str:
        if self.generated == 0:
            return "No questions were generated."
        noun = "question" if self.generated == 1 else "questions"
        text = f"{len(self.accepted)} of {self.generated} generated {noun} passed the checks"
        if self.rejected:
            text += f" ({len(self.rejected)} rejected)"
        return text + "."


# ----- passages ---------------------------------------------------------------------------
def passages(day: Day) -> list[SourceText]:
    """Prose paragraphs of the day's lesson, short enough for a small model to stay on."""
    found = []
    for section in day.sections:
        for block in paragraphs(section.body):
            text = fit_words(block, MAX_WORDS)
            if len(text.split()) >= MIN_WORDS:
                found.append(SourceText(day.number, section.id, section.title, text))
    return found


def pick(found: Sequence[SourceText], count: int, rng: random.Random) -> list[SourceText]:
    """``count`` passages spread over the sections, in random order."""
    by_section: dict[str, list[SourceText]] = {}
    for p in found:
        by_section.setdefault(p.section, []).append(p)
    for group in by_section.values():
        rng.shuffle(group)
    sections = list(by_section)
    rng.shuffle(sections)
    chosen: list[SourceText] = []
    while len(chosen) < count and any(by_section.values()):
        for s in sections:
            if by_section[s] and len(chosen) < count:
                chosen.append(by_section[s].pop())
    return chosen


def messages(passage: SourceText) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Passage:\n{EXAMPLE_PASSAGE}"},
        {"role": "assistant", "content": EXAMPLE_ANSWER},
        {"role": "user", "content": f"Passage:\n{passage.text}"},
    ]


# ----- running the model ------------------------------------------------------------------
def generate(engine: Engine, day: Day, existing: Sequence[str], count: int = DEFAULT_COUNT,
             ctx: JobContext | None = None, rng: random.Random | None = None
             ) -> GenerationResult:
    """Ask ``engine`` for ``count`` candidates and keep only those that pass every check.

    Runs on whichever thread owns the engine (the inference worker or the CLI).
    """
    ctx = ctx or JobContext()
    chosen = pick(passages(day), count, rng or random.Random())
    candidates = []
    result = GenerationResult(day.number, engine.name)
    ctx.progress(0, len(chosen))
    for i, passage in enumerate(chosen, start=1):
        if ctx.cancelled:
            result.cancelled = True
            break
        raw = "".join(engine.stream_chat(messages(passage), MAX_TOKENS, ctx.cancel_event,
                                         json_schema=SCHEMA))
        if ctx.cancelled:
            result.cancelled = True  # a half-written candidate is not judged
            break
        candidates.append(Candidate(raw, passage))
        ctx.progress(i, len(chosen))
    checked = check_all(candidates, existing)
    result.accepted, result.rejected = checked.accepted, checked.rejected
    return result


def practice_job(day: Day, existing: Sequence[str], count: int = DEFAULT_COUNT
                 ) -> Callable[[Engine, JobContext], GenerationResult]:
    """A job for the inference worker (progress goes through the context, not the text)."""
    existing = list(existing)
    return lambda engine, ctx: generate(engine, day, existing, count, ctx)
