"""The dockable tutor: streaming, grounded answers with citations, saved conversations."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.export import ExportError, atomic_write, safe_name
from companion.services import Changes
from companion.tutor import prompts
from companion.tutor.conversation import Answer
from companion.ui.inference import Inference
from companion.ui.markdown_view import MarkdownView

SHOWN_QUESTION_CHARS = 3000  # a 1 MB paste is answered, but not re-rendered in full


def _shown(text: str) -> str:
    if len(text) <= SHOWN_QUESTION_CHARS:
        return text
    return text[:SHOWN_QUESTION_CHARS] + f"\n\n*… ({len(text):,} characters in all)*"


class TutorPanel(QDockWidget):
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
        new_btn, rename_btn = QToolButton(body), QToolButton(body)
        delete_btn, export_btn = QToolButton(body), QToolButton(body)
        top = QHBoxLayout()
        top.addWidget(self.chat_picker, 1)
        for b, text, tip in ((new_btn, "New", "Start a new conversation"),
                             (rename_btn, "Rename", "Rename this conversation"),
                             (delete_btn, "Delete", "Delete this conversation"),
                             (export_btn, "Export", "Export this conversation to Markdown")):
            b.setText(text)
            b.setToolTip(tip)
            top.addWidget(b)

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
        lower_layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical, body)
        split.addWidget(self.transcript)
        split.addWidget(lower)
        split.setSizes([520, 160])
        layout = QVBoxLayout(body)
        layout.addLayout(top)
        layout.addWidget(self.chat_filter)
        layout.addWidget(split)
        self.setWidget(body)

        self.ask_btn.clicked.connect(lambda: self.ask())
        self.ask_day_btn.clicked.connect(self.ask_about_day)
        self.stop_btn.clicked.connect(self.stop)
        QShortcut(QKeySequence("Ctrl+Return"), self.question, activated=self.ask)
        QShortcut(QKeySequence("Escape"), self, activated=self.stop)
        new_btn.clicked.connect(self.new_chat)
        rename_btn.clicked.connect(self.rename_chat)
        delete_btn.clicked.connect(self.delete_chat)
        export_btn.clicked.connect(self.export_chat)
        self.chat_filter.textChanged.connect(lambda _: self.refresh_chats())
        self.chat_picker.activated.connect(self._pick_chat)
        self.transcript.internalLinkClicked.connect(self._link)
        inference.text.connect(self._on_text)
        inference.finished.connect(self._on_finished)
        inference.failed.connect(self._on_failed)
        inference.modelReady.connect(self._model_ready)
        window.changed.connect(self._changed)
        self.refresh_chats()
        self.render()

    # ----- model ---------------------------------------------------------------------------
    @property
    def study(self):
        return self.window_.study

    def show_message(self, text: str) -> None:
        """A line from the model loader (loading, unavailable, ...)."""
        self.status.setText(text)

    @Slot(str, str)
    def _model_ready(self, _name: str, _where: str) -> None:
        if self._pending_question and self.job is None:
            question, self._pending_question = self._pending_question, ""
            self.ask(question)

    # ----- asking --------------------------------------------------------------------------
    def ask_about_day(self) -> None:
        day = self.window_.study.course.day(self.window_.current_day())
        text = self.question.toPlainText().strip() or \
            f"Explain the main ideas of day {day.number}: {day.title}."
        self.ask(text, day.number)

    def ask(self, text: str | None = None, day: int | None = None) -> None:
        question = (text if text is not None else self.question.toPlainText()).strip()
        if self.job is not None:
            self.status.setText("Wait for the current answer, or press Stop.")
            return
        if not question:
            self.status.setText("Type a question first.")
            self.question.setFocus()
            return
        if not self.inference.ready:
            self._pending_question = question
            self.status.setText("The tutor model is still loading; your question will be "
                                "asked as soon as it is ready.")
            return
        study = self.study
        conversation = study.tutor.conversation(self.chat_id)
        prepared = study.tutor.prepare(conversation, question, day)
        if self.chat_id is None:
            self.chat_id = study.chats.create(question.splitlines()[0][:60], day)
            study.tutor.adopt(self.chat_id)
        study.chats.add_message(self.chat_id, "user", question)
        self.question.clear()
        self.render()
        head = "" if prepared.passages else f"{prompts.NOT_GROUNDED}\n\n"
        self._append(f"\n{head}")
        self.job = self.inference.submit(
            lambda engine, ctx: conversation.answer(engine, prepared, ctx))
        self._set_busy(True)

    def stop(self) -> None:
        if self.job is not None:
            self.inference.cancel(self.job)
            self.status.setText("Stopping…")

    @Slot(int, str)
    def _on_text(self, job_id: int, text: str) -> None:
        if job_id == self.job:
            self._append(text)

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
        text = answer.text + (" *(stopped)*" if answer.stopped else "")
        for note in answer.notices:
            text = f"*{note}*\n\n{text}"
        self.study.chats.add_message(self.chat_id, "assistant", text,
                                     [c.to_json() for c in answer.citations])
        self.render()  # Markdown rendered once, at the end
        rate = answer.stats.get("tokens_per_s")
        self.window_.tutor_status.setText(f"Tutor: {answer.model}"
                                          + (f" · {rate:.0f} tokens/s" if rate else ""))
        self.status.setText("Stopped." if answer.stopped else "")

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
    def transcript_markdown(self) -> str:
        if self.chat_id is None:
            return ("*Ask anything about the course. Answers come from a small offline model, "
                    "grounded in the lessons; check the sources it cites.*")
        parts = []
        for i, m in enumerate(self.study.chats.messages(self.chat_id)):
            if m.role == "user":
                parts.append(f"**You:** {_shown(m.content)}")
                continue
            block = [] if m.citations else [f"**{prompts.NOT_GROUNDED}**", ""]
            block.append(m.content)
            if m.citations:
                links = "; ".join(
                    f"[[{c['number']}] Day {c['day']} · {c['title']}]"
                    f"(lesson:{c['day']}#{c['section'] or 'notes'})" for c in m.citations)
                block += ["", f"Sources: {links}"]
            block += ["", f"[Save to notes](action:save/{i})"]
            parts.append("\n".join(block))
        return "\n\n---\n\n".join(parts)

    def render(self) -> None:
        self.transcript.set_markdown(self.transcript_markdown())
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "lesson":
            self.window_.open_internal_link(url)
        elif url.scheme() == "action" and url.path().startswith("save/"):
            self.save_to_notes(int(url.path().removeprefix("save/")))

    def save_to_notes(self, index: int) -> None:
        msgs = self.study.chats.messages(self.chat_id) if self.chat_id else []
        if not 0 <= index < len(msgs):
            return
        question = msgs[index - 1].content if index > 0 else ""
        answer = msgs[index]
        sources = "; ".join(f"Day {c['day']} · {c['title']}" for c in answer.citations)
        quote = "\n".join("> " + line for line in answer.content.splitlines())
        text = f"**Tutor, on:** {_shown(question)[:300]}\n\n{quote}"
        if sources:
            text += f"\n\n*Sources: {sources}*"
        self.window_.notes.append(text)
        self.window_.notes.flush()
        self.status.setText(f"Saved to your notes for day {self.window_.current_day()}.")

    # ----- conversations -------------------------------------------------------------------
    def refresh_chats(self) -> None:
        self.chat_picker.blockSignals(True)
        self.chat_picker.clear()
        self.chat_picker.addItem("New conversation", None)
        for chat in self.study.chats.list(self.chat_filter.text()):
            self.chat_picker.addItem(chat.title, chat.id)
        index = self.chat_picker.findData(self.chat_id)
        self.chat_picker.setCurrentIndex(max(index, 0))
        self.chat_picker.blockSignals(False)

    def _pick_chat(self, index: int) -> None:
        self.open_chat(self.chat_picker.itemData(index))

    def open_chat(self, chat_id: int | None) -> None:
        if self.job is not None:
            self.stop()
        self.chat_id = chat_id
        self.render()

    def new_chat(self) -> None:
        self.study.tutor.forget(None)
        self.open_chat(None)
        self.refresh_chats()
        self.question.setFocus()

    def rename_chat(self) -> None:
        chat = self.study.chats.get(self.chat_id) if self.chat_id else None
        if chat is None:
            return
        title, ok = QInputDialog.getText(self, "Rename conversation", "Title:", text=chat.title)
        if ok and title.strip():
            self.study.chats.rename(chat.id, title)

    def delete_chat(self) -> None:
        if self.chat_id is None:
            return
        answer = QMessageBox.question(self, "Delete conversation",
                                      "Delete this conversation? This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            self.study.chats.delete(self.chat_id)
            self.study.tutor.forget(self.chat_id)
            self.new_chat()

    def export_chat(self) -> None:
        chat = self.study.chats.get(self.chat_id) if self.chat_id else None
        if chat is None:
            self.status.setText("Open a conversation to export it.")
            return
        suggested = str(Path.home() / f"{safe_name(chat.title)}.md")
        target, _ = QFileDialog.getSaveFileName(
            self, "Export conversation", suggested, "Markdown (*.md)",
            options=QFileDialog.Option.DontUseNativeDialog)
        if not target:
            return
        try:
            atomic_write(Path(target), self.study.chats.to_markdown(chat.id))
        except ExportError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return
        self.status.setText(f"Exported to {target}")

    def _changed(self, changes: Changes) -> None:
        if changes.study:  # a restore: the open chat may not exist any more
            self.chat_id = None
            self.render()
        if changes.touches("chats"):
            self.refresh_chats()


def install_tutor(window, inference: Inference) -> TutorPanel:
    """The tutor dock on the right, with View → Tutor panel (Ctrl+J) and Go → Ask the tutor."""
    panel = TutorPanel(window, inference)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    # sized once the window has its real width: a quarter of it, at least 300 px
    QTimer.singleShot(0, lambda: window.resizeDocks(
        [panel], [max(300, window.width() // 4)], Qt.Orientation.Horizontal))
    toggle = panel.toggleViewAction()
    toggle.setText("&Tutor panel")
    toggle.setShortcut(QKeySequence("Ctrl+J"))
    window.view_menu.addAction(toggle)
    window.add_action(window.go_menu, "Ask the &tutor", lambda: (panel.show(),
                                                                 panel.question.setFocus()),
                      "Ctrl+Shift+A")
    return panel
