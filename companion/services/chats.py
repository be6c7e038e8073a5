"""Saved tutor conversations."""

from __future__ import annotations

from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import chats
from companion.storage.chats import Chat, ChatMessage


class ChatService(Service):
    def create(self, title: str, day: int | None = None) -> int:
        chat_id = chats.create(self._db, title, day)
        self._publish(Changes(chats=True))
        return chat_id

    def add_message(self, chat_id: int, role: str, content: str,
                    citations: list[dict] | None = None, parts: dict | None = None) -> Changes:
        chats.add_message(self._db, chat_id, role, content, citations, parts)
        return self._publish(Changes(chats=True))

    def list(self, query: str = "") -> list[Chat]:
        return chats.list_chats(self._db, query)

    def get(self, chat_id: int) -> Chat | None:
        return chats.get(self._db, chat_id)

    def messages(self, chat_id: int) -> list[ChatMessage]:
        return chats.messages(self._db, chat_id)

    def history_pairs(self, chat_id: int) -> list[tuple[str, str]]:
        return chats.history_pairs(self._db, chat_id)

    def rename(self, chat_id: int, title: str) -> Changes:
        chats.rename(self._db, chat_id, title)
        return self._publish(Changes(chats=True))

    def delete(self, chat_id: int) -> Changes:
        chats.delete(self._db, chat_id)
        return self._publish(Changes(chats=True))

    def to_markdown(self, chat_id: int) -> str:
        return chats.to_markdown(self._db, chat_id)
