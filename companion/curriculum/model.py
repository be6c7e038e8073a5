"""The course as plain data: days, sections, tasks, terms, resources, quiz questions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```", re.M | re.S)
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")

PHASES: dict[str, str] = {
    "foundations": "Foundations",
    "core": "Core concepts",
    "project": "Practice project",
    "advanced": "Advanced topics",
}


LAB_EXPERIMENTS = ("tokenizer", "next-token", "anatomy", "quantization", "run-code",
                   "tiny-model")
LAB_TITLES = {"tokenizer": "see the tokens", "next-token": "watch the next-token probabilities",
              "anatomy": "look inside the model file", "quantization": "quantize a real tensor",
              "run-code": "run the code", "tiny-model": "train a tiny language model"}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str  # Markdown
    lab: str = ""  # a Lab experiment that shows this section, if any


@dataclass(frozen=True)
class Task:
    id: str
    text: str
    optional: bool = False  # an optional track: shown, not counted in progress
    lab: str = ""


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()  # other names learners type (used by the tutor's search)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class CodeBlock:
    """A fenced code block of a lesson, numbered over the whole day."""

    number: int
    section: str
    language: str
    code: str

    @property
    def first_line(self) -> str:
        return next((line.strip() for line in self.code.splitlines() if line.strip()), "")


@dataclass(frozen=True)
class CodeNote:
    """An authored explanation of one fenced code block of a day's lesson."""

    block: int  # 1-based, in reading order over the day's sections
    first_line: str
    summary: str
    walkthrough: str = ""
    runnable: bool = False
    requires: tuple[int, ...] = ()  # blocks to run first (definitions they use)
    output: str = ""  # exact stdout of a runnable block; what to expect otherwise
    needs: tuple[str, ...] = ()  # packages the app does not ship
    why: str = ""  # why it does not run in the app, when that is not a missing package


@dataclass(frozen=True)
class Match:
    """Groups of alternatives: present when every group has one alternative in a text."""

    groups: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class KeyPoint:
    text: str
    source: str  # the exact course words that state it
    match: Match


@dataclass(frozen=True)
class Misconception:
    text: str
    correction: str
    match: Match


@dataclass(frozen=True)
class Concept:
    """A main idea a learner should be able to explain back in their own words."""

    id: str
    title: str
    section: str
    prompt: str
    key_points: tuple[KeyPoint, ...]
    misconceptions: tuple[Misconception, ...]
    day: int = 0


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
    code: tuple[CodeNote, ...] = field(default=())
    concepts: tuple[Concept, ...] = field(default=())

    @property
    def phase_title(self) -> str:
        return PHASES[self.phase]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def required_tasks(self) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if not t.optional)

    def code_note(self, block: int) -> CodeNote | None:
        return next((c for c in self.code if c.block == block), None)

    def code_blocks(self) -> list[CodeBlock]:
        """Every fenced block of the lesson, in reading order, numbered from 1."""
        found = []
        for s in self.sections:
            for m in FENCE.finditer(s.body):
                found.append(CodeBlock(len(found) + 1, s.id, m.group(1) or "", m.group(2)))
        return found

    def figures(self) -> list[tuple[str, str, str]]:
        """(section id, alt text, path) for every image in the lesson."""
        return [(s.id, m.group(1), m.group(2)) for s in self.sections
                for m in IMAGE.finditer(s.body)]

    def lesson_markdown(self, links: bool = False) -> str:
        """The whole lesson as one Markdown document, one ``##`` heading per section.

        With ``links``, each section that a Lab experiment shows gets a "Try it in the Lab"
        link and each code block a row of Copy / Explain (/ Run) links: in-app ``lab:``
        and ``code:`` URLs that the lesson view handles on click.
        """
        parts = [f"# Day {self.number}: {self.title}", f"*{self.goal}*"]
        counter = iter(range(1, 10_000))
        for s in self.sections:
            body = s.body.strip()
            if links:
                body = FENCE.sub(lambda m: m.group(0) + "\n\n" + self._code_links(next(counter)),
                                 body)
                if s.lab:
                    body = (f"[▸ Try it in the Lab: {LAB_TITLES[s.lab]}]"
                            f"(lab:{s.lab}?day={self.number})\n\n{body}")
            parts.append(f'<a id="{s.id}"></a>\n\n## {s.title}\n\n{body}')
        parts.append('<a id="key-terms"></a>\n\n## Key terms\n\n' + "\n".join(
            f"- **{t.term}**: {t.definition}" for t in self.terms))
        parts.append('<a id="resources"></a>\n\n## Resources\n\n' + "\n".join(
            f"- [{r.title}]({r.url})" for r in self.resources))
        return "\n\n".join(parts) + "\n"

    def _code_links(self, block: int) -> str:
        links = [f"[Copy](code:copy/{self.number}/{block})",
                 f"[Explain this code](code:explain/{self.number}/{block})"]
        note = self.code_note(block)
        if note is not None and note.runnable:
            links.append(f"[▸ Run it in the Lab](lab:run-code?day={self.number}&block={block})")
        return " · ".join(links)

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

    def concept(self, concept_id: str) -> Concept | None:
        return next((c for d in self.days for c in d.concepts if c.id == concept_id), None)
