"""The tutor panel's saved conversations: pick, rename, delete, export, save to notes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from companion.export import ExportError, atomic_write, safe_name

SHOWN_QUESTION_CHARS = 3000  # a 1 MB paste is answered, but not re-rendered in full


def shown(text: str) -> str:
    if len(text) <= SHOWN_QUESTION_CHARS:
        return text
    return text[:SHOWN_QUESTION_CHARS] + f"\n\n*… ({len(text):,} characters in all)*"


class ChatsMixin:
    """Conversation management for ``TutorPanel`` (which provides the widgets used here)."""

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

