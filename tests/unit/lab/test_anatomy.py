"""Model anatomy read from the GGUF, and the memory formula built from it."""

from __future__ import annotations

import pytest

from companion.lab import anatomy
from companion.tutor.engine import ModelError
from companion.tutor.model_files import bundled_model_path
from tests.gguf_samples import tiny_gguf


def test_the_bundled_smollm2_has_the_shape_the_course_teaches():
    a = anatomy.read(bundled_model_path())
    assert (a.layers, a.heads, a.kv_heads, a.head_dim) == (30, 9, 3, 64)
    assert (a.hidden_size, a.ffn_size, a.vocab_size) == (576, 1536, 49152)
    assert a.kv_bytes_per_token("f16") == 23040
    assert a.query_heads_per_kv_head == 3
    assert 134_000_000 < a.parameters < 136_000_000
    assert a.tied_embeddings
    kinds = {g.type: g for g in a.groups}
    assert kinds["Q4_1"].bits_per_weight == pytest.approx(5.0)
    assert kinds["Q8_0"].bits_per_weight == pytest.approx(8.5)
    assert a.to_json()["kv_bytes_per_token_f16"] == 23040


def test_memory_uses_the_models_numbers_and_shows_them():
    a = anatomy.read(bundled_model_path())
    m = anatomy.memory(a, 8192, "f16")
    assert m.kv_bytes == 23040 * 8192
    assert m.total_bytes == a.weight_bytes + 23040 * 8192
    assert "2 (K and V) × 30 layers × 3 KV heads × 64 head dim × 2 bytes" in m.formula
    assert "23,040 bytes per token" in m.formula
    assert anatomy.memory(a, 8192, "q8_0").kv_bytes < m.kv_bytes / 1.8


def test_a_file_that_is_not_a_model_gets_one_clear_line(tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model")
    with pytest.raises(ModelError, match="not a readable GGUF"):
        anatomy.read(bad)
    with pytest.raises(ModelError, match="not found"):
        anatomy.read(tmp_path / "missing.gguf")


def test_a_small_real_gguf_without_attention_fields_still_reads(tmp_path):
    a = anatomy.read(tiny_gguf(tmp_path / "tiny.gguf"))
    assert a.layers == 1 and a.parameters == 16 * 8 + 8
    with pytest.raises(ValueError):
        anatomy.memory(a, 0)

