"""The course as something to search: sentences, paragraphs and sections with word weights.

The course never changes while the app runs, so it is read once into memory: every
prose sentence of every section (with its paragraph and section), each day's key
terms with their aliases, the course's other texts (quiz questions with their
explanations, term definitions, code notes, tasks: ``CourseNote``), and how rare each
word is (its IDF). Retrieval, the
excerpt a learner reads first, the support check of the model's sentences and the
coach's hints all read this one index, so they agree on what a word is.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


from companion.curriculum import Course
from companion.curriculum.model import Term
from companion.text import STOPWORDS, markdown_to_plain, sentences, tidy

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "curriculum" / "synonyms.toml"
_TOKEN = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
# longest first: "isation" before "ation", "ings" before "s"
_SUFFIXES = ("isations", "izations", "isation", "ization", "ational", "ations", "ation",
             "ments", "ment", "nesses", "ness", "ities", "ity", "ings", "ing", "ised", "ized",
             "ises", "izes", "ise", "ize", "ers", "er", "ied", "ies", "ed", "es", "ly", "s")


def root(word: str) -> str:
    """A crude English root so "tuning", "tuned", "tune" and "tunes" meet at "tun".

    Cruder than a real stemmer on purpose: only suffixes, never a dictionary, so it is
    predictable and needs no package. Words of four letters or fewer stay as they are.
    """
    if len(word) == 4 and word.endswith("s") and word[-2] not in "aiosu":
        return word[:-1]  # "llms" -> "llm", "gpus" -> "gpu"; "loss", "bias" stay
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]  # "mapp(ing)" -> "map", "stopp(ed)" -> "stop"
    return word


_UNIT = re.compile(r"(?<=\d)(?=[a-z])")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; "multi-head" is two, "d_k" is one, "80gb" is "80", "gb"."""
    return _TOKEN.findall(_UNIT.sub(" ", text.casefold().replace("'s ", " ")))


# what is left of "isn't", "won't", "we'll" once the apostrophe splits them: not topic words
CONTRACTIONS = frozenset("isn aren wasn weren doesn don didn won wouldn shouldn couldn hasn "
                         "haven hadn ll ve re isnt arent doesnt dont didnt wouldnt shouldnt "
                         "couldnt im ive youre theyre whats thats".split())


def roots(text: str, drop: frozenset[str] | None = STOPWORDS) -> list[str]:
    """Roots of the words that carry meaning, in order (``drop=None``: every word)."""
    if drop is None:
        return [root(t) for t in tokens(text)]
    return [root(t) for t in tokens(text) if t not in drop and (len(t) > 1 or t.isdigit())]


@dataclass(frozen=True)
class Sentence:
    """One sentence (or list item) of a lesson section, plain text."""

    index: int  # position in the whole index
    day: int
    section: str
    paragraph: int  # paragraph number inside the section
    text: str
    roots: frozenset[str]
    words: int
    before_code: bool = False  # introduces a formula or code block that follows it


@dataclass
class SectionEntry:
    day: int
    id: str
    title: str
    title_roots: list[str]
    sentences: list[Sentence] = field(default_factory=list)
    bag: Counter = field(default_factory=Counter)  # root -> count (title counted thrice)
    length: int = 0
    paragraphs: list[frozenset[str]] = field(default_factory=list)  # roots per paragraph


@dataclass(frozen=True)
class TermEntry:
    term: Term
    day: int
    section: str  # the section that explains it best ("" if none mentions it)
    phrases: tuple[tuple[str, ...], ...]  # each name (term and aliases) as roots
    definition_roots: frozenset[str] = frozenset()  # the definition's and names' roots


@dataclass(frozen=True)
class CourseNote:
    """Course text outside the lesson prose, in the course's own words.

    A quiz question with its explanation, a key term's definition, a code block's
    note, a concept prompt or a task. Learners' questions often sound more like these
    than like lesson prose ("why are attention scores divided by sqrt(d_k)?"), so the
    sentence encoder compares a question with them too.
    """

    text: str
    day: int
    section: str  # the section it belongs to ("" for a task: the day as a whole)
    kind: str  # "quiz", "term", "code", "concept" or "task"


