"""The quiz bank as shipped: enough questions, valid keys, sections that exist."""

from __future__ import annotations

import pytest

from companion.curriculum import course
from companion.quiz import bank
from companion.quiz.validation import similarity


def test_at_least_eight_questions_a_day_and_112_in_all():
    days = course().days
    assert all(len(d.quiz) >= 8 for d in days)
    assert sum(len(d.quiz) for d in days) >= 112


def test_mostly_multiple_choice_with_some_true_false():
    questions = [q for d in course().days for q in d.quiz]
    choice = [q for q in questions if q.kind == "choice"]
    truefalse = [q for q in questions if q.kind == "truefalse"]
    assert len(choice) > 2 * len(truefalse) and truefalse
    assert all(len(q.options) == 4 for q in choice)
    assert all(q.options == ("True", "False") for q in truefalse)


@pytest.mark.parametrize("number", range(1, 15))
def test_every_question_of_a_day_is_well_formed(number: int):
    day = course().day(number)
    ids = [q.id for q in day.quiz]
    assert len(set(ids)) == len(ids)
    for q in day.quiz:
        assert q.day == number and q.id.startswith(f"d{number:02d}-")
        assert day.section(q.section) is not None, q.id
        assert 0 <= q.answer < len(q.options)
        assert len({o.strip().casefold() for o in q.options}) == len(q.options), q.id
        assert q.question.strip() and len(q.explanation.split()) >= 5, q.id


def test_no_two_bank_questions_are_near_duplicates():
    questions = [q for d in course().days for q in d.quiz]
    clashes = [(a.id, b.id) for i, a in enumerate(questions) for b in questions[i + 1:]
               if similarity(a.question, b.question) >= 0.85]
    assert clashes == []


def test_answers_are_not_always_in_the_same_position():
    positions = [q.answer for d in course().days for q in d.quiz if q.kind == "choice"]
    assert len(set(positions)) == 4
    assert max(positions.count(i) for i in range(4)) < 0.5 * len(positions)


def test_json_form_carries_the_key_and_the_section():
    q = course().day(4).quiz[0]
    data = bank.to_json(q)
    assert data["options"][data["answer"]] == data["correct_option"] == q.correct_option
    assert data["section"] == q.section and data["generated"] is False


def test_an_unknown_day_is_a_readable_error():
    with pytest.raises(KeyError, match="no day 15"):
        bank.day_questions(course(), 15)
