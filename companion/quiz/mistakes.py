""""Explain my mistake": a prompt grounded in the lesson section and the answer key.

The answer key is final. The prompt states the correct answer outright, and the
model's reply is started for it with a sentence naming that answer, so even a
tiny model continues from the key instead of arguing with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from companion.curriculum import Question, Section
from companion.jobs import JobContext
from companion.text import fit_sentences, markdown_to_plain, sentences, tidy
from companion.tutor.engine import Engine

MAX_TOKENS = 200
SECTION_BUDGET = 800  # tokens of lesson text: grounding enough, and quick to read in

SYSTEM = ("You are a patient tutor for a course on large language models. The answer key "
          "you are given is correct and final: never say that any other option is correct. "
          "Using only the lesson text, explain in three to five short sentences why the "
          "correct answer is right and why the learner's choice is wrong.")


@dataclass(frozen=True)
class MistakeExplanation:
    text: str
    stopped: bool


def lesson_text(section: Section) -> str:
    """The section as plain prose: code blocks and Markdown marks removed."""
    return tidy(re.sub(r"[#>|]+", " ", markdown_to_plain(section.body)))


def answer_line(question: Question) -> str:
    """The key, stated first in every explanation."""
    return f"The correct answer is “{question.correct_option}”."


def messages(question: Question, chosen: int, section: Section,
             count: Callable[[str], int] = lambda s: len(s) // 3,
             budget: int = SECTION_BUDGET) -> list[dict[str, str]]:
    options = "\n".join(f"{i}) {o}" for i, o in enumerate(question.options, start=1))
    learner = question.options[chosen] if 0 <= chosen < len(question.options) else "(none)"
    text = fit_sentences(lesson_text(section), budget, count)
    user = (f"Lesson section “{section.title}”:\n{text}\n\n"
            f"Quiz question: {question.question}\nOptions:\n{options}\n\n"
            f"The learner chose {chosen + 1}) {learner}. That is wrong.\n"
            f"Answer key: {question.answer + 1}) {question.correct_option} is the correct "
            f"answer.\nWhy (from the key): {question.explanation}\n\n"
            "Explain the learner's mistake.")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def repeats_itself(text: str) -> bool:
    """True once the latest full sentence is one already said (small models loop)."""
    said = [x.lower() for x in sentences(text)]
    done = [x for x in said[:-1] if len(x.split()) >= 5]
    return len(done) >= 2 and done[-1] in done[:-1]


def explain_mistake(engine: Engine, question: Question, chosen: int, section: Section,
                    ctx: JobContext | None = None,
                    max_tokens: int = MAX_TOKENS) -> MistakeExplanation:
    """Stream an explanation that begins with the key's answer; runs on the engine's thread."""
    ctx = ctx or JobContext()
    lead = answer_line(question) + " "
    ctx.emit(lead)
    text = lead
    stream = engine.stream_chat(messages(question, chosen, section, engine.count), max_tokens,
                                ctx.cancel_event, prefill=lead)
    try:
        for piece in stream:
            text += piece
            ctx.emit(piece)
            if repeats_itself(text):
                break  # stop a loop instead of streaming the same sentence again
    finally:
        stream.close()
    return MistakeExplanation(text.strip(), engine.last.stopped)


def mistake_job(question: Question, chosen: int, section: Section,
                max_tokens: int = MAX_TOKENS) -> Callable[[Engine, JobContext],
                                                          MistakeExplanation]:
    """The same, as a job for the GUI's inference worker."""
    return lambda engine, ctx: explain_mistake(engine, question, chosen, section, ctx,
                                               max_tokens)
