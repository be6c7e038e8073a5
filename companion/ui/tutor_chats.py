"""The tutor panel's saved conversations: the transcript, pick, rename, delete, export, notes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from companion.export import ExportError, atomic_write, safe_name
from companion.tutor import prompts

SHOWN_QUESTION_CHARS = 3000  # a 1 MB paste is answered, but not re-rendered in full


def shown(text: str) -> str:
    if len(text) <= SHOWN_QUESTION_CHARS:
        return text
    return text[:SHOWN_QUESTION_CHARS] + f"\n\n*… ({len(text):,} characters in all)*"


class ChatsMixin:
    """Conversation management for ``TutorPanel`` (which provides the widgets used here)."""

    def transcript_markdown(self) -> str:
        if self.chat_id is None:
            return ("*Ask anything about the course. You first read the course's own words; "
                    "a small offline model then explains them, and every sentence it writes is "
                    "checked against the course.*")
        parts = []
        for i, m in enumerate(self.study.chats.messages(self.chat_id)):
            if m.role == "user":
                parts.append(f"**You:** {shown(m.content)}")
                continue
            block = [prompts.answer_markdown(
                m.parts, held_link="" if i in self._unfolded else f"action:held/{i}")
                if m.parts else m.content]
            if m.parts.get("not_from_course") and not m.parts.get("anyway"):
                block += ["", f"[Answer anyway](action:anyway/{i})"]
            elif not m.parts and not m.citations:  # an answer saved before course-first
                block.insert(0, f"**{prompts.NOT_GROUNDED}**\n")
            block += ["", f"[Save to notes](action:save/{i})"]
            parts.append("\n".join(block))
        return "\n\n---\n\n".join(parts)

    def render(self, pending: str = "", to_latest: bool = True) -> None:
        bar = self.transcript.verticalScrollBar()
        kept = bar.value()
        text = self.transcript_markdown()
        if pending:
            text = (text + "\n\n---\n\n" if self.chat_id is not None else "") + pending
        self.transcript.set_markdown(text)
        if not to_latest:
            bar.setValue(kept)
            return
        # the newest question at the top, so its answer reads from the course text down
        found = self.transcript.document().find("You:", self.transcript.document().characterCount(),
                                                QTextDocument.FindFlag.FindBackward)
        bar.setValue(bar.maximum())
        if not found.isNull():
            top = self.transcript.cursorRect(found).top()
            bar.setValue(max(0, bar.value() + top - 4))


    def save_to_notes(self, index: int) -> None:
        msgs = self.study.chats.messages(self.chat_id) if self.chat_id else []
        if not 0 <= index < len(msgs):
            return
        question = next((m.content for m in reversed(msgs[:index]) if m.role == "user"), "")
        answer = msgs[index]
        quote = "\n".join("> " + line for line in answer.content.splitlines())
        text = f"**Tutor, on:** {shown(question)[:300]}\n\n{quote}"
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

