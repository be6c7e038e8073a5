"""Code explanations, course first: lesson notes, the ast walk-through, the checked model."""

from __future__ import annotations

import sys

from companion.curriculum import course
from companion.tutor.code_explain import code_in, explain_code, lesson_note
from companion.tutor.code_walk import walk

sys.path.insert(0, ".")
from tests.fakes import FakeEngine  # noqa: E402

PASTED = ("import numpy as np\n\ndef normalise(scores, t):\n    w = np.exp(scores / t)\n"
          "    return w / w.sum()\n\nx = np.zeros((4, 8))\nfor row in x:\n    print(row)\n")


def test_every_lesson_code_block_finds_its_own_note():
    c = course()
    missing = []
    for day in c.days:
        for block in day.code_blocks():
            found = lesson_note(c, block.code)
            if found is None or found[2].block != block.number or found[0] != day.number:
                missing.append(f"{day.number}/{block.number}")
    assert not missing, missing


def test_the_walk_through_names_functions_loops_calls_and_shapes():
    tour = walk(PASTED)
    text = tour.markdown()
    assert "defines `normalise(scores, t)`" in text and "a loop, for `row` in `x`" in text
    assert "`np.exp(…)`: e to the power" in text and "shape (4, 8)" in text
    assert "softmax" in text  # exp divided by a sum
    assert "softmax" in " ".join(tour.search_words)


def test_code_that_is_not_python_says_so():
    assert not walk("for (int i = 0; i < 3; i++) {}").parsed


def test_pasted_code_links_to_the_softmax_sections_and_the_model_is_checked():
    engine = FakeEngine(["It turns the scores into probabilities that sum to 1. ",
                         "It was written by Alan Turing in 1950. "])
    result = explain_code(engine, PASTED, "python", course=course())
    assert result.source == "walk-through"
    assert any(c.day in (1, 3) for c in result.citations)
    assert any("1950" in v.sentence for v in result.unsupported)
    assert all("1950" not in s for s in result.elaboration)
    data = result.to_json()
    assert {"answer", "elaboration", "unsupported", "citations"} <= data.keys()


def test_code_in_a_question_is_recognised():
    assert code_in("What does this do?\n\nx = np.exp(z)\nprint(x)")
    assert not code_in("What is attention?")
