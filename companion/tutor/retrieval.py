"""Grounding: find the lesson sections (and notes) that answer a question, or say none does.

Ranking is BM25 over sections, plus the best single paragraph, plus the key terms a
question names (by term or alias): a learner's "kv cache" finds the section that
explains the KV cache even when the words around it differ. With the sentence encoder
installed (``semantic.py``), each section's closest text in meaning (a sentence, or one
of its quiz questions, definitions or code notes) adds to that.
Follow-ups borrow the previous question's words at a lower weight.

Whether the course answers the question at all is decided in ``gate.py`` from a few
signals (word coverage by rarity, one paragraph holding the question, words the course
lacks, closeness in meaning to the course and to everyday English); a narrow miss is
"borderline" and keeps its closest section to point the learner to.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import sqlite_utils

from companion.curriculum import Course
from companion.storage import notes
from companion.storage import search as fts
from companion.tutor.course_index import (
    CONTRACTIONS,
    CourseIndex,
    SectionEntry,
    TermEntry,
    index_for,
    roots,
)
from companion.tutor.gate import Signals, decide, measure
from companion.tutor.semantic import Closeness, vectors_for

K1, B = 1.2, 0.75
EXPANSION_WEIGHT = 0.3  # words a question implies (a term's other names, synonyms)
PREVIOUS_WEIGHT = 0.35  # a follow-up's earlier question
FILLER_WEIGHT = 0.15
SYNONYM_WEIGHT = 0.8  # the course's word for what the learner said (synonyms.toml)
TERM_BONUS = 2.0  # the section that explains a term the question names
DEFINITION_WEIGHT = 0.25  # a question that paraphrases a key term's definition
SPECIFIC_NAME = 2.5  # summed IDF a term's name needs to count as named
SENTENCE_WEIGHT = 1.0  # the best paragraph, next to the whole section's BM25
DAY_BONUS = 1.5  # "ask about this day", or "day 7" in the question: its sections first
MEANING_WEIGHT = 2.5  # sentence similarity next to the word score (both about 0..1)
PASSAGE_SENTENCES = 4  # sentences of a passage given to the model (short: fast to read)


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


@dataclass
class Query:
    """The question as weighted word roots."""

    text: str
    weights: dict[str, float]  # root -> weight in ranking
    own: list[str]  # the question's own roots (what coverage is measured on)
    previous: str = ""  # the earlier question of a follow-up
    terms: list[TermEntry] = field(default_factory=list)  # key terms it names
    bridges: dict[str, set[str]] = field(default_factory=dict)  # learner word -> course words


@dataclass
class Ranked:
    section: SectionEntry
    score: float  # words (scaled to the best section = 1) + meaning
    words: float = 0.0  # the word score alone
    meaning: float = 0.0  # cosine similarity with its closest text (0 without vectors)


@dataclass
class Found:
    query: Query
    ranked: list[Ranked]
    signals: Signals  # what the off-course gate weighed
    on_course: bool
    borderline: bool = False  # off-course, but not by much: "the course may not cover it"
    probability: float = 1.0  # the gate's estimate that the course answers it

    @property
    def coverage(self) -> float:
        """IDF-weighted share of the question the top sections cover."""
        return self.signals.coverage

    @property
    def paragraph(self) -> float:
        """The share of the question one paragraph of a top section holds."""
        return self.signals.paragraph

    @property
    def absent(self) -> float:
        """The share of the question in words the course never uses."""
        return self.signals.absent

    @property
    def meaning(self) -> float:
        """How alike the question is to the closest text of the course (0 without vectors)."""
        return self.signals.course

    @property
    def closest(self) -> SectionEntry | None:
        """The best-ranked section, also when the question was judged off-course."""
        return self.ranked[0].section if self.ranked else None


def _phrase_in(phrase: tuple[str, ...], seq: list[str]) -> bool:
    n = len(phrase)
    return any(tuple(seq[i:i + n]) == phrase for i in range(len(seq) - n + 1))


def _specific(index: CourseIndex, phrase: tuple[str, ...]) -> bool:
    return sum(index.weight(r) for r in phrase) >= SPECIFIC_NAME


def make_query(index: CourseIndex, question: str, previous: str = "") -> Query:
    for symbol, words in index.symbols.items():
        if symbol in question:
            question = f"{question} ({words})"
    own = [r for r in roots(question) if r not in CONTRACTIONS]
    every = roots(question, None)  # with stop words and single letters
    weights: dict[str, float] = {}
    bridges: dict[str, set[str]] = {}
    for r in own:
        weights[r] = FILLER_WEIGHT if r in index.fillers else 1.0
    for learner, course_words in index.synonyms:
        if _phrase_in(learner, every):
            for r in course_words:
                weights[r] = max(weights.get(r, 0.0), SYNONYM_WEIGHT)
            for w in learner:
                bridges.setdefault(w, set()).update(course_words)
    # a term counts when the question names it by a specific name: "kv cache" or "rope"
    # do, a bare "training" or "model" (also some terms' aliases) says too little
    named = [t for t in index.terms
             if any(_phrase_in(p, own) and _specific(index, p) for p in t.phrases)]
    longest = max((len(p) for t in named for p in t.phrases if _phrase_in(p, own)), default=0)
    terms = [t for t in named
             if max(len(p) for p in t.phrases if _phrase_in(p, own)) >= min(longest, 2)]
    for t in terms:
        for p in t.phrases:
            for r in p:
                weights.setdefault(r, EXPANSION_WEIGHT)
    for r in roots(previous):
        weights.setdefault(r, PREVIOUS_WEIGHT)
    return Query(question, weights, own, previous, terms, bridges)


def _bm25(index: CourseIndex, s: SectionEntry, weights: dict[str, float]) -> float:
    score = 0.0
    norm = K1 * (1 - B + B * s.length / index.avg_length)
    for r, w in weights.items():
        tf = s.bag.get(r, 0)
        if tf:
            score += w * index.weight(r) * tf * (K1 + 1) / (tf + norm)
    return score


def _best_paragraph(index: CourseIndex, s: SectionEntry, weights: dict[str, float]) -> float:
    """The weight of the question's words that one paragraph of the section holds together."""
    best = 0.0
    for para in s.paragraphs:
        score = sum(w * index.weight(r) for r, w in weights.items() if r in para)
        best = max(best, score)
    return best


