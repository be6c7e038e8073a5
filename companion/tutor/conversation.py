"""A tutoring conversation: course first, then the model's checked explanation.

``prepare`` (fast, no model) finds the sections, decides on-course or not and picks
the course excerpt the learner reads first. ``answer`` (on the inference thread)
asks the model to explain that text in plain words and checks every sentence as it
completes (``support.Checker``): supported sentences stream to the learner, the rest
are held back with the reason. An off-course question gets no model answer unless
the learner asks for one anyway; then it is labelled as the model's own.

Prompts are built so each turn's prompt *starts with* the previous one (system,
then earlier turns verbatim, then the new question). llama.cpp then reuses the
evaluated prefix and only reads the new part. Passages already shown earlier in
the conversation are referred to by number instead of being repeated.

The retrieval step (``prepare``) touches SQLite and runs on the caller's thread;
``answer`` touches only the engine and runs on the inference thread.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from companion.curriculum import Course
from companion.jobs import JobContext
from companion.text import shorten
from companion.tutor import prompts
from companion.tutor.code_explain import question_hint
from companion.tutor.course_index import index_for
from companion.tutor.engine import Engine, Message, ModelError
from companion.tutor.excerpt import Excerpt, select
from companion.tutor.retrieval import Citation, Found, Passage, find, passages_for
from companion.tutor.support import Checker, Verdict, split_complete

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
    excerpt: Excerpt | None = None  # the course's own words, shown before any model token
    found: Found | None = None
    excerpt_ms: float = 0.0  # Ask -> excerpt ready

    @property
    def on_course(self) -> bool:
        return bool(self.passages) and self.excerpt is not None


@dataclass
class Answer:
    """One tutor answer in labelled parts (what the learner sees, in this order)."""

    question: str
    excerpt: Excerpt | None  # "From the course"
    elaboration: list[str]  # the model's sentences that passed the check
    unsupported: list[Verdict]  # held back, with the reason
    citations: list[Citation]
    model: str
    stats: dict[str, Any]
    stopped: bool = False
    notices: list[str] = field(default_factory=list)
    anyway: bool = False  # an off-course question the learner wanted answered anyway
    unchecked: str = ""  # the model's own answer to an off-course question (labelled)

    @property
    def not_from_course(self) -> bool:
        return self.excerpt is None

    @property
    def grounded(self) -> bool:
        return not self.not_from_course

    @property
    def text(self) -> str:
        """Everything shown as fact: the excerpt and the checked explanation."""
        return " ".join(([self.excerpt.text] if self.excerpt else []) + self.elaboration)

    @property
    def elaboration_text(self) -> str:
        return " ".join(self.elaboration)

    def parts(self) -> dict[str, Any]:
        """The labelled parts, as saved with the chat message."""
        return {"excerpt": [p.to_json() for p in self.excerpt.parts] if self.excerpt else [],
                "elaboration": self.elaboration_text,
                "unsupported": [v.to_json() for v in self.unsupported],
                "not_from_course": self.not_from_course, "anyway": self.anyway,
                "unchecked": self.unchecked, "model": self.model, "stopped": self.stopped,
                "notices": self.notices}

    @property
    def display_markdown(self) -> str:
        return prompts.answer_markdown(self.parts())

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question,
                "answer": self.excerpt.text if self.excerpt else "",
                "answer_parts": self.parts()["excerpt"],
                "elaboration": self.elaboration_text,
                "unsupported": [v.to_json() for v in self.unsupported],
                "not_from_course": self.not_from_course,
                "message": prompts.OFF_COURSE if self.not_from_course else "",
                "answered_anyway": self.unchecked,
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

    def prepare(self, db: sqlite_utils.Database | None, course: Course, question: str,
                day: int | None = None) -> Prepared:
        """Find the passages and the course excerpt (SQLite and memory, no model)."""
        start = time.perf_counter()
        question = question.strip()
        if not question:
            raise ValueError("Please type a question first.")
        previous = self.turns[-1].question[:RETRIEVAL_CHARS] if self.turns else ""
        # a huge paste is still answered (cut to fit later); retrieval reads its start only
        text = question[:RETRIEVAL_CHARS]
        extra, prefer = question_hint(course, text)
        found = find(course, text, previous, day, prefer=prefer, extra=extra)
        if not found.on_course and previous:
            # a new topic inside a chat: judge it on its own
            found = find(course, text, "", day, prefer=prefer, extra=extra)
        passages = passages_for(db, course, found)
        excerpt = select(index_for(course), found) if passages else None
        return Prepared(question, passages if excerpt else [], excerpt, found,
                        (time.perf_counter() - start) * 1000)

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
        notices: list[str] = []
        if self.max_tokens > engine.n_ctx // 2:
            # an answer longer than half the context leaves no room for the course text
            notices.append(f"The answer length was limited to {engine.n_ctx // 2} tokens "
                           f"(asked for {self.max_tokens}) to fit the model's context of "
                           f"{engine.n_ctx}.")
            self.max_tokens = engine.n_ctx // 2
        limit = engine.n_ctx - self.max_tokens - SAFETY_TOKENS
        turns = list(self.turns)
        passages = list(prepared.passages)
        question = prepared.question
        # no token is shorter than one character: anything past n_ctx characters can
        # never fit, so cut it before tokenizing (a 1 MB paste would be tokenized repeatedly)
        if len(question) > engine.n_ctx * 4:
            question = question[:engine.n_ctx * 4]
            notices.append(_cut_notice(question, prepared.question))
        trimmed = False
        cuts = 0
        while True:
            live = {ref for t in turns for ref in t.refs}
            new, known, cites = self._numbered(passages, live, follow_up=bool(turns))
            content = prompts.question_message(question, new, known)
            messages = self._messages(turns, content)
            size = engine.count_chat(messages)
            fits = size <= (int(limit * TRIM_TO) if trimmed and turns else limit)
            if fits:
                return Plan(messages, size, content, cites, new, turns, notices, known)
            if turns:
                turns.pop(0)
                trimmed = True
            elif len(passages) > 1:
                passages.pop()
            elif cuts < 3:
                cuts += 1
                question = _cut_to_fit(engine, question, size - limit)
                notices = [n for n in notices if not n.startswith("Your question")]
                notices.append(_cut_notice(question, prepared.question))
            else:  # the fixed parts alone do not fit: say so instead of looping
                raise ModelError(f"The model's context ({engine.n_ctx} tokens) is too small "
                                 "for this question; ask for a shorter answer (--max-tokens).")

    def answer(self, engine: Engine, prepared: Prepared, ctx: JobContext | None = None,
               anyway: bool = False) -> Answer:
        """The model's explanation of the excerpt, checked sentence by sentence.

        Off-course questions get no model answer unless ``anyway``; then the model
        answers from its own knowledge and the answer is labelled as unchecked.
        """
        ctx = ctx or JobContext()
        citations = [p.citation for p in prepared.passages]
        if not prepared.on_course and not anyway:
            return Answer(prepared.question, None, [], [], [], engine.name, {})
        plan = self.build(engine, prepared)
        n = len(plan.new) + len(plan.known)
        ctx.status(f"Reading {n} course passage{'s' if n != 1 else ''}…" if n else "Thinking…")
        checker = Checker([p.text for p in prepared.passages]
                          + ([prepared.excerpt.text] if prepared.excerpt else []),
                          prepared.question, len(plan.citations),
                          {p.citation.day for p in prepared.passages})
        shown: list[str] = []
        held: list[Verdict] = []
        pending, raw = "", []
        first = 0.0
        count = 0
        for piece in engine.stream_chat(plan.messages, self.max_tokens, ctx.cancel_event):
            raw.append(piece)
            count += 1
            now = time.perf_counter()
            if not first:
                first = now
                ctx.status("Writing…")
            elif count % 8 == 0 and now > first:
                ctx.status(f"Writing… {(count - 1) / (now - first):.0f} tokens/s")
            if not prepared.on_course:
                ctx.emit(piece)  # an "answer anyway": shown as it comes, under a warning
                continue
            pending += piece
            done, pending = split_complete(pending)
            for sentence in done:
                self._judge(checker, sentence, shown, held, ctx)
        if prepared.on_course and pending.strip() and not engine.last.stopped:
            self._judge(checker, pending, shown, held, ctx)
        text = "".join(raw).strip()
        self._commit(plan, prepared, " ".join(shown) if prepared.on_course else text)
        stats = engine.last
        numbers = {k: v for k, v in stats.as_dict().items() if k != "stopped"}
        numbers["excerpt_ms"] = round(prepared.excerpt_ms, 2)
        return Answer(prepared.question, prepared.excerpt, shown, held, citations, engine.name,
                      numbers, stopped=stats.stopped, notices=plan.notices,
                      anyway=not prepared.on_course,
                      unchecked=text if not prepared.on_course else "")

    @staticmethod
    def _judge(checker: Checker, sentence: str, shown: list[str], held: list[Verdict],
               ctx: JobContext) -> None:
        verdict = checker.check(sentence)
        if verdict.supported and checker.repeats(verdict.sentence):
            return  # the excerpt above already says it in the course's words
        if verdict.supported:
            shown.append(verdict.sentence)
            ctx.emit(verdict.sentence + " ")
        elif len(verdict.sentence.split()) >= 3:  # not a cut-off fragment
            held.append(verdict)

    def _commit(self, plan: Plan, prepared: Prepared, reply: str) -> None:
        """History and numbering now follow exactly what the model saw."""
        self.turns = plan.turns
        live = {ref for t in self.turns for ref in t.refs}
        self._numbers = {r: n for r, n in self._numbers.items() if r in live}
        for p in plan.new:
            self._numbers[p.citation.ref] = p.citation.number
        self._next = max([self._next - 1, *(c.number for c in plan.citations)]) + 1
        self.turns.append(Turn(prepared.question, plan.content, reply,
                               [p.citation.ref for p in plan.new]))


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
    known: list[int] = field(default_factory=list)  # passages already in the history


def _renumber(c: Citation, number: int) -> Citation:
    return Citation(number, c.kind, c.day, c.section, c.title, c.snippet)


def _cut_to_fit(engine: Engine, text: str, excess_tokens: int) -> str:
    keep = max(16, engine.count(text) - excess_tokens - 32)
    return engine.cut(text, keep)


def _cut_notice(cut: str, original: str) -> str:
    return (f"Your question was cut to its first {len(cut):,} of {len(original):,} characters "
            "to fit the model's context.")
