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
    PHASES,
    Course,
    Day,
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
    sections = tuple(Section(s["id"], s["title"].strip(), s["body"]) for s in raw["sections"])
    _require(len(sections) >= 2, where, "needs at least 2 sections")
    ids = [s.id for s in sections]
    _require(len(set(ids)) == len(ids), where, "duplicate section ids")
    for s in sections:
        _require(bool(SLUG.match(s.id)), where, f"bad section id {s.id!r}")
        _require(bool(s.title and s.body.strip()), where, f"section {s.id} is empty")
    tasks = tuple(Task(t["id"], t["text"].strip()) for t in raw["tasks"])
    _require(4 <= len(tasks) <= 7, where, f"needs 4-7 tasks, has {len(tasks)}")
    terms = tuple(Term(t["term"].strip(), t["definition"].strip()) for t in raw["terms"])
    _require(len(terms) >= 3, where, "needs key terms")
    resources = tuple(Resource(r["title"].strip(), r["url"].strip()) for r in raw["resources"])
    _require(len(resources) >= 3, where, "needs at least 3 resources")
    for r in resources:
        _require(r.url.startswith(("https://", "http://")), where, f"bad URL {r.url!r}")
    number = int(raw["number"])
    quiz = tuple(_parse_question(q, number, set(ids), where) for q in raw.get("quiz", []))
    day = Day(number, raw["title"].strip(), raw["phase"], raw["goal"].strip(),
              int(raw["minutes"]), sections, tasks, terms, resources, quiz)
    _require(day.word_count >= MIN_WORDS, where,
             f"lesson has {day.word_count} words, needs {MIN_WORDS}")
    return day


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
    return Course(tuple(days))


@lru_cache(maxsize=1)
def course() -> Course:
    """The bundled course, loaded once per process."""
    return load_course()
