"""Quizzes, spaced review, practice questions and explain it back (no Qt here).

``bank`` reads the answer-keyed questions from the curriculum, ``shuffle`` orders
options afresh for every attempt, ``session`` runs a quiz, ``mastery`` decides
when a day is mastered, ``scheduling`` wraps FSRS, ``practice`` makes instant
questions from the course data, ``generation`` and ``validation`` turn model
output into practice questions only when they pass every check, ``explain_back``
checks a learner's own explanation of a concept, and ``mistakes`` builds the
"explain my mistake" prompt.
"""

from companion.quiz.mastery import MASTERY, mastered_days
from companion.quiz.session import Feedback, QuizSession

__all__ = ["MASTERY", "Feedback", "QuizSession", "mastered_days"]
