"""The 14-day course as data files plus a validating loader (no Qt here)."""

from companion.curriculum.loader import CurriculumError, course, load_course
from companion.curriculum.model import (
    LAB_EXPERIMENTS,
    PHASES,
    CodeBlock,
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

__all__ = ["LAB_EXPERIMENTS", "PHASES", "CodeBlock", "CodeNote", "Concept", "Course",
           "CurriculumError", "Day", "KeyPoint", "Match", "Misconception", "Question",
           "Resource", "Section", "Task", "Term", "course", "load_course"]
