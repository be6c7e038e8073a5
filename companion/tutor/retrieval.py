"""Grounding: find the lesson sections and notes that answer a question.

Section-level chunks from the same FTS5 index the search box uses. A hit only
counts as grounding when it shares enough of the question's content words;
otherwise the answer is marked as not from the course material.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.storage import notes
from companion.storage import search as fts

STOPWORDS = frozenset("""
a an and are as at be by can could did do does explain for from how i in is it its me my
of on or please should tell that the their there this to was what when where which who why
will with would you your about give describe difference between vs versus
""".split())
PASSAGE_CHARS = 600
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Citation:
    number: int  # [n] in the prompt and the answer
    kind: str  # "lesson" or "note"
    day: int
    section: str  # section id ("" for notes)
    title: str
    snippet: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.day}:{self.section}"

    def label(self) -> str:
        where = self.title if self.kind == "lesson" else "your notes"
        return f"[{self.number}] Day {self.day} · {where}"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    citation: Citation
    text: str


def content_words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text))
            if w not in STOPWORDS and len(w) > 1]


def _best_window(text: str, words: list[str], limit: int = PASSAGE_CHARS) -> str:
    """The paragraph run that mentions the question's words most, cut to ``limit``."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paragraphs:
        return ""
    scores = [sum(p.lower().count(w) for w in words) for p in paragraphs]
    start = max(range(len(paragraphs)), key=lambda i: scores[i])
    window = paragraphs[start]
    for p in paragraphs[start + 1:]:
        if len(window) + len(p) + 2 > limit:
            break
        window += "\n\n" + p
    if len(window) > limit:
        window = window[:limit].rsplit(" ", 1)[0] + " …"
    return window


def _coverage(words: list[str], text: str) -> float:
    if not words:
        return 0.0
    lower = text.lower()
    # prefix match so "heads" counts for "head" and "tokenization" for "tokeniz..."
    return sum(1 for w in set(words) if w[:5] in lower) / len(set(words))


def retrieve(db: sqlite_utils.Database, course: Course, question: str, day: int | None = None,
             limit: int = 2) -> list[Passage]:
    """Up to ``limit`` passages that really relate to ``question``, best first."""
    words = content_words(question)
    if not words:
        return []
    hits = fts.search(db, " ".join(words), limit=12)
    if day is not None:  # "ask about this day": its own best sections come first
        hits = fts.search(db, " ".join(words), limit=limit, day=day) + \
            [h for h in hits if h.day != day]
    passages: list[Passage] = []
    for hit in hits:
        if hit.kind == "lesson":
            section = course.day(hit.day).section(hit.section)
            if section is None:
                continue
            body, title = section.body, section.title
        else:
            body, title = notes.body(db, hit.day), hit.title
        text = _best_window(body, words)
        if hit.day != day and _coverage(words, title + " " + body) < 0.5:
            continue
        cite = Citation(len(passages) + 1, hit.kind, hit.day, hit.section, title, hit.snippet)
        passages.append(Passage(cite, text))
        if len(passages) == limit:
            break
    return passages
