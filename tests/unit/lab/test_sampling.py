"""The sampling maths the next-token sliders use: filters, temperature, renormalising."""

from __future__ import annotations

import numpy as np
import pytest

from companion.lab.sampling import NextTokenScores, Settings, entropy_bits

LOGITS = np.array([2.0, 1.0, 0.5, 0.0, -1.0, -3.0])


def test_filters_keep_a_prefix_and_the_survivors_sum_to_one():
    picked = NextTokenScores(LOGITS).pick(Settings(temperature=1, top_k=3, top_p=1, min_p=0))
    assert picked.survivors == 3
    assert list(picked.ids[:3]) == [0, 1, 2]
    assert picked.final[:3].sum() == pytest.approx(1.0)
    assert (picked.final[3:] == 0).all()


def test_top_p_keeps_the_smallest_set_reaching_p():
    scores = NextTokenScores(LOGITS)
    p = scores.model_probs
    picked = scores.pick(Settings(temperature=1, top_k=0, top_p=float(p[0] + p[1] - 1e-9),
                                  min_p=0))
    assert picked.survivors == 2


def test_min_p_drops_tokens_far_below_the_best():
    scores = NextTokenScores(LOGITS)
    picked = scores.pick(Settings(temperature=1, top_k=0, top_p=1, min_p=0.3))
    kept = scores.model_probs[:picked.survivors]
    assert (kept >= 0.3 * scores.model_probs[0]).all()
    assert scores.model_probs[picked.survivors] < 0.3 * scores.model_probs[0]


def test_higher_temperature_flattens_the_distribution():
    scores = NextTokenScores(LOGITS)
    off = dict(top_k=0, top_p=1.0, min_p=0.0)
    cold = scores.pick(Settings(temperature=0.5, **off)).entropy_bits
    warm = scores.pick(Settings(temperature=1.5, **off)).entropy_bits
    assert warm > cold


def test_temperature_zero_is_greedy():
    scores = NextTokenScores(LOGITS)
    picked = scores.pick(Settings(temperature=0, top_k=0, top_p=1, min_p=0))
    assert picked.survivors == 1 and picked.final[0] == 1
    rng = np.random.default_rng(0)
    assert {scores.sample(Settings(temperature=0), rng) for _ in range(20)} == {0}


def test_sampling_follows_the_renormalised_probabilities():
    scores = NextTokenScores(LOGITS)
    s = Settings(temperature=1, top_k=2, top_p=1, min_p=0)
    rng = np.random.default_rng(1)
    draws = [scores.sample(s, rng) for _ in range(4000)]
    share = draws.count(0) / len(draws)
    expected = scores.pick(s).final[0]
    assert set(draws) == {0, 1}
    assert share == pytest.approx(expected, abs=0.03)


def test_entropy_of_a_fair_coin_is_one_bit():
    assert entropy_bits(np.array([0.5, 0.5])) == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [dict(temperature=-1), dict(top_p=0), dict(min_p=1),
                                 dict(top_k=-2)])
def test_settings_refuse_values_that_mean_nothing(bad):
    with pytest.raises(ValueError):
        Settings(**bad)
