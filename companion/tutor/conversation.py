"""A tutoring conversation: grounding, a context budget, and KV-cache-friendly prompts.

Prompts are built so each turn's prompt *starts with* the previous one (system,
then earlier turns verbatim, then the new question). llama.cpp then reuses the
evaluated prefix and only reads the new part. Passages already shown earlier in
the conversation are referred to by number instead of being repeated.

The retrieval step (``prepare``) touches SQLite and runs on the caller's thread;
``answer`` touches only the engine and runs on the inference thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from companion.curriculum import Course
from companion.jobs import JobContext
from companion.text import shorten
from companion.tutor import prompts
from companion.tutor.engine import Engine, Message
from companion.tutor.retrieval import Citation, Passage, retrieve

SAFETY_TOKENS = 16
# A follow-up brings at most one new, shorter passage, and none when relevant ones are
# already in the conversation: prompt reading runs at a few hundred tokens/s on two
# cores, so every new token delays the first word of the answer.
FOLLOW_UP_NEW_PASSAGES = 1
FOLLOW_UP_PASSAGE_CHARS = 200
RETRIEVAL_CHARS = 2000
TRIM_TO = 0.6  # when history must be trimmed, cut to 60% so later turns reuse the cache again


@dataclass
class Turn:
    question: str
    user_content: str  # exactly what the model saw
    answer: str
    refs: list[str] = field(default_factory=list)  # passages first shown in this turn


@dataclass(frozen=True)
class Prepared:
    question: str
    passages: list[Passage]


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    grounded: bool
    model: str
    stats: dict[str, Any]
    stopped: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def display_markdown(self) -> str:
        head = [f"*{n}*" for n in self.notices]
        if not self.grounded:
            head.insert(0, f"**{prompts.NOT_GROUNDED}**")
        body = self.text.strip() or "_(no answer)_"
        if self.stopped:
            body += " *(stopped)*"
        return "\n\n".join([*head, body])

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.text.strip(), "grounded": self.grounded,
                "citations": [c.to_json() for c in self.citations], "model": self.model,
                **self.stats, "stopped": self.stopped, "notices": self.notices}


class Conversation:
    def __init__(self, max_tokens: int = 400, system: str = prompts.SYSTEM) -> None:
        self.system = system
        self.max_tokens = max_tokens
        self.turns: list[Turn] = []
        self._numbers: dict[str, int] = {}  # passage ref -> [n] while it is in context
        self._next = 1

    @classmethod
    def from_history(cls, pairs: list[tuple[str, str]], max_tokens: int = 400) -> Conversation:
        """Continue a saved chat: earlier turns come back without their passages."""
        conv = cls(max_tokens)
        conv.turns = [Turn(q, f"Question: {q}", a) for q, a in pairs]
        return conv

    def prepare(self, db: sqlite_utils.Database, course: Course, question: str,
                day: int | None = None) -> Prepared:
        question = question.strip()
        if not question:
            raise ValueError("Please type a question first.")
        # a huge paste is still answered (cut to fit later); retrieval reads its start only
        return Prepared(question, retrieve(db, course, question[:RETRIEVAL_CHARS], day))

    # ----- prompt building ---------------------------------------------------------------
    def _messages(self, turns: list[Turn], current: str) -> list[Message]:
        messages: list[Message] = [{"role": "system", "content": self.system}]
        for t in turns:
            messages += [{"role": "user", "content": t.user_content},
                         {"role": "assistant", "content": t.answer}]
        messages.append({"role": "user", "content": current})
        return messages

    def _numbered(self, passages: list[Passage], live: set[str], follow_up: bool
                  ) -> tuple[list[Passage], list[int], list[Citation]]:
        new, known, cites = [], [], []
        next_number = self._next
        if follow_up and any(p.citation.ref in live for p in passages):
            passages = [p for p in passages if p.citation.ref in live]
        for p in passages:
            ref = p.citation.ref
            if ref in live and ref in self._numbers:
                number = self._numbers[ref]
                known.append(number)
            elif follow_up and len(new) >= FOLLOW_UP_NEW_PASSAGES:
                continue
            else:
                number = next_number
                next_number += 1
                text = shorten(p.text, FOLLOW_UP_PASSAGE_CHARS) if follow_up else p.text
                new.append(Passage(_renumber(p.citation, number), text))
            cites.append(_renumber(p.citation, number))
        return new, known, cites

    def build(self, engine: Engine, prepared: Prepared) -> Plan:
        """Fit system + passages + trimmed history + question into the context."""
        limit = engine.n_ctx - self.max_tokens - SAFETY_TOKENS
        turns = list(self.turns)
        passages = list(prepared.passages)
        question = prepared.question
        notices: list[str] = []
        # no token is shorter than one character: anything past n_ctx characters can
        # never fit, so cut it before tokenizing (a 1 MB paste would be tokenized repeatedly)
        if len(question) > engine.n_ctx * 4:
            question = question[:engine.n_ctx * 4]
            notices = [_cut_notice(question, prepared.question)]
        trimmed = False
        while True:
            live = {ref for t in turns for ref in t.refs}
            new, known, cites = self._numbered(passages, live, follow_up=bool(turns))
            content = prompts.question_message(question, new, known)
            messages = self._messages(turns, content)
            size = engine.count_chat(messages)
            fits = size <= (int(limit * TRIM_TO) if trimmed and turns else limit)
            if fits:
                return Plan(messages, size, content, cites, new, turns, notices)
            if turns:
                turns.pop(0)
                trimmed = True
            elif len(passages) > 1:
                passages.pop()
            else:
                question = _cut_to_fit(engine, question, size - limit)
                notices = [_cut_notice(question, prepared.question)]

    def answer(self, engine: Engine, prepared: Prepared, ctx: JobContext | None = None
               ) -> Answer:
        ctx = ctx or JobContext()
        plan = self.build(engine, prepared)
        pieces: list[str] = []
        for piece in engine.stream_chat(plan.messages, self.max_tokens, ctx.cancel_event):
            pieces.append(piece)
            ctx.emit(piece)
        text = "".join(pieces).strip()
        # commit: history and numbering now follow exactly what the model saw
        self.turns = plan.turns
        live = {ref for t in self.turns for ref in t.refs}
        self._numbers = {r: n for r, n in self._numbers.items() if r in live}
        for p in plan.new:
            self._numbers[p.citation.ref] = p.citation.number
        self._next = max([self._next - 1, *(c.number for c in plan.citations)]) + 1
        self.turns.append(Turn(prepared.question, plan.content, text,
                               [p.citation.ref for p in plan.new]))
        stats = engine.last
        numbers = {k: v for k, v in stats.as_dict().items() if k != "stopped"}
        return Answer(text, plan.citations, bool(plan.citations), engine.name, numbers,
                      stopped=stats.stopped, notices=plan.notices)


@dataclass(frozen=True)
class Plan:
    """One turn's prompt, ready to generate from."""

    messages: list[Message]
    size: int  # prompt tokens
    content: str  # the user message as the model sees it
    citations: list[Citation]
    new: list[Passage]  # passages shown for the first time
    turns: list[Turn]  # the history that fitted
    notices: list[str]


def _renumber(c: Citation, number: int) -> Citation:
    return Citation(number, c.kind, c.day, c.section, c.title, c.snippet)


def _cut_to_fit(engine: Engine, text: str, excess_tokens: int) -> str:
    keep = max(16, engine.count(text) - excess_tokens - 32)
    return engine.cut(text, keep)


def _cut_notice(cut: str, original: str) -> str:
    return (f"Your question was cut to its first {len(cut):,} of {len(original):,} characters "
            "to fit the model's context.")
