"""A day's quiz, one question at a time, plus practice questions.

Options are shuffled for each attempt (the session decides; the view shows
``session.current``). Feedback comes at once with the answer key's explanation
and a link to the lesson section. After a miss, "Explain my mistake" streams the
tutor's explanation (which starts from the key's answer). The results page lists
every miss. "More practice" starts instant questions built from the course data;
"Questions from the model…" asks the local model for new ones, with progress and
Cancel, and shows only those that pass every check. The widgets it is built from
are in quiz_widgets.py (shared with the review queue) and quiz_results.py.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.quiz import generation, mistakes
from companion.quiz.practice import DEFAULT_COUNT as INSTANT_COUNT
from companion.quiz.practice import is_practice
from companion.quiz.session import QuizSession
from companion.ui.quiz_results import ResultsPage, missed_markdown

# review_view.py and stats_view.py import some of these from here; quiz_widgets is their home
from companion.ui.quiz_widgets import (
    ExplanationView,
    FeedbackView,
    add_option_buttons,
    feedback_markdown,
    mark_answer,
    plain_label,
    show_options,
)

PRACTICE_EARLIER = 5  # checked questions kept from earlier rounds, practised again


class QuizView(QDialog):
    """The quiz dialog; ``model_problem`` says why the model cannot be used, or None."""

    sectionRequested = Signal(int, str)

    def __init__(self, study, day: int, inference=None,
                 model_problem: Callable[[], str | None] = lambda: None,
                 parent: QWidget | None = None, practice: bool = False) -> None:
        super().__init__(parent)
        self.study = study
        self.day = day
        self.inference = inference
        self.model_problem = model_problem
        self.session: QuizSession | None = None
        self.explain_job: int | None = None
        self.practice_job: int | None = None
        self.last_result: generation.GenerationResult | None = None
        self.practice_count = generation.DEFAULT_COUNT  # model-written questions asked for
        self.instant_count = INSTANT_COUNT
        self.explain_max_tokens = mistakes.MAX_TOKENS
        title = study.course.day(day).title
        self.setWindowTitle(f"Day {day} quiz: {title}")
        self.resize(760, 640)
        self._build()
        if inference is not None:
            inference.text.connect(self._on_text)
            inference.progress.connect(self._on_progress)
            inference.finished.connect(self._on_finished)
            inference.failed.connect(self._on_failed)
        if practice:
            self.more_practice()
        else:
            self.start_bank()

    # ----- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)

        page = QWidget()
        lay = QVBoxLayout(page)
        self.header = plain_label()
        self.generated_tag = plain_label(
            "Generated practice question: written by the local model and checked against "
            "the lesson, but not by a person. Flag it if it looks wrong.")
        self.generated_tag.setStyleSheet("color: #8a5a00;")
        self.question_label = plain_label(bold=True, scale=1.15)
        self.question_label.setAccessibleName("Question")
        lay.addWidget(self.header)
        lay.addWidget(self.generated_tag)
        lay.addWidget(self.question_label)
        self.option_buttons = add_option_buttons(lay, page, self.choose)
        for i in range(4):
            QShortcut(QKeySequence(str(i + 1)), self, activated=lambda i=i: self.choose(i))
        self.feedback = FeedbackView(page)
        self.feedback.sectionRequested.connect(self.sectionRequested)
        lay.addWidget(self.feedback)
        self.explanation = ExplanationView(page)
        lay.addWidget(self.explanation, 3)
        lay.addStretch(1)  # takes the room while feedback and explanation are hidden
        self.status = plain_label()
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.explain_button = QPushButton("Explain my mistake")
        self.stop_button = QPushButton("Stop")
        self.end_button = QPushButton("End quiz")
        self.end_button.setToolTip("Stop here and see what you missed so far (kept in your "
                                   "stats as a stopped run).")
        self.flag_button = QPushButton("Flag as a bad question")
        self.next_button = QPushButton("Next →")
        self.next_button.setDefault(True)
        for b in (self.explain_button, self.stop_button, self.flag_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.end_button)
        row.addWidget(self.next_button)
        lay.addLayout(row)
        self.explain_button.clicked.connect(self.explain_mistake)
        self.stop_button.clicked.connect(self.stop_explaining)
        self.flag_button.clicked.connect(self.flag_current)
        self.next_button.clicked.connect(self.next_question)
        self.end_button.clicked.connect(self.end_quiz)
        self.pages.addWidget(page)

        results = self.results_page = ResultsPage()
        # the parts the quiz drives, under the names the quiz has always used for them
        self.score_label, self.result_label = results.score_label, results.result_label
        self.practice_status = results.practice_status
        self.practice_progress = results.practice_progress
        self.cancel_button = results.cancel_button
        self.retake_button, self.practice_button = results.retake_button, results.practice_button
        self.model_button = results.model_button
        self.cancel_button.clicked.connect(self.cancel_practice)
        self.retake_button.clicked.connect(self.start_bank)
        self.practice_button.clicked.connect(self.more_practice)
        self.model_button.clicked.connect(self.model_practice)
        results.missed.sectionRequested.connect(self.sectionRequested)
        results.close_button.clicked.connect(self.close)
        self.pages.addWidget(results)

    # ----- running a quiz ------------------------------------------------------------------
    def start_bank(self) -> None:
        questions = self.study.quiz.questions(self.day)
        if not questions:
            self._show_end(intro=True)
            self.score_label.setText("This day has no quiz yet.")
            return
        self._start(self.study.quiz.start(self.day, questions))

    def _start(self, session: QuizSession) -> None:
        if self.session is not None and not self.session.finished:
            self.session.finish()  # replaced part-way: kept as stopped
        self.session = session
        self.pages.setCurrentIndex(0)
        self._show_question()

    def _show_question(self) -> None:
        session = self.session
        q = session.current if session else None
        if q is None:
            self._show_end()
            return
        kind = "Practice" if session.kind == "practice" else "Quiz"
        # an instant practice question's section would give "which section…" away
        section = "" if is_practice(q) else f" · {self.study.quiz.section_title(q)}"
        self.header.setText(f"{kind} · question {session.index + 1} of {session.total}"
                            f"{section}")
        self.generated_tag.setVisible(q.generated)
        self.flag_button.setVisible(q.generated)
        self.question_label.setText(q.question)
        show_options(self.option_buttons, q.options)
        self.feedback.hide()
        self.explanation.hide()
        self.explanation.clear()
        self.explain_button.hide()
        self.stop_button.hide()
        self.end_button.setVisible(session.total > 1)
        self.end_button.setText("End practice" if session.kind == "practice" else "End quiz")
        self.status.setText("Choose an answer (click it, or press its number).")
        self.next_button.setEnabled(False)
        self.next_button.setText("Finish" if session.index + 1 == session.total else "Next →")
        if self.option_buttons:
            self.option_buttons[0].setFocus()

    def choose(self, index: int) -> None:
        session = self.session
        if (self.pages.currentIndex() != 0 or session is None or session.current is None
                or session.feedback is not None or index >= len(session.current.options)):
            return
        q = session.current
        try:
            feedback = session.answer(index)
        except Exception as exc:  # a locked or full disk: say so, keep the quiz usable
            self.status.setText(f"Could not save your answer: {str(exc).splitlines()[0]}")
            return
        mark_answer(self.option_buttons, q, index)
        self.feedback.show_markdown(feedback_markdown(
            q, index, feedback.correct, self.study.quiz.section_title(q)))
        self.explain_button.setVisible(not feedback.correct)
        if feedback.correct:
            self.status.setText("")
        elif feedback.new_card:
            self.status.setText("Added to your review queue.")
        else:
            self.status.setText("Back in your review queue.")
        self.next_button.setEnabled(True)
        self.next_button.setFocus()

    def next_question(self) -> None:
        if self.session is None or self.session.feedback is None:
            return
        self.stop_explaining()
        self.session.next()
        self._show_question()

    def flag_current(self) -> None:
        q = self.session.current if self.session else None
        if q is None or not q.generated:
            return
        self.study.quiz.flag(q.id, "flagged in the quiz view")
        self.stop_explaining()
        if self.session.feedback is None:
            self.session.skip_current()
        else:
            self.session.next()
        self._show_question()
        self.status.setText("Flagged: that question is removed and will not be shown again.")

    def end_quiz(self) -> None:
        """Stop before the last question: the run is kept as stopped, the misses shown."""
        if self.session is None or self.session.finished:
            return
        self.stop_explaining()
        self.session.finish()
        self._show_end()

    def _show_end(self, intro: bool = False) -> None:
        self.pages.setCurrentIndex(1)
        if intro or self.session is None:
            self.results_page.show_intro(self.day)
        else:
            quiz = self.study.quiz
            self.results_page.show_score(self.session, quiz.mastery(self.day),
                                         missed_markdown(self.session, quiz.section_title))

    # ----- explain my mistake --------------------------------------------------------------
    def explain_mistake(self) -> None:
        session = self.session
        fb = session.feedback if session else None
        if fb is None or fb.correct or self.explain_job is not None:
            return
        self.explanation.show()
        problem = self._problem()
        if problem:
            self.explanation.setPlainText(problem)
            return
        section = self.study.course.day(fb.question.day).section(fb.question.section)
        self.explanation.clear()
        self.explain_job = self.inference.submit(
            mistakes.mistake_job(fb.question, fb.chosen, section, self.explain_max_tokens))
        self.explain_button.setEnabled(False)
        self.stop_button.show()
        self.status.setText("The tutor is explaining…")

    def stop_explaining(self) -> None:
        if self.explain_job is not None and self.inference is not None:
            self.inference.cancel(self.explain_job)

    def _problem(self) -> str | None:
        if self.inference is None:
            return "The tutor model is not available in this window."
        return self.model_problem()

    # ----- more practice -------------------------------------------------------------------
    def more_practice(self) -> None:
        """Instant practice: questions built from the course data, shown at once."""
        if self.practice_job is not None:
            return
        made = self.study.quiz.practice(self.day, self.instant_count)
        if not made:
            self._show_end(intro=True)
            self.practice_status.setText("This day has no material for instant practice; "
                                         "try the questions from the model.")
            return
        self._start(self.study.quiz.start(self.day, [pq.question for pq in made],
                                          kind="practice"))
        self.status.setText(f"{len(made)} practice questions from this day's lesson: fill in "
                            "the blank, which term, which section. Choose an answer.")

    def model_practice(self) -> None:
        """Model-written questions: slow with the bundled model, checked before shown."""
        if self.practice_job is not None:
            return
        self._show_end(intro=self.session is None)
        problem = self._problem()
        if problem:
            self.practice_status.setText(f"Questions from the model need the tutor model. "
                                         f"{problem}")
            return
        day = self.study.course.day(self.day)
        existing = self.study.quiz.all_question_texts()
        self.practice_job = self.inference.submit(
            generation.practice_job(day, existing, self.practice_count))
        self.practice_progress.setRange(0, self.practice_count)
        self.practice_progress.setValue(0)
        self.practice_status.setText("The local model is writing practice questions from "
                                     "this day's lesson; each one is checked before it is "
                                     "shown. With the small bundled model this takes minutes.")
        self.results_page.set_practice_busy(True)

    def cancel_practice(self) -> None:
        if self.practice_job is not None and self.inference is not None:
            self.inference.cancel(self.practice_job)
            self.practice_status.setText("Stopping…")

    def _practice_done(self, result: generation.GenerationResult) -> None:
        self.last_result = result
        fresh = {a.question.id for a in result.accepted}
        earlier = [q for q in self.study.quiz.generated(self.day) if q.id not in fresh]
        self.study.quiz.keep_generated(result.accepted, result.model)
        summary = ("Stopped. " if result.cancelled else "") + result.summary()
        reasons = sorted({r.reason for r in result.rejected})
        self.practice_status.setToolTip("Rejected because: " + "; ".join(reasons)
                                        if reasons else "")
        questions = [a.question for a in result.accepted] + earlier[-PRACTICE_EARLIER:]
        if not result.accepted:
            summary += (" None passed, so none of them are shown: the small local model often "
                        "writes questions that fail the checks.")
        if not questions:
            self.pages.setCurrentIndex(1)
            self.practice_status.setText(summary + " Try again, or take the day's quiz.")
            return
        if earlier:
            kept = min(len(earlier), PRACTICE_EARLIER)
            summary += f" Also practising {kept} checked question(s) kept from before."
        self.practice_status.setText(summary)
        if not self.isVisible():
            return  # closed while the model worked: the questions are kept for next time
        self._start(self.study.quiz.start(self.day, questions, kind="practice"))
        self.status.setText(summary)

    # ----- inference signals ---------------------------------------------------------------
    def _on_text(self, job_id: int, text: str) -> None:
        if job_id == self.explain_job:
            self.explanation.append_text(text)

    def _on_progress(self, job_id: int, done: int, total: int) -> None:
        if job_id == self.practice_job and total:
            self.practice_progress.setRange(0, total)
            self.practice_progress.setValue(done)

    def _on_finished(self, job_id: int, result: object) -> None:
        if job_id == self.explain_job:
            self.explain_job = None
            self._explained(result)
        elif job_id == self.practice_job:
            self.practice_job = None
            self.results_page.set_practice_busy(False)
            self._practice_done(result)

    def _explained(self, result: mistakes.MistakeExplanation) -> None:
        self.stop_button.hide()
        self.explain_button.setEnabled(True)
        text = result.text + ("\n\n*(stopped)*" if result.stopped else "")
        self.explanation.show_markdown(text)
        self.status.setText("Explanation from the local tutor; the answer key above is "
                            "authoritative.")

    def _on_failed(self, job_id: int, message: str) -> None:
        if job_id == self.explain_job:
            self.explain_job = None
            self.stop_button.hide()
            self.explain_button.setEnabled(True)
            self.explanation.setPlainText(f"The tutor could not explain: {message}")
        elif job_id == self.practice_job:
            self.practice_job = None
            self.results_page.set_practice_busy(False)
            self.practice_status.setText(f"No practice questions: {message}")

    def done(self, code: int) -> None:  # closing: stop whatever the model is doing for us
        for job in (self.explain_job, self.practice_job):
            if job is not None and self.inference is not None:
                self.inference.cancel(job)
        if self.session is not None and not self.session.finished:
            self.session.finish()
        super().done(code)
