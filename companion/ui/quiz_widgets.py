"""Building blocks of the quiz and review dialogs.

The quiz (quiz_view.py) and the review queue (review_view.py) show a question
the same way: wrapped option buttons marked ✔/✘, then feedback with the answer
key's explanation and a link to the lesson. Keeping those pieces here means both
dialogs look and behave alike. The quiz's own streamed explanation box lives
here too (its results page is in quiz_results.py), so that quiz_view.py holds
what the quiz does rather than how its widgets are laid out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.curriculum import Question
from companion.ui.markdown_view import MarkdownView

GOOD = "#2e7d32"
BAD = "#c62828"


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
    """A wrapped, selectable label that never reads its text as HTML: questions may be generated."""
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
                   f"**{question.answer + 1}) {md_text(question.correct_option)}**.")
    return f"{verdict}\n\n{md_text(question.explanation)}\n\n{link}"


def md_text(text: str) -> str:
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


def add_option_buttons(layout: QVBoxLayout, parent: QWidget,
                       choose: Callable[[int], None]) -> list[OptionButton]:
    """The four answer buttons that quiz and review both show, wired to ``choose(i)``."""
    buttons = []
    for i in range(4):
        button = OptionButton(parent)
        button.clicked.connect(lambda _=False, i=i: choose(i))
        layout.addWidget(button)
        buttons.append(button)
    return buttons


def show_options(buttons: list[OptionButton], options: tuple[str, ...]) -> None:
    """Put a question's options on the buttons, unmarked; spare buttons are hidden."""
    for i, button in enumerate(buttons):
        button.setVisible(i < len(options))
        button.setEnabled(True)
        button.mark(None)
        if i < len(options):
            button.set_option(i + 1, options[i])


def mark_answer(buttons: list[OptionButton], question: Question, chosen: int) -> None:
    """Show the right option (✔) and, if different, the learner's choice (✘)."""
    for i, button in enumerate(buttons[: len(question.options)]):
        if i == question.answer:  # buttons stay enabled (readable); further clicks are ignored
            button.mark(GOOD)
            button.set_option(i + 1, question.options[i], "✔")
        elif i == chosen:
            button.mark(BAD)
            button.set_option(i + 1, question.options[i], "✘")


class ExplanationView(MarkdownView):
    """The tutor's explanation: plain text while it streams in, rendered once at the end.

    Re-rendering Markdown for every chunk would be slow and make the text jump. As a
    MarkdownView it loads no resources and opens links only on an explicit click.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tutor explanation")
        self.setPlaceholderText("The tutor's explanation appears here.")

    def append_text(self, text: str) -> None:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.ensureCursorVisible()

    def show_markdown(self, text: str) -> None:
        self.set_markdown(text)  # model text: sanitized by render.to_html
