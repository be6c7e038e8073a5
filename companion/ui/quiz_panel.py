"""Wires quizzes, review and stats into the main window.

Adds Go → "Quiz for this day" (Ctrl+Shift+Q), "More practice for this day",
"Explain it back" (Ctrl+Shift+B), "Review (N due)" (Ctrl+R) and View → "Quiz
stats", and a badge provider that marks mastered days (★) and due reviews (↻N)
in the day list. Counts refresh
from the window's one change signal; the only timer fires when the next review
card falls due (time passing is not a write, so nothing else would say so).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDialog

from companion.services import Changes
from companion.ui.explain_back_view import ExplainBackView
from companion.ui.quiz_view import QuizView
from companion.ui.review_view import ReviewView

if TYPE_CHECKING:
    from companion.ui.inference import Inference
    from companion.ui.main_window import MainWindow
    from companion.ui.stats_view import StatsView

MAX_WAIT_MS = 6 * 3600 * 1000  # re-arm at least every 6 hours (clock changes, sleep)


class QuizPanel(QObject):
    def __init__(self, window: MainWindow, inference: Inference) -> None:
        super().__init__(window)
        self.window = window
        self.inference = inference
        self.model_error: str | None = None
        self.views: dict[str, QDialog] = {}
        inference.modelReady.connect(self._model_ready)
        inference.modelFailed.connect(self._model_failed)
        go = window.go_menu
        go.addSeparator()
        self.quiz_action = window.add_action(go, "&Quiz for this day", self.open_quiz,
                                             "Ctrl+Shift+Q")
        self.practice_action = window.add_action(go, "More &practice for this day",
                                                 self.open_practice)
        self.explain_back_action = window.add_action(go, "Explain it &back…",
                                                     self.open_explain_back, "Ctrl+Shift+B")
        self.review_action = window.add_action(go, "&Review", self.open_review, "Ctrl+R")
        self.stats_action = window.add_action(window.view_menu, "Quiz &stats",
                                              self.open_stats)
        window.badge_providers.append(self.badges)
        window.changed.connect(self._changed)
        self.due_timer = QTimer(self, singleShot=True)
        self.due_timer.timeout.connect(self._fell_due)
        window.closing.connect(self.due_timer.stop)  # the database closes after the window
        self.refresh()

    # ----- state ---------------------------------------------------------------------------
    def badges(self) -> dict[int, str]:
        return self.window.study.quiz.badges()

    def refresh(self) -> None:
        quiz = self.window.study.quiz
        self.review_action.setText(f"&Review ({quiz.due_count()} due)")
        self._arm_due_timer(quiz.next_due())

    def _fell_due(self) -> None:
        self.refresh()
        self.window.refresh_progress()  # the day list's ↻N badges

    def _arm_due_timer(self, next_due: str | None) -> None:
        """Refresh the counts the moment the next card falls due."""
        self.due_timer.stop()
        if not next_due:
            return
        wait = dt.datetime.fromisoformat(next_due) - dt.datetime.now(dt.timezone.utc)
        if wait.total_seconds() > 0:
            self.due_timer.start(min(MAX_WAIT_MS, int(wait.total_seconds() * 1000) + 1000))

    def _changed(self, changes: Changes) -> None:
        if changes.study:
            for view in list(self.views.values()):  # they hold data a restore replaced
                view.close()
        if changes.touches("quiz"):
            self.refresh()
            if self.stats_view is not None and not changes.study:
                self.stats_view.refresh()  # open stats follow the quiz being taken

    def model_problem(self) -> str | None:
        """Why the model cannot be used right now, in words for the learner; None if it can."""
        if self.inference.ready:
            return None
        if self.model_error:
            return f"The tutor model could not be loaded: {self.model_error}"
        return "The tutor model is not ready yet (it is still loading); try again in a moment."

    def _model_ready(self, _name: str, _path: str) -> None:
        self.model_error = None

    def _model_failed(self, message: str) -> None:
        self.model_error = message

    # ----- views ---------------------------------------------------------------------------
    def _keep(self, name: str, view: QDialog) -> None:
        """Remember the open view; it is deleted when closed, and forgotten then."""
        old = self.views.pop(name, None)
        if old is not None:
            old.close()
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _=None: self.views.pop(name, None)
                               if self.views.get(name) is view else None)
        self.views[name] = view
        view.show()

    @property
    def quiz_view(self) -> QuizView | None:
        return self.views.get("quiz")  # type: ignore[return-value]

    @property
    def review_view(self) -> ReviewView | None:
        return self.views.get("review")  # type: ignore[return-value]

    @property
    def explain_back_view(self) -> ExplainBackView | None:
        return self.views.get("explain_back")  # type: ignore[return-value]

    @property
    def stats_view(self) -> StatsView | None:
        return self.views.get("stats")  # type: ignore[return-value]

    def open_quiz(self, practice: bool = False) -> QuizView:
        w = self.window
        view = QuizView(w.study, w.current_day(), self.inference, self.model_problem, w,
                        practice=practice)
        view.sectionRequested.connect(w.show_section)
        self._keep("quiz", view)
        return view

    def open_practice(self) -> QuizView:
        return self.open_quiz(practice=True)

    def open_explain_back(self) -> ExplainBackView:
        view = ExplainBackView(self.window.study, self.window.current_day(), self.window)
        view.sectionRequested.connect(self.window.show_section)
        self._keep("explain_back", view)
        return view

    def open_review(self) -> ReviewView:
        view = ReviewView(self.window.study, self.window)
        view.sectionRequested.connect(self.window.show_section)
        self._keep("review", view)
        return view

    def open_stats(self) -> StatsView:
        # imported on first use: the plotting library takes ~0.5 s to load, not worth
        # adding to every start of the app
        from companion.ui.stats_view import StatsView

        view = StatsView(self.window.study, self.window)
        self._keep("stats", view)
        return view
