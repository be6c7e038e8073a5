"""The quiz's last page: the score, every missed question explained, then more practice.

Results that teach: each miss is listed with the learner's choice, the right
answer, the answer key's explanation and a link to the lesson section, so the
end of a quiz is where the learning happens rather than a bare number. Below,
"More practice" starts instant questions from the course data at once, and the
slower model-written questions keep their progress bar and Cancel. Only the
look lives here; the quiz dialog connects the buttons to what they do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from companion.curriculum import Question
from companion.quiz.mastery import DayMastery
from companion.quiz.session import QuizSession
from companion.ui.quiz_widgets import FeedbackView, md_text, plain_label


def missed_markdown(session: QuizSession, section_title: Callable[[Question], str]) -> str:
    """Every missed question: your choice, the right answer, why, and where to read again."""
    misses = session.misses
    if not misses:
        return ""
    parts = [f"### What you missed ({len(misses)})"]
    for n, miss in enumerate(misses, start=1):
        q = miss.question
        link = f"[Read the lesson: {md_text(section_title(q))}](lesson:{q.day}#{q.section})"
        parts.append(f"**{n}. {md_text(q.question)}**\n\n"
                     f"- ✘ You chose: {md_text(miss.chosen_option)}\n"
                     f"- ✔ Right answer: **{md_text(q.correct_option)}**\n\n"
                     f"{md_text(q.explanation)}\n\n{link}")
    return "\n\n".join(parts)


class MissedList(FeedbackView):
    """The list of misses, with lesson links (a FeedbackView, so the links work the same)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Missed questions")
        self.setMinimumHeight(120)

    def show_markdown(self, text: str) -> None:  # scrolls instead of growing to fit
        self.set_markdown(text)
        self.setVisible(bool(text))
        self.setMaximumHeight(16777215)
        self.setMinimumHeight(120)

    def _fit(self) -> None:  # the list scrolls; it does not take a fixed height
        return


class ResultsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.score_label = plain_label(bold=True, scale=1.6)
        self.score_label.setAccessibleName("Score")
        self.result_label = plain_label()
        lay.addWidget(self.score_label)
        lay.addWidget(self.result_label)
        self.missed = MissedList(self)
        self.missed.hide()
        lay.addWidget(self.missed, 1)
        self.practice_status = plain_label()
        self.practice_status.setAccessibleName("Practice status")
        self.practice_progress = QProgressBar(self)
        self.practice_progress.setFormat("Writing question %v of %m…")
        self.cancel_button = QPushButton("Cancel")
        prow = QHBoxLayout()
        prow.addWidget(self.practice_progress, 1)
        prow.addWidget(self.cancel_button)
        lay.addWidget(self.practice_status)
        lay.addLayout(prow)
        self.spacer = QWidget(self)  # takes the room while there is no list of misses
        lay.addWidget(self.spacer, 1)
        brow = QHBoxLayout()
        self.retake_button = QPushButton("Take the day's quiz again")
        self.practice_button = QPushButton("More practice")
        self.practice_button.setToolTip("Instant questions built from this day's lesson: fill "
                                        "in the blank, which term, which section.")
        self.model_button = QPushButton("Questions from the model…")
        self.model_button.setToolTip("Ask the local model to write new questions (slow with "
                                     "the small bundled model; only checked ones are shown).")
        self.close_button = QPushButton("Close")
        for b in (self.retake_button, self.practice_button, self.model_button):
            brow.addWidget(b)
        brow.addStretch(1)
        brow.addWidget(self.close_button)
        lay.addLayout(brow)
        self.set_practice_busy(False)

    def set_practice_busy(self, busy: bool) -> None:
        """While the model writes questions: show progress and Cancel, and block a restart."""
        self.practice_progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        for b in (self.practice_button, self.model_button, self.retake_button):
            b.setEnabled(not busy)

    def _show_missed(self, text: str) -> None:
        self.missed.show_markdown(text)
        self.spacer.setVisible(not text)

    def show_intro(self, day: int) -> None:
        self.score_label.setText(f"Practice for day {day}")
        self.result_label.setText("")
        self._show_missed("")

    def show_score(self, session: QuizSession, mastery: DayMastery, missed: str) -> None:
        """The score, what it means for the day's mastery, and every miss explained."""
        stopped = not session.complete
        if session.kind == "practice":
            self.score_label.setText(f"Practice: {session.correct} of {session.answered} correct")
            lines = ["Practice questions do not count towards mastery."]
        elif stopped:
            self.score_label.setText(f"Stopped after {session.answered} of {session.total}: "
                                     f"{session.correct} correct")
            lines = ["A stopped quiz is kept in your stats (marked stopped) but does not count "
                     "for mastery."]
        else:
            self.score_label.setText(f"Score: {session.correct} / {session.total} "
                                     f"({session.percent}%)")
            lines = [mastery.next_step()]
        if session.missed:
            lines.append(f"{session.missed} missed question(s) are in your review queue.")
        elif session.answered:
            lines.append("Nothing missed.")
        self.result_label.setText("\n".join(lines))
        self._show_missed(missed)
