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
# the learner's own headings (ATX and setext) go under the day's; code stays as written
RECORD = StudyRecord(done={"d01-a": "2026-11-01"},
                     notes={1: "# Merges\n\nBPE **merges** pairs.\n\n```python\n# not a heading"
                               "\n```",
                            2: "Attention\n=========\n\n## Scores\nsoftmax of q·k"},
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


def test_the_learners_headings_sit_under_the_day_in_both_formats():
    single = single_file(SMALL, RECORD)
    assert "## Day 1: Tokens" in single and "\n### Merges\n" in single
    assert "\n### Attention\n" in single and "\n#### Scores\n" in single
    assert "```python\n# not a heading\n```" in single
    day1 = vault_files(SMALL, RECORD)["Day 01 - Tokens.md"]
    headings = [line for line in day1.split("```")[0].splitlines() if line.startswith("#")]
    assert headings == ["# Day 1: Tokens", "## Checklist", "## Notes", "### Merges"]
    assert "\n## Notes\n\n### Merges\n" in day1


@pytest.mark.parametrize("note, exported", [
    ("# A\n## B\n###### F", "### A\n#### B\n###### F"),  # never past ######
    ("Title\n===\ntext", "### Title\ntext"),
    ("two lines\nof title\n---", "#### two lines of title"),
    ("text\n\n---\n\nmore", "text\n\n---\n\nmore"),  # a rule, not a heading
    ("- item\n---", "- item\n---"),
    ("```\n# code\n```\n# after", "```\n# code\n```\n### after"),
    ("~~~~\n```\n# still code\n~~~~\n# out", "~~~~\n```\n# still code\n~~~~\n### out"),
    ("    # indented code\n> # quoted\n#hashtag", "    # indented code\n> # quoted\n#hashtag"),
    ("  ## indented heading", "  #### indented heading"),
    ("#\ttab", "###\ttab"),
])
def test_demote_headings(note, exported):
    from companion.export.markdown import demote_headings

    assert demote_headings(note) == exported


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


# ----- targets that are not what they seem (issue 10, item 8) ------------------------------
import stat  # noqa: E402

from companion.export import check_target  # noqa: E402
from tests.small_disk import fill, small_disk  # noqa: E402


def _special_files(tmp_path: Path) -> dict[str, Path]:
    found = {}
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    found["a named pipe"] = fifo
    if os.geteuid() == 0:  # a character device like /dev/null, made here, not the real one
        node = tmp_path / "null.md"
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        found["a device node"] = node
    return found


@pytest.mark.skipif(os.name != "posix", reason="device nodes and pipes are POSIX")
def test_a_device_or_pipe_is_never_replaced_even_with_force(tmp_path: Path):
    for what, path in _special_files(tmp_path).items():
        kind = stat.S_IFMT(os.lstat(path).st_mode)
        plan = planned_files("single", path, SMALL, RECORD)
        with pytest.raises(ExportError, match="not a regular file"):
            write(plan, "overwrite")
        assert stat.S_IFMT(os.lstat(path).st_mode) == kind, what  # still the node or pipe
        renamed = write(plan, "rename")  # keeping both is fine: a new, regular file
        assert renamed == [path.with_name(f"{path.stem} (2).md")]
        assert stat.S_IFMT(os.lstat(path).st_mode) == kind


def test_a_symbolic_link_is_never_written_through_or_replaced(tmp_path: Path):
    out = tmp_path / "vault"
    out.mkdir()
    name = vault_files(SMALL, RECORD)
    first = out / next(iter(name))
    first.symlink_to(tmp_path / "elsewhere" / "target.md")  # dangling
    plan = planned_files("vault", out, SMALL, RECORD)
    with pytest.raises(ExportError, match="already exist"):  # before: silently replaced
        write(plan)
    with pytest.raises(ExportError, match="symbolic link"):
        write(plan, "overwrite")
    assert first.is_symlink() and not (tmp_path / "elsewhere").exists()
    assert [p.name for p in out.iterdir()] == [first.name]  # all or nothing: nothing
    written = write(plan, "rename")
    assert first.is_symlink() and len(written) == 2 and first not in written


def test_an_empty_path_and_a_path_under_a_file_have_their_own_messages(tmp_path: Path):
    with pytest.raises(ExportError, match="No file or folder name"):  # `--out ""`: test_cli
        check_target(Path(" "))
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    for fmt in ("single", "vault"):
        plan = planned_files(fmt, a_file / "sub" / "out.md", SMALL, RECORD)
        with pytest.raises(ExportError, match=r"notes.txt is a file, so nothing can be written"):
            write(plan)
    assert a_file.read_text() == "mine"


def test_a_vault_on_a_full_disk_leaves_nothing_behind(tmp_path: Path, study):
    with small_disk(tmp_path / "disk", 64) as disk:
        fill(disk, leave=12_000)  # room for a few of the fourteen files, not all
        for out in (disk / "vault", disk):  # a new folder, then an existing one
            with pytest.raises(ExportError, match="disk is full.*Nothing was written"):
                study.export("vault", out)
            left = [p.name for p in disk.rglob("*") if p.name != "filler.bin"]
            assert left == [], left  # before: 1 of 14 files stayed


def test_a_new_vault_folder_appears_complete_and_readable(tmp_path: Path, study):
    written = study.export("vault", tmp_path / "v")
    assert len(written) == 14 and all(p.is_file() for p in written)
    assert stat.S_IMODE((tmp_path / "v").stat().st_mode) == 0o755
    assert not list(tmp_path.glob(".export-*"))


@pytest.mark.skipif(os.name != "posix", reason="device nodes and pipes are POSIX")
def test_atomic_write_never_replaces_what_is_not_a_regular_file(tmp_path: Path):
    from companion.export import atomic_write

    for what, path in _special_files(tmp_path).items():
        with pytest.raises(ExportError, match="not a regular file"):
            atomic_write(path, "text")  # e.g. the CSV card export with --force
        assert not stat.S_ISREG(os.lstat(path).st_mode), what
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "target.md")
    with pytest.raises(ExportError, match="symbolic link"):
        atomic_write(link, "text")
    atomic_write(tmp_path / "plain.md", "ok")
    atomic_write(tmp_path / "plain.md", "replaced")  # a regular file is still replaced
    assert (tmp_path / "plain.md").read_text() == "replaced"
