"""Explain it back: key points found or missing, misconceptions caught, negations respected."""

from __future__ import annotations

import pytest

from companion.curriculum import Match, course
from companion.quiz import explain_back
from companion.quiz.mastery import day_mastery

COURSE = course()
SCALING = COURSE.concept("d04-c1")  # why attention divides by sqrt(d_k)


def test_matching_is_at_word_starts_and_ignores_case():
    grow = Match((("grow",),))
    assert explain_back.find(grow, "Scores GROW with the width")
    assert explain_back.find(grow, "the scores keep growing")
    assert not explain_back.find(grow, "the model outgrows its cache")
    both = Match((("softmax",), ("saturat", "one-hot")))
    assert explain_back.find(both, "the softmax saturates")
    assert not explain_back.find(both, "the softmax is fine")  # every group must be present
    assert explain_back.find(Match((("one-hot",),)), "becomes one hot")  # hyphen or space


def test_a_full_explanation_covers_every_point():
    text = ("The dot product of two vectors grows with the dimension d_k: its variance is "
            "about d_k. Large scores saturate the softmax, so it becomes nearly one-hot and "
            "the gradients vanish. Dividing by the square root of d_k brings the variance "
            "back to about 1.")
    result = explain_back.check(COURSE, SCALING, text)
    assert result.covered == (0, 1, 2) and not result.missing and not result.misconceptions
    assert result.complete and result.score == "3 of 3 key points"


def test_a_missing_key_point_is_flagged_with_the_lesson_sentence_that_states_it():
    text = ("The dot product grows with the dimension d_k, and large scores saturate the "
            "softmax so the gradients vanish.")
    result = explain_back.check(COURSE, SCALING, text)
    assert result.covered == (0, 1) and not result.complete
    [missing] = result.missing
    assert missing.point is SCALING.key_points[2]
    assert "Dividing by sqrt(d_k) brings the variance back to about 1" in missing.sentence
    section = COURSE.day(4).section(SCALING.section)
    assert missing.sentence.split(",")[0].replace("sqrt(d_k)", "`sqrt(d_k)`") in section.body


def test_a_planted_misconception_is_caught_with_its_correction():
    text = ("We divide by the square root of d_k because it makes attention faster, and the "
            "variance grows with the dimension.")
    result = explain_back.check(COURSE, SCALING, text)
    [wrong] = result.misconceptions
    assert wrong.misconception.text == "Scaling makes attention cheaper or faster to compute."
    assert "saturation" in wrong.misconception.correction
    assert text.casefold()[wrong.span[0]:wrong.span[1]] == "faster"
    assert not result.complete


@pytest.mark.parametrize("text", [
    "Scaling does not make attention faster; the variance grows with d_k.",
    "It isn't about being cheaper: the variance grows with d_k.",
    "This never speeds up anything, but the variance grows with d_k.",
])
def test_a_negated_misconception_is_not_counted(text):
    assert explain_back.check(COURSE, SCALING, text).misconceptions == ()


def test_a_negated_key_point_is_not_counted():
    result = explain_back.check(COURSE, SCALING, "The variance does not grow with d_k.")
    assert 0 not in result.covered
    # a negation in an earlier clause does not cancel a later statement
    later = explain_back.check(COURSE, SCALING, "It is not slow, but the variance grows "
                                                "with d_k.")
    assert 0 in later.covered
    # "without X" negates X, not the rest of the sentence
    without = explain_back.check(COURSE, SCALING, "Without scaling the scores grow with d_k.")
    assert 0 in without.covered
    assert explain_back.check(COURSE, SCALING, "There is no speed-up from it, but the "
                                               "variance grows with d_k").misconceptions == ()


def test_an_off_topic_text_covers_nothing():
    for concept in COURSE.day(4).concepts:
        result = explain_back.check(COURSE, concept, "I like cooking pasta with tomatoes.")
        assert result.covered == () and result.misconceptions == ()


def test_every_concept_has_a_lesson_sentence_for_each_point():
    concepts = [c for d in COURSE.days for c in d.concepts]
    assert len(concepts) >= 42 and all(len(d.concepts) >= 3 for d in COURSE.days)
    for concept in concepts:
        for point in concept.key_points:
            sentence = explain_back.source_sentence(COURSE, concept, point)
            assert sentence != point.text, (concept.id, point.source)


def test_attempts_are_saved_and_count_towards_mastery(study):
    day = COURSE.day(4)
    assert day_mastery(study.db, COURSE)[4].explained == 0
    bad = study.quiz.check_explanation(SCALING, "It makes attention faster.")
    study.quiz.save_explanation(bad)
    assert day_mastery(study.db, COURSE)[4].explained == 0  # a wrong one does not count
    for concept in day.concepts[:2]:
        good = study.quiz.check_explanation(concept, " ".join(p.text for p in
                                                             concept.key_points))
        assert good.complete, concept.id
        study.quiz.save_explanation(good)
    saved = study.quiz.explanations(SCALING.id)
    assert len(saved) == 2 and saved[-1].misconceptions == (0,) and not saved[-1].complete
    assert saved[0].complete and saved[0].covered == (0, 1, 2)
    mastery = day_mastery(study.db, COURSE)[4]
    assert mastery.explained == 2 and mastery.concepts_passed and not mastery.mastered
    assert "score 80% or better in the quiz" in mastery.next_step()
