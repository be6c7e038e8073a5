"""What every tutor engine offers: the bundled llama.cpp model, a server, a test fake.

The tutor, code explanations, quiz practice and "explain my mistake" are written
against this protocol only, so the same checked pipeline runs whatever produces
the words. Engines are plain objects with generators (no Qt): the CLI, the tests
and the benchmarks drive them directly; the GUI runs them on its inference thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


class ModelError(Exception):
    """The model (file or server) cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class Sampling:
    """Defaults chosen so small models stay on topic and do not loop."""

    temperature: float = 0.2
    top_k: int = 40
    top_p: float = 0.9
    min_p: float = 0.05
    repeat_penalty: float = 1.15
    seed: int | None = None


@dataclass
class Stats:
    prompt_tokens: int = 0  # tokens in the whole prompt
    evaluated_tokens: int = 0  # prompt tokens actually read (the rest came from the cache)
    completion_tokens: int = 0
    ttft_s: float = 0.0
    decode_s: float = 0.0
    prompt_s: float = 0.0
    stopped: bool = False  # cancelled by the learner
    finish_reason: str = ""
    threads: int = 0  # llama.cpp threads used for this answer (0: not applicable)

    # a rate over fewer tokens than this says nothing (e.g. "1 tokens/s" for two tokens)
    MIN_TOKENS_FOR_RATE = 8

    @property
    def tokens_per_s(self) -> float:
        # decode rate, first token excluded (it belongs to prompt processing)
        return (self.completion_tokens - 1) / self.decode_s if self.decode_s > 0 else 0.0

    @property
    def rate_known(self) -> bool:
        return self.completion_tokens >= self.MIN_TOKENS_FOR_RATE and self.decode_s > 0

    @property
    def prompt_tokens_per_s(self) -> float:
        return self.evaluated_tokens / self.prompt_s if self.prompt_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"prompt_tokens": self.prompt_tokens, "evaluated_tokens": self.evaluated_tokens,
                "completion_tokens": self.completion_tokens, "ttft_s": round(self.ttft_s, 4),
                "tokens_per_s": round(self.tokens_per_s, 2) if self.rate_known else None,
                "stopped": self.stopped}


@runtime_checkable
class Engine(Protocol):
    """A chat model that streams text. One thread at a time may use an engine."""

    name: str  # what the learner sees: the model file's name, or "model @ server"
    kind: str  # "llama.cpp", "server" or "fake"
    n_ctx: int  # context window in tokens
    last: Stats  # numbers for the most recent answer

    def count(self, text: str) -> int:
        """Tokens in ``text`` (an estimate where the engine cannot tokenize locally)."""
        ...

    def count_chat(self, messages: list[Message]) -> int:
        """Tokens the whole chat prompt takes, template included."""
        ...

    def cut(self, text: str, max_tokens: int) -> str:
        """The start of ``text`` that fits in ``max_tokens`` tokens."""
        ...

    def stream_chat(self, messages: list[Message], max_tokens: int = 512,
                    cancel: threading.Event | None = None,
                    json_schema: dict[str, Any] | None = None,
                    prefill: str = "") -> Iterator[str]:
        """Text pieces as they are generated; stops soon after ``cancel`` is set.

        ``json_schema`` constrains the output to JSON of that shape where the engine
        can; ``prefill`` is text the answer must start with (not repeated in the stream).
        """
        ...

    def complete_chat(self, messages: list[Message], max_tokens: int = 512,
                      json_schema: dict[str, Any] | None = None) -> str:
        ...

    def close(self) -> None:
        ...


def physical_cores() -> int:
    """Physical cores (llama.cpp gains nothing from hyper-threads)."""
    try:
        seen = set()
        phys = core = None
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("physical id"):
                    phys = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                    seen.add((phys, core))
        if seen:
            return len(seen)
    except OSError:
        pass
    return max(1, (os.cpu_count() or 2) // 2)
