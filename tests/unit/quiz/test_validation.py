"""The practice-question validator against a fixture of malformed model outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.curriculum import course
from companion.quiz import generation
from companion.quiz.validation import (
    Candidate,
    Rejected,
    SourceText,
    check,
    check_all,
    similarity,
    support,
)

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "quiz_model_outputs.json")
                     .read_text(encoding="utf-8"))
PASSAGES = {name: SourceText(**p) for name, p in FIXTURE["passages"].items()}
BANK = [q.question for d in course().days for q in d.quiz]


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=[c["name"] for c in FIXTURE["cases"]])
def test_each_fixture_output_gets_the_expected_verdict(case):
    passage = PASSAGES[case["passage"]]
    if case["expect"] == "accepted":
        q = check(case["raw"], passage, BANK)
        assert q.generated and q.day == passage.day and q.section == passage.section
        assert len(q.options) == 4 and 0 <= q.answer < 4
        assert support(q.correct_option, passage.text) >= 0.75
        assert q.explanation and q.id.startswith(f"gen-d{passage.day:02d}-")
    else:
        with pytest.raises(Rejected, match=case["expect"]):
            check(case["raw"], passage, BANK)


def test_a_batch_counts_rejections_and_keeps_only_valid_questions():
    candidates = [Candidate(c["raw"], PASSAGES[c["passage"]]) for c in FIXTURE["cases"]]
    result = check_all(candidates, BANK)
    expected_ok = sum(c["expect"] == "accepted" for c in FIXTURE["cases"])
    assert len(result.accepted) == expected_ok == 2
    assert len(result.rejected) == len(candidates) - expected_ok
    assert result.summary() == f"2 of {len(candidates)} generated questions passed the checks."
    for accepted in result.accepted:  # everything that got through would pass on its own
        q = accepted.question
        assert len(set(o.lower() for o in q.options)) == 4 and all(o.strip() for o in q.options)


def test_the_same_question_twice_in_one_batch_is_kept_once():
    good = FIXTURE["cases"][0]
    twice = [Candidate(good["raw"], PASSAGES["heads"])] * 2
    result = check_all(twice, BANK)
    assert len(result.accepted) == 1
    assert "near-duplicate" in result.rejected[0].reason


def test_similarity_sees_rewording_but_not_different_questions():
    assert similarity("What does the causal mask do?", "what does the CAUSAL mask do") > 0.9
    assert similarity("What does the causal mask do?", "How many heads does BERT-base use?") < 0.5


def test_passages_are_prose_without_code_or_markdown():
    day = course().day(4)
    found = generation.passages(day)
    assert len(found) >= 5
    sections = {s.id for s in day.sections}
    for p in found:
        assert p.section in sections
        assert "```" not in p.text and "**" not in p.text
        assert generation.MIN_WORDS <= len(p.text.split()) <= generation.MAX_WORDS + 60


def test_schema_asks_for_exactly_four_options_and_an_index():
    schema = generation.SCHEMA
    assert schema["properties"]["options"]["minItems"] == 4 == \
        schema["properties"]["options"]["maxItems"]
    assert schema["properties"]["answer"]["enum"] == [0, 1, 2, 3]
    assert set(schema["required"]) == {"question", "options", "answer"}
