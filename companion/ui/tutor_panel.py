"""The dockable tutor: course text first, the model's checked explanation under it.

Ask -> the course excerpt shows at once (no model); the model's explanation streams
under it sentence by sentence, each checked; the status line says what the tutor
is doing. In Coach mode (the default) an on-course question first gets hints
(``coach_view``). Off-course questions get one plain line and "Answer anyway"; a
borderline one says the course may not cover it and links the closest section.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.services import Changes
from companion.tutor import off_course, prompts
from companion.tutor.conversation import Answer, Prepared
from companion.ui.background import run_in_background
from companion.ui.coach_view import CoachView
from companion.ui.inference import Inference
from companion.ui.markdown_view import MarkdownView
from companion.ui.tutor_chats import ChatsMixin


class TutorPanel(ChatsMixin, QDockWidget):
    def __init__(self, window, inference: Inference) -> None:
        super().__init__("Tutor", window)
        self.setObjectName("tutor-dock")
        self.window_ = window
        self.inference = inference
        self.chat_id: int | None = None
        self.job: int | None = None
        self._pending_question = ""

        body = QWidget(self)
        self.chat_picker = QComboBox(body)
        self.chat_picker.setMinimumContentsLength(8)
        self.chat_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chat_filter = QLineEdit(body)
        self.chat_filter.setPlaceholderText("Search conversations")
        self.chat_filter.setClearButtonEnabled(True)
        # New at hand; Rename, Delete and Export in one menu, so the dock stays narrow
        # enough to share a laptop screen with the lesson
        new_btn = QToolButton(body)
        new_btn.setText("New")
        new_btn.setToolTip("Start a new conversation")
        more_btn = QToolButton(body)
        more_btn.setText("⋯")
        more_btn.setAccessibleName("Conversation menu")
        more_btn.setToolTip("Rename, delete or export this conversation")
        more_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(more_btn)
        self.rename_action = more.addAction("Rename…", lambda: self.rename_chat())
        self.delete_action = more.addAction("Delete…", lambda: self.delete_chat())
        self.export_action = more.addAction("Export to Markdown…", lambda: self.export_chat())
        more_btn.setMenu(more)
        top = QHBoxLayout()
        top.addWidget(self.chat_picker, 1)
        top.addWidget(new_btn)
        top.addWidget(more_btn)
        self.coach_btn = QToolButton(body)
        self.coach_btn.setText("Coach mode")
        self.coach_btn.setCheckable(True)
        self.coach_btn.setToolTip("Hints first (where to look, key terms, fill the gap), "
                                  "then the answer. Off: the answer at once (Explain mode).")
        top.addWidget(self.coach_btn)
        self.banners = QVBoxLayout()
        self.coach = CoachView(body)

        self.transcript = MarkdownView(body)
        self.transcript.internal_links = True
        self.transcript.setAccessibleName("Tutor conversation")
        self.question = QPlainTextEdit(body)
        self.question.setPlaceholderText("Ask about the course…  (Ctrl+Enter to send)")
        self.question.setAccessibleName("Question")
        self.ask_btn = QPushButton("Ask", body)
        self.ask_btn.setDefault(True)
        self.ask_day_btn = QPushButton("About this day", body)
        self.ask_day_btn.setToolTip("Ask about the day you are on (uses its lessons first)")
        self.stop_btn = QPushButton("Stop", body)
        self.stop_btn.setEnabled(False)
        self.status = QLabel("", body)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ask_day_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.stop_btn)
        buttons.addWidget(self.ask_btn)

        lower = QWidget(body)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.question)
        lower_layout.addLayout(buttons)
        split = self.split = QSplitter(Qt.Orientation.Vertical, body)
        split.addWidget(self.transcript)
        split.addWidget(self.coach)
        split.addWidget(lower)
        split.setSizes([520, 0, 160])
        split.setStretchFactor(0, 1)  # a taller panel gives the room to the conversation
        layout = QVBoxLayout(body)
        layout.addLayout(self.banners)
        layout.addLayout(top)
        layout.addWidget(self.chat_filter)
        layout.addWidget(split)
        # outside the splitter, with room for two lines: a dock does not grow a label that
        # wraps (no height-for-width), so a longer status would be cut off at the bottom
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2 + 2)
        layout.addWidget(self.status)
        self.setWidget(body)

        self.ask_btn.clicked.connect(lambda: self.ask())
        self.ask_day_btn.clicked.connect(self.ask_about_day)
        self.stop_btn.clicked.connect(self.stop)
        QShortcut(QKeySequence("Ctrl+Return"), self.question, activated=self.ask)
        QShortcut(QKeySequence("Escape"), self, activated=self.stop)
        new_btn.clicked.connect(self.new_chat)
        self.chat_filter.textChanged.connect(lambda _: self.refresh_chats())
        self.chat_picker.activated.connect(self._pick_chat)
        self.transcript.internalLinkClicked.connect(self._link)
        self.coach_btn.setChecked(self.study.tutor.mode() == "coach")
        self.coach_btn.toggled.connect(self._set_mode)
        self.coach.answerWanted.connect(self._coach_answer)
        self.coach.linkClicked.connect(self._link)
        inference.text.connect(self._on_text)
        inference.status.connect(self._on_status)
        inference.finished.connect(self._on_finished)
        inference.failed.connect(self._on_failed)
        inference.modelReady.connect(self._model_ready)
        window.changed.connect(self._changed)
        self._coached: Prepared | None = None
        self._pending_args: tuple[int | None, bool | None] = (None, None)
        self._waiting: tuple[Prepared, bool] | None = None  # an answer waiting for the model
        self._unfolded: set[int] = set()  # answers whose held-back sentences are shown
        self.ready = False  # the course index is built off the GUI thread first
        # progress and Stop matter when edited lesson sentences must be encoded (~25 ms each)
        self.warming = run_in_background(self, self.study.tutor.warm_up, self._warmed,
                                         self._warmed, self._warmed)
        self.warming.status.connect(self.status.setText)
        self.warming.progress.connect(self._warm_progress)
        self.refresh_chats()
        self.render()

    def _warm_progress(self, done: int, total: int) -> None:
        self.stop_btn.setEnabled(True)
        self.status.setText(f"Reading the course for meaning: {done} / {total} (Stop: words only)")

    def _warmed(self, failure: object = None) -> None:
        """Ready, also after Stop or a failure (the tutor then matches words only)."""
        self.ready = True
        if isinstance(failure, str) or self.stop_btn.isEnabled() and self.job is None:
            self.status.setText(failure if isinstance(failure, str) else "Searching by words "
                                "only for now." if self.warming.is_cancelled else "")
        self.stop_btn.setEnabled(self.job is not None)
        if self._pending_question and self.job is None:
            question, self._pending_question = self._pending_question, ""
            self.ask(question, *self._pending_args)

    def add_banner(self, widget: QWidget) -> QWidget:
        """Put ``widget`` at the top of the panel with a close button; returns the frame."""
        frame = QWidget(self.widget())
        row = QHBoxLayout(frame)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget, 1)
        close = QToolButton(frame)
        close.setText("×")
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss")
        close.clicked.connect(frame.deleteLater)
        row.addWidget(close)
        self.banners.addWidget(frame)
        return frame

    def _set_mode(self, coach: bool) -> None:
        self.study.tutor.set_mode("coach" if coach else "explain")
        if not coach:
            self._hide_coach()

    def _hide_coach(self) -> None:
        if self.coach.isVisible():
            total = sum(self.split.sizes())
            self.split.setSizes([total * 8 // 10, 0, total * 2 // 10])
        self.coach.close_ladder()

    # ----- model ---------------------------------------------------------------------------
    @property
    def study(self):
        return self.window_.study

    def bring_forward(self) -> None:
        """Show the tutor (in front of the checklist if they share a tab) with the cursor in
        the question box."""
        self.show()
        self.raise_()
        self.question.setFocus()

    def show_message(self, text: str) -> None:
        """A line from the model loader (loading, unavailable, ...)."""
        self.status.setText(text)

    @Slot(str, str)
    def _model_ready(self, _name: str, _where: str) -> None:
        if self._waiting is not None and self.job is None:
            (prepared, anyway), self._waiting = self._waiting, None
            self._explain(prepared, anyway)

    # ----- asking --------------------------------------------------------------------------
    def ask_about_day(self) -> None:
        day = self.window_.study.course.day(self.window_.current_day())
        text = self.question.toPlainText().strip() or \
            f"Explain the main ideas of day {day.number}: {day.title}."
        self.ask(text, day.number, coach=False)  # an overview: the answer, not hints

    def ask(self, text: str | None = None, day: int | None = None,
            coach: bool | None = None) -> None:
        question = (text if text is not None else self.question.toPlainText()).strip()
        if self.job is not None:
            self.status.setText("Wait for the current answer, or press Stop.")
            return
        if not question:
            self.status.setText("Type a question first.")
            self.question.setFocus()
            return
        if not self.ready and not self.study.tutor.is_warm():
            self._pending_question, self._pending_args = question, (day, coach)
            self.status.setText("Getting the course ready; your question follows at once.")
            return
        study = self.study
        conversation = study.tutor.conversation(self.chat_id)
        prepared = study.tutor.prepare(conversation, question, day)
        self.question.clear()
        coach = self.coach_btn.isChecked() if coach is None else coach
        ladder = study.tutor.ladder(prepared) if coach else None
        if ladder is not None:
            self._coached = prepared
            self.coach.start(question, ladder)
            total = sum(self.split.sizes())
            self.split.setSizes([total * 3 // 10, total * 5 // 10, total * 2 // 10])
            self.status.setText("Coach mode: work through the hints, or press Show the answer.")
            return
        self._hide_coach()
        self._answer(prepared)

    def _coach_answer(self) -> None:
        prepared, self._coached = self._coached, None
        self._hide_coach()
        if prepared is not None:
            self._answer(prepared)

    def _answer(self, prepared: Prepared, anyway: bool = False) -> None:
        """The course part now; the model's checked explanation streams under it."""
        study = self.study
        question = prepared.question
        if self.chat_id is None:
            self.chat_id = study.chats.create(question.splitlines()[0][:60])
            study.tutor.adopt(self.chat_id)
        if not anyway:
            study.chats.add_message(self.chat_id, "user", question)
        if not prepared.on_course and not anyway:
            near = off_course.closest(prepared.found)  # borderline: the section to open
            parts = {"not_from_course": True, "excerpt": [], "closest": near}
            study.chats.add_message(self.chat_id, "assistant",
                                    prompts.answer_markdown(parts), [], parts)
            self.render()
            self.status.setText("The course may not cover this." if near else "Not in the "
                                "course. Use “Answer anyway” for the model's own answer, "
                                "unchecked.")
            return
        self._explain(prepared, anyway)

    def _explain(self, prepared: Prepared, anyway: bool) -> None:
        """Show the course part and, once the model is there, stream its checked words."""
        parts = {"not_from_course": not prepared.on_course, "anyway": anyway,
                 "excerpt": [p.to_json() for p in prepared.excerpt.parts]
                 if prepared.excerpt else []}
        self.render(pending=prompts.answer_markdown(parts, pending=True))
        if not self.inference.ready:
            self._waiting = (prepared, anyway)
            self.status.setText("The tutor model is still loading; its explanation follows "
                                "as soon as it is ready.")
            return
        conversation = self.study.tutor.conversation(self.chat_id)
        self.job = self.inference.submit(
            lambda engine, ctx: conversation.answer(engine, prepared, ctx, anyway=anyway))
        self.status.setText("Waiting for the model…")
        self._set_busy(True)

    def stop(self) -> None:
        if not self.ready and self.stop_btn.isEnabled():  # encoding edited lesson sentences
            self.warming.cancel()
        if self.job is not None:
            self.inference.cancel(self.job)
            self.status.setText("Stopping…")

    @Slot(int, str)
    def _on_text(self, job_id: int, text: str) -> None:
        if job_id == self.job:
            self._append(text)

    @Slot(int, str)
    def _on_status(self, job_id: int, words: str) -> None:
        """Signs of life: "Reading 2 course passages…", "Writing… 60 tokens/s"."""
        if job_id == self.job:
            self.status.setText(words)

    def _append(self, text: str) -> None:
        cursor = QTextCursor(self.transcript.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    @Slot(int, object)
    def _on_finished(self, job_id: int, answer: object) -> None:
        if job_id != self.job or not isinstance(answer, Answer):
            return
        self.job = None
        self._set_busy(False)
        self.study.chats.add_message(self.chat_id, "assistant", answer.display_markdown,
                                     [c.to_json() for c in answer.citations], answer.parts())
        self.render()  # Markdown rendered once, at the end
        rate = answer.stats.get("tokens_per_s")  # None when too few tokens to mean anything
        self.window_.tutor_status.setText(f"Tutor: {answer.model}"
                                          + (f" · {rate:.0f} tokens/s" if rate else ""))
        held = len(answer.unsupported)
        self.status.setText("Stopped." if answer.stopped else (
            f"{held} model sentence{'s' if held != 1 else ''} held back (not in the course)."
            if held else ""))

    @Slot(int, str)
    def _on_failed(self, job_id: int, message: str) -> None:
        if job_id != self.job:
            return
        self.job = None
        self._set_busy(False)
        self.render()
        self.status.setText(message)

    def _set_busy(self, busy: bool) -> None:
        self.stop_btn.setEnabled(busy)
        self.ask_btn.setEnabled(not busy)
        self.ask_day_btn.setEnabled(not busy)

    # ----- transcript ----------------------------------------------------------------------
    def _link(self, url: QUrl) -> None:
        if url.scheme() == "lesson":
            self.window_.open_internal_link(url)
        elif url.scheme() == "action" and url.path().startswith("save/"):
            self.save_to_notes(int(url.path().removeprefix("save/")))
        elif url.scheme() == "action" and url.path().startswith("held/"):
            self._unfolded.add(int(url.path().removeprefix("held/")))
            self.render(to_latest=False)
        elif url.scheme() == "action" and url.path().startswith("anyway/"):
            self.answer_anyway(int(url.path().removeprefix("anyway/")))

    def answer_anyway(self, index: int) -> None:
        """The model's own answer to an off-course question, under a clear warning."""
        msgs = self.study.chats.messages(self.chat_id) if self.chat_id else []
        if self.job is not None or not 0 < index < len(msgs) or msgs[index - 1].role != "user":
            return
        conversation = self.study.tutor.conversation(self.chat_id)
        prepared = self.study.tutor.prepare(conversation, msgs[index - 1].content)
        self._answer(prepared, anyway=True)

    def _changed(self, changes: Changes) -> None:
        if changes.study:  # a restore: the open chat may not exist any more
            self.chat_id = None
            self.render()
        if changes.touches("chats"):
            self.refresh_chats()


def install_tutor(window, inference: Inference) -> TutorPanel:
    """The tutor dock on the right, with View → Tutor panel (Ctrl+J) and Go → Ask the tutor."""
    panel = TutorPanel(window, inference)
    window.arrange_docks(panel)  # beside or tabbed with the checklist and notes
    toggle = panel.toggleViewAction()
    toggle.setText("&Tutor panel")
    toggle.setShortcut(QKeySequence("Ctrl+J"))
    window.view_menu.addAction(toggle)
    window.add_action(window.go_menu, "Ask the &tutor", panel.bring_forward, "Ctrl+Shift+A")
    return panel