def _definition_bonus(index: CourseIndex, query: Query) -> dict[tuple[int, str], float]:
    """Sections whose key terms' definitions say what the question says in other words."""
    bonus: dict[tuple[int, str], float] = {}
    own = set(query.own) - index.fillers
    for t in index.terms:
        if not t.section:
            continue
        score = sum(index.weight(r) for r in own if r in t.definition_roots)
        key = (t.day, t.section)
        bonus[key] = max(bonus.get(key, 0.0), score)
    return bonus


def rank(index: CourseIndex, query: Query, day: int | None = None,
         closeness: Closeness | None = None,
         prefer: tuple[int, str] | None = None) -> list[Ranked]:
    """Sections by word score (BM25, best paragraph, named terms) plus closeness in meaning."""
    homes = {(t.day, t.section) for t in query.terms if t.section}
    defined = _definition_bonus(index, query)
    lexical = []
    for s in index.sections:
        score = _bm25(index, s, query.weights)
        if score:
            score += SENTENCE_WEIGHT * _best_paragraph(index, s, query.weights)
            score += DEFINITION_WEIGHT * defined.get((s.day, s.id), 0.0)
            if (s.day, s.id) in homes:
                score += TERM_BONUS * max(1.0, len(homes) ** -0.5 * 2)
        lexical.append(score)
    meaning = closeness.sections if closeness is not None else None
    top = max(lexical, default=0.0) or 1.0
    ranked = []
    for i, s in enumerate(index.sections):
        sim = float(meaning[i]) if meaning is not None else 0.0
        score = lexical[i] / top + MEANING_WEIGHT * sim
        if day is not None and s.day == day:
            score += DAY_BONUS
        if prefer == (s.day, s.id):  # the section whose code the question quotes
            score += 2.0
        if lexical[i] or sim > 0:
            ranked.append(Ranked(s, score, lexical[i], sim))
    ranked.sort(key=lambda r: -r.score)
    return ranked