@dataclass
class CourseIndex:
    sections: list[SectionEntry]
    sentences: list[Sentence]
    terms: list[TermEntry]
    idf: dict[str, float]  # over sections
    max_idf: float
    synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]]  # learner phrase -> course words
    fillers: frozenset[str]  # words in questions that say nothing about the topic
    symbols: dict[str, str] = field(default_factory=dict)  # "##" -> words to add
    avg_length: float = 0.0
    notes: list[CourseNote] = field(default_factory=list)

    def section(self, day: int, section_id: str) -> SectionEntry | None:
        return self._by_key.get((day, section_id))

    def __post_init__(self) -> None:
        self._by_key = {(s.day, s.id): s for s in self.sections}
        self.avg_length = sum(s.length for s in self.sections) / max(1, len(self.sections))

    @property
    def vocabulary(self) -> set[str]:
        """Every root the course uses (in lessons, code notes and key terms)."""
        if not hasattr(self, "_vocabulary"):
            self._vocabulary = {w for s in self.sections for w in s.bag}
        return self._vocabulary

    def weight(self, word_root: str) -> float:
        """How much a word says about where to look: rare words say more."""
        return self.idf.get(word_root, self.max_idf)

    def knows(self, word_root: str) -> bool:
        """The course uses this word, or the word is one typo away from one it uses.

        "lenght" and "corect" are the learner's "length" and "correct", not words the
        course lacks; only words of five letters or more are matched this loosely.
        """
        if word_root in self.vocabulary or word_root in STOPWORDS:
            return True
        if len(word_root) < 5 or not word_root.isalpha():
            return False
        if not hasattr(self, "_typo_cache"):
            self._typo_cache: dict[str, bool] = {}
            self._by_length: dict[int, list[str]] = {}
            for w in self.vocabulary | STOPWORDS:
                self._by_length.setdefault(len(w), []).append(w)
        if word_root not in self._typo_cache:
            n = len(word_root)
            self._typo_cache[word_root] = any(
                _one_edit(word_root, w) for size in (n - 1, n, n + 1)
                for w in self._by_length.get(size, ()) if w[0] == word_root[0])
        return self._typo_cache[word_root]


def _one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    return a[i + 1:] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1:]


CODE_MARK = "\x00code\x00"


def lesson_units(markdown: str) -> list[list[str]]:
    """Prose paragraphs of a section as lists of sentences; each list item is one sentence.

    Code, tables, figures and captions are left out: the learner reads whole sentences.
    A code block leaves ``CODE_MARK`` as a paragraph of its own, so callers know what a
    sentence ending in ":" introduces.
    """
    body = re.sub(r"```.*?```", f"\n\n{CODE_MARK}\n\n", markdown, flags=re.S)
    found: list[list[str]] = []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block == CODE_MARK:
            if found and found[-1] != [CODE_MARK]:
                found.append([CODE_MARK])
            continue
        if block.startswith("|"):
            rows = table_rows(block)
            if rows:
                found.append(rows)
            continue
        if not block or block.startswith(("#", "!", "<")) or block.startswith("*Figure"):
            continue
        lines = block.splitlines()
        if all(re.match(r"\s*(?:[-*+]|\d+\.)\s+|\s{2,}\S", line) for line in lines) or \
                re.match(r"\s*(?:[-*+]|\d+\.)\s+", lines[0]) and len(lines) > 1:
            items = re.split(r"\n\s*(?=(?:[-*+]|\d+\.)\s+)", block)
            units = [tidy(markdown_to_plain(item)) for item in items]
            found.append([u for u in units if u])
        else:
            found.append(sentences(markdown_to_plain(block)))
    return [p for p in found if p]


def table_rows(block: str) -> list[str]:
    """A Markdown table as one line per row: "fp16: exponent bits 5; mantissa bits 10; ..."."""
    lines = [line.strip().strip("|") for line in block.splitlines() if line.strip()]
    cells = [[tidy(markdown_to_plain(c)) for c in line.split("|")] for line in lines
             if not re.fullmatch(r"[\s:|-]+", line)]
    if len(cells) < 2:
        return []
    head, rows = cells[0], cells[1:]
    out = []
    for row in rows:
        pairs = [f"{h[:1].lower() + h[1:]} {v}"
                 for h, v in zip(head[1:], row[1:], strict=False) if v]
        text = f"{row[0]}: " + "; ".join(pairs)
        out.append(text if text.endswith(".") else text + ".")
    return out


