"""The tutor's side of the study: conversations, course-first answers, coach mode.

Views reach the tutor only through this service: it gets the course ready for
questions (``warm_up``, off the GUI thread), finds the course passages and the excerpt
(fast, no model), builds coach hints, and keeps the learner's choice of Coach or
Explain mode as a setting.
"""

from __future__ import annotations

from companion.jobs import JobContext
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import settings
from companion.tutor import semantic
from companion.tutor.coach import Ladder, build_ladder, key_sentences
from companion.tutor.conversation import Conversation, Prepared
from companion.tutor.course_index import built_index, index_for

MODE_KEY = "tutor_mode"
COACH, EXPLAIN = "coach", "explain"


class TutorService(Service):
    def __init__(self, study) -> None:
        super().__init__(study)
        self._conversations: dict[int | None, Conversation] = {}

    def is_warm(self) -> bool:
        """True once ``warm_up`` has finished for this course (asking is then instant)."""
        index = built_index(self.course)
        return index is not None and semantic.is_ready(index)

    def warm_up(self, ctx: JobContext | None = None) -> None:
        """Build the course index and read its meaning vectors now, not at the first Ask.

        Usually about a second: the vectors of the released course ship with the app.
        Sentences edited since are encoded here (about 25 ms each), with progress on
        ``ctx``; a cancel raises ``Cancelled`` and leaves the tutor on words only until
        the next start (what was encoded is kept).
        """
        semantic.vectors_for(index_for(self.course), ctx)

    # ----- mode ----------------------------------------------------------------------------
    def mode(self) -> str:
        """"coach" (hints first, the default) or "explain" (the answer at once)."""
        value = settings.get(self._db, MODE_KEY, COACH)
        return value if value in (COACH, EXPLAIN) else COACH

    def set_mode(self, mode: str) -> Changes:
        if mode not in (COACH, EXPLAIN):
            raise ValueError(f"Unknown tutor mode: {mode}")
        settings.put(self._db, MODE_KEY, mode)
        return self._publish(Changes(settings=True))

    # ----- conversations -------------------------------------------------------------------
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
        """Find the course passages and excerpt for ``question`` (fast: no model)."""
        return conversation.prepare(self._db, self.course, question, day)

    def ladder(self, prepared: Prepared) -> Ladder | None:
        """Coach hints for a prepared question (None when the course does not cover it)."""
        if prepared.found is None or not prepared.on_course:
            return None
        return build_ladder(self.course, prepared.found,
                            key_sentences(self.course, prepared.excerpt))
