"""A day's quiz, one question at a time, plus model-made practice questions.

Feedback comes at once with the answer key's explanation and a link to the
lesson section. After a miss, "Explain my mistake" streams the tutor's
explanation (which starts from the key's answer). At the end, "More practice"
asks the model for new questions; only those that pass every check are shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from companion import render
from companion.curriculum import Question
from companion.quiz import bank, explain, generation
from companion.quiz.session import MASTERY, QuizSession
from companion.storage import quiz as store
from companion.ui import theme
from companion.ui.markdown_view import MarkdownView

GOOD = "#2e7d32"
BAD = "#c62828"
PRACTICE_EARLIER = 5  # checked questions kept from earlier rounds, practised again


class OptionButton(QPushButton):
    """A push button whose text wraps, for options longer than one line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # generated options are not ours
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 7, 12, 7)
        layout.addWidget(self.label)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.option = ""

    def set_option(self, number: int, text: str, mark: str = "") -> None:
        self.option = text
        self.label.setText(f"{mark or number}  {text}")
        self.setAccessibleName(f"Option {number}: {text}")
        self.updateGeometry()

    def mark(self, color: str | None) -> None:
        self.setStyleSheet(f"QPushButton {{ border: 2px solid {color}; border-radius: 4px; }}"
                           if color else "")

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.layout().heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = self.layout().sizeHint()
        return QSize(max(hint.width(), 200), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.layout().minimumSize().height())


