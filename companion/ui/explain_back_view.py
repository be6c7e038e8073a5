"""Explain it back: write a day's main idea in your own words and see what is missing.

Self-explanation is one of the best-supported study methods; what makes it work
is finding out what you left out. The learner picks one of the day's concepts,
writes an explanation, and the deterministic checker (``quiz.explain_back``)
shows which key points are covered, which are missing (with the lesson sentence
that states each, linked to its section) and any known misconception the text
states. Every check is saved; a complete explanation counts towards the day's
mastery. Drafts are kept per concept while the window is open, and the text
stays in the box after checking, so nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.curriculum import Concept
from companion.quiz import explain_back
from companion.ui.quiz_widgets import FeedbackView, md_text, plain_label

MIN_WORDS = 5


def result_markdown(result: explain_back.ExplainCheck, section_title: str) -> str:
    """What the checker found, in the order a learner should act on it."""
    concept = result.concept
    verdict = ("**✔ Explained: every key point, no misconception.**" if result.complete else
               f"**{result.score} covered**" + (
                   f" · **{len(result.misconceptions)} misconception(s)**"
                   if result.misconceptions else ""))
    parts = [verdict]
    for m in result.misconceptions:
        parts.append(f"⚠ **Misconception:** {md_text(m.misconception.text)}\n\n"
                     f"{md_text(m.misconception.correction)}")
    if result.missing:
        link = f"(lesson:{concept.day}#{concept.section})"
        lines = [f"- ✘ {md_text(m.point.text)}  \n  The lesson says: “{md_text(m.sentence)}” "
                 f"[Read it in “{md_text(section_title)}”]{link}" for m in result.missing]
        parts.append("**Missing:**\n\n" + "\n".join(lines))
    if result.covered:
        covered = [concept.key_points[i].text for i in result.covered]
        parts.append("**Covered:**\n\n" + "\n".join(f"- ✔ {md_text(t)}" for t in covered))
    return "\n\n".join(parts)


class ExplainBackView(QDialog):
    sectionRequested = Signal(int, str)

    def __init__(self, study, day: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self.day = day
        self.concepts: tuple[Concept, ...] = study.quiz.concepts(day)
        self.drafts: dict[str, str] = {}
        self.last: explain_back.ExplainCheck | None = None
        self.setWindowTitle(f"Explain it back: day {day}")
        self.resize(780, 680)
        lay = QVBoxLayout(self)
        self.intro = plain_label("Pick one of the day's main ideas and explain it in your own "
                                 "words, as if to a friend. The check compares it with the "
                                 "lesson's key points and common misconceptions.")
        lay.addWidget(self.intro)
        self.picker = QComboBox(self)
        self.picker.setAccessibleName("Concept")
        lay.addWidget(self.picker)
        self.prompt = plain_label(bold=True, scale=1.1)
        self.prompt.setAccessibleName("Prompt")
        lay.addWidget(self.prompt)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText("Write your explanation here…")
        self.editor.setAccessibleName("Your explanation")
        lay.addWidget(self.editor, 2)
        row = QHBoxLayout()
        self.check_button = QPushButton("Check my explanation")
        self.check_button.setDefault(True)
        self.check_button.setToolTip("Ctrl+Return")
        self.close_button = QPushButton("Close")
        row.addWidget(self.check_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        self.status = plain_label()
        self.status.setAccessibleName("Status")
        lay.addWidget(self.status)
        self.result = FeedbackView(self)
        self.result.setAccessibleName("Check result")
        self.result.sectionRequested.connect(self.sectionRequested)
        self.result.hide()
        lay.addWidget(self.result, 3)
        self.mastery = plain_label()
        lay.addWidget(self.mastery)
        self.check_button.clicked.connect(self.check)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.check)
        self.picker.currentIndexChanged.connect(self._pick)
        self.refresh()
        self._pick(0)

    @property
    def concept(self) -> Concept | None:
        i = self.picker.currentIndex()
        return self.concepts[i] if 0 <= i < len(self.concepts) else None

    def refresh(self) -> None:
        """Concept names with a ✔ for those explained, and what is left for mastery."""
        explained = self.study.quiz.explained()
        current = max(self.picker.currentIndex(), 0)
        self.picker.blockSignals(True)
        self.picker.clear()
        for c in self.concepts:
            self.picker.addItem(("✔ " if c.id in explained else "") + c.title)
        self.picker.setCurrentIndex(min(current, len(self.concepts) - 1))
        self.picker.blockSignals(False)
        if not self.concepts:
            self.prompt.setText("This day has no concepts to explain yet.")
            self.check_button.setEnabled(False)
        self.mastery.setText(self.study.quiz.mastery(self.day).next_step())

    def _pick(self, index: int) -> None:
        concept = self.concept
        if concept is None:
            return
        previous = getattr(self, "_shown", None)
        if previous is not None:
            self.drafts[previous] = self.editor.toPlainText()
        self._shown = concept.id
        self.prompt.setText(concept.prompt)
        self.editor.setPlainText(self.drafts.get(concept.id, ""))
        self.result.hide()
        attempts = self.study.quiz.explanations(concept.id)
        if attempts:
            best = max(attempts, key=lambda a: (a.complete, len(a.covered)))
            self.status.setText(f"{len(attempts)} earlier attempt(s); best: "
                                f"{len(best.covered)} of {len(concept.key_points)} key points"
                                + (", complete" if best.complete else "") + ".")
        else:
            self.status.setText("")

    def check(self) -> None:
        concept = self.concept
        if concept is None:
            return
        text = self.editor.toPlainText().strip()
        if len(text.split()) < MIN_WORDS:
            self.status.setText(f"Write at least {MIN_WORDS} words first: explain it in your "
                                "own words, in a few sentences.")
            return
        result = self.study.quiz.check_explanation(concept, text)
        self.last = result
        section = self.study.course.day(concept.day).section(concept.section)
        self.result.show_markdown(result_markdown(result, section.title if section else ""))
        try:
            self.study.quiz.save_explanation(result)
        except Exception as exc:  # a locked or full disk: the text stays in the box
            self.status.setText(f"Checked, but the attempt could not be saved: "
                                f"{str(exc).splitlines()[0]}")
            return
        cut = " (only the first 20,000 characters were checked)" \
            if len(text) > explain_back.MAX_CHARS else ""
        self.status.setText(("Saved: this concept counts as explained." if result.complete else
                             "Saved. Add what is missing and check again.") + cut)
        self.refresh()

    def done(self, code: int) -> None:
        if self.concept is not None:
            self.drafts[self.concept.id] = self.editor.toPlainText()
        super().done(code)
