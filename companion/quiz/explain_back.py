"""Explain it back: check a learner's own explanation against a concept's authored points.

Self-explanation works when the learner finds out what they left out. Each
concept in the course data has key points and known misconceptions, each with
``match`` groups: a point counts as present when every group has one of its
alternatives in the text, case-insensitively and at the start of a word ("grow"
matches "grows" but not "outgrow"). Hyphens and spaces count alike, so
"one-hot" also matches "one hot".

A negation just before a match cancels it: "it is not faster" states no
misconception about speed, and "the variance does not grow" covers no key
point. Only a short look-back inside the same clause is used, which catches the
common cases ("not", "isn't", "never", "no longer") without pretending to parse
English. Alternatives that carry their own negation ("cannot see") are taken
as written. The check is deterministic: the same words always give the same
verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from companion.curriculum import Concept, Course, KeyPoint, Match, Misconception
from companion.text import markdown_to_plain, sentences, tidy

NEGATIONS = frozenset("""not never neither nor cannot isn't aren't wasn't weren't doesn't
don't didn't won't can't couldn't shouldn't wouldn't""".split())
# these negate the words right after them ("no speed-up"), not a whole clause: "without
# scaling the scores grow" still says that the scores grow
NEAR_NEGATIONS = frozenset("no without nothing none hardly".split())
LOOK_BACK = 4  # words before a match that may negate it
NEAR = 2
CLAUSE_END = re.compile(r"[.;:!?,()]|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b")
MAX_CHARS = 20_000  # a pasted essay is still checked, but not a whole book


@dataclass(frozen=True)
class MissingPoint:
    index: int
    point: KeyPoint
    sentence: str  # the lesson sentence that states it (from ``source``)


@dataclass(frozen=True)
class MatchedMisconception:
    index: int
    misconception: Misconception
    span: tuple[int, int]


@dataclass(frozen=True)
class ExplainCheck:
    concept: Concept
    text: str
    covered: tuple[int, ...]
    missing: tuple[MissingPoint, ...]
    misconceptions: tuple[MatchedMisconception, ...]

    @property
    def complete(self) -> bool:
        """Every key point, and no misconception: the concept counts as explained."""
        return not self.missing and not self.misconceptions

    @property
    def score(self) -> str:
        return f"{len(self.covered)} of {len(self.concept.key_points)} key points"


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no Markdown marks: what matching looks at."""
    text = text.replace("’", "'").replace("‘", "'").replace("`", " ")
    return text.casefold()


@lru_cache(maxsize=4096)
def _pattern(alternative: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", alternative.strip()) if p]
    body = r"[\s\-]+".join(parts)
    start = r"(?<![a-z0-9_])" if re.match(r"[a-z0-9_]", alternative.strip()) else ""
    return re.compile(start + body)


def _negated(text: str, start: int, alternative: str) -> bool:
    """A negation word within ``LOOK_BACK`` words before ``start``, in the same clause."""
    first = alternative.split()[0].strip(".,")
    if first in NEGATIONS or first in NEAR_NEGATIONS or "n't" in alternative:
        return False
    before = text[max(0, start - 80):start]
    clause = CLAUSE_END.split(before)[-1]
    words = re.findall(r"[a-z']+", clause)[-LOOK_BACK:]
    return any(w in NEGATIONS or w.endswith("n't") for w in words) or \
        any(w in NEAR_NEGATIONS for w in words[-NEAR:])


def find(match: Match, text: str) -> tuple[int, int] | None:
    """Where the first group matched, if every group has an un-negated alternative."""
    text = normalise(text)
    first: tuple[int, int] | None = None
    for group in match.groups:
        hit = None
        for alternative in group:
            for m in _pattern(alternative).finditer(text):
                if not _negated(text, m.start(), alternative):
                    hit = m.span()
                    break
            if hit:
                break
        if hit is None:
            return None
        first = first or hit
    return first


def source_sentence(course: Course, concept: Concept, point: KeyPoint) -> str:
    """The lesson sentence that contains the key point's ``source`` words."""
    section = course.day(concept.day).section(concept.section)
    if section is None or not point.source:
        return point.text
    plain = tidy(markdown_to_plain(section.body))
    source = tidy(markdown_to_plain(point.source))
    for sentence in sentences(plain):
        if source in sentence:
            return sentence
    for line in section.body.splitlines():  # a formula in a code block
        if point.source in line:
            return line.strip()
    return point.text


def check(course: Course, concept: Concept, text: str) -> ExplainCheck:
    """Which key points the explanation covers and which misconceptions it states."""
    text = text[:MAX_CHARS]
    covered, missing = [], []
    for i, point in enumerate(concept.key_points):
        if find(point.match, text) is not None:
            covered.append(i)
        else:
            missing.append(MissingPoint(i, point, source_sentence(course, concept, point)))
    wrong = []
    for i, misconception in enumerate(concept.misconceptions):
        span = find(misconception.match, text)
        if span is not None:
            wrong.append(MatchedMisconception(i, misconception, span))
    return ExplainCheck(concept, text, tuple(covered), tuple(missing), tuple(wrong))
