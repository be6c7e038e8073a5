"""The Lab's window into a real model: token ids, their bytes, and raw next-token logits.

The tutor's engines hide logits (a chat answer is all they need); the Lab shows them.
``LabModel`` wraps one ``llama_cpp.Llama``: either the very one the tutor's
``LlamaEngine`` loaded (so the Lab shows the model the learner actually uses), or one
the Lab opens itself (the CLI, or when the tutor runs on a server). Like any ``Llama``
it belongs to one thread: in the GUI every call happens inside an inference job.

Reading logits keeps the ``Llama``'s own bookkeeping true (``input_ids``/``n_tokens``
match the KV cache), so the tutor's prompt cache stays correct after a Lab experiment.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from companion.tutor.engine import ModelError

# models the Lab opened itself, by (path, vocab_only); used from one thread at a time
_opened: dict[tuple[str, bool], LabModel] = {}
LAB_CONTEXT = 2048  # tokens: room for any prompt the Lab's experiments take


@dataclass
class LabModel:
    """A local llama.cpp model, with the calls the experiments need."""

    llm: Any  # llama_cpp.Llama
    path: Path
    note: str = ""  # why this model is used, when it is not simply the tutor's
    engine: Any = None  # the tutor's engine when this is its model (for its thread count)
    _start: int | None = field(default=None, repr=False)  # -1: the model has none

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def n_vocab(self) -> int:
        return int(self.llm.n_vocab())

    @property
    def n_ctx(self) -> int:
        return int(self.llm.n_ctx())

    @property
    def start(self) -> int | None:
        """The token a document starts with in training, read before any text.

        Models with a BOS token say so; GPT-2-style models such as SmolLM2 have none but
        separate training documents with ``<|endoftext|>``. Without any start token the
        first position sees no context at all and every measurement after it is skewed
        (SmolLM2 finds "The cat sat on the mat." about 15 times more surprising).
        """
        if self._start is None:
            bos = int(self.llm.token_bos())
            if bos >= 0 and self.llm._model.add_bos_token():
                self._start = bos
            else:
                ids = self.llm.tokenize(b"<|endoftext|>", add_bos=False, special=True)
                self._start = ids[0] if len(ids) == 1 and self.is_special(ids[0]) else -1
        return self._start if self._start >= 0 else None

    @property
    def eos(self) -> int:
        return int(self.llm.token_eos())

    # ----- tokens ------------------------------------------------------------------------
    def tokenize(self, text: str, start: bool = False) -> list[int]:
        """Token ids of ``text`` as the model reads plain text (special markers not parsed);
        with ``start``, after the document-start token (see ``start``)."""
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        first = self.start if start else None
        return ([first] if first is not None else []) + list(tokens)

    def piece(self, token: int) -> bytes:
        """The exact bytes a token stands for (a piece of a multi-byte character may be
        invalid UTF-8 on its own: that is byte fallback)."""
        size = 64
        buf = ctypes.create_string_buffer(size)
        import llama_cpp

        n = llama_cpp.llama_token_to_piece(self.llm._model.vocab, token, buf, size, 0, True)
        return buf.raw[:max(0, n)]

    def vocab_entry(self, token: int) -> str:
        """The token as stored in the vocabulary (e.g. GPT-2 style 'Ġthe' for ' the')."""
        return self.llm._model.token_get_text(token)

    def is_special(self, token: int) -> bool:
        import llama_cpp

        attr = int(self.llm._model.token_get_attr(token))
        marker = llama_cpp.LLAMA_TOKEN_ATTR_CONTROL | llama_cpp.LLAMA_TOKEN_ATTR_UNKNOWN
        return bool(attr & marker)

    def text_of(self, tokens: list[int]) -> str:
        """The text ``tokens`` spell (control tokens such as a BOS marker left out)."""
        return b"".join(self.piece(t) for t in tokens if not self.is_special(t)).decode(
            "utf-8", errors="replace")

    # ----- logits ------------------------------------------------------------------------
    def _fit_threads(self) -> None:
        """Let the tutor's engine pick its thread count for the current load, if it can."""
        fit = getattr(self.engine, "fit_threads", None)
        if callable(fit):
            fit()

    def _room(self, tokens: list[int]) -> None:
        if not tokens:
            raise ValueError("Type some text first: the model needs at least one token.")
        if len(tokens) >= self.n_ctx:
            raise ValueError(f"The text is {len(tokens)} tokens; this model's context holds "
                             f"{self.n_ctx}. Shorten it.")

    def next_logits(self, tokens: list[int]) -> np.ndarray:
        """Raw scores for the token after ``tokens`` (float32, one per vocabulary entry).

        Reuses whatever prefix is already in the KV cache, so "Step" reads one new token.
        """
        self._room(tokens)
        self._fit_threads()
        llm = self.llm
        cached = llm.input_ids[:llm.n_tokens]
        same = 0
        for a, b in zip(cached, tokens, strict=False):
            if a != b:
                break
            same += 1
        same = min(same, len(tokens) - 1)  # always decode at least one token for fresh logits
        llm.n_tokens = same
        llm.eval(tokens[same:])
        row = llm._ctx.get_logits_ith(-1)
        return np.ctypeslib.as_array(row, shape=(self.n_vocab,)).copy()

    def all_logits(self, tokens: list[int]) -> np.ndarray:
        """Scores after every position of ``tokens``: row i predicts token i+1."""
        self._room(tokens)
        self._fit_threads()
        llm = self.llm
        llm.n_tokens = 0
        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        rows = []
        step = int(llm.n_batch)
        for start in range(0, len(tokens), step):
            chunk = tokens[start:start + step]
            llm._batch.set_batch(batch=chunk, n_past=start, logits_all=True)
            llm._ctx.decode(llm._batch)
            logits = llm._ctx.get_logits()
            rows.append(np.ctypeslib.as_array(logits, shape=(len(chunk), self.n_vocab)).copy())
            llm.input_ids[start:start + len(chunk)] = chunk
            llm.n_tokens = start + len(chunk)
        llm._requires_eval = False
        return np.concatenate(rows)


