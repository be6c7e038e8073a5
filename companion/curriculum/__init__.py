"""The 14-day course as data files plus a validating loader (no Qt here)."""

from companion.curriculum.loader import CurriculumError, course, load_course
from companion.curriculum.model import PHASES, Course, Day, Question, Resource, Section, Task, Term

__all__ = ["PHASES", "Course", "CurriculumError", "Day", "Question", "Resource", "Section",
           "Task", "Term", "course", "load_course"]
