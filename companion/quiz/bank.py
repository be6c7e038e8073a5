"""The question bank: the curriculum's answer-keyed questions plus kept generated ones.

``find`` also knows instant practice questions (rebuilt from the course data by
their id), so a missed practice question can come back in review.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from companion.curriculum import Course, Question
from companion.quiz import practice
from companion.storage import quiz as store


def day_questions(course: Course, day: int) -> tuple[Question, ...]:
    """The bank quiz for a day; raises KeyError with a readable message for a bad day."""
    return course.day(day).quiz


def find(course: Course, db: sqlite_utils.Database, question_id: str) -> Question | None:
    """A bank question by id, an instant practice one, or a generated one not flagged."""
    for day in course.days:
        for q in day.quiz:
            if q.id == question_id:
                return q
    if question_id.startswith(practice.PREFIX):
        return practice.find(course, question_id)
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
