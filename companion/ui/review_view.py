"""The review queue: due cards one at a time, answered, then rated Again/Hard/Good/Easy.

Answering first and rating second keeps the learner honest with themselves; the
suggested rating follows the answer (Again after a miss) and each button shows
when the card would come back, straight from FSRS. Options come in a fresh order
each time (the session shuffles them), so a card is remembered by its answer.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.quiz import scheduling
from companion.quiz.practice import is_practice
from companion.quiz.review import ReviewSession
from companion.quiz.scheduling import Grade
from companion.ui.quiz_view import FeedbackView, feedback_markdown, plain_label
from companion.ui.quiz_widgets import add_option_buttons, mark_answer, show_options

LIMIT = 200  # one sitting; more than this can wait for tomorrow


def due_in(stamp: str) -> str:
    delta = dt.datetime.fromisoformat(stamp) - scheduling.utc_now()
    return "now" if delta.total_seconds() <= 0 else f"in {scheduling.describe_interval(delta)}"


class ReviewView(QDialog):
    sectionRequested = Signal(int, str)

    def __init__(self, study, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self.setWindowTitle("Review")
        self.resize(720, 600)
        self.session: ReviewSession = study.quiz.review(limit=LIMIT)

        lay = QVBoxLayout(self)
        self.header = plain_label()
        self.question_label = plain_label(bold=True, scale=1.15)
        self.question_label.setAccessibleName("Question")
        lay.addWidget(self.header)
        lay.addWidget(self.question_label)
        self.option_buttons = add_option_buttons(lay, self, self.choose)
        self.feedback = FeedbackView(self)
        self.feedback.sectionRequested.connect(self.sectionRequested)
        lay.addWidget(self.feedback)
        lay.addStretch(1)
        self.status = plain_label()
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.grade_buttons: dict[Grade, QPushButton] = {}
        for grade in Grade:
            button = QPushButton(grade.label, self)
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("Again · 10 days") + 24)
            button.clicked.connect(lambda _=False, g=grade: self.rate(g))
            row.addWidget(button)
            self.grade_buttons[grade] = button
        row.addStretch(1)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        for i in range(4):  # keys 1-4 answer first, then rate
            QShortcut(QKeySequence(str(i + 1)), self, activated=lambda i=i: self._key(i))
        self.next_card()

    @property
    def chosen(self) -> int | None:
        return self.session.chosen

    @property
    def question(self):
        return self.session.question

    def _key(self, i: int) -> None:
        if self.chosen is None:
            self.choose(i)
        else:
            self.rate(Grade(i + 1))

    def next_card(self) -> None:
        question = self.session.next()
        if question is None:
            self._finished()
            return
        # an instant practice question's section would give "which section…" away
        section = "" if is_practice(question) else f" · {self.session.section_title()}"
        self.header.setText(f"Card {self.session.position + 1} of {self.session.total} due · "
                            f"day {question.day}{section}"
                            + (" · generated question" if question.generated else ""))
        self.question_label.setText(question.question)
        show_options(self.option_buttons, question.options)
        self.feedback.hide()
        self.status.setText("Answer first, then rate how well you remembered it.")
        for button in self.grade_buttons.values():
            button.setEnabled(False)
            button.setText(button.text().split(" ·")[0])

    def choose(self, index: int) -> None:
        q = self.question
        if q is None or self.chosen is not None or index >= len(q.options):
            return
        ok = self.session.answer(index)
        mark_answer(self.option_buttons, q, index)
        self.feedback.show_markdown(feedback_markdown(q, index, ok,
                                                      self.session.section_title()))
        when = self.session.intervals()
        suggested = self.session.suggested
        for grade, button in self.grade_buttons.items():
            button.setText(f"{grade.label} · {scheduling.describe_interval(when[grade])}")
            button.setEnabled(True)
            button.setDefault(grade == suggested)
        self.grade_buttons[suggested].setFocus()
        self.status.setText("How well did you remember it? (keys 1-4)")

    def rate(self, grade: Grade) -> None:
        if self.chosen is None or self.question is None:
            return
        try:
            self.session.rate(grade)
        except Exception as exc:  # a locked or full disk
            self.status.setText(f"Could not save the review: {str(exc).splitlines()[0]}")
            return
        self.next_card()

    def _finished(self) -> None:
        for button in self.option_buttons:
            button.hide()
        for button in self.grade_buttons.values():
            button.setEnabled(False)
        self.feedback.hide()
        nxt = self.session.next_due()
        self.header.setText("Review")
        if not self.session.total:
            self.question_label.setText("Nothing is due for review.")
        else:
            self.question_label.setText(f"All done: {self.session.reviewed} card(s) reviewed.")
        self.status.setText(f"Next card due {due_in(nxt)}." if nxt else
                            "Questions you miss in a quiz come here for review.")
        self.close_button.setDefault(True)
        self.close_button.setFocus()
