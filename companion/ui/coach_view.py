"""Coach mode in the tutor panel: a hint ladder before the answer.

Hint 1 says where to look and asks a guiding question, hint 2 gives the key terms,
hint 3 blanks the key phrase of the key sentence for the learner to fill in (and
checks it), and "Show the answer" hands over to the full course-first answer.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.tutor.coach import Ladder
from companion.ui.markdown_view import MarkdownView


class CoachView(QFrame):
    """The hints for one question; emits ``answerWanted`` for step 4."""

    answerWanted = Signal()
    linkClicked = Signal(QUrl)  # a lesson link in a hint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coach")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.ladder: Ladder | None = None
        self.step = 0
        self.heading = QLabel("", self)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.hints = MarkdownView(self)
        self.hints.internal_links = True
        self.hints.setAccessibleName("Coach hints")
        self.hints.setMinimumHeight(140)
        self.gap = QLineEdit(self)
        self.gap.setPlaceholderText("Your words for the gap")
        self.gap.setAccessibleName("Fill the gap")
        self.check_btn = QPushButton("Check", self)
        self.verdict = QLabel("", self)
        self.verdict.setWordWrap(True)
        self.next_btn = QPushButton("Next hint", self)
        self.answer_btn = QPushButton("Show the answer", self)
        gap_row = QHBoxLayout()
        gap_row.addWidget(self.gap, 1)
        gap_row.addWidget(self.check_btn)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.next_btn)
        buttons.addWidget(self.answer_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.hints, 1)
        layout.addLayout(gap_row)
        layout.addWidget(self.verdict)
        layout.addLayout(buttons)
        self.next_btn.clicked.connect(self.next_hint)
        self.answer_btn.clicked.connect(self.answerWanted)
        self.check_btn.clicked.connect(self.check)
        self.gap.returnPressed.connect(self.check)
        self.hints.internalLinkClicked.connect(self.linkClicked)
        self.hide()

    def start(self, question: str, ladder: Ladder) -> None:
        self.ladder, self.step = ladder, 0
        self.heading.setText(f"Coach · {question[:200]}")
        self.gap.clear()
        self.verdict.setText("")
        self.show()
        self.next_hint()

    def next_hint(self) -> None:
        if self.ladder is None:
            return
        last = 3 if self.ladder.cloze is not None else 2
        self.step = min(self.step + 1, last)
        self.hints.set_markdown(self.ladder.step_markdown(self.step))
        cloze = self.step >= 3 and self.ladder.cloze is not None
        self.gap.setVisible(cloze)
        self.check_btn.setVisible(cloze)
        self.next_btn.setEnabled(self.step < last)
        if cloze:
            self.gap.setFocus()

    def check(self) -> None:
        if self.ladder is None or self.ladder.cloze is None or not self.gap.text().strip():
            self.verdict.setText("Type your words for the gap first.")
            return
        if self.ladder.cloze.check(self.gap.text()):
            self.verdict.setText(f"✓ Right: “{self.ladder.cloze.answer}”.")
        else:
            self.verdict.setText("✗ Not quite. Re-read the section, try again, or press "
                                 "Show the answer.")

    def close_ladder(self) -> None:
        self.ladder = None
        self.hide()