def from_engine(engine: object) -> LabModel | None:
    """The tutor engine's own llama.cpp model, if it runs one in this process."""
    if getattr(engine, "kind", "") != "llama.cpp":
        return None
    llm = getattr(engine, "_llm", None)
    path = getattr(engine, "model_path", None)
    if llm is None or path is None:
        return None
    return LabModel(llm, Path(path), engine=engine)


def open_model(path: Path | str, vocab_only: bool = False) -> LabModel:
    """Open a GGUF for the Lab (checked first, like the tutor's), kept for later calls."""
    path = Path(path).expanduser()
    key = (str(path.resolve()), vocab_only)
    if key in _opened:
        return _opened[key]
    from companion.tutor.engine import physical_cores
    from companion.tutor.model_check import precheck
    from companion.tutor.model_files import describe_load_error

    if not path.is_file():
        raise ModelError(f"Model file not found: {path}")
    precheck(path)
    import llama_cpp
    from llama_cpp._utils import suppress_stdout_stderr

    try:
        # llama.cpp writes warnings to the C stderr even with verbose=False (e.g. for a
        # vocabulary-only load); they mean nothing to a learner
        with suppress_stdout_stderr(disable=False):
            llm = llama_cpp.Llama(model_path=str(path), n_ctx=LAB_CONTEXT, n_batch=512,
                                  n_threads=physical_cores(),
                                  n_threads_batch=physical_cores(), vocab_only=vocab_only,
                                  verbose=False)
    except Exception as exc:  # llama.cpp reports failures as ValueError/RuntimeError
        raise ModelError(describe_load_error(path, exc)) from exc
    _opened[key] = LabModel(llm, path)
    return _opened[key]


def for_engine(engine: object) -> LabModel:
    """The model the Lab shows: the tutor's own, or the bundled one when that is remote."""
    own = from_engine(engine)
    if own is not None:
        return own
    from companion.tutor.model_files import bundled_model_path

    bundled = bundled_model_path()
    if bundled is None:
        raise ModelError("The Lab needs a local model file, and the tutor runs on "
                         f"{getattr(engine, 'name', 'a server')}. Choose a GGUF model in "
                         "View > Models.")
    model = open_model(bundled)
    kind = getattr(engine, "kind", "")
    where = "a server" if kind == "server" else f"a {kind or 'non-local'} engine"
    return LabModel(model.llm, model.path,
                    note=f"The tutor runs on {where}, which does not share its logits; the "
                         f"Lab uses the bundled model {model.name} instead.")


def close_all() -> None:
    """Free the models the Lab opened (at quit, or in tests)."""
    for model in _opened.values():
        model.llm.close()
    _opened.clear()
