"""Options come in a new order every attempt, stay put within it, and history stays right."""

from __future__ import annotations

import random
from collections import Counter

from companion.curriculum import course
from companion.quiz import bank, shuffle
from companion.storage import quiz as store

CHOICE = [q for d in course().days for q in d.quiz if q.kind == "choice"]


def test_the_right_answer_is_rarely_the_longest_option():
    """The bank was rewritten so that option length gives nothing away (issue 14)."""
    longest = [q.id for q in CHOICE
               if len(q.correct_option) > max(len(o) for i, o in enumerate(q.options)
                                              if i != q.answer)]
    share = len(longest) / len(CHOICE)
    assert share <= 0.30, f"{len(longest)} of {len(CHOICE)} ({share:.0%}): {longest[:10]}"


def test_a_shuffled_question_keeps_its_key_on_the_same_words():
    rng = random.Random(3)
    for q in CHOICE:
        shown = shuffle.show(q, rng)
        assert sorted(shown.question.options) == sorted(q.options)
        assert shown.question.correct_option == q.correct_option
        for position, option in enumerate(shown.question.options):
            assert q.options[shown.bank_index(position)] == option


def test_positions_of_the_answer_are_spread_evenly_across_attempts():
    q = CHOICE[0]
    rng = random.Random(11)
    where = Counter(shuffle.show(q, rng).question.answer for _ in range(2000))
    assert set(where) == {0, 1, 2, 3}
    assert all(350 < n < 650 for n in where.values()), where


def test_true_false_keeps_true_first():
    tf = next(q for d in course().days for q in d.quiz if q.kind == "truefalse")
    assert all(shuffle.show(tf).question.options == ("True", "False") for _ in range(20))


def test_two_attempts_show_different_orders_and_each_is_saved_with_the_answer(study):
    questions = bank.day_questions(study.course, 4)
    runs = []
    for seed in (1, 2):
        session = study.quiz.start(4, questions, rng=random.Random(seed))
        shown_orders = [s.order for s in session.shown]
        for i in range(session.total):
            current = session.current
            # within an attempt the order does not change, however often it is read
            assert session.current.options == current.options
            wrong = (current.answer + 1) % len(current.options)
            session.answer(wrong if i == 0 else current.answer)
            assert session.current.options == current.options  # still the same after answering
            session.next()
        runs.append((session, shown_orders))
    (first, first_orders), (second, second_orders) = runs
    assert first_orders != second_orders
    for session, orders in runs:
        saved = store.attempt_details(study.db, session.run_id)
        assert [a.order for a in saved] == orders
        missed = saved[0]
        bank_q = questions[0]
        # the saved choice names the option picked, whatever position it was shown in
        assert not missed.correct and missed.chosen != bank_q.answer
        picked = session.results[0].chosen_option
        assert bank_q.options[missed.chosen] == picked
        assert missed.shown_position == session.results[0].chosen
        assert all(a.correct and a.chosen == questions[i].answer
                   for i, a in enumerate(saved[1:], start=1))


def test_review_shows_a_fresh_order_and_grades_by_the_words(study):
    q = bank.day_questions(study.course, 4)[1]
    session = study.quiz.start(4, [q], rng=random.Random(5))
    session.answer((session.current.answer + 1) % 4)
    orders = set()
    for seed in range(6):
        review = study.quiz.review(rng=random.Random(seed))
        shown = review.next()
        assert shown.id == q.id and shown.correct_option == q.correct_option
        orders.add(shown.options)
        assert review.answer(shown.answer) is True
        assert review.answer((shown.answer + 1) % 4) is False
    assert len(orders) > 1
