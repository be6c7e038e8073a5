""""Explain my mistake": a prompt grounded in the lesson section and the answer key.

The answer key is final. The prompt states the correct answer outright, and the
model's reply is started for it with a sentence naming that answer, so even a
tiny model continues from the key instead of arguing with it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from companion.curriculum import Question, Section

MAX_TOKENS = 200
SECTION_BUDGET = 800  # tokens of lesson text: grounding enough, and quick to read in

SYSTEM = ("You are a patient tutor for a course on large language models. The answer key "
          "you are given is correct and final: never say that any other option is correct. "
          "Using only the lesson text, explain in three to five short sentences why the "
          "correct answer is right and why the learner's choice is wrong.")


@dataclass(frozen=True)
class Explanation:
    text: str
    stopped: bool


def lesson_text(section: Section) -> str:
    """The section as plain prose: code blocks and Markdown marks removed."""
    body = re.sub(r"```.*?```", " ", section.body, flags=re.S)
    body = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body)
    return " ".join(re.sub(r"[*_`#>|]+", "", body).split())


def fit(text: str, budget: int, count: Callable[[str], int]) -> str:
    """Cut ``text`` at a sentence end so that it counts at most ``budget`` tokens."""
    if count(text) <= budget:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    lo, hi = 0, len(sentences)
    while lo < hi:  # the most leading sentences that fit
        mid = (lo + hi + 1) // 2
        if count(" ".join(sentences[:mid])) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(sentences[:lo]) or text[: budget * 3]


def answer_line(question: Question) -> str:
    """The key, stated first in every explanation."""
    return f"The correct answer is “{question.correct_option}”."


def messages(question: Question, chosen: int, section: Section,
             count: Callable[[str], int] = lambda s: len(s) // 3,
             budget: int = SECTION_BUDGET) -> list[dict[str, str]]:
    options = "\n".join(f"{i}) {o}" for i, o in enumerate(question.options, start=1))
    learner = question.options[chosen] if 0 <= chosen < len(question.options) else "(none)"
    text = fit(lesson_text(section), budget, count)
    user = (f"Lesson section “{section.title}”:\n{text}\n\n"
            f"Quiz question: {question.question}\nOptions:\n{options}\n\n"
            f"The learner chose {chosen + 1}) {learner}. That is wrong.\n"
            f"Answer key: {question.answer + 1}) {question.correct_option} is the correct "
            f"answer.\nWhy (from the key): {question.explanation}\n\n"
            "Explain the learner's mistake.")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def repeats_itself(text: str) -> bool:
    """True once the latest full sentence is one already said (small models loop)."""
    sentences = [" ".join(x.split()).lower() for x in re.split(r"(?<=[.!?])\s+", text)]
    done = [x for x in sentences[:-1] if len(x.split()) >= 5]
    return len(done) >= 2 and done[-1] in done[:-1]


def explain(engine, question: Question, chosen: int, section: Section,
            cancel: threading.Event | None = None,
            emit: Callable[[str], None] = lambda _text: None,
            max_tokens: int = MAX_TOKENS) -> Explanation:
    """Stream an explanation that begins with the key's answer; runs on the engine's thread."""
    tokens, stop = engine.chat_tokens(messages(question, chosen, section, engine.count))
    lead = answer_line(question) + " "
    tokens = tokens + engine.tokenize(lead)
    emit(lead)
    text = lead
    stream = engine.stream_tokens(tokens, stop, max_tokens, cancel)
    try:
        for piece in stream:
            text += piece
            emit(piece)
            if repeats_itself(text):
                break  # stop a loop instead of streaming the same sentence again
    finally:
        stream.close()
    return Explanation(text.strip(), engine.last.stopped)


def explain_job(question: Question, chosen: int, section: Section,
                max_tokens: int = MAX_TOKENS):
    """The same, as a job for the GUI's inference worker."""

    def job(engine, cancel: threading.Event, emit: Callable[[str], None]) -> Explanation:
        return explain(engine, question, chosen, section, cancel, emit, max_tokens)

    return job
