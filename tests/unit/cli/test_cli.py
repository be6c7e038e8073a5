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


# ----- hostile arguments and streams (issue 10, item 11) -------------------------------------
import stat  # noqa: E402

import pytest  # noqa: E402

from companion.storage import notes, open_database  # noqa: E402


def run_closed(*args: str, home: Path, close: int, cwd: Path | None = None):
    """Run the CLI with stdin (0) or stdout (1) closed, as `<&-` or `>&-` do."""
    env = {**os.environ, "COMPANION_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "companion", *args], env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL if close != 0 else None,
                          stdout=subprocess.PIPE if close != 1 else None,
                          stderr=subprocess.PIPE, text=True, timeout=300,
                          preexec_fn=lambda: os.close(close))


def one_line(out: subprocess.CompletedProcess, code: int = 1) -> str:
    assert out.returncode == code and "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("companion: error: "), out.stderr
    return lines[0]


@pytest.mark.parametrize("args", [["search", "x", "--limit", "99999999999999999999999"],
                                  ["review", "--limit", "99999999999999999999"],
                                  ["search", "x", "--limit", "0"]])
def test_huge_limits_are_one_line_not_an_overflow(tmp_path: Path, args):
    assert "must be a number from 1 to" in one_line(run(*args, home=tmp_path))


@pytest.mark.skipif(os.name != "posix", reason="closing fds with preexec_fn is POSIX")
def test_closed_standard_streams_are_one_line(tmp_path: Path):
    error = one_line(run_closed("quiz", "--day", "1", home=tmp_path, close=0))
    assert "Standard input is closed" in error
    for args in (["quiz", "--day", "1"], ["review", "--json"], ["search", "attention"]):
        error = one_line(run_closed(*args, home=tmp_path, close=1))
        assert "Standard output is closed" in error, args


def test_export_with_an_empty_out_writes_nothing_anywhere(tmp_path: Path):
    work = tmp_path / "cwd"
    work.mkdir()
    env = {**os.environ, "COMPANION_HOME": str(tmp_path / "h")}
    out = subprocess.run([sys.executable, "-m", "companion", "export", "--format", "vault",
                          "--out", ""], capture_output=True, text=True, env=env, cwd=work,
                         timeout=300)
    assert "--out needs a file or folder name" in one_line(out)
    assert list(work.iterdir()) == []  # before: 14 files in the current folder


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="mknod needs root")
def test_export_as_root_never_replaces_a_device_node(tmp_path: Path):
    node = tmp_path / "null"  # a character device like /dev/null, made here, not the real one
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    out = run("export", "--out", str(node), "--force", home=tmp_path / "h")
    assert "not a regular file" in one_line(out)
    assert stat.S_ISCHR(os.lstat(node).st_mode)  # before: replaced by a regular file


def test_export_under_a_file_and_over_a_dangling_link_are_clear(tmp_path: Path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    out = run("export", "--out", str(a_file / "out.md"), home=tmp_path / "h")
    assert "notes.txt is a file, so nothing can be written under it" in one_line(out)
    vault = tmp_path / "vault"
    vault.mkdir()
    link = vault / "Day 01 - What an LLM is language, probability and the maths underneath.md"
    link.symlink_to(tmp_path / "nowhere.md")
    out = run("export", "--format", "vault", "--out", str(vault), home=tmp_path / "h")
    assert "already exist" in one_line(out)
    out = run("export", "--format", "vault", "--out", str(vault), "--force", home=tmp_path / "h")
    assert "symbolic link" in one_line(out)
    assert link.is_symlink() and list(vault.iterdir()) == [link]


def test_a_locked_database_is_in_use_not_damaged(tmp_path: Path):
    from tests.locker import locked

    home = tmp_path / "h"
    home.mkdir()
    db = open_database(home / "companion.db")
    notes.save(db, 1, "kept")
    db.close()
    with locked(home / "companion.db", "exclusive"):
        out = run("search", "kept", home=home)
    error = one_line(out)
    assert "in use by another program" in error and "not a readable database" not in error
    assert notes.body(open_database(home / "companion.db"), 1) == "kept"


def test_importing_a_model_with_a_huge_sparse_tail_is_refused_without_copying(tmp_path: Path):
    from companion.tutor.model_files import bundled_model_path

    model = tmp_path / "tail.gguf"
    model.write_bytes(bundled_model_path().read_bytes())
    with open(model, "r+b") as handle:
        handle.truncate(model.stat().st_size + 10 * 1024**3)
    out = run("models", "import", str(model), home=tmp_path / "h")
    assert "of extra data after the model's last tensor" in one_line(out)
    assert not list((tmp_path / "h").rglob("*.gguf"))


def test_an_emptied_database_with_a_backup_is_not_a_fresh_start(tmp_path: Path):
    from companion.storage import backup

    home = tmp_path / "h"
    home.mkdir()
    db = open_database(home / "companion.db")
    notes.save(db, 3, "worth keeping")
    db.close()
    backup.make_backup(home / "companion.db", home / "backups")
    (home / "companion.db").write_bytes(b"")
    error = one_line(run("progress", home=home))
    assert "is empty (0 bytes), but a backup with your work" in error
    assert "Start the app (companion gui) to restore it" in error
    assert (home / "companion.db").read_bytes() == b""  # not turned into a new, empty study