def plain_label(text: str = "", bold: bool = False, scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = QFont(label.font())
    font.setBold(bold)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def feedback_markdown(question: Question, chosen: int, correct: bool, section_title: str) -> str:
    """What the learner reads after answering: verdict, the key's explanation, the section."""
    link = f"[Read the lesson: {section_title}](lesson:{question.day}#{question.section})"
    if correct:
        verdict = "**✔ Correct.**"
    else:
        verdict = (f"**✘ Not quite.** You chose {chosen + 1}; the answer is "
                   f"**{question.answer + 1}) {_md(question.correct_option)}**.")
    return f"{verdict}\n\n{_md(question.explanation)}\n\n{link}"


def _md(text: str) -> str:
    """Model text shown as literal text inside Markdown (it is sanitized again later)."""
    for ch in "\\`*_[]>#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("<", "&lt;")


class FeedbackView(MarkdownView):
    sectionRequested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.internal_links = True  # our lesson:// link to the section
        self.setAccessibleName("Feedback")
        self.internalLinkClicked.connect(self._open)

    def show_markdown(self, text: str) -> None:
        """Show ``text`` at the height it needs (up to a limit), leaving room below."""
        self.set_markdown(text)
        self.show()
        self._fit()

    def _fit(self) -> None:
        doc = self.document()
        doc.setTextWidth(max(self.width() - 2 * self.frameWidth(), 200))
        height = int(doc.size().height()) + 2 * self.frameWidth() + 6
        self.setFixedHeight(min(max(height, 60), 300))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()  # wrapping changed with the width

    def _open(self, url: QUrl) -> None:
        if url.scheme() == "lesson" and url.path().isdigit():  # lesson:4#self-attention
            self.sectionRequested.emit(int(url.path()), url.fragment())


class QuizView(QDialog):
    """The quiz dialog; ``model_problem`` says why the model cannot be used, or None."""

    sectionRequested = Signal(int, str)
    changed = Signal()  # attempts, cards or flags were saved: badges need a refresh

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
        self.practice_count = generation.DEFAULT_COUNT
        self.explain_max_tokens = explain.MAX_TOKENS
        title = study.course.day(day).title
        self.setWindowTitle(f"Day {day} quiz: {title}")
        self.resize(760, 640)
        self._build()
        if inference is not None:
            inference.text.connect(self._on_text)
            inference.finished.connect(self._on_finished)
            inference.failed.connect(self._on_failed)
        if practice:
            self._show_end(intro=True)
            QTimer.singleShot(0, self.more_practice)  # once the dialog is on screen
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
        self.option_buttons = []
        for i in range(4):
            button = OptionButton(page)
            button.clicked.connect(lambda _=False, i=i: self.choose(i))
            lay.addWidget(button)
            self.option_buttons.append(button)
            QShortcut(QKeySequence(str(i + 1)), self, activated=lambda i=i: self.choose(i))
        self.feedback = FeedbackView(page)
        self.feedback.sectionRequested.connect(self.sectionRequested)
        lay.addWidget(self.feedback)
        self.explanation = QTextBrowser(page)
        self.explanation.setOpenLinks(False)
        self.explanation.setAccessibleName("Tutor explanation")
        self.explanation.setPlaceholderText("The tutor's explanation appears here.")
        lay.addWidget(self.explanation, 3)
        lay.addStretch(1)  # takes the room while feedback and explanation are hidden
        self.status = plain_label()
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.explain_button = QPushButton("Explain my mistake")
        self.stop_button = QPushButton("Stop")
        self.flag_button = QPushButton("Flag as a bad question")
        self.next_button = QPushButton("Next →")
        self.next_button.setDefault(True)
        for b in (self.explain_button, self.stop_button, self.flag_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.next_button)
        lay.addLayout(row)
        self.explain_button.clicked.connect(self.explain_mistake)
        self.stop_button.clicked.connect(self.stop_explaining)
        self.flag_button.clicked.connect(self.flag_current)
        self.next_button.clicked.connect(self.next_question)
        self.pages.addWidget(page)

        end = QWidget()
        lay = QVBoxLayout(end)
        self.score_label = plain_label(bold=True, scale=1.6)
        self.score_label.setAccessibleName("Score")
        self.result_label = plain_label()
        lay.addWidget(self.score_label)
        lay.addWidget(self.result_label)
        lay.addSpacing(12)
        self.practice_status = plain_label()
        self.practice_status.setAccessibleName("Practice status")
        self.practice_progress = QProgressBar(end)
        self.practice_progress.setFormat("Writing question %v of %m…")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_practice)
        prow = QHBoxLayout()
        prow.addWidget(self.practice_progress, 1)
        prow.addWidget(self.cancel_button)
        lay.addWidget(self.practice_status)
        lay.addLayout(prow)
        lay.addStretch(1)
        brow = QHBoxLayout()
        self.retake_button = QPushButton("Take the day's quiz again")
        self.practice_button = QPushButton("More practice")
        self.practice_button.setToolTip("Ask the local model for new questions about this "
                                        "day's lesson; only checked ones are shown.")
        close = QPushButton("Close")
        brow.addWidget(self.retake_button)
        brow.addWidget(self.practice_button)
        brow.addStretch(1)
        brow.addWidget(close)
        lay.addLayout(brow)
        self.retake_button.clicked.connect(self.start_bank)
        self.practice_button.clicked.connect(self.more_practice)
        close.clicked.connect(self.close)
        self.pages.addWidget(end)
        self._set_practice_busy(False)

    # ----- running a quiz ------------------------------------------------------------------
    def start_bank(self) -> None:
        questions = bank.day_questions(self.study.course, self.day)
        if not questions:
            self._show_end(intro=True)
            self.score_label.setText("This day has no quiz yet.")
            return
        self._start(QuizSession(self.study.db, self.day, questions))

    def _start(self, session: QuizSession) -> None:
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
        section = bank.section_title(self.study.course, q)
        self.header.setText(f"{kind} · question {session.index + 1} of {session.total} · "
                            f"{section}")
        self.generated_tag.setVisible(q.generated)
        self.flag_button.setVisible(q.generated)
        self.question_label.setText(q.question)
        for i, button in enumerate(self.option_buttons):
            button.setVisible(i < len(q.options))
            button.setEnabled(True)
            button.mark(None)
            if i < len(q.options):
                button.set_option(i + 1, q.options[i])
        self.feedback.hide()
        self.explanation.hide()
        self.explanation.clear()
        self.explain_button.hide()
        self.stop_button.hide()
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
        for i, button in enumerate(self.option_buttons[: len(q.options)]):
            if i == q.answer:  # buttons stay enabled (readable); further clicks are ignored
                button.mark(GOOD)
                button.set_option(i + 1, q.options[i], "✔")
            elif i == index:
                button.mark(BAD)
                button.set_option(i + 1, q.options[i], "✘")
        self.feedback.show_markdown(feedback_markdown(
            q, index, feedback.correct, bank.section_title(self.study.course, q)))
        self.explain_button.setVisible(not feedback.correct)
        if feedback.correct:
            self.status.setText("")
        elif feedback.new_card:
            self.status.setText("Added to your review queue.")
        else:
            self.status.setText("Back in your review queue.")
        self.next_button.setEnabled(True)
        self.next_button.setFocus()
        self.changed.emit()

    def next_question(self) -> None:
        if self.session is None or self.session.feedback is None:
            return
        self.stop_explaining()
        self.session.next()
        if self.session.finished:
            self.changed.emit()  # the finished score may master the day
        self._show_question()

    def flag_current(self) -> None:
        q = self.session.current if self.session else None
        if q is None or not q.generated:
            return
        store.flag_generated(self.study.db, q.id, "flagged in the quiz view")
        self.stop_explaining()
        if self.session.feedback is None:
            self.session.skip_current()
        else:
            self.session.next()
        self.changed.emit()
        self._show_question()
        self.status.setText("Flagged: that question is removed and will not be shown again.")

    def _show_end(self, intro: bool = False) -> None:
        self.pages.setCurrentIndex(1)
        session = self.session
        if intro or session is None:
            self.score_label.setText(f"Practice for day {self.day}")
            self.result_label.setText("")
            return
        if session.kind == "practice":
            self.score_label.setText(f"Practice: {session.correct} of {session.answered} correct")
            self.result_label.setText("Practice questions do not count towards mastery.")
            return
        self.score_label.setText(f"Score: {session.correct} / {session.total} "
                                 f"({session.percent}%)")
        lines = [f"Day {self.day} mastered!" if session.mastered else
                 f"{round(MASTERY * 100)}% or better masters the day."]
        if session.missed:
            lines.append(f"{session.missed} missed question(s) are in your review queue.")
        self.result_label.setText("\n".join(lines))

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
            explain.explain_job(fb.question, fb.chosen, section, self.explain_max_tokens))
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
        if self.practice_job is not None:
            return
        self._show_end(intro=self.session is None)
        problem = self._problem()
        if problem:
            self.practice_status.setText(f"More practice needs the tutor model. {problem}")
            return
        day = self.study.course.day(self.day)
        existing = bank.all_question_texts(self.study.course, self.study.db)
        self.practice_job = self.inference.submit(
            generation.practice_job(day, existing, self.practice_count))
        self.practice_progress.setRange(0, self.practice_count)
        self.practice_progress.setValue(0)
        self.practice_status.setText("The local model is writing practice questions from "
                                     "this day's lesson; each one is checked before it is "
                                     "shown…")
        self._set_practice_busy(True)

    def cancel_practice(self) -> None:
        if self.practice_job is not None and self.inference is not None:
            self.inference.cancel(self.practice_job)
            self.practice_status.setText("Stopping…")

    def _set_practice_busy(self, busy: bool) -> None:
        self.practice_progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.practice_button.setEnabled(not busy)
        self.retake_button.setEnabled(not busy)

    def _practice_done(self, result: generation.GenerationResult) -> None:
        self.last_result = result
        fresh = {a.question.id for a in result.accepted}
        earlier = [q for q in store.generated(self.study.db, self.day) if q.id not in fresh]
        for accepted in result.accepted:
            store.save_generated(self.study.db, accepted.question, accepted.passage.text,
                                 result.model)
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
        self.changed.emit()
        if not self.isVisible():
            return  # closed while the model worked: the questions are kept for next time
        self._start(QuizSession(self.study.db, self.day, questions, kind="practice"))
        self.status.setText(summary)

    # ----- inference signals ---------------------------------------------------------------
    def _on_text(self, job_id: int, text: str) -> None:
        if job_id == self.explain_job:
            cursor = QTextCursor(self.explanation.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text)
            self.explanation.ensureCursorVisible()
        elif job_id == self.practice_job:
            done = generation.parse_progress(text)
            if done:
                self.practice_progress.setRange(0, done[1])
                self.practice_progress.setValue(done[0])

    def _on_finished(self, job_id: int, result: object) -> None:
        if job_id == self.explain_job:
            self.explain_job = None
            self._explained(result)
        elif job_id == self.practice_job:
            self.practice_job = None
            self._set_practice_busy(False)
            self._practice_done(result)

    def _explained(self, result: explain.Explanation) -> None:
        self.stop_button.hide()
        self.explain_button.setEnabled(True)
        text = result.text + ("\n\n*(stopped)*" if result.stopped else "")
        dark = theme.is_dark(self)
        self.explanation.document().setDefaultStyleSheet(theme.document_css(dark))
        self.explanation.setHtml(render.to_html(text, dark))  # model text: sanitized
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
            self._set_practice_busy(False)
            self.practice_status.setText(f"No practice questions: {message}")

    def done(self, code: int) -> None:  # closing: stop whatever the model is doing for us
        for job in (self.explain_job, self.practice_job):
            if job is not None and self.inference is not None:
                self.inference.cancel(job)
        if self.session is not None and not self.session.finished:
            self.session.finish()
        super().done(code)