def _load_synonyms(path: Path) -> tuple[list, frozenset[str], dict[str, str]]:
    if not path.is_file():
        return [], frozenset(), {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pairs = []
    for learner, course_words in data.get("synonyms", {}).items():
        pairs.append((tuple(roots(learner, None)), tuple(roots(course_words))))
    fillers = frozenset(root(w) for w in data.get("fillers", {}).get("words", "").split())
    return [p for p in pairs if p[0] and p[1]], fillers, dict(data.get("symbols", {}))


def build(course: Course, synonyms_path: Path = SYNONYMS_FILE) -> CourseIndex:
    sections: list[SectionEntry] = []
    all_sentences: list[Sentence] = []
    for day in course.days:
        notes_by_section: dict[str, list[str]] = {}
        blocks = {b.number: b.section for b in day.code_blocks()}
        for note in day.code:
            notes_by_section.setdefault(blocks.get(note.block, ""), []).append(
                f"{note.summary} {note.walkthrough}")
        for s in day.sections:
            entry = SectionEntry(day.number, s.id, s.title, roots(s.title))
            paragraphs = lesson_units(s.body)
            for p_no, units in enumerate(paragraphs):
                if units == [CODE_MARK]:
                    continue
                code_next = p_no + 1 < len(paragraphs) and paragraphs[p_no + 1] == [CODE_MARK]
                for u_no, text in enumerate(units):
                    r = roots(text)
                    last = u_no == len(units) - 1
                    sent = Sentence(len(all_sentences), day.number, s.id, p_no, text,
                                    frozenset(r), len(text.split()), last and code_next)
                    entry.sentences.append(sent)
                    all_sentences.append(sent)
                    entry.bag.update(r)
            entry.bag.update(roots(" ".join(notes_by_section.get(s.id, []))))
            entry.bag.update(entry.title_roots * 3)
            groups: dict[int, set[str]] = {}
            for sent in entry.sentences:
                groups.setdefault(sent.paragraph, set()).update(sent.roots)
            entry.paragraphs = [frozenset(g | set(entry.title_roots)) for g in groups.values()]
            sections.append(entry)
    n = len(sections)
    df: Counter = Counter()
    for s in sections:
        df.update(set(s.bag))
    idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
    max_idf = math.log(1 + (n + 0.5) / 0.5)
    terms = []
    by_key = {(s.day, s.id): s for s in sections}
    for day in course.days:
        for t in day.terms:
            phrases = tuple(p for p in (tuple(roots(name)) for name in t.names) if p)
            home = _home_section(sections, day.number, phrases)
            terms.append(TermEntry(t, day.number, home, phrases, frozenset(
                roots(t.definition)) | {r for p in phrases for r in p}))
            if home:  # the names learners type lead to the section that explains the term
                entry = by_key[(day.number, home)]
                entry.bag.update(r for p in phrases for r in p)
                entry.bag.update(roots(t.definition))
    for entry in sections:
        entry.length = sum(entry.bag.values())
    synonyms, fillers, symbols = _load_synonyms(synonyms_path)
    return CourseIndex(sections, all_sentences, terms, idf, max_idf, synonyms, fillers,
                       symbols, notes=course_notes(course, terms))


def course_notes(course: Course, terms: list[TermEntry]) -> list[CourseNote]:
    """The course's quiz questions, definitions, code notes, concepts and tasks, as text."""
    notes = []
    for day in course.days:
        n = day.number
        blocks = {b.number: b.section for b in day.code_blocks()}
        notes += [CourseNote(tidy(f"{q.question} {markdown_to_plain(q.explanation)}"), n,
                             q.section, "quiz") for q in day.quiz]
        notes += [CourseNote(tidy(f"{c.title}. {c.prompt}"), n, c.section, "concept")
                  for c in day.concepts]
        notes += [CourseNote(tidy(markdown_to_plain(f"{c.summary} {c.walkthrough}")), n,
                             blocks.get(c.block, ""), "code") for c in day.code]
        notes += [CourseNote(tidy(markdown_to_plain(t.text)), n, "", "task") for t in day.tasks]
    notes += [CourseNote(tidy(f"{', '.join(t.term.names)}: {t.term.definition}"), t.day,
                         t.section, "term") for t in terms]
    return [note for note in notes if note.text]


def _home_section(sections: list[SectionEntry], day: int,
                  phrases: tuple[tuple[str, ...], ...]) -> str:
    """The section of ``day`` whose sentences mention the term's names most."""
    best, best_count = "", 0
    for s in sections:
        if s.day != day:
            continue
        count = sum(1 for sent in s.sentences for p in phrases if set(p) <= sent.roots)
        count += 3 * sum(1 for p in phrases if set(p) <= set(s.title_roots))
        if count > best_count:
            best, best_count = s.id, count
    return best


_BUILT: dict[str, CourseIndex] = {}
_LOCK = threading.Lock()


def fingerprint(course: Course) -> str:
    """Same text, same index: a study reopened with an equal course reuses it."""
    digest = hashlib.sha1()
    for d in course.days:
        for s in d.sections:
            digest.update(f"{d.number}/{s.id}\0{s.title}\0{s.body}\0".encode())
        for t in d.terms:
            digest.update(f"{t.term}\0{t.definition}\0{t.aliases}\0".encode())
        for q in d.quiz:
            digest.update(f"{q.question}\0{q.explanation}\0{q.section}\0".encode())
        for c in d.concepts:
            digest.update(f"{c.title}\0{c.prompt}\0".encode())
        for note in d.code:
            digest.update(f"{note.block}\0{note.summary}\0{note.walkthrough}\0".encode())
        for task in d.tasks:
            digest.update(f"{task.text}\0".encode())
    return digest.hexdigest()


def built_index(course: Course) -> CourseIndex | None:
    """The index of ``course`` if it is already built (never builds it)."""
    with _LOCK:
        return _BUILT.get(fingerprint(course))


def index_for(course: Course) -> CourseIndex:
    """The index of ``course``, built once (about 0.2 s) and then shared."""
    key = fingerprint(course)
    with _LOCK:
        if key not in _BUILT:
            _BUILT[key] = build(course)
        return _BUILT[key]
