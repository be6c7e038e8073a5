"""The course excerpt: 2-5 whole sentences, 40-150 words, in order, linked to sections."""

from __future__ import annotations

import pytest

from companion.curriculum import course
from companion.tutor.course_index import index_for
from companion.tutor.excerpt import MAX_SENTENCES, select
from companion.tutor.retrieval import find

QUESTIONS = ["Why do we divide by the square root of d_k in attention?", "What is LoRA?",
             "Does DPO use reinforcement learning?", "whats a kv cache for",
             "bf16 or fp16 for mixed-precision training, and why?",
             "My training loss keeps falling but my validation loss is going up."]


@pytest.fixture(scope="module")
def c():
    return course()


@pytest.mark.parametrize("question", QUESTIONS)
def test_excerpts_are_whole_course_sentences_in_reading_order(c, question):
    index = index_for(c)
    excerpt = select(index, find(c, question))
    assert excerpt is not None and 30 <= excerpt.words <= 200
    used = [i for part in excerpt.parts for i in part.sentences]
    assert 2 <= len(used) <= MAX_SENTENCES + 1  # +1: a lead-in a sentence cannot do without
    for part in excerpt.parts:
        assert list(part.sentences) == sorted(part.sentences)
        for i in part.sentences:
            sentence = index.sentences[i]
            assert (sentence.day, sentence.section) == (part.day, part.section)
            assert sentence.text in part.text  # the course's words, unchanged


def test_the_scaling_question_gets_the_day_4_scaling_passage(c):
    excerpt = select(index_for(c), find(c, QUESTIONS[0]))
    assert (excerpt.parts[0].day, excerpt.parts[0].section) == (4, "self-attention")
    assert "Dividing by sqrt(d_k) brings the variance back to about 1" in excerpt.text
    assert "lesson:4#self-attention" in excerpt.markdown()


def test_off_course_has_no_excerpt(c):
    assert select(index_for(c), find(c, "What is the capital of Australia?")) is None
