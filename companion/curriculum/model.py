"""The course as plain data: days, sections, tasks, terms, resources, quiz questions."""

from __future__ import annotations

from dataclasses import dataclass, field

PHASES: dict[str, str] = {
    "foundations": "Foundations",
    "core": "Core concepts",
    "project": "Practice project",
    "advanced": "Advanced topics",
}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str  # Markdown


@dataclass(frozen=True)
class Task:
    id: str
    text: str


@dataclass(frozen=True)
class Term:
    term: str
    definition: str


@dataclass(frozen=True)
class Resource:
    title: str
    url: str


@dataclass(frozen=True)
class Question:
    """A quiz question with a known answer (``answer`` indexes ``options``)."""

    id: str
    kind: str  # "choice" or "truefalse"
    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    section: str
    day: int = 0
    generated: bool = False

    @property
    def correct_option(self) -> str:
        return self.options[self.answer]


@dataclass(frozen=True)
class Day:
    number: int
    title: str
    phase: str
    goal: str
    minutes: int
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    terms: tuple[Term, ...]
    resources: tuple[Resource, ...]
    quiz: tuple[Question, ...] = field(default=())

    @property
    def phase_title(self) -> str:
        return PHASES[self.phase]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def lesson_markdown(self) -> str:
        """The whole lesson as one Markdown document, one ``##`` heading per section."""
        parts = [f"# Day {self.number}: {self.title}", f"*{self.goal}*"]
        for s in self.sections:
            parts.append(f'<a id="{s.id}"></a>\n\n## {s.title}\n\n{s.body.strip()}')
        parts.append('<a id="key-terms"></a>\n\n## Key terms\n\n' + "\n".join(
            f"- **{t.term}**: {t.definition}" for t in self.terms))
        parts.append('<a id="resources"></a>\n\n## Resources\n\n' + "\n".join(
            f"- [{r.title}]({r.url})" for r in self.resources))
        return "\n\n".join(parts) + "\n"

    @property
    def word_count(self) -> int:
        return sum(len(s.body.split()) for s in self.sections)


@dataclass(frozen=True)
class Course:
    days: tuple[Day, ...]

    def day(self, number: int) -> Day:
        for d in self.days:
            if d.number == number:
                return d
        raise KeyError(f"There is no day {number}; the course has days 1-{len(self.days)}.")

    def task_ids(self) -> set[str]:
        return {t.id for d in self.days for t in d.tasks}

    @property
    def task_count(self) -> int:
        return sum(len(d.tasks) for d in self.days)