def find(course: Course, question: str, previous: str = "", day: int | None = None,
         use_meaning: bool = True, prefer: tuple[int, str] | None = None,
         extra: str = "") -> Found:
    """Rank the course's sections for ``question`` and decide whether the course covers it.

    The decision is ``gate.decide`` on the signals measured here; a question that quotes
    the course's own code (``prefer``) is always on-course.
    """
    index = index_for(course)
    named_day = re.search(r"\bday\s+(\d{1,2})\b", question, re.IGNORECASE)
    if day is None and named_day and 1 <= int(named_day.group(1)) <= len(course.days):
        day = int(named_day.group(1))
    query = make_query(index, f"{question} {extra}".strip(), previous)
    vectors = vectors_for(index) if use_meaning else None
    closeness = vectors.closeness(f"{query.text} {query.previous}".strip()) if vectors else None
    ranked = rank(index, query, day, closeness, prefer)
    signals = measure(index, query, ranked, *((closeness.course, closeness.background)
                                               if closeness else ()))
    verdict = decide(signals, with_meaning=closeness is not None)
    on_course = bool(ranked) and verdict.on_course or prefer is not None
    return Found(query, ranked, signals, on_course, bool(ranked) and not on_course
                 and verdict.borderline, verdict.probability)


def passage_text(index: CourseIndex, entry: SectionEntry, weights: dict[str, float],
                 limit: int = PASSAGE_SENTENCES) -> str:
    """The run of ``limit`` sentences of a section that says most about the question."""
    sents = entry.sentences
    if len(sents) <= limit:
        return " ".join(s.text for s in sents)
    scores = [sum(w * index.weight(r) for r, w in weights.items() if r in s.roots)
              for s in sents]
    start = max(range(len(sents) - limit + 1), key=lambda i: sum(scores[i:i + limit]))
    return " ".join(s.text for s in sents[start:start + limit])


def retrieve(db: sqlite_utils.Database, course: Course, question: str, day: int | None = None,
             limit: int = 3, previous: str = "") -> list[Passage]:
    """Up to ``limit`` passages that answer ``question``, best first; [] when off-course."""
    found = find(course, question, previous, day)
    return passages_for(db, course, found, limit)


def passages_for(db: sqlite_utils.Database | None, course: Course, found: Found,
                 limit: int = 2) -> list[Passage]:
    if not found.on_course:
        return []
    index = index_for(course)
    top = found.ranked[0].score
    passages: list[Passage] = []
    for r in found.ranked[:limit]:
        if r.score < 0.45 * top:  # a much weaker hit only crowds out the right one
            break
        text = passage_text(index, r.section, found.query.weights)
        cite = Citation(len(passages) + 1, "lesson", r.section.day, r.section.id,
                        r.section.title, text[:160])
        passages.append(Passage(cite, text))
    if db is not None and len(passages) < limit:
        passages += _note_passages(db, found, len(passages), limit)
    return passages


def _note_passages(db: sqlite_utils.Database, found: Found, have: int, limit: int
                   ) -> list[Passage]:
    """The learner's own notes, when one shares most of the question's words."""
    words = [w for w in found.query.own if len(w) > 2]
    if not words:
        return []
    out = []
    for hit in fts.search(db, " ".join(words), limit=3, kinds=("note",)):
        body = notes.body(db, hit.day)
        got = set(roots(body))
        if sum(1 for w in words if w in got) / len(words) < 0.75:
            continue
        cite = Citation(have + len(out) + 1, "note", hit.day, "", hit.title, hit.snippet)
        out.append(Passage(cite, body[:600]))
        if have + len(out) >= limit:
            break
    return out
