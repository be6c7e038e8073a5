"""Quantising a real tensor: fewer bits cost more error; blocks beat one scale per tensor."""

from __future__ import annotations

import numpy as np
import pytest

from companion.jobs import Cancelled, JobContext
from companion.lab import quantization as q
from companion.tutor.model_files import bundled_model_path


def test_round_trip_error_grows_as_bits_shrink():
    w = np.random.default_rng(0).normal(0, 1, 4096).astype(np.float32)
    errors = [np.abs(q.quantize(w, "absmax", b)[0] - w).mean() for b in (8, 4, 2)]
    assert errors[0] < errors[1] < errors[2]


def test_blocks_contain_an_outlier():
    w = np.random.default_rng(1).normal(0, 0.02, 4096).astype(np.float32)
    w[7] = 5.0  # one huge weight ruins a single tensor-wide scale
    whole = np.sqrt(np.mean((q.quantize(w, "absmax", 4)[0] - w) ** 2))
    blocks = np.sqrt(np.mean((q.quantize(w, "block absmax", 4)[0] - w) ** 2))
    assert blocks < whole / 5


def test_bits_per_weight_count_the_scales():
    w = np.ones(64, dtype=np.float32)
    assert q.quantize(w, "absmax", 4)[1] == 4
    assert q.quantize(w, "block absmax", 4)[1] == 4.5
    assert q.quantize(w, "block zero-point", 4)[1] == 5.0


def test_a_real_tensor_from_the_bundled_model():
    result = q.compare_schemes(bundled_model_path(), "blk.0.attn_k.weight")
    assert result.tensor.type == "Q4_1" and result.weights == 110592
    by = {(o.scheme, o.bits): o for o in result.outcomes}
    assert by[("absmax", 8)].rmse < by[("absmax", 4)].rmse < by[("absmax", 2)].rmse
    assert by[("block absmax", 4)].rmse < by[("absmax", 4)].rmse
    # Q4_1 is block-wise 4-bit zero-point: its own values sit exactly on that grid
    assert by[("block zero-point", 4)].rmse < 1e-4
    assert result.file_format is not None and result.file_format.bits_per_weight == 5.0
    data = result.to_json()
    assert data["file_bits_per_weight"] == 5.0 and len(data["outcomes"]) == 12


def test_an_unknown_tensor_is_a_clear_error_and_cancel_stops_it():
    with pytest.raises(ValueError, match="no tensor called"):
        q.compare_schemes(bundled_model_path(), "blk.99.nothing")
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        q.compare_schemes(bundled_model_path(), "blk.0.attn_k.weight", ctx)
