"""A scripted engine for UI-only tests, fed with canned chunks (like llm's mock model)."""

from __future__ import annotations

import threading

from companion.tutor.engine import Stats


class ScriptedEngine:
    name = "scripted"
    n_ctx = 4096

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.last = Stats()

    def chat_tokens(self, messages):
        return [1] * 10, []

    def stream_tokens(self, tokens, stop, max_tokens, cancel: threading.Event | None):
        self.last = Stats(prompt_tokens=10, evaluated_tokens=10,
                          completion_tokens=len(self.pieces))
        yield from self.pieces
