"""The tutor's side of the study: grounding questions in the course and the notes."""

from __future__ import annotations

from companion.services.base import Service
from companion.tutor.conversation import Conversation, Prepared


class TutorService(Service):
    def __init__(self, study) -> None:
        super().__init__(study)
        self._conversations: dict[int | None, Conversation] = {}

    def conversation(self, chat_id: int | None) -> Conversation:
        """The live conversation for a saved chat (rebuilt from its history once)."""
        if chat_id not in self._conversations:
            pairs = self._study.chats.history_pairs(chat_id) if chat_id is not None else []
            self._conversations[chat_id] = Conversation.from_history(pairs)
        return self._conversations[chat_id]

    def adopt(self, chat_id: int) -> None:
        """The unsaved conversation just became chat ``chat_id``."""
        if None in self._conversations:
            self._conversations[chat_id] = self._conversations.pop(None)

    def forget(self, chat_id: int | None = None, everything: bool = False) -> None:
        if everything:
            self._conversations.clear()
        else:
            self._conversations.pop(chat_id, None)

    def prepare(self, conversation: Conversation, question: str, day: int | None = None
                ) -> Prepared:
        """Find the course passages for ``question`` (fast: SQLite, no model)."""
        return conversation.prepare(self._db, self.course, question, day)
