"""Load the day files and refuse anything incomplete.

The course ships as one TOML file per day so that lessons are easy to edit and
review as text. Validation happens here, at load time, so a broken data file
fails loudly in the tests rather than quietly in front of a learner.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from companion.curriculum.model import (
    LAB_EXPERIMENTS,
    PHASES,
    CodeNote,
    Concept,
    Course,
    Day,
    KeyPoint,
    Match,
    Misconception,
    Question,
    Resource,
    Section,
    Task,
    Term,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DAYS_DIR = Path(__file__).with_name("days")
FIGURES_DIR = Path(__file__).with_name("figures")
MAX_OPTIONAL_TASKS = 3
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_WORDS = 450


class CurriculumError(ValueError):
    """A day file is missing something the app relies on."""


def _require(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise CurriculumError(f"{where}: {message}")


def _parse_day(raw: dict[str, Any], where: str) -> Day:
    for key in ("number", "title", "phase", "goal", "minutes", "sections", "tasks", "terms",
                "resources"):
        _require(key in raw, where, f"missing '{key}'")
    _require(raw["phase"] in PHASES, where, f"unknown phase {raw['phase']!r}")
    sections = tuple(Section(s["id"], s["title"].strip(), s["body"], s.get("lab", ""))
                     for s in raw["sections"])
    _require(len(sections) >= 2, where, "needs at least 2 sections")
    ids = [s.id for s in sections]
    _require(len(set(ids)) == len(ids), where, "duplicate section ids")
    for s in sections:
        _require(bool(SLUG.match(s.id)), where, f"bad section id {s.id!r}")
        _require(bool(s.title and s.body.strip()), where, f"section {s.id} is empty")
        _require(s.lab in ("", *LAB_EXPERIMENTS), where, f"unknown lab {s.lab!r} in {s.id}")
    tasks = tuple(Task(t["id"], t["text"].strip(), bool(t.get("optional", False)),
                       t.get("lab", "")) for t in raw["tasks"])
    required = [t for t in tasks if not t.optional]
    _require(4 <= len(required) <= 7, where, f"needs 4-7 tasks, has {len(required)}")
    _require(len(tasks) - len(required) <= MAX_OPTIONAL_TASKS, where,
             f"at most {MAX_OPTIONAL_TASKS} optional tasks")
    for t in tasks:
        _require(t.lab in ("", *LAB_EXPERIMENTS), where, f"unknown lab {t.lab!r} in {t.id}")
    terms = tuple(Term(t["term"].strip(), t["definition"].strip(),
                       tuple(a.strip() for a in t.get("aliases", []) if a.strip()))
                  for t in raw["terms"])
    _require(len(terms) >= 3, where, "needs key terms")
    resources = tuple(Resource(r["title"].strip(), r["url"].strip()) for r in raw["resources"])
    _require(len(resources) >= 3, where, "needs at least 3 resources")
    for r in resources:
        _require(r.url.startswith(("https://", "http://")), where, f"bad URL {r.url!r}")
    number = int(raw["number"])
    quiz = tuple(_parse_question(q, number, set(ids), where) for q in raw.get("quiz", []))
    code = tuple(_parse_code_note(c, where) for c in raw.get("code", []))
    concepts = tuple(_parse_concept(c, number, set(ids), where) for c in raw.get("concepts", []))
    day = Day(number, raw["title"].strip(), raw["phase"], raw["goal"].strip(),
              int(raw["minutes"]), sections, tasks, terms, resources, quiz, code, concepts)
    _require(day.word_count >= MIN_WORDS, where,
             f"lesson has {day.word_count} words, needs {MIN_WORDS}")
    blocks = {b.number: b for b in day.code_blocks()}
    for note in code:
        block = blocks.get(note.block)
        _require(block is not None, where, f"code note for block {note.block}, which is not "
                 f"there (the day has {len(blocks)} blocks)")
        assert block is not None
        _require(block.first_line == note.first_line.strip(), where,
                 f"code note {note.block} starts {note.first_line!r} but the block starts "
                 f"{block.first_line!r}")
        _require(all(r in blocks and r < note.block for r in note.requires), where,
                 f"code note {note.block} requires a block that is not before it")
    for section_id, alt, path in day.figures():
        _require(path.startswith("figures/") and (FIGURES_DIR / path[8:]).is_file(), where,
                 f"figure {path!r} in {section_id} does not exist")
        _require(len(alt.strip()) >= 40, where, f"figure {path!r} needs alt text (40+ chars)")
    return day


def _parse_code_note(c: dict[str, Any], where: str) -> CodeNote:
    for key in ("block", "first_line", "summary"):
        _require(key in c, where, f"a [[code]] entry is missing '{key}'")
    return CodeNote(int(c["block"]), str(c["first_line"]), c["summary"].strip(),
                    c.get("walkthrough", "").strip(), bool(c.get("runnable", False)),
                    tuple(int(r) for r in c.get("requires", [])), c.get("output", ""),
                    tuple(c.get("needs", [])), c.get("why", "").strip())


def _parse_match(groups: Any, here: str) -> Match:
    _require(isinstance(groups, list) and bool(groups) and all(
        isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g)
        for g in groups), here, "match must be a non-empty list of non-empty lists of words")
    return Match(tuple(tuple(a.strip().lower() for a in g) for g in groups))


def _parse_concept(c: dict[str, Any], day: int, sections: set[str], where: str) -> Concept:
    for key in ("id", "title", "section", "prompt", "key_points"):
        _require(key in c, where, f"a concept is missing '{key}'")
    here = f"{where} concept {c['id']}"
    _require(c["section"] in sections, here, f"section {c['section']!r} does not exist")
    points = tuple(KeyPoint(k["text"].strip(), k.get("source", "").strip(),
                            _parse_match(k.get("match"), here)) for k in c["key_points"])
    wrong = tuple(Misconception(m["text"].strip(), m.get("correction", "").strip(),
                                _parse_match(m.get("match"), here))
                  for m in c.get("misconceptions", []))
    _require(len(points) >= 2, here, "needs at least 2 key points")
    return Concept(c["id"], c["title"].strip(), c["section"], c["prompt"].strip(), points,
                   wrong, day)


def _parse_question(q: dict[str, Any], day: int, sections: set[str], where: str) -> Question:
    question = Question(
        id=q["id"], kind=q["kind"], question=q["question"].strip(),
        options=tuple(str(o).strip() for o in q["options"]), answer=int(q["answer"]),
        explanation=q["explanation"].strip(), section=q["section"], day=day,
    )
    here = f"{where} quiz {question.id}"
    expected = 4 if question.kind == "choice" else 2
    _require(question.kind in ("choice", "truefalse"), here, f"unknown kind {question.kind!r}")
    _require(len(question.options) == expected, here, f"needs {expected} options")
    _require(len(set(question.options)) == expected and all(question.options), here,
             "options must be distinct and non-empty")
    _require(0 <= question.answer < expected, here, "answer index out of range")
    _require(question.section in sections, here, f"section {question.section!r} does not exist")
    return question


def load_course(folder: Path = DAYS_DIR) -> Course:
    """Read every ``dayNN.toml`` and check the course as a whole."""
    files = sorted(folder.glob("day*.toml"))
    days = []
    for path in files:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CurriculumError(f"{path.name}: {exc}") from exc
        days.append(_parse_day(raw, path.name))
    days.sort(key=lambda d: d.number)
    numbers = [d.number for d in days]
    if numbers != list(range(1, len(days) + 1)) or not days:
        raise CurriculumError(f"days must be numbered 1..N without gaps, found {numbers}")
    all_tasks = [t.id for d in days for t in d.tasks]
    if len(set(all_tasks)) != len(all_tasks):
        raise CurriculumError("task ids must be unique across the course")
    all_questions = [q.id for d in days for q in d.quiz]
    if len(set(all_questions)) != len(all_questions):
        raise CurriculumError("quiz ids must be unique across the course")
    all_concepts = [c.id for d in days for c in d.concepts]
    if len(set(all_concepts)) != len(all_concepts):
        raise CurriculumError("concept ids must be unique across the course")
    return Course(tuple(days))


@lru_cache(maxsize=1)
def course() -> Course:
    """The bundled course, loaded once per process."""
    return load_course()
