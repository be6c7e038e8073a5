"""Export notes and checklists to Markdown (one file or an Obsidian-style vault)."""

from __future__ import annotations

from pathlib import Path

from companion.export import StudyRecord, planned_files, write
from companion.services.base import Service


class ExportService(Service):
    def record(self) -> StudyRecord:
        from companion.storage import notes, progress

        saved = notes.all_notes(self._db)
        day_notes = [n for n in saved if n.task_id is None]
        return StudyRecord(
            done=progress.done_tasks(self._db),
            notes={n.day: n.body for n in day_notes},
            updated={n.day: n.updated for n in day_notes},
        )

    def plan(self, fmt: str, out: Path) -> dict[Path, str]:
        """Every file the export would write, with its text (nothing written yet)."""
        return planned_files(fmt, out, self.course, self.record())

    def write(self, plan: dict[Path, str], on_conflict: str = "fail") -> list[Path]:
        """Write the planned files; returns the paths actually written."""
        return write(plan, on_conflict)

    def export(self, fmt: str, out: Path, on_conflict: str = "fail") -> list[Path]:
        return self.write(self.plan(fmt, out), on_conflict)
