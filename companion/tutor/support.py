"""The check every model sentence passes before it is shown as fact.

A small model writes fluent falsehoods ("BERT stands for Brain-Computer
Interoperability", "see Day 16"). A sentence is *supported* only when

- every number, formula-like token, acronym, capitalised name and "Day N" in it also
  occurs in the course passages or in the learner's question,
- one passage sentence holds most of its content words (``MIN_SUPPORT``), including
  its subject (the facts must be about the same thing), and
- it does not flip the passage's polarity ("DPO uses reinforcement learning" against
  "without reinforcement learning").

Citation markers that point to no passage are removed; a day outside the course
never survives. Checking is cheap and per sentence, so it runs while the answer
streams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.text import sentences as split_sentences
from companion.tutor.course_index import roots, tokens

MIN_SUPPORT = 0.75  # share of a sentence's content words one passage sentence must hold
COURSE_DAYS = 14
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:%|[kKmMbB]\b)?")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b|\b[A-Z]{2,}\b")
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:[-][A-Za-z0-9]+)?\b")
_FORMULA = re.compile(r"\S*[=^/√∑]\S*|\b\w+_\w+\b|\w+\([^)]*\)")
_DAY = re.compile(r"\b[Dd]ay\s+(\d+)\b")
_CITE = re.compile(r"\s?\[(\d+)\]")
_NEGATION = frozenset("not no never without cannot can't don't doesn't isn't aren't won't "
                      "didn't neither nor none instead unlike".split())


@dataclass(frozen=True)
class Verdict:
    sentence: str  # cleaned: unknown citation markers removed
    supported: bool
    reason: str = ""  # why not, in a few words

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "supported": self.supported, "reason": self.reason}


class Checker:
    """Checks sentences against a fixed set of passages (and the question)."""

    def __init__(self, passages: list[str], question: str = "", citations: int = 0,
                 days: set[int] | None = None) -> None:
        self.source = " ".join(passages)
        self.question = question
        self.citations = citations  # markers [1]..[n] are real
        self.days = days or set()  # "Day N" may name the days the passages come from
        texts = [s for p in passages for s in split_sentences(p)]
        self.units = [set(roots(s, None)) for s in texts]
        # "DPO reaches... It trains on..." is one statement about DPO: a sentence that
        # continues with a pronoun is read together with the one before it
        for i in range(len(texts) - 1, 0, -1):
            if texts[i].split(" ", 1)[0] in _CONTINUES:
                self.units[i - 1] = self.units[i - 1] | self.units[i]
        self.content_units = [{w for w in roots(s) if len(w) > 2} for s in texts]
        self.scopes = [_negated_scope(s) for s in texts]
        for i in range(len(texts) - 1, 0, -1):
            if texts[i].split(" ", 1)[0] in _CONTINUES:
                self.scopes[i - 1] = self.scopes[i - 1] | self.scopes[i]
        self.known = (self.source + " " + question).casefold()
        self.known_roots = set(roots(self.source + " " + question, None))
        self.question_roots = set(roots(question))

    def check(self, sentence: str) -> Verdict:
        # a small model echoes the prompt's labels ("Course text: [1] ...") before copying
        sentence = _ECHO.sub("", sentence.strip())
        text = self._clean_citations(sentence).strip()
        if not text:
            return Verdict(text, False, "empty")
        for m in _DAY.finditer(text):
            day = int(m.group(1))
            if not 1 <= day <= COURSE_DAYS:
                return Verdict(text, False, f"day {day} is not in the course")
            if day not in self.days and not self._known(m.group(0)):
                return Verdict(text, False, f"day {day} is not where this is taught")
        facts = _CITE.sub(" ", _DAY.sub(" ", text))  # markers and days were checked above
        for pattern, what in ((_NUMBER, "number"), (_FORMULA, "formula"),
                              (_ACRONYM, "name"), (_NAME, "name")):
            for m in pattern.finditer(facts):
                if not self._known(m.group(0)):
                    return Verdict(text, False, f"{what} {m.group(0)!r} is not in the course")
        words = [w for w in roots(_DAY.sub(" ", _CITE.sub(" ", text))) if len(w) > 2
                 and w not in _SAYING]
        if not words:
            return Verdict(text, False, "says nothing checkable")
        best, best_at = 0.0, -1
        for i, unit in enumerate(self.units):  # one passage sentence must hold it
            share = sum(1 for w in words if w in unit) / len(words)
            if share > best:
                best, best_at = share, i
        if best < MIN_SUPPORT:
            return Verdict(text, False, f"only {best:.0%} of its words are in one passage "
                                        "sentence")
        if text.rstrip().endswith("?"):
            return Verdict(text, False, "a question, not an explanation")
        subject = words[0]
        if subject not in self.units[best_at] and subject not in self.question_roots:
            # the right facts about something else: "A KV cache is a serving engine..."
            return Verdict(text, False, f"the passage says this about something other than "
                                        f"“{subject}”")
        own = set(roots(text, None))
        own_scope = _negated_scope(text)
        window, window_scope = self.units[best_at], self.scopes[best_at]
        # "uses reinforcement learning" against "without reinforcement learning", or
        # "does not use preference pairs" against "trains on preference pairs"
        if (window_scope & own) - own_scope or (own_scope & window) - window_scope:
            return Verdict(text, False, "says the opposite of the passage")
        return Verdict(text, True)

    def repeats(self, sentence: str) -> bool:
        """True when ``sentence`` only copies one passage sentence (nothing new to say)."""
        own = {w for w in roots(sentence) if len(w) > 2}
        if not own:
            return True
        return any(len(own & unit) >= 0.9 * len(own) and len(own) >= 0.7 * len(unit)
                   for unit in self.content_units)

    def _known(self, token: str) -> bool:
        token = token.strip(".,;:!?\"'()[]")
        if not token:
            return True
        if token.casefold() in self.known:
            return True
        # "Transformers" vs "Transformer", "LLMs" vs "LLM": compare roots
        parts = roots(token, None)
        return bool(parts) and all(p in self.known_roots for p in parts)

    def _clean_citations(self, text: str) -> str:
        def keep(m: re.Match) -> str:
            return m.group(0) if 1 <= int(m.group(1)) <= self.citations else ""
        return _CITE.sub(keep, text)


_ECHO = re.compile(r"^(?:(?:Course text|More course text|Question|Answer)\s*:\s*|\[\d+\]\s*)+",
                   re.IGNORECASE)
_CONTINUES = frozenset({"It", "Its", "This", "They", "These", "Their"})
_SAYING = frozenset(roots("says said explains explained shows shown course text passage "
                           "lesson according", None))
_NEGATION_ROOTS = frozenset(roots(" ".join(_NEGATION), None)) | {"n't", "not"}
SCOPE = 4  # words after "not", "without"... that the negation is about


def _negated_scope(text: str) -> set[str]:
    """Content-word roots that follow a negation closely ("without [a separate reward]")."""
    found: set[str] = set()
    words = roots(text.replace("n't", " not"), None)
    for i, w in enumerate(words):
        if w in _NEGATION_ROOTS:
            found.update(x for x in words[i + 1:i + 1 + SCOPE]
                         if x not in _NEGATION_ROOTS and len(x) > 2)
    return found


_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'“(\[*`A-Z0-9])")


def split_complete(text: str) -> tuple[list[str], str]:
    """Whole sentences in ``text`` so far, and the unfinished rest, spaces kept (streaming)."""
    if re.search(r"[.!?][\"')\]]?\s+$", text):
        return split_sentences(text), ""
    last = next(reversed(list(_BOUNDARY.finditer(text))), None)
    if last is None:
        return [], text
    return split_sentences(text[:last.start() + 1]), text[last.end():]


def words_of(text: str) -> list[str]:
    return tokens(text)
