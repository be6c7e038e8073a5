"""Notes to Markdown: one file, or an Obsidian-style vault with one file per day."""

from __future__ import annotations

import json
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


def _checklist(day: Day, done: dict[str, str]) -> str:
    return "\n".join(f"- [{'x' if t.id in done else ' '}] {t.text}" for t in day.tasks)


def single_file(course: Course, record: StudyRecord) -> str:
    parts = ["# My LLM study notes", ""]
    for day in course.days:
        parts += [f"## Day {day.number}: {day.title}", "", f"*{day.phase_title}*", "",
                  "### Checklist", "", _checklist(day, record.done), "", "### Notes", ""]
        parts += [record.notes.get(day.number, "").strip() or "_No notes yet._", ""]
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
            record.notes.get(day.number, "").strip() or "_No notes yet._",
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
