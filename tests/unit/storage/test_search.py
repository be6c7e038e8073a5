"""Search ranks the right lesson section first and finds notes."""

from __future__ import annotations

from companion.storage import notes
from companion.storage.search import to_match


def test_multi_head_attention_finds_the_transformer_day_first(study):
    hits = study.search("multi-head attention")
    assert hits[0].kind == "lesson" and hits[0].day == 4
    assert hits[0].section == "multi-head-attention"


def test_topic_queries_land_on_their_day(study):
    expected = {"byte pair encoding": 2, "QLoRA 4-bit": 5, "perplexity": 7, "BLEU": 7,
                "early stopping": 10, "confusion matrix": 11, "mixture of experts": 12,
                "speculative decoding": 12, "prompt injection": 13}
    for query, day in expected.items():
        assert study.search(query)[0].day == day, query


def test_notes_are_searchable_and_update_when_edited(study):
    notes.save(study.db, 6, "Remember: zebra-striped dedup trick")
    hit = study.search("zebra")[0]
    assert (hit.kind, hit.day) == ("note", 6)
    assert "[zebra]" in hit.snippet
    notes.save(study.db, 6, "nothing to see")
    assert study.search("zebra") == []


def test_hostile_queries_do_not_break_search(study):
    for query in ['"', "AND OR NOT", "NEAR(", "*", "col:x", "-", "attention)"]:
        study.search(query)  # must not raise
    assert to_match('a"b') == '"a b"'


def test_falls_back_to_any_word_when_all_words_do_not_match(study):
    hits = study.search("attention xyzzyplugh")
    assert hits and hits[0].kind == "lesson"
