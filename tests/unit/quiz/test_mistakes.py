"""The "explain my mistake" prompt: grounded in the section and bound to the answer key."""

from __future__ import annotations

from companion.curriculum import course
from companion.quiz import mistakes as explain
from companion.text import fit_sentences


def _question_and_section(day: int = 4, index: int = 0):
    q = course().day(day).quiz[index]
    return q, course().day(day).section(q.section)


def test_the_prompt_states_the_correct_answer_the_choice_and_the_key_explanation():
    q, section = _question_and_section()
    wrong = (q.answer + 1) % len(q.options)
    system, user = explain.messages(q, wrong, section)
    prompt = system["content"] + user["content"]
    assert f"{q.answer + 1}) {q.correct_option} is the correct answer" in prompt
    assert f"The learner chose {wrong + 1}) {q.options[wrong]}" in prompt
    assert q.explanation in prompt and q.question in prompt
    assert "never say that any other option is correct" in system["content"]


def test_the_prompt_carries_the_section_text_without_code():
    q, section = _question_and_section()
    user = explain.messages(q, 0, section)[1]["content"]
    assert section.title in user
    assert "multiplied by three learned matrices" in user  # prose of the section
    assert "import numpy" not in user and "```" not in user


def test_long_sections_are_cut_to_the_budget_at_a_sentence_end():
    q, section = _question_and_section()
    count = lambda text: len(text.split())  # noqa: E731 (a stand-in tokenizer: words)
    full = explain.lesson_text(section)
    cut = fit_sentences(full, 60, count)
    assert count(cut) <= 60 and full.startswith(cut) and cut.endswith((".", "!", "?", ":"))
    user = explain.messages(q, 0, section, count, budget=60)[1]["content"]
    assert cut in user and full not in user


def test_every_explanation_starts_with_the_key():
    q, _ = _question_and_section(4, 9)  # a true/false question
    assert explain.answer_line(q) == "The correct answer is “False”."


def test_a_looping_answer_is_noticed():
    looping = ("The correct answer is X. Attention mixes the value vectors together. It uses "
               "a softmax over the scores. Attention mixes the value vectors together. And")
    assert explain.repeats_itself(looping)
    assert not explain.repeats_itself("The correct answer is X. Attention mixes the value "
                                      "vectors together. It uses a softmax over the scores.")
