"""A scripted engine for UI-only tests, fed with canned chunks (like llm's mock model).

It implements the whole ``Engine`` protocol (a test checks that), so the tutor,
code explanations and quiz practice run through it exactly as through llama.cpp.
Token counts are words, which is close enough for fitting prompts in tests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

from companion.tutor.engine import Message, Stats


class FakeEngine:
    kind = "fake"

    def __init__(self, pieces: list[str] | None = None, n_ctx: int = 4096,
                 name: str = "scripted", delay_s: float = 0.0) -> None:
        self.pieces = list(pieces or ["A scripted answer."])
        self.n_ctx = n_ctx
        self.name = name
        self.delay_s = delay_s  # between pieces, so Stop can be tested
        self.last = Stats()
        self.calls: list[list[Message]] = []  # every prompt it was given
        self.closed = False

    def count(self, text: str) -> int:
        return max(1, len(text.split())) if text else 0

    def count_chat(self, messages: list[Message]) -> int:
        return sum(self.count(m["content"]) + 4 for m in messages)

    def cut(self, text: str, max_tokens: int) -> str:
        return " ".join(text.split()[:max(0, max_tokens)])

    def stream_chat(self, messages: list[Message], max_tokens: int = 512,
                    cancel: threading.Event | None = None,
                    json_schema: dict[str, Any] | None = None,
                    prefill: str = "") -> Iterator[str]:
        self.calls.append(messages)
        prompt = self.count_chat(messages)
        self.last = Stats(prompt_tokens=prompt, evaluated_tokens=prompt)
        for piece in self.pieces[:max_tokens]:
            if self.delay_s:
                (cancel or threading.Event()).wait(self.delay_s)
            if cancel is not None and cancel.is_set():
                self.last.stopped = True
                return
            self.last.completion_tokens += 1
            yield piece

    def complete_chat(self, messages: list[Message], max_tokens: int = 512,
                      json_schema: dict[str, Any] | None = None) -> str:
        return "".join(self.stream_chat(messages, max_tokens, json_schema=json_schema))

    def close(self) -> None:
        self.closed = True

    def __repr__(self) -> str:
        return f"FakeEngine({json.dumps(self.pieces)[:40]}…)"
