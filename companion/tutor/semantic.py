"""Meaning-based matching: static word embeddings that ship inside a PyPI package.

Words alone miss paraphrases ("why divide by the root of the key size" never says
"sqrt(d_k)"). WordLlama (MIT licence) ships a 16 MB table of token embeddings and
its tokenizer inside its wheel; a sentence's vector is the average of its tokens'
rows, so a query costs a tokenizer call and a few NumPy operations (well under a
millisecond) and nothing is ever downloaded. Its files are read directly: the
package's own loader would look on the Hugging Face hub first.

Optional: without the package the tutor searches by words only (the benchmark
prints both), so nothing here may be required for the app to work.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from companion.tutor.course_index import CourseIndex

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


class Embedder:
    """Average-pooled, unit-length sentence vectors from a static embedding table."""

    def __init__(self, table: np.ndarray, tokenizer) -> None:
        self.table = table.astype(np.float32)
        self.tokenizer = tokenizer

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(texts)):
            ids = [t for t in enc.ids if t < len(self.table)]
            if ids:
                v = self.table[ids].mean(axis=0)
                norm = float(np.linalg.norm(v))
                out[i] = v / norm if norm else v
        return out


def load_embedder() -> Embedder | None:
    """The packaged WordLlama table, or None when the package is not installed."""
    try:
        import wordllama
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
    except ImportError:
        return None
    base = Path(wordllama.__file__).parent
    if not (base / WEIGHTS).is_file() or not (base / TOKENIZER).is_file():
        return None
    table = load_file(str(base / WEIGHTS))["embedding.weight"]
    return Embedder(table, Tokenizer.from_file(str(base / TOKENIZER)))


class SectionVectors:
    """One vector per lesson paragraph (with its section title), for the whole course."""

    def __init__(self, embedder: Embedder, index: CourseIndex) -> None:
        self.embedder = embedder
        texts, owners = [], []
        for number, s in enumerate(index.sections):
            groups: dict[int, list[str]] = {}
            for sent in s.sentences:
                groups.setdefault(sent.paragraph, []).append(sent.text)
            for sentences in groups.values():
                texts.append(s.title + ". " + " ".join(sentences))
                owners.append(number)
        self.vectors = embedder.embed(texts)
        self.owners = np.array(owners)
        self.count = len(index.sections)

    def similarity(self, text: str) -> np.ndarray:
        """Per section: the best cosine similarity of ``text`` with one of its paragraphs."""
        v = self.embedder.embed([text])[0]
        best = np.full(self.count, -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, self.vectors @ v)
        return best


_LOCK = threading.Lock()
_VECTORS: dict[int, tuple[CourseIndex, SectionVectors | None]] = {}


def vectors_for(index: CourseIndex) -> SectionVectors | None:
    """The course's paragraph vectors (built once, ~1 s), or None without the package."""
    with _LOCK:
        kept = _VECTORS.get(id(index))
        if kept is None or kept[0] is not index:
            embedder = load_embedder()
            kept = (index, SectionVectors(embedder, index) if embedder else None)
            _VECTORS[id(index)] = kept
        return kept[1]
