"""A tutor engine on an OpenAI-compatible server (llama-server, Ollama, LM Studio, vLLM, Jan).

The same ``Engine`` protocol as ``LlamaEngine``, so the course-first tutor, code
explanations, practice questions and "explain my mistake" run unchanged. What
differs from a local model:

* The server tokenizes, not us: ``count`` is an estimate (about 3 characters a
  token, a little high on purpose so prompts still fit), and the real numbers come
  back in the stream's ``usage`` where the server sends it.
* Stop closes the HTTP stream; servers stop generating when the client goes away.
  A watcher closes it even while we wait for the first token.
* Two timeouts: connecting (5 s) and the gap between two pieces of the stream.
* Every failure is a ``ModelError`` with one line (see ``server_client.describe``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import Any

from companion.tutor import server_client as api
from companion.tutor.engine import Message, ModelError, Sampling, Stats

CHARS_PER_TOKEN = 3.0  # English runs ~4; 3 over-counts on purpose so prompts fit
DEFAULT_CONTEXT = 4096  # when the server does not say
TEMPLATE_TOKENS = 4  # role markers around each message


class ServerEngine:
    """Chat completions from a server; one thread at a time (like every engine)."""

    kind = "server"

    def __init__(self, base_url: str, model: str | None = None, api_key: str | None = None,
                 n_ctx: int | None = None, sampling: Sampling | None = None,
                 connect_timeout: float = api.CONNECT_TIMEOUT_S,
                 token_timeout: float = api.TOKEN_TIMEOUT_S) -> None:
        self.base_url = api.normalize_url(base_url)
        self.host = api.host_of(self.base_url)
        self.sampling = sampling or Sampling()
        self.last = Stats()
        self._client = api.make_client(self.base_url, api_key, connect_timeout, token_timeout)
        try:
            chosen = api.pick_model(api.list_models(self._client, self.base_url), model,
                                    self.base_url)
        except ModelError:
            self._client.close()
            raise
        self.model = chosen.id
        self.n_ctx = n_ctx or chosen.context or DEFAULT_CONTEXT
        self.name = f"{self.model} @ {self.host}"
        self._extras = True  # top_k, min_p, repeat_penalty: dropped if the server refuses them
        self._schema_style = "json_schema"  # or "json_object" (llama-cpp-python's server)

    # ----- tokens (estimates: the server tokenizes) --------------------------------------
    def count(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0

    def count_chat(self, messages: list[Message]) -> int:
        return sum(self.count(m["content"]) + TEMPLATE_TOKENS for m in messages) + 2

    def cut(self, text: str, max_tokens: int) -> str:
        if self.count(text) <= max_tokens:
            return text
        keep = text[:max(0, int(max_tokens * CHARS_PER_TOKEN))]
        space = keep.rfind(" ")
        return keep[:space] if space > len(keep) * 0.8 else keep

    # ----- generation --------------------------------------------------------------------
    def _request(self, messages: list[Message], max_tokens: int,
                 json_schema: dict[str, Any] | None) -> dict[str, Any]:
        s = self.sampling
        request: dict[str, Any] = {
            "model": self.model, "messages": messages, "max_tokens": max_tokens,
            "temperature": s.temperature, "top_p": s.top_p, "stream": True,
            "stream_options": {"include_usage": True},
        }
        if s.seed is not None:
            request["seed"] = s.seed
        if self._extras:
            request["extra_body"] = {"top_k": s.top_k, "min_p": s.min_p,
                                     "repeat_penalty": s.repeat_penalty}
        if json_schema is not None:
            if self._schema_style == "json_schema":
                request["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": "answer", "schema": json_schema}}
            else:
                request["response_format"] = {"type": "json_object", "schema": json_schema}
        return request

    def _open(self, messages: list[Message], max_tokens: int,
              json_schema: dict[str, Any] | None):
        """Start the stream; on a 400/422 about our optional fields, retry once without them."""
        import openai

        stale_retry = True
        for _attempt in range(4):
            try:
                return self._client.chat.completions.create(
                    **self._request(messages, max_tokens, json_schema))
            except openai.APIConnectionError as exc:
                # a kept-alive connection the server dropped (it restarted or died): one
                # fresh connection says whether anyone is there now
                if stale_retry and not isinstance(exc, openai.APITimeoutError):
                    stale_retry = False
                    continue
                raise ModelError(api.describe(exc, self.base_url, self.model)) from None
            except openai.APIStatusError as exc:
                # llama-cpp-python's server answers 500 to a request it cannot validate
                if exc.status_code not in (400, 422) and not _about_request_fields(exc):
                    raise ModelError(api.describe(exc, self.base_url, self.model)) from None
                if json_schema is not None and self._schema_style == "json_schema":
                    self._schema_style = "json_object"  # the other common spelling
                elif self._extras:
                    self._extras = False
                else:
                    raise ModelError(api.describe(exc, self.base_url, self.model)) from None
            except Exception as exc:  # noqa: BLE001 - one line for the learner, always
                raise ModelError(api.describe(exc, self.base_url, self.model)) from None
        raise ModelError(f"The server at {self.host} refused the request.")

    def stream_chat(self, messages: list[Message], max_tokens: int = 512,
                    cancel: threading.Event | None = None,
                    json_schema: dict[str, Any] | None = None,
                    prefill: str = "") -> Iterator[str]:
        if prefill:
            messages = _with_prefill(messages, prefill)
        prompt = self.count_chat(messages)
        room = self.n_ctx - prompt
        if room < 8:
            raise ModelError(f"The prompt (about {prompt} tokens) does not fit the server "
                             f"model's context ({self.n_ctx}).")
        stats = Stats(prompt_tokens=prompt, evaluated_tokens=prompt)
        self.last = stats
        start = time.perf_counter()
        stream = self._open(messages, max(1, min(max_tokens, room - 1)), json_schema)
        watcher = _CloseOnCancel(cancel, stream)
        pieces = _StripPrefill(prefill)
        first = 0.0
        finished = False
        try:
            for chunk in stream:
                usage = getattr(chunk, "usage", None)
                if usage is not None:
                    stats.prompt_tokens = stats.evaluated_tokens = usage.prompt_tokens or prompt
                    stats.completion_tokens = usage.completion_tokens or stats.completion_tokens
                for choice in chunk.choices or []:
                    if choice.finish_reason:
                        stats.finish_reason, finished = choice.finish_reason, True
                    text = pieces.feed((choice.delta.content if choice.delta else None) or "")
                    if not text:
                        continue
                    now = time.perf_counter()
                    if not first:
                        first = now
                        stats.ttft_s = stats.prompt_s = now - start
                    stats.decode_s = now - first
                    stats.completion_tokens += 1
                    yield text
                if cancel is not None and cancel.is_set():
                    break
        except Exception as exc:  # noqa: BLE001 - a broken stream is one line, not a traceback
            if not (cancel is not None and cancel.is_set()):
                raise ModelError(api.stream_cut(exc, self.host, stats.completion_tokens)) \
                    from None
        finally:
            watcher.done()
            stream.close()
        if cancel is not None and cancel.is_set():
            stats.stopped = True
            return
        rest = pieces.flush()
        if rest:
            stats.completion_tokens += 1
            yield rest
        if not finished:
            raise ModelError(f"The server at {self.host} ended the answer without finishing it "
                             f"(after {stats.completion_tokens} pieces): it may have stopped.")

    def complete_chat(self, messages: list[Message], max_tokens: int = 512,
                      json_schema: dict[str, Any] | None = None) -> str:
        return "".join(self.stream_chat(messages, max_tokens, json_schema=json_schema))

    def close(self) -> None:
        self._client.close()


def _about_request_fields(exc: Any) -> bool:
    text = str(getattr(exc, "body", "") or exc).lower()
    return "validation" in text or "response_format" in text or "extra" in text


def _with_prefill(messages: list[Message], prefill: str) -> list[Message]:
    """Ask for an answer that starts with ``prefill``, in a way every server understands.

    Continuing a half-written assistant message works on some servers and not others,
    so the start is requested in words, and stripped again if the model repeats it.
    """
    *head, last = messages
    content = (f"{last['content']}\n\nBegin your answer with exactly: {prefill.strip()}"
               if last["role"] == "user" else last["content"])
    return [*head, {**last, "content": content}]


class _StripPrefill:
    """Passes the stream through, minus a repeat of the prefill at its very start."""

    def __init__(self, prefill: str) -> None:
        self.want = " ".join(prefill.split()).lower()
        self.buffer = ""
        self.deciding = bool(self.want)

    def feed(self, text: str) -> str:
        if not self.deciding:
            return text
        self.buffer += text
        seen = " ".join(self.buffer.split()).lower()
        if len(seen) < len(self.want) and self.want.startswith(seen):
            return ""  # could still be the repeat: wait for more
        self.deciding = False
        out, self.buffer = self.buffer, ""
        if seen.startswith(self.want):
            return _drop_words(out, len(self.want.split())).lstrip()
        return out

    def flush(self) -> str:
        out, self.buffer, self.deciding = self.buffer, "", False
        return "" if " ".join(out.split()).lower() == self.want else out


def _drop_words(text: str, n: int) -> str:
    rest = text.lstrip()
    for _ in range(n):
        parts = rest.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
    return rest


def _hang_up(stream: Any) -> None:
    """End a stream another thread is blocked reading: shut its socket down.

    Closing the response object from here would wait for the reader; shutting the
    socket down makes the blocked read return at once, and the server sees the
    client go away and stops generating.
    """
    import socket

    try:
        network = stream.response.extensions.get("network_stream")
        sock = network.get_extra_info("socket") if network is not None else None
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
            return
    except Exception:  # noqa: BLE001 - fall back to closing the response
        pass
    try:
        stream.response.close()
    except Exception:  # noqa: BLE001 - already closed is fine
        pass


class _CloseOnCancel:
    """Closes the HTTP stream as soon as Stop is pressed, even while no token arrives."""

    def __init__(self, cancel: threading.Event | None, stream: Any) -> None:
        self._finished = threading.Event()
        self._thread = None
        if cancel is not None:
            self._thread = threading.Thread(target=self._watch, args=(cancel, stream),
                                            name="server-stop", daemon=True)
            self._thread.start()

    def _watch(self, cancel: threading.Event, stream: Any) -> None:
        while not self._finished.is_set():
            if cancel.wait(0.05):
                if not self._finished.is_set():
                    _hang_up(stream)
                return

    def done(self) -> None:
        self._finished.set()
