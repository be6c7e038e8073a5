"""Practice questions and explanations through the real llama.cpp on the bundled model.

The tiny default model often writes questions that fail the checks; these tests
do not require it to succeed, only that nothing invalid gets through and that
every candidate is accounted for.
"""

from __future__ import annotations

import random

import pytest

from companion.curriculum import course
from companion.jobs import JobContext
from companion.quiz import generation, mistakes
from companion.quiz.validation import Rejected, check, support

BANK = [q.question for d in course().days for q in d.quiz]
KNOWN_REASONS = ("not valid JSON", "not a JSON object", "no question text", "no list of options",
                 "answer is not an option number", "question is not a clean",
                 "needs exactly 4 options", "an option is empty", "stray markup",
                 "duplicate options", "out of range", "near-duplicate",
                 "gives the answer away", "not supported by the lesson passage")


def test_generated_candidates_are_all_checked_and_counted(engine):
    day = course().day(7)
    progress: list[tuple[int, int]] = []
    ctx = JobContext(progress=lambda done, total: progress.append((done, total)))
    result = generation.generate(engine, day, BANK, count=2, ctx=ctx, rng=random.Random(7))
    assert progress == [(0, 2), (1, 2), (2, 2)]
    assert result.generated == 2 and result.model == engine.name
    assert result.summary().startswith(f"{len(result.accepted)} of 2 generated questions")
    for accepted in result.accepted:
        q = accepted.question
        assert check(accepted.raw, accepted.passage, BANK) == q
        assert q.generated and q.day == 7 and day.section(q.section) is not None
        assert len(q.options) == 4 and 0 <= q.answer < 4
        assert support(q.correct_option, accepted.passage.text) >= 0.75
    seen = BANK + [a.question.question for a in result.accepted]
    for rejection in result.rejected:
        assert any(r in rejection.reason for r in KNOWN_REASONS), rejection.reason
        with pytest.raises(Rejected):  # a rejected output never passes on a second look
            check(rejection.raw, rejection.passage, seen)


def test_output_is_constrained_to_the_schema_shape(engine):
    """The grammar makes parseable JSON likely even from a 135M model."""
    passage = generation.passages(course().day(4))[0]
    raw = engine.complete_chat(generation.messages(passage), max_tokens=generation.MAX_TOKENS,
                               json_schema=generation.SCHEMA)
    if engine.last.finish_reason != "length":
        import json

        data = json.loads(raw)
        assert set(data) == {"question", "options", "answer"}
        assert len(data["options"]) == 4 and data["answer"] in (0, 1, 2, 3)


def test_cancel_stops_generation_between_candidates(engine):
    ctx = JobContext()
    ctx.progress = lambda done, total: done and ctx.cancel()
    result = generation.generate(engine, course().day(4), BANK, count=4, ctx=ctx)
    assert result.cancelled and result.generated == 1


def test_explanation_starts_from_the_key_and_stays_in_context(engine):
    day = course().day(4)
    q = day.quiz[0]
    section = day.section(q.section)
    pieces: list[str] = []
    result = mistakes.explain_mistake(engine, q, (q.answer + 1) % 4, section,
                                      JobContext(emit=pieces.append), max_tokens=60)
    assert pieces[0] == mistakes.answer_line(q) + " " and len(pieces) > 3
    assert result.text.startswith(f"The correct answer is “{q.correct_option}”.")
    assert engine.last.prompt_tokens < engine.n_ctx - 60
    assert 0 < engine.last.completion_tokens <= 60
