"""Notes to Markdown: one file, or an Obsidian-style vault with one file per day.

A learner's own headings are demoted by two levels (``# X`` becomes ``### X``) so they
sit under the export's own "Day N" heading in either format, and an outline of the
file reads day by day instead of mixing the learner's titles with the days'.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from companion.curriculum import Course, Day
from companion.export.files import (
    ExportError,
    check_target,
    free_path,
    safe_name,
    taken,
    write_all,
)

FORMATS = ("single", "vault")


@dataclass(frozen=True)
class StudyRecord:
    """What an export needs to know about the learner, read from storage once."""

    done: dict[str, str]  # task id -> done_at
    notes: dict[int, str]  # day -> Markdown body
    updated: dict[int, str]  # day -> when its note last changed


DEMOTE_BY = 2  # "# X" in a note -> "### X" below "## Day N" (single) or "## Notes" (vault)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^(?: {4}|\t| {0,3}(?:[>#|]|[-*+][ \t]|\d{1,9}[.)][ \t]|$))")


def demote_headings(text: str, by: int = DEMOTE_BY) -> str:
    """The note with every heading ``by`` levels lower (at most ``######``).

    ATX (``# X``) and setext (``X`` over ``===`` or ``---``) headings both become ATX;
    code blocks, quotes, lists and ``#`` inside text are left exactly as written.
    """
    out: list[str] = []
    fence = ""  # the fence that opened the code block we are in
    start = None  # where the paragraph above begins in ``out`` (a setext title candidate)
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = ""
            out.append(line)
            continue
        if opened:
            fence, start = opened.group(1), None
            out.append(line)
            continue
        underline = _SETEXT.match(line)
        if underline and start is not None:  # the whole paragraph above is the title
            level = 1 if underline.group(1)[0] == "=" else 2
            title = " ".join(part.strip() for part in out[start:])
            out[start:] = ["#" * min(6, level + by) + " " + title]
            start = None
            continue
        atx = _ATX.match(line)
        if atx:
            line = atx.group(1) + "#" * min(6, len(atx.group(2)) + by) + line[atx.end():]
        paragraph = not atx and not _NOT_PARAGRAPH.match(line) and bool(line.strip())
        if not paragraph:
            start = None
        elif start is None:
            start = len(out)
        out.append(line)
    return "\n".join(out)


def _note(record: StudyRecord, day: Day) -> str:
    return demote_headings(record.notes.get(day.number, "").strip()) or "_No notes yet._"


def _checklist(day: Day, done: dict[str, str]) -> str:
    return "\n".join(f"- [{'x' if t.id in done else ' '}] {t.text}" for t in day.tasks)


def single_file(course: Course, record: StudyRecord) -> str:
    parts = ["# My LLM study notes", ""]
    for day in course.days:
        parts += [f"## Day {day.number}: {day.title}", "", f"*{day.phase_title}*", "",
                  "### Checklist", "", _checklist(day, record.done), "", "### Notes", ""]
        parts += [_note(record, day), ""]
    return "\n".join(parts).rstrip() + "\n"


def vault_name(day: Day) -> str:
    return safe_name(f"Day {day.number:02d} - {day.title}", fallback=f"Day {day.number:02d}")


def _yaml(value: object) -> str:
    # JSON scalars are valid YAML and escape anything a title can contain.
    return json.dumps(value, ensure_ascii=False)


def vault_files(course: Course, record: StudyRecord) -> dict[str, str]:
    """File name -> content, one per day, linked to the previous and next day."""
    files: dict[str, str] = {}
    days = list(course.days)
    for i, day in enumerate(days):
        done = sum(t.id in record.done for t in day.tasks)
        front = [
            "---",
            f"day: {day.number}",
            f"title: {_yaml(day.title)}",
            f"phase: {_yaml(day.phase_title)}",
            f"tasks_done: {done}",
            f"tasks_total: {len(day.tasks)}",
            f"updated: {_yaml(record.updated.get(day.number, ''))}",
            "---",
        ]
        links = []
        if i > 0:
            links.append(f"Previous: [[{vault_name(days[i - 1])}]]")
        if i + 1 < len(days):
            links.append(f"Next: [[{vault_name(days[i + 1])}]]")
        body = [
            *front, "", f"# Day {day.number}: {day.title}", "", " · ".join(links), "",
            "## Checklist", "", _checklist(day, record.done), "", "## Notes", "",
            _note(record, day),
        ]
        files[vault_name(day) + ".md"] = "\n".join(body).rstrip() + "\n"
    return files


def planned_files(fmt: str, out: Path, course: Course, record: StudyRecord) -> dict[Path, str]:
    if fmt == "single":
        return {out: single_file(course, record)}
    if fmt == "vault":
        if taken(out) and not out.is_dir():
            raise ExportError(f"{out} is a file; a vault export needs a folder.")
        return {out / name: text for name, text in vault_files(course, record).items()}
    raise ExportError(f"Unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}.")


def existing(files: dict[Path, str]) -> list[Path]:
    """Planned paths where something already is (a dangling symbolic link counts)."""
    return [p for p in files if taken(p)]


def write(files: dict[Path, str], on_conflict: str = "fail") -> list[Path]:
    """Write every file, all or nothing. ``on_conflict``: fail, overwrite or rename.

    Only regular files are ever overwritten: a device, a folder or a symbolic link in
    the way is refused even with ``overwrite`` (``check_target``).
    """
    clashes = existing(files)
    if clashes and on_conflict == "fail":
        names = ", ".join(p.name for p in clashes[:3]) + (" ..." if len(clashes) > 3 else "")
        raise ExportError(
            f"{len(clashes)} file(s) already exist ({names}); use --force to overwrite "
            "or --rename to keep both.")
    targets: dict[Path, str] = {}
    for path, text in files.items():
        target = free_path(path) if on_conflict == "rename" else path
        check_target(target, replace=on_conflict == "overwrite")
        targets[target] = text
    return write_all(targets)
