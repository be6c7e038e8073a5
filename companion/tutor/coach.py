"""Coach mode: hints before answers, built only from the course data (no model needed).

Unrestricted answers raise practice scores and lower exam scores; hints do not
(Bastani et al., PNAS 2025). So for a question the course covers, the tutor first
offers a ladder:

1. where to look (day and section) and a guiding question;
2. the key terms involved, with their definitions;
3. the key sentence with its key phrase blanked out, for the learner to fill in;
4. the full course-first answer.

Everything is deterministic: the same question gives the same hints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from companion.curriculum import Course
from companion.curriculum.model import Term
from companion.tutor.course_index import CourseIndex, Sentence, index_for, roots
from companion.tutor.retrieval import Found

BLANK = "_____"
MAX_TERMS = 3


@dataclass(frozen=True)
class Cloze:
    sentence: str  # the key sentence with its key phrase blanked out
    answer: str  # the blanked phrase
    accepted: tuple[str, ...]  # other names that count as right (a term's aliases)

    def check(self, attempt: str) -> bool:
        """Right when the attempt holds every word root of the phrase or of an alias."""
        got = set(roots(attempt, None))
        if not got:
            return False
        return any(set(roots(name, None)) <= got for name in (self.answer, *self.accepted))


@dataclass(frozen=True)
class Ladder:
    day: int
    section: str
    title: str
    guiding_question: str
    terms: tuple[Term, ...]
    cloze: Cloze | None

    def step_markdown(self, step: int) -> str:
        """The hints up to ``step`` (1-3) as Markdown."""
        blocks = [f"**Hint 1 · Where to look:** [Day {self.day} · {self.title}]"
                  f"(lesson:{self.day}#{self.section})\n\n*{self.guiding_question}*"]
        if step >= 2:
            if self.terms:
                blocks.append("**Hint 2 · Key terms:**\n\n" + "\n".join(
                    f"- **{t.term}**: {t.definition}" for t in self.terms))
            else:
                blocks.append("**Hint 2 · Key terms:** none listed for this section; "
                              "re-read its first paragraph.")
        if step >= 3 and self.cloze is not None:
            blocks.append(f"**Hint 3 · Fill the gap:**\n\n> {self.cloze.sentence}")
        return "\n\n".join(blocks)


def _guiding_question(question: str, terms: tuple[Term, ...]) -> str:
    q = question.strip().casefold()
    name = terms[0].term if terms else "it"
    if re.search(r"\b(vs\.?|versus|difference|compare|better than)\b", q):
        return ("What does each one do, and in which situation would you pick one over the "
                "other? Find the sentence that contrasts them.")
    if q.startswith("why") or " why " in q:
        return ("What would go wrong without it? Look for the sentence that names the "
                "problem, then the one that says how it is solved.")
    if q.startswith(("how", "what steps")):
        return "What are the steps, in order, and what does each step produce?"
    if q.startswith(("does ", "do ", "is ", "are ", "can ", "will ")) or \
            re.search(r"\b(is it|isn't|doesn't|right\?|true that|always|never)\b", q):
        return ("Is the claim in your question what the section says? Find the sentence "
                "that confirms or corrects it.")
    return f"In your own words: what is {name}, and what problem does it solve?"


def _terms(index: CourseIndex, found: Found, key: Sentence) -> tuple[Term, ...]:
    named = [t.term for t in found.query.terms]
    in_key = [t.term for t in index.terms if t.day == key.day and
              any(_contains(key.roots, p) for p in t.phrases)]
    chosen: list[Term] = []
    for t in [*named, *in_key]:
        if t not in chosen:
            chosen.append(t)
    return tuple(chosen[:MAX_TERMS])


def _contains(have: frozenset[str], phrase: tuple[str, ...]) -> bool:
    return bool(phrase) and set(phrase) <= have


def _cloze(index: CourseIndex, key: Sentence, question_roots: set[str],
           terms: tuple[Term, ...]) -> Cloze | None:
    """Blank the most telling phrase of ``key`` that the question does not already give."""
    text = key.text
    for term in terms:  # a key term's name, when the sentence uses it and the question doesn't
        for name in sorted(term.names, key=len, reverse=True):
            match = re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)
            if match and not set(roots(name)) <= question_roots:
                return Cloze(text[:match.start()] + BLANK + text[match.end():], match.group(0),
                             tuple(n for n in term.names if n.casefold() != name.casefold()))
    candidates = []
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9_\-]*(?:\([^)]*\))?", text):
        word = m.group(0)
        r = roots(word)
        if not r or set(r) & question_roots or len(word) < 4:
            continue
        candidates.append((sum(index.weight(x) for x in r), m))
    if not candidates:
        return None
    _, m = max(candidates, key=lambda c: c[0])
    return Cloze(text[:m.start()] + BLANK + text[m.end():], m.group(0), ())


def build_ladder(course: Course, found: Found, excerpt_sentences: list[Sentence] | None = None
                 ) -> Ladder | None:
    """The hint ladder for an on-course question, or None when the course does not cover it."""
    if not found.on_course or not found.ranked:
        return None
    index = index_for(course)
    section = found.ranked[0].section
    weights = found.query.weights
    pool = excerpt_sentences or section.sentences
    key = max(pool, key=lambda s: sum(w * index.weight(r) for r, w in weights.items()
                                      if r in s.roots))
    entry = index.section(key.day, key.section) or section
    terms = _terms(index, found, key)
    cloze = _cloze(index, key, set(found.query.own), terms)
    return Ladder(entry.day, entry.id, entry.title,
                  _guiding_question(found.query.text, terms), terms, cloze)


def key_sentences(course: Course, excerpt) -> list[Sentence]:
    """The index's sentences that make up an excerpt (to pick the cloze from them)."""
    index = index_for(course)
    return [index.sentences[i] for p in (excerpt.parts if excerpt else ()) for i in p.sentences]
