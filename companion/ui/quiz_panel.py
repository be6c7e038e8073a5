"""Wires quizzes, review and stats into the main window.

Adds Go → "Quiz for this day" (Ctrl+Shift+Q), "More practice for this day",
"Review (N due)" (Ctrl+R) and View → "Quiz stats", and a badge provider that
marks mastered days (★) and due reviews (↻N) in the day list.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer

from companion.quiz.session import day_badges
from companion.storage import quiz as store
from companion.ui.quiz_view import QuizView
from companion.ui.review_view import ReviewView
from companion.ui.stats_view import StatsView

REFRESH_MS = 60_000  # cards fall due as time passes; recount once a minute


class QuizPanel(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.model_error: str | None = None
        self.quiz_view: QuizView | None = None
        self.review_view: ReviewView | None = None
        self.stats_view: StatsView | None = None
        inference = getattr(window, "inference", None)
        if inference is not None:
            inference.modelReady.connect(self._model_ready)
            inference.modelFailed.connect(self._model_failed)
        go = window.go_menu
        go.addSeparator()
        self.quiz_action = window.add_action(go, "&Quiz for this day", self.open_quiz,
                                             "Ctrl+Shift+Q")
        self.practice_action = window.add_action(go, "More &practice for this day",
                                                 self.open_practice)
        self.review_action = window.add_action(go, "&Review", self.open_review, "Ctrl+R")
        self.stats_action = window.add_action(window.view_menu, "Quiz &stats",
                                              self.open_stats)
        go.aboutToShow.connect(self.refresh_review_action)
        window.badge_providers.append(self.badges)
        if hasattr(window, "studyReloaded"):
            window.studyReloaded.connect(self._study_reloaded)
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        if hasattr(window, "closing"):  # the database closes right after the window
            window.closing.connect(self.timer.stop)
        self.refresh()

    # ----- state ---------------------------------------------------------------------------
    def badges(self) -> dict[int, str]:
        study = self.window.study
        return day_badges(study.db, study.course)

    def due_count(self) -> int:
        return sum(store.due_counts(self.window.study.db).values())

    def refresh_review_action(self) -> None:
        self.review_action.setText(f"&Review ({self.due_count()} due)")

    def refresh(self) -> None:
        self.refresh_review_action()
        self.window.refresh_progress()

    def model_problem(self) -> str | None:
        """Why the model cannot be used right now, in words for the learner; None if it can."""
        inference = getattr(self.window, "inference", None)
        if inference is None:
            return "The tutor model is not available in this window."
        if inference.ready:
            return None
        if self.model_error:
            return f"The tutor model could not be loaded: {self.model_error}"
        return "The tutor model is not ready yet (it is still loading); try again in a moment."

    def _model_ready(self, _name: str, _path: str) -> None:
        self.model_error = None

    def _model_failed(self, message: str) -> None:
        self.model_error = message

    def _study_reloaded(self) -> None:
        # open views hold the database that a restore just replaced: close them
        for view in (self.quiz_view, self.review_view, self.stats_view):
            if view is not None:
                view.close()
        self.refresh()

    # ----- views ---------------------------------------------------------------------------
    def _keep(self, name: str, view) -> None:
        """Remember the open view; it is deleted when closed, and forgotten then."""
        old = getattr(self, name)
        if old is not None:
            old.close()
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _=None: self._forget(name, view))
        setattr(self, name, view)
        view.show()

    def _forget(self, name: str, view) -> None:
        if getattr(self, name) is view:
            setattr(self, name, None)

    def _connect(self, view) -> None:
        view.sectionRequested.connect(self.window.show_section)
        view.changed.connect(self.refresh)

    def open_quiz(self, practice: bool = False) -> QuizView:
        w = self.window
        view = QuizView(w.study, w.current_day(), getattr(w, "inference", None),
                        self.model_problem, w, practice=practice)
        self._connect(view)
        self._keep("quiz_view", view)
        return view

    def open_practice(self) -> QuizView:
        return self.open_quiz(practice=True)

    def open_review(self) -> ReviewView:
        view = ReviewView(self.window.study, self.window)
        self._connect(view)
        self._keep("review_view", view)
        return view

    def open_stats(self) -> StatsView:
        view = StatsView(self.window.study, self.window)
        self._keep("stats_view", view)
        return view


def install(window) -> QuizPanel:
    """Add the quiz features to ``window``; safe to call twice."""
    existing = getattr(window, "quiz", None)
    if isinstance(existing, QuizPanel):
        return existing
    window.quiz = QuizPanel(window)
    return window.quiz
