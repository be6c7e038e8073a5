"""The course's teaching material is complete: figures, code notes, concepts, quiz quality.

These checks are about content, so they live in tests rather than in the loader: a
day that is still being written loads fine, but cannot be merged incomplete.
"""

from __future__ import annotations

import re

import pytest

from companion.curriculum import course
from companion.curriculum.loader import FIGURES_DIR
from companion.lab import run_code
from companion.text import words

DAYS = course().days
BANNED_OPTIONS = re.compile(r"\b(all|none|both) of (the )?(above|these|them)\b|^both\b", re.I)


def choice_questions():
    return [q for d in DAYS for q in d.quiz if q.kind == "choice"]


def test_the_right_answer_is_the_longest_option_in_at_most_30_percent_of_questions():
    questions = choice_questions()
    longest = [q.id for q in questions
               if max(range(len(q.options)), key=lambda i: len(q.options[i])) == q.answer]
    share = len(longest) / len(questions)
    assert share <= 0.30, f"{len(longest)}/{len(questions)} = {share:.0%}: {longest}"


def test_the_right_answer_is_not_the_shortest_option_too_often_either():
    questions = choice_questions()
    shortest = [q.id for q in questions
                if min(range(len(q.options)), key=lambda i: len(q.options[i])) == q.answer]
    assert len(shortest) / len(questions) <= 0.35, shortest


def test_no_all_or_none_of_the_above_options():
    bad = [(q.id, o) for q in choice_questions() for o in q.options if BANNED_OPTIONS.search(o)]
    assert not bad


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"day{d.number:02d}")
def test_every_day_has_ten_questions_three_concepts_and_unique_resources(day):
    assert len(day.quiz) >= 10
    assert len(day.concepts) >= 3, "explain-it-back needs at least 3 concepts per day"
    urls = [r.url.rstrip("/") for r in day.resources]
    assert len(urls) == len(set(urls)), "the same resource twice"


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"day{d.number:02d}")
def test_every_code_block_has_an_authored_explanation(day):
    blocks = day.code_blocks()
    notes = {n.block for n in day.code}
    missing = [b.number for b in blocks if b.number not in notes]
    assert not missing, f"day {day.number}: code blocks without a [[code]] note: {missing}"
    for note in day.code:
        assert note.summary and (note.walkthrough or len(note.summary) > 80)
        if not note.runnable and blocks[note.block - 1].language == "python":
            assert note.needs or note.why or note.output, f"block {note.block}: say what it needs"


BLOCK_MENTION = re.compile(r"\bblocks? (\d+)(?: and (\d+))?")


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"day{d.number:02d}")
def test_code_notes_name_blocks_that_exist_and_run_first(day):
    """Block numbers shift when a lesson gains or loses a block: notes must follow.

    A note whose block runs after others may only name those (its ``requires``); any
    other note may name any block of the day but its own.
    """
    count = len(day.code_blocks())
    for note in day.code:
        text = f"{note.summary} {note.walkthrough} {note.why}"
        named = {int(n) for m in BLOCK_MENTION.finditer(text) for n in m.groups() if n}
        assert all(1 <= n <= count and n != note.block for n in named), (note.block, named)
        if note.requires:
            assert named <= set(note.requires), f"block {note.block} names {named}"


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"day{d.number:02d}")
def test_key_points_link_to_sentences_that_exist(day):
    for concept in day.concepts:
        body = " ".join(day.section(concept.section).body.split())
        for point in concept.key_points:
            assert point.source and " ".join(point.source.split()) in body, \
                f"{concept.id}: source not in section {concept.section}: {point.source!r}"
        for wrong in concept.misconceptions:
            assert wrong.correction, f"{concept.id}: a misconception needs its correction"


@pytest.mark.parametrize("day", DAYS, ids=lambda d: f"day{d.number:02d}")
def test_figures_exist_in_both_themes_with_alt_text(day):
    for section, alt, path in day.figures():
        name = path.removeprefix("figures/")
        assert (FIGURES_DIR / name).is_file(), path
        assert (FIGURES_DIR / name.replace(".svg", ".dark.svg")).is_file(), f"{path}: no dark"
        assert len(words(alt)) >= 8, f"{path} in {section}: alt text too short"


RUNNABLE = [(d, n) for d in DAYS for n in d.code if n.runnable]


@pytest.mark.slow
@pytest.mark.parametrize("day,note", RUNNABLE,
                         ids=[f"day{d.number:02d}-block{n.block}" for d, n in RUNNABLE])
def test_runnable_lesson_code_prints_what_its_note_says(day, note):
    result = run_code.run(run_code.program(day, note.block), timeout=60)
    assert result.ok, result.stderr[-2000:]
    got = [line.rstrip() for line in result.stdout.rstrip().splitlines()]
    want = [line.rstrip() for line in note.output.strip("\n").rstrip().splitlines()]
    assert got == want


CONCEPTS = [c for d in DAYS for c in d.concepts]


@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.id)
def test_concept_match_groups_agree_with_their_own_words(concept):
    """A key point's own sentence counts as covering it; a misconception's own sentence
    counts as stating it; its correction, and all the key points together, do not."""
    from companion.quiz.explain_back import find

    for point in concept.key_points:
        assert find(point.match, point.text) is not None, f"key point missed: {point.text}"
    every_point = " ".join(p.text for p in concept.key_points)
    for wrong in concept.misconceptions:
        assert find(wrong.match, wrong.text) is not None, f"misconception missed: {wrong.text}"
        assert find(wrong.match, wrong.correction) is None, f"correction flagged: {wrong.text}"
        assert find(wrong.match, every_point) is None, f"key points flagged: {wrong.text}"
