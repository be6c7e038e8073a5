"""Export: golden files, front matter, atomic writes, hostile names, no silent overwrite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from companion.curriculum.model import Course, Day, Resource, Section, Task, Term
from companion.export import ExportError, StudyRecord, planned_files, safe_name, write
from companion.export.markdown import single_file, vault_files

GOLDEN = Path(__file__).with_name("golden")


def _day(n: int, title: str) -> Day:
    return Day(n, title, "core", "Learn it.", 60, (Section("s", "Sec", "body " * 5),),
               (Task(f"d{n:02d}-a", "Read"), Task(f"d{n:02d}-b", "Write")),
               (Term("t", "d"),), (Resource("r", "https://example.org"),))


SMALL = Course((_day(1, "Tokens"), _day(2, "Attention")))
RECORD = StudyRecord(done={"d01-a": "2026-11-01"}, notes={1: "BPE **merges** pairs."},
                     updated={1: "2026-11-01T10:00:00+00:00"})


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_single_file_matches_golden():
    _golden("single.md", single_file(SMALL, RECORD))


def test_vault_files_match_golden():
    files = vault_files(SMALL, RECORD)
    assert list(files) == ["Day 01 - Tokens.md", "Day 02 - Attention.md"]
    _golden("vault-day01.md", files["Day 01 - Tokens.md"])
    _golden("vault-day02.md", files["Day 02 - Attention.md"])


@pytest.mark.parametrize("title", ["../x", "CON", "a/b", "🧠 attention ✨", "x" * 300,
                                   "..", "a\\b:c*?<>|", "nul.txt", " . "])
def test_hostile_titles_stay_inside_the_folder(tmp_path: Path, title: str):
    name = safe_name(title)
    assert name and "/" not in name and "\\" not in name and name not in ("..", ".")
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert len(name.encode()) <= 255
    course = Course((_day(1, title), _day(2, "next")))
    out = tmp_path / "vault"
    written = write(planned_files("vault", out, course, RECORD))
    for path in written:
        assert path.resolve().parent == out.resolve()
    assert len(list(out.iterdir())) == 2


def test_existing_files_are_never_silently_overwritten(tmp_path: Path):
    target = tmp_path / "notes.md"
    target.write_text("mine")
    plan = planned_files("single", target, SMALL, RECORD)
    with pytest.raises(ExportError, match="already exist"):
        write(plan)
    assert target.read_text() == "mine"
    renamed = write(plan, "rename")
    assert renamed == [tmp_path / "notes (2).md"] and target.read_text() == "mine"
    write(plan, "overwrite")
    assert target.read_text().startswith("# My LLM study notes")


def test_full_course_vault_export_via_study(study, tmp_path: Path):
    written = study.export("vault", tmp_path / "v")
    assert len(written) == 14
    text = written[3].read_text()
    assert text.startswith("---\nday: 4\n") and "tasks_total:" in text
    assert "[[Day 03 - " in text and "[[Day 05 - " in text
    assert not list((tmp_path / "v").glob(".tmp-*"))  # no temp files left behind
