"""The support check: a model sentence is shown as fact only when the passages back it."""

from __future__ import annotations

import pytest

from companion.tutor.support import Checker, split_complete

DPO = ["DPO (direct preference optimization, Rafailov et al., 2023) reaches the same goal "
       "without a separate reward model and without reinforcement learning. It trains directly "
       "on preference pairs with a classification-style loss."]


@pytest.fixture
def checker():
    return Checker(DPO, "Does DPO use reinforcement learning?", citations=1, days={5})


@pytest.mark.parametrize("sentence", [
    "DPO trains directly on preference pairs without reinforcement learning [1].",
    "DPO was introduced by Rafailov et al. in 2023.",
    "As day 5 says, DPO trains on preference pairs with a classification-style loss.",
])
def test_supported_sentences_pass(checker, sentence):
    assert checker.check(sentence).supported


@pytest.mark.parametrize("sentence, reason", [
    ("DPO uses reinforcement learning to train the model.", ""),
    ("DPO uses reinforcement learning.", "opposite"),
    ("DPO does not train on preference pairs.", "opposite"),
    ("DPO was introduced in 2019.", "2019"),
    ("BERT stands for Brain-Computer Interoperability.", "BERT"),
    ("See Day 16 for the details of DPO.", "day 16"),
    ("See day 9 for preference pairs and DPO.", "day 9"),
    ("DPO is a kind of convolutional image classifier for photos.", "words"),
    ("DPO with a classification-style loss was made by Rafailov et al. for photos of cats.",
     "words"),
    ("The loss is L = -log sigma(beta * margin) for DPO.", "formula"),
])
def test_unsupported_sentences_are_held_back_with_a_reason(checker, sentence, reason):
    verdict = checker.check(sentence)
    assert not verdict.supported and reason in verdict.reason


def test_citation_markers_without_a_passage_are_removed(checker):
    verdict = checker.check("DPO trains on preference pairs [1] [4].")
    assert "[1]" in verdict.sentence and "[4]" not in verdict.sentence


def test_a_copy_of_a_passage_sentence_counts_as_a_repeat(checker):
    assert checker.repeats("It trains directly on preference pairs with a classification-style "
                           "loss.")
    assert not checker.repeats("DPO needs no reward model.")


def test_streamed_text_is_split_into_finished_sentences():
    assert split_complete("One is done. Two is not") == (["One is done."], "Two is not")
    assert split_complete("One. Two. ") == (["One.", "Two."], "")
    assert split_complete("e.g. this") == ([], "e.g. this")
