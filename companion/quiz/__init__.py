"""Quizzes, spaced review and checked practice questions (no Qt here).

``bank`` reads the answer-keyed questions from the curriculum, ``session`` runs
a quiz and decides mastery, ``scheduling`` wraps FSRS, ``generation`` and
``validation`` turn model output into practice questions only when they pass
every check, and ``explain`` builds the "explain my mistake" prompt.
"""

from companion.quiz.session import MASTERY, Feedback, QuizSession, mastered_days

__all__ = ["MASTERY", "Feedback", "QuizSession", "mastered_days"]
