"""Checks every generated question must pass before a learner sees it.

A small model writes fluent nonsense easily, so nothing it produces is trusted:
the JSON must parse into the expected shape, the four options must be distinct
and non-empty, the answer index must point at one of them, the question must
not repeat one we already have, and the option marked correct must be backed
by the lesson passage the question was written from. Anything else is dropped
and counted, with the reason, so the learner can be told how many failed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from companion.curriculum import Question
from companion.text import content_words, sentences, tidy, words

OPTION_COUNT = 4
MIN_SUPPORT = 0.75  # share of the correct option's content words found in the passage
NEAR_DUPLICATE = 0.85  # similarity at or above which two questions count as the same
MAX_OPTION_CHARS = 160
JUNK = re.compile(r"[{}\[\]<>\\]|\n|\"\s*[:,]")


class Rejected(Exception):
    """A candidate failed a check; the message is the reason shown in the rejected count."""


@dataclass(frozen=True)
class SourceText:
    """The lesson paragraph a question was generated from (what the model saw)."""

    day: int
    section: str
    title: str
    text: str


@dataclass(frozen=True)
class Candidate:
    raw: str  # the model's output, untouched
    passage: SourceText


@dataclass(frozen=True)
class Accepted:
    question: Question
    passage: SourceText
    raw: str = ""  # the model output it was made from


@dataclass(frozen=True)
class Rejection:
    reason: str
    raw: str
    passage: SourceText | None = None


@dataclass
class Checked:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.accepted) + len(self.rejected)

    def summary(self) -> str:
        noun = "question" if self.total == 1 else "questions"
        return f"{len(self.accepted)} of {self.total} generated {noun} passed the checks."


# ----- comparing texts --------------------------------------------------------------------
def similarity(a: str, b: str) -> float:
    """How alike two questions are, ignoring case, punctuation and word order changes."""
    wa, wb = words(a), words(b)
    ratio = difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio()
    ca, cb = set(content_words(a)), set(content_words(b))
    jaccard = len(ca & cb) / len(ca | cb) if len(ca) >= 3 and len(cb) >= 3 else 0.0
    return max(ratio, jaccard)


@lru_cache(maxsize=8192)
def _shape(text: str) -> tuple[str, frozenset[str]]:
    """The words and the content words of a question, worked out once per text."""
    return " ".join(words(text)), frozenset(content_words(text))


def near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    """``similarity(a, b) >= threshold``, skipping the slow comparison when it cannot be."""
    (wa, ca), (wb, cb) = _shape(a), _shape(b)
    if len(ca) >= 3 and len(cb) >= 3:
        shared = len(ca & cb) / len(ca | cb)
        if shared >= threshold:
            return True
        if len(ca) >= 5 and len(cb) >= 5 and shared < 0.34:
            return False  # texts this far apart in words are never this close in letters
    matcher = difflib.SequenceMatcher(None, wa, wb)
    return (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
            and matcher.ratio() >= threshold)


def support(option: str, passage: str) -> float:
    """Share of the option's content words that the passage contains."""
    needed = content_words(option)
    if not needed:
        return 0.0
    have = set(content_words(passage))
    return sum(w in have for w in needed) / len(needed)


def best_sentence(passage: str, option: str) -> str:
    """The passage sentence that backs the correct option: the generated question's explanation."""
    target = set(content_words(option))
    return max(sentences(passage), key=lambda s: len(target & set(content_words(s))),
               default="")


def question_id(day: int, text: str, options: Sequence[str]) -> str:
    digest = hashlib.sha1("\n".join([text, *options]).encode("utf-8")).hexdigest()[:10]
    return f"gen-d{day:02d}-{digest}"


# ----- the checks -------------------------------------------------------------------------
def _parse(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, TypeError, RecursionError):
        raise Rejected("not valid JSON") from None
    if not isinstance(data, dict):
        raise Rejected("not a JSON object")
    if not isinstance(data.get("question"), str):
        raise Rejected("no question text")
    if not isinstance(data.get("options"), list):
        raise Rejected("no list of options")
    answer = data.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise Rejected("answer is not an option number")
    return data


def check(raw: str, passage: SourceText, existing: Iterable[str]) -> Question:
    """The checked question, or ``Rejected`` with the first reason it fails."""
    data = _parse(raw)
    text = tidy(data["question"])
    if len(words(text)) < 4 or not text.endswith("?") or JUNK.search(data["question"]):
        raise Rejected("question is not a clean, complete question")
    options = [tidy(o) if isinstance(o, str) else "" for o in data["options"]]
    if len(options) != OPTION_COUNT:
        raise Rejected(f"needs exactly {OPTION_COUNT} options, has {len(options)}")
    if not all(words(o) for o in options):
        raise Rejected("an option is empty")
    if any(JUNK.search(o) or len(o) > MAX_OPTION_CHARS for o in data["options"]):
        raise Rejected("an option contains stray markup or is too long")
    if len({" ".join(words(o)) for o in options}) != OPTION_COUNT:
        raise Rejected("duplicate options")
    answer = data["answer"]
    if not 0 <= answer < OPTION_COUNT:
        raise Rejected(f"answer index {answer} is out of range")
    for other in existing:
        if near_duplicate(text, other):
            raise Rejected("near-duplicate of an existing question")
    correct = options[answer]
    if " ".join(words(correct)) in " ".join(words(text)):
        raise Rejected("the question gives the answer away")
    if support(correct, passage.text) < MIN_SUPPORT:
        raise Rejected("correct option is not supported by the lesson passage")
    quote = best_sentence(passage.text, correct)
    return Question(
        id=question_id(passage.day, text, options), kind="choice", question=text,
        options=tuple(options), answer=answer,
        explanation=f"From the lesson, “{passage.title}”: {quote}", section=passage.section,
        day=passage.day, generated=True)


def check_all(candidates: Iterable[Candidate], existing: Iterable[str]) -> Checked:
    """Check a batch; a question accepted earlier in the batch counts as existing too."""
    seen = list(existing)
    result = Checked()
    for candidate in candidates:
        try:
            question = check(candidate.raw, candidate.passage, seen)
        except Rejected as why:
            result.rejected.append(Rejection(str(why), candidate.raw, candidate.passage))
        else:
            result.accepted.append(Accepted(question, candidate.passage, candidate.raw))
            seen.append(question.question)
    return result
