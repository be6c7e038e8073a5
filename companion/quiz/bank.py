"""The question bank: the curriculum's answer-keyed questions plus kept generated ones."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from companion.curriculum import Course, Question
from companion.storage import quiz as store


def day_questions(course: Course, day: int) -> tuple[Question, ...]:
    """The bank quiz for a day; raises KeyError with a readable message for a bad day."""
    return course.day(day).quiz


def find(course: Course, db: sqlite_utils.Database, question_id: str) -> Question | None:
    """A bank question by id, or a generated one that has not been flagged."""
    for day in course.days:
        for q in day.quiz:
            if q.id == question_id:
                return q
    return store.get_generated(db, question_id)


def section_title(course: Course, question: Question) -> str:
    section = course.day(question.day).section(question.section)
    return section.title if section else question.section


def to_json(question: Question) -> dict[str, Any]:
    return {"id": question.id, "day": question.day, "kind": question.kind,
            "question": question.question, "options": list(question.options),
            "answer": question.answer, "correct_option": question.correct_option,
            "explanation": question.explanation, "section": question.section,
            "generated": question.generated}


def all_question_texts(course: Course, db: sqlite_utils.Database) -> list[str]:
    """Every question a new one must not duplicate: the bank and all kept generated ones."""
    return [q.question for d in course.days for q in d.quiz] + store.generated_texts(db)
