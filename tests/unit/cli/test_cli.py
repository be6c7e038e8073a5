"""The CLI, run as a learner would run it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, home: Path, input: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPANION_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True,
                          text=True, env=env, input=input, timeout=300)


def test_version(tmp_path: Path):
    out = run("--version", home=tmp_path)
    assert out.returncode == 0 and out.stdout.startswith("companion ")


def test_export_vault_writes_fourteen_days_with_front_matter(tmp_path: Path):
    out = run("export", "--format", "vault", "--out", str(tmp_path / "v"), home=tmp_path / "h")
    assert out.returncode == 0, out.stderr
    files = sorted((tmp_path / "v").glob("*.md"))
    assert len(files) == 14
    assert all(f.read_text().startswith("---\nday: ") for f in files)
    again = run("export", "--format", "vault", "--out", str(tmp_path / "v"), home=tmp_path / "h")
    assert again.returncode == 1 and "already exist" in again.stderr
    assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1


def test_search_json_puts_the_transformer_day_first(tmp_path: Path):
    out = run("search", "multi-head attention", "--json", home=tmp_path)
    hits = json.loads(out.stdout)
    assert hits[0]["kind"] == "lesson" and hits[0]["day"] == 4
    assert {"kind", "day", "section", "snippet"} <= set(hits[0])


def test_progress_json(tmp_path: Path):
    data = json.loads(run("progress", "--json", home=tmp_path).stdout)
    assert data["total"] >= 56 and data["done"] == 0 and len(data["days"]) == 14


def test_bad_input_is_one_line_and_non_zero(tmp_path: Path):
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "companion.db").write_text("garbage" * 1000)
    out = run("progress", home=tmp_path / "h")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    out = run("export", "--format", "pdf", "--out", "x", home=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_a_closed_pipe_is_not_an_error(tmp_path: Path):
    env = {**os.environ, "COMPANION_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "companion", "search", "attention", "--json",
                             "--limit", "50"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env)
    proc.stdout.close()  # the reader is gone before the first write, like `| true`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "error" not in err
