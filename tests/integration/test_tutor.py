"""The tutor through the real llama.cpp on the real bundled model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from companion.tutor.conversation import Conversation
from companion.tutor.engine import ModelError
from companion.tutor.llama_engine import LlamaEngine


def test_an_answer_streams_in_pieces(engine):
    pieces = list(engine.stream_chat([{"role": "user", "content": "Say hello to a learner."}],
                                     max_tokens=40))
    assert len(pieces) > 3 and "".join(pieces).strip()
    assert engine.last.completion_tokens > 3 and engine.last.ttft_s > 0


def test_stop_ends_the_answer_midway(engine):
    cancel = threading.Event()
    pieces = []
    for piece in engine.stream_chat(
            [{"role": "user", "content": "Write a long essay about neural networks."}],
            max_tokens=300, cancel=cancel):
        pieces.append(piece)
        if len(pieces) == 5:
            cancel.set()
    assert len(pieces) == 5 and engine.last.stopped
    assert engine.last.completion_tokens < 50


def test_grounded_answer_cites_sections_that_exist(engine, study):
    conv = Conversation(max_tokens=60)
    prepared = conv.prepare(study.db, study.course, "What is multi-head attention?")
    answer = conv.answer(engine, prepared)
    assert answer.grounded and answer.excerpt.parts[0].section == "multi-head-attention"
    assert answer.citations[0].day == 4
    for c in answer.citations:
        assert study.course.day(c.day).section(c.section) is not None


def test_every_shown_model_sentence_passes_the_check_again(engine, study):
    from companion.tutor.support import Checker

    for question in ("Why do we divide by the square root of d_k in attention?",
                     "Does DPO use reinforcement learning?", "What is a KV cache for?"):
        conv = Conversation(max_tokens=100)
        prepared = conv.prepare(study.db, study.course, question)
        answer = conv.answer(engine, prepared)
        checker = Checker([p.text for p in prepared.passages] + [prepared.excerpt.text],
                          question, len(answer.citations), {c.day for c in answer.citations})
        assert all(checker.check(s).supported for s in answer.elaboration)
        assert "Day 1" not in answer.elaboration_text or "Day 1 " in answer.elaboration_text
        for verdict in answer.unsupported:
            assert verdict.sentence not in answer.text and verdict.reason


def test_unrelated_question_is_said_to_be_off_course_without_the_model(engine, study):
    conv = Conversation(max_tokens=20)
    before = engine.last
    answer = conv.answer(engine, conv.prepare(study.db, study.course, "Who won the 1966 cup?"))
    assert answer.not_from_course and not answer.citations and engine.last is before
    assert "does not cover" in answer.display_markdown
    anyway = conv.answer(engine, conv.prepare(study.db, study.course, "Who won the 1966 cup?"),
                         anyway=True)
    assert anyway.unchecked and "unchecked" in anyway.display_markdown


def test_status_says_what_the_tutor_is_doing(engine, study):
    from companion.jobs import JobContext

    said: list[str] = []
    conv = Conversation(max_tokens=40)
    conv.answer(engine, conv.prepare(study.db, study.course, "What is LoRA?"),
                JobContext(status=said.append))
    assert said[0].startswith("Reading 2 course passages") and "Writing…" in said


def test_follow_up_reuses_the_evaluated_prefix(engine, study):
    conv = Conversation(max_tokens=60)
    conv.answer(engine, conv.prepare(study.db, study.course, "What is multi-head attention?"))
    second = conv.answer(engine, conv.prepare(study.db, study.course,
                                              "What does each attention head do?"))
    assert second.stats["prompt_tokens"] > 200
    # the system prompt and the first question's passages come from the cache
    assert second.stats["evaluated_tokens"] < second.stats["prompt_tokens"] * 0.8


def test_thirty_turns_never_overflow_the_context(model_path, study):
    small = LlamaEngine(model_path, n_ctx=1024)
    conv = Conversation(max_tokens=24)
    questions = ["What is attention?", "What is BPE?", "What is LoRA?", "What is perplexity?",
                 "What is a KV cache?", "What is RAG?"]
    try:
        for i in range(30):
            answer = conv.answer(small, conv.prepare(study.db, study.course,
                                                     questions[i % len(questions)]))
            assert small.last.prompt_tokens + 24 <= 1024
            assert answer.text is not None
        assert len(conv.turns) < 30  # old turns were trimmed to make room
    finally:
        small.close()


def test_a_huge_question_is_cut_with_a_notice(model_path, study):
    small = LlamaEngine(model_path, n_ctx=1024)  # the same cut, a quarter of the reading
    conv = Conversation(max_tokens=16)
    question = "Explain attention. " + "word " * 200_000  # ~1 MB
    try:
        answer = conv.answer(small, conv.prepare(study.db, study.course, question))
        assert answer.notices and "cut" in answer.notices[0]
        assert small.last.prompt_tokens <= small.n_ctx
    finally:
        small.close()


@pytest.mark.parametrize("content", [b"", b"GGUF" + os.urandom(2000), os.urandom(4096),
                                     b"<html><body>404</body></html>"])
def test_corrupt_model_files_give_a_clear_message(tmp_path: Path, content: bytes):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(content)
    with pytest.raises(ModelError) as info:
        LlamaEngine(bad)
    message = str(info.value)
    assert "bad.gguf" in message and "\n" not in message


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_cli_ask_json_answers_with_a_transformer_citation(tmp_path: Path):
    out = _cli("ask", "What is multi-head attention?", "--json", "--max-tokens", "60",
               home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"] and data["model"].startswith("SmolLM2")
    assert data["not_from_course"] is False and isinstance(data["elaboration"], str)
    assert isinstance(data["unsupported"], list) and data["engine"] == "llama.cpp"
    assert any(c["day"] == 4 for c in data["citations"])
    for key in ("prompt_tokens", "completion_tokens", "ttft_s"):
        assert data[key] > 0
    assert data["excerpt_ms"] < 2000  # a fresh process builds the index first


def test_cli_ask_scaling_answer_is_the_day_4_passage(tmp_path: Path):
    out = _cli("ask", "Why do we divide by the square root of d_k in attention?", "--json",
               "--max-tokens", "40", home=tmp_path)
    data = json.loads(out.stdout)
    assert data["answer_parts"][0]["day"] == 4
    assert data["answer_parts"][0]["section"] == "self-attention"
    assert "Dividing by sqrt(d_k) brings the variance back to about 1" in data["answer"]


def test_cli_off_course_question_has_no_citations_and_loads_no_model(tmp_path: Path):
    out = _cli("ask", "What is the capital of Australia?", "--json", home=tmp_path)
    data = json.loads(out.stdout)
    assert data["not_from_course"] is True and data["citations"] == [] and not data["answer"]
    assert data["model"] == ""  # answered without loading a model
    text = _cli("ask", "What is the capital of Australia?", home=tmp_path)
    assert "does not cover" in text.stdout and "--anyway" in text.stdout


def test_cli_huge_max_tokens_is_clamped_instead_of_hanging(tmp_path: Path):
    out = _cli("ask", "What is attention?", "--max-tokens", "5000", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "limited" in " ".join(json.loads(out.stdout)["notices"])


def test_cli_explain_rejects_devices_closed_stdin_and_bad_bytes(tmp_path: Path):
    out = _cli("explain", "/dev/zero", home=tmp_path)
    assert out.returncode == 1 and "not a regular file" in out.stderr
    assert "No such file" not in out.stderr and "Traceback" not in out.stderr
    env = {**os.environ, "COMPANION_HOME": str(tmp_path)}
    closed = subprocess.run(f"{sys.executable} -m companion explain - <&-", shell=True,
                            capture_output=True, text=True, env=env, timeout=120)
    assert closed.returncode == 1 and "Traceback" not in closed.stderr
    assert "closed" in closed.stderr
    bad = subprocess.run([sys.executable, "-m", "companion", "ask", b"what is \xff attention"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and "not UTF-8" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_explain_json_has_the_labelled_parts(tmp_path: Path):
    code = tmp_path / "softmax.py"
    code.write_text("import numpy as np\n\ndef norm(z):\n    e = np.exp(z)\n"
                    "    return e / e.sum()\n")
    out = _cli("explain", str(code), "--json", "--max-tokens", "40", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"answer", "elaboration", "unsupported", "citations"} <= data.keys()
    assert "softmax" in data["answer"] and data["citations"]


def test_cli_refuses_empty_questions_and_bad_models(tmp_path: Path):
    out = _cli("ask", "  ", home=tmp_path)
    assert out.returncode == 1 and "question" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    out = _cli("ask", "What is attention?", "--model", str(bad), home=tmp_path)
    assert out.returncode == 1 and "broken.gguf" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_cli_explain_reads_stdin(tmp_path: Path):
    env = {**os.environ, "COMPANION_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "companion", "explain", "-", "--max-tokens",
                          "40"], input="def square(x):\n    return x * x\n", text=True,
                         capture_output=True, env=env, timeout=300)
    assert out.returncode == 0 and "defines `square(x)`" in out.stdout


def test_explain_cuts_code_that_does_not_fit(model_path):
    from companion.tutor.code_explain import explain_code

    small = LlamaEngine(model_path, n_ctx=1024)  # the same cut, a quarter of the reading
    code = "\n".join(f"value_{i} = compute(value_{i - 1}) + {i}" for i in range(1, 3000))
    try:
        result = explain_code(small, code, "python", max_tokens=8)
    finally:
        small.close()
    assert result.cut_note and "first" in result.cut_note
    assert len(result.code.splitlines()) < 3000
