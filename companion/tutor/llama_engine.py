"""llama.cpp behind a small streaming interface.

One ``LlamaEngine`` owns one ``Llama``; a Llama is not thread-safe, so exactly one
thread (the GUI's inference worker, or the CLI's main thread) may use it. The
engine formats chats with the model's own template, keeps every prompt inside
``n_ctx``, and leaves the KV cache in place between calls so a follow-up whose
prompt starts like the previous one is not re-read.

Threads: llama.cpp's threads spin while they wait for each other, so on a machine
where other programs keep a core busy, using every core is several times *slower*
than using the free ones. With ``adaptive_threads`` (the default) each answer starts
with as many threads as there are free cores (``cpu_load``), re-checked about once
a second while it writes; the count changes with ``llama_set_n_threads``, without
reloading the model.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.tutor import cpu_load
from companion.tutor.engine import Message, ModelError, Sampling, Stats, physical_cores

RECHECK_THREADS_S = 1.0  # while writing, look at the other programs' load this often

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@dataclass
class LlamaEngine:
    model_path: Path
    n_ctx: int = 4096
    n_threads: int = field(default_factory=physical_cores)  # the most it will use
    sampling: Sampling = field(default_factory=Sampling)
    adaptive_threads: bool = True  # fewer threads while other programs keep cores busy

    def __post_init__(self) -> None:
        self.model_path = Path(self.model_path)
        self.last = Stats()
        self.threads = self.n_threads  # the count llama.cpp uses right now
        self._monitor = cpu_load.shared_monitor(self.n_threads) if self.adaptive_threads \
            else None
        self._llm = self._load()
        meta = self._llm.metadata
        self.name = self.model_path.stem
        self.kind = "llama.cpp"
        self._format = self._formatter(meta)
        self._chat_cache: tuple[str, tuple[list[int], list[str]]] | None = None
        self._grammars: dict[str, Any] = {}

    # ----- loading -----------------------------------------------------------------------
    def _load(self):
        from companion.tutor.model_check import precheck
        from companion.tutor.model_files import describe_load_error

        precheck(self.model_path)  # raises ModelError with a clear reason
        import llama_cpp  # imported lazily: it is slow to import and not needed for lessons

        try:
            return llama_cpp.Llama(
                model_path=str(self.model_path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                n_threads_batch=self.n_threads, n_batch=512, verbose=False,
            )
        except Exception as exc:  # llama.cpp reports failures as ValueError/RuntimeError
            raise ModelError(describe_load_error(self.model_path, exc)) from exc

    def _formatter(self, meta: dict[str, str]):
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llm = self._llm
        eos_id, bos_id = llm.token_eos(), llm.token_bos()
        eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
        bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
        template = meta.get("tokenizer.chat_template") or CHATML
        return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos,
                                   stop_token_ids=[eos_id])

    # ----- tokens ------------------------------------------------------------------------
    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count(self, text: str) -> int:
        return len(self.tokenize(text))

    def detokenize(self, tokens: list[int]) -> str:
        return self._llm.detokenize(tokens).decode("utf-8", errors="ignore")

    def cut(self, text: str, max_tokens: int) -> str:
        tokens = self.tokenize(text)
        return text if len(tokens) <= max_tokens else self.detokenize(tokens[:max(0, max_tokens)])

    def chat_tokens(self, messages: list[Message]) -> tuple[list[int], list[str]]:
        """The prompt for ``messages`` in the model's chat template, as tokens.

        The last result is kept: ``count_chat`` then ``stream_chat`` on the same
        messages (how the tutor fits a prompt, then answers) tokenizes once.
        """
        key = json.dumps(messages)
        if self._chat_cache and self._chat_cache[0] == key:
            return self._chat_cache[1]
        formatted = self._format(messages=messages)
        text = formatted.prompt
        bos = self._format.bos_token
        add_bos = self._llm._model.add_bos_token() and not (bos and text.startswith(bos))
        tokens = self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)
        stop = formatted.stop if isinstance(formatted.stop, list) else (
            [formatted.stop] if formatted.stop else [])
        self._chat_cache = (key, (tokens, stop))
        return tokens, stop

    def count_chat(self, messages: list[Message]) -> int:
        return len(self.chat_tokens(messages)[0])

    def cached_prefix(self, tokens: list[int]) -> int:
        """How many leading tokens of ``tokens`` are already in the KV cache."""
        cached = self._llm._input_ids
        n = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            n += 1
        return n

    # ----- threads -----------------------------------------------------------------------
    def set_threads(self, n: int) -> None:
        """Change the thread count without reloading (llama.cpp reads it per decode)."""
        n = max(1, int(n))
        if n == self.threads:
            return
        import llama_cpp

        self.threads = n
        self._llm.n_threads = self._llm.n_threads_batch = n
        self._llm.context_params.n_threads = self._llm.context_params.n_threads_batch = n
        llama_cpp.llama_set_n_threads(self._llm._ctx.ctx, n, n)

    def fit_threads(self) -> int:
        """Use as many threads as there are free cores now (all of them with adaptive off)."""
        if self._monitor is not None:
            self.set_threads(self._monitor.free_cores())
        return self.threads

    # ----- generation --------------------------------------------------------------------
    def stream_tokens(self, tokens: list[int], stop: list[str] | None = None,
                      max_tokens: int = 512, cancel: threading.Event | None = None,
                      grammar: Any = None) -> Iterator[str]:
        """Generate from a prompt of tokens; text pieces as they come. ``self.last`` has stats."""
        room = self.n_ctx - len(tokens)
        if room < 8:
            raise ModelError(f"The prompt ({len(tokens)} tokens) does not fit the context "
                             f"({self.n_ctx}).")
        max_tokens = max(1, min(max_tokens, room - 1))
        stats = Stats(prompt_tokens=len(tokens), threads=self.fit_threads())
        stats.evaluated_tokens = len(tokens) - min(self.cached_prefix(tokens), len(tokens) - 1)
        self.last = stats
        s = self.sampling
        start = time.perf_counter()
        first = 0.0
        checked = start
        chunks = self._llm.create_completion(
            prompt=tokens, max_tokens=max_tokens, stop=stop or [], stream=True,
            temperature=s.temperature, top_k=s.top_k, top_p=s.top_p, min_p=s.min_p,
            repeat_penalty=s.repeat_penalty, seed=s.seed, grammar=grammar,
        )
        try:
            for chunk in chunks:
                choice = chunk["choices"][0]
                text = choice.get("text", "")
                if choice.get("finish_reason"):
                    stats.finish_reason = choice["finish_reason"]
                if not text:
                    continue
                stats.completion_tokens += 1
                now = time.perf_counter()
                if not first:
                    first = now
                    stats.ttft_s = stats.prompt_s = now - start
                stats.decode_s = now - first
                if self._monitor is not None and now - checked >= RECHECK_THREADS_S:
                    checked = now  # between two tokens: llama.cpp reads it at the next decode
                    stats.threads = self.fit_threads()
                yield text
                if cancel is not None and cancel.is_set():
                    stats.stopped = True
                    break
        finally:
            chunks.close()
        # count tokens exactly (a streamed piece can hold several tokens or none)
        stats.completion_tokens = max(0, self._llm.n_tokens - len(tokens))

    def stream_chat(self, messages: list[Message], max_tokens: int = 512,
                    cancel: threading.Event | None = None,
                    json_schema: dict[str, Any] | None = None,
                    prefill: str = "") -> Iterator[str]:
        tokens, stop = self.chat_tokens(messages)
        if prefill:
            tokens = tokens + self.tokenize(prefill)
        grammar = self._grammar(json_schema) if json_schema else None
        yield from self.stream_tokens(tokens, stop, max_tokens, cancel, grammar)

    def complete_chat(self, messages: list[Message], max_tokens: int = 512,
                      json_schema: dict[str, Any] | None = None) -> str:
        return "".join(self.stream_chat(messages, max_tokens, json_schema=json_schema))

    def _grammar(self, schema: dict[str, Any]):
        """A grammar that constrains output to JSON matching ``schema`` (built once per shape)."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            from llama_cpp import LlamaGrammar

            self._grammars[key] = LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def close(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()
