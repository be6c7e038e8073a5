"""Coach mode's hint ladder, built from the course data alone."""

from __future__ import annotations

from companion.curriculum import course
from companion.tutor.coach import BLANK, build_ladder, key_sentences
from companion.tutor.course_index import index_for
from companion.tutor.excerpt import select
from companion.tutor.retrieval import find


def _ladder(question: str):
    c = course()
    found = find(c, question)
    return build_ladder(c, found, key_sentences(c, select(index_for(c), found)))


def test_the_ladder_points_to_the_section_and_blanks_a_key_phrase():
    ladder = _ladder("Why do we divide by the square root of d_k in attention?")
    assert (ladder.day, ladder.section) == (4, "self-attention")
    assert "go wrong" in ladder.guiding_question  # a why-question asks for the problem
    assert any(t.term == "Scaled dot-product attention" for t in ladder.terms)
    assert BLANK in ladder.cloze.sentence and ladder.cloze.answer not in ladder.cloze.sentence
    step1, step3 = ladder.step_markdown(1), ladder.step_markdown(3)
    assert "lesson:4#self-attention" in step1 and "Key terms" not in step1
    assert "Key terms" in step3 and BLANK in step3


def test_the_cloze_accepts_the_phrase_and_its_aliases_but_not_a_guess():
    ladder = _ladder("What is LoRA?")
    cloze = ladder.cloze
    assert cloze.check(cloze.answer.upper())
    assert not cloze.check("a kind of attention") and not cloze.check("")


def test_the_same_question_gives_the_same_hints():
    a = _ladder("whats a kv cache for")
    b = _ladder("whats a kv cache for")
    assert a == b


def test_no_ladder_for_off_course_questions():
    c = course()
    assert build_ladder(c, find(c, "What is the capital of Australia?")) is None
