"""Instant practice questions: valid by an independent check, fast, and reviewable later."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest

from companion.curriculum import course
from companion.quiz import bank, practice
from companion.quiz.validation import Rejected

COURSE = course()
BANK = [q.question for d in COURSE.days for q in d.quiz]


@pytest.mark.parametrize("number", range(1, 15))
def test_every_day_has_a_pool_of_all_three_kinds_and_every_question_passes(number):
    pool = practice.pool(COURSE, number)
    kinds = {pq.style for pq in pool}
    assert kinds == {"cloze", "term", "section"}, kinds
    assert len(pool) >= 15
    for pq in pool:
        practice.check(COURSE, pq, BANK)
        q = pq.question
        assert q.day == number and not q.generated and q.id.startswith("prac-d")
        assert pq.source in q.explanation or q.explanation.endswith(pq.source.split(": ", 1)[1])


def test_a_cloze_is_a_real_lesson_sentence_with_one_term_blanked():
    pq = next(p for p in practice.pool(COURSE, 4) if p.style == "cloze")
    q = pq.question
    assert q.question.count(practice.BLANK) == 1
    filled = q.question.replace(practice.BLANK, q.correct_option)
    section = COURSE.day(4).section(q.section)
    assert pq.source in practice._plain(section.body)
    others = [o for i, o in enumerate(q.options) if i != q.answer]
    assert all(o.casefold() not in pq.source.casefold() for o in others)
    assert filled.endswith(pq.source + "”") or pq.source in filled or q.correct_option


def test_a_term_question_hides_every_name_of_the_term():
    for pq in practice.pool(COURSE, 2):
        if pq.style == "term":
            term = next(t for t in COURSE.day(2).terms if t.term == pq.question.correct_option)
            for name in practice.names(term):
                assert practice.mentions(pq.question.question, term) is None, name


def test_the_check_rejects_broken_questions():
    pq = next(p for p in practice.pool(COURSE, 4) if p.style == "cloze")
    q = pq.question
    wrong_key = dataclasses.replace(q, answer=(q.answer + 1) % len(q.options))
    with pytest.raises(Rejected, match="does not complete"):
        practice.check(COURSE, dataclasses.replace(pq, question=wrong_key))
    twice = dataclasses.replace(q, options=(q.options[0],) * 4)
    with pytest.raises(Rejected, match="distinct"):
        practice.check(COURSE, dataclasses.replace(pq, question=twice))
    section_q = next(p for p in practice.pool(COURSE, 4) if p.style == "section")
    moved = dataclasses.replace(section_q.question,
                                answer=(section_q.question.answer + 1) % 4)
    with pytest.raises(Rejected, match="right section"):
        practice.check(COURSE, dataclasses.replace(section_q, question=moved))
    with pytest.raises(Rejected, match="near-duplicate"):
        practice.check(COURSE, pq, [q.question])


def test_five_valid_questions_in_well_under_five_seconds(study):
    start = time.perf_counter()
    made = study.quiz.practice(4, 8, rng=random.Random(1))
    elapsed = time.perf_counter() - start
    assert len(made) == 8 and elapsed < 5.0, elapsed
    assert {pq.style for pq in made} == {"cloze", "term", "section"}
    assert len({pq.question.id for pq in made}) == 8


def test_a_missed_practice_question_comes_back_in_review(study):
    pq = study.quiz.practice(4, 1, rng=random.Random(2))[0]
    assert bank.find(COURSE, study.db, pq.question.id) == pq.question
    session = study.quiz.start(4, [pq.question], kind="practice")
    session.answer((session.current.answer + 1) % len(session.current.options))
    review = study.quiz.review()
    shown = review.next()
    assert shown is not None and shown.id == pq.question.id
    assert shown.correct_option == pq.question.correct_option


def test_an_unknown_day_is_a_readable_error(study):
    with pytest.raises(KeyError, match="no day 20"):
        study.quiz.practice(20)
