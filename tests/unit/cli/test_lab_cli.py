"""`companion lab ...` and `companion run`, run as a learner would: a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion.curriculum import course


def run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_anatomy_json_for_the_bundled_model(tmp_path: Path):
    out = run("lab", "anatomy", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["layers"], data["heads"], data["kv_heads"], data["head_dim"]) == (30, 9, 3, 64)
    assert data["kv_bytes_per_token_f16"] == 23040
    assert data["memory"]["kv_bytes_per_token"] == 23040
    assert data["model"].startswith("SmolLM2-135M")


def _next(prompt: str, home: Path, *flags: str) -> dict:
    out = run("lab", "next-token", prompt, "--json", *flags, home=home)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_next_token_json_is_sorted_sums_to_at_most_one_and_heats_up(tmp_path: Path):
    off = ("--top-k", "0", "--top-p", "1", "--min-p", "0", "--show", "20")
    cold = _next("The capital of France is", tmp_path, "--temperature", "0.5", *off)
    hot = _next("The capital of France is", tmp_path, "--temperature", "1.5", *off)
    probs = [c["probability"] for c in cold["top"]]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0 + 1e-6
    assert cold["top"][0]["token"] == "␣Paris" and cold["model"].startswith("SmolLM2")
    assert hot["entropy_bits"] > cold["entropy_bits"]
    assert hot["top"][0]["probability"] < cold["top"][0]["probability"]
    default = _next("The capital of France is", tmp_path)
    assert default["survivors"] <= 40
    assert sum(c["probability"] for c in default["top"]) <= 1.0 + 1e-6


def test_run_prints_what_the_lesson_says(tmp_path: Path):
    """The issue's own command: day 4's first block is its attention code."""
    day = course().day(4)
    assert day.code_note(1).runnable and "def softmax" in day.code_blocks()[0].code
    out = run("run", "--day", "4", "--block", "1", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip() == day.code_note(1).output.rstrip()
    assert "(4, 8)" in out.stdout and "[1. 1. 1. 1.]" in out.stdout  # as its comments say


def test_run_explains_a_block_that_is_not_code_in_one_line(tmp_path: Path):
    out = run("run", "--day", "4", "--block", "2", home=tmp_path)  # the multi-head formula
    assert out.returncode == 1
    assert "not Python" in out.stderr and "Python blocks that run on day 4: 1, 3" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    missing = run("run", "--day", "15", "--block", "1", home=tmp_path)
    assert missing.returncode == 1 and "no day 15" in missing.stderr


def test_tokenize_json_shows_ids_spaces_and_byte_pieces(tmp_path: Path):
    out = run("lab", "tokenize", "hi world 🤖", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    shown = [t["shown"] for t in data["tokens"]]
    assert "␣world" in shown
    assert any(t["byte_fallback"] for t in data["tokens"])
    assert data["count"] == len(data["tokens"]) and data["characters"] == 10
    assert out.stderr == ""  # no llama.cpp chatter


def test_tokenize_compares_two_model_files(tmp_path: Path):
    from companion.tutor.model_files import bundled_model_path

    out = run("lab", "tokenize", "same text", "--compare", str(bundled_model_path()),
              "--json", home=tmp_path)
    data = json.loads(out.stdout)
    assert data["difference"] == 0 and data["left"]["count"] == data["right"]["count"]


def test_quantize_json(tmp_path: Path):
    out = run("lab", "quantize", "--tensor", "blk.0.attn_v.weight", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["file_type"] == "Q4_1" and len(data["outcomes"]) == 12
    bad = run("lab", "quantize", "--tensor", "nope", home=tmp_path)
    assert bad.returncode == 1 and "no tensor called 'nope'" in bad.stderr


def test_train_a_few_steps_lowers_the_loss(tmp_path: Path):
    out = run("lab", "train", "--steps", "120", "--sample-every", "60", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["validation"][-1]["loss"] < data["first_loss"]
    assert len(data["samples"]) == 2


def test_train_on_empty_notes_says_why_not(tmp_path: Path):
    out = run("lab", "train", "--source", "notes", home=tmp_path)
    assert out.returncode == 1 and "at least 2,000" in out.stderr


def test_a_missing_model_file_is_one_line(tmp_path: Path):
    out = run("lab", "anatomy", "--model", str(tmp_path / "none.gguf"), home=tmp_path)
    assert out.returncode == 1 and "not found" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_context_of_zero_tokens_is_refused(tmp_path: Path):
    out = run("lab", "anatomy", "--context", "0", home=tmp_path)
    assert out.returncode == 1 and "at least 1 token" in out.stderr
