"""The answer a learner reads first: the course's own sentences, picked for the question.

From the best sections, 2-5 whole sentences (about 40-150 words) in their original
order, each linked to its section. No model is involved, so this is instant and
cannot be wrong in a way the course is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.tutor.course_index import CourseIndex, Sentence
from companion.tutor.retrieval import Found

MIN_WORDS, MAX_WORDS = 40, 150
FULL_WORDS = 90  # keep adding relevant sentences until about this long
MIN_SENTENCES, MAX_SENTENCES = 2, 5
SECOND_SECTION = 0.7  # a sentence from the runner-up section counts this much


@dataclass(frozen=True)
class ExcerptPart:
    """Consecutive sentences of one section."""

    day: int
    section: str
    title: str
    text: str
    sentences: tuple[int, ...] = ()  # positions in the course index, in reading order

    def to_json(self) -> dict:
        return {"day": self.day, "section": self.section, "title": self.title,
                "text": self.text}


@dataclass(frozen=True)
class Excerpt:
    parts: tuple[ExcerptPart, ...]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def words(self) -> int:
        return len(self.text.split())

    def markdown(self) -> str:
        """Each part quoted, with a link to its lesson section underneath."""
        blocks = []
        for p in self.parts:
            blocks.append(f"> {p.text}\n\n— [Day {p.day} · {p.title}](lesson:{p.day}#{p.section})")
        return "\n\n".join(blocks)


def _score(index: CourseIndex, sentence: Sentence, weights: dict[str, float]) -> float:
    return sum(w * index.weight(r) for r, w in weights.items() if r in sentence.roots)


def select(index: CourseIndex, found: Found) -> Excerpt | None:
    """The sentences that best answer the question, or None when it is off-course.

    Greedy, like maximal marginal relevance: the best sentence first, then the ones
    that add question words not yet covered (or sit right next to a chosen one), until
    about 150 words; a sentence that needs its predecessor ("It...", a list item after
    "...:") brings it along. Shown in reading order, grouped by section.
    """
    if not found.on_course or not found.ranked:
        return None
    weights = {r: w for r, w in found.query.weights.items() if r not in index.fillers}
    sections = [found.ranked[0].section]
    if len(found.ranked) > 1 and found.ranked[1].score >= 0.8 * found.ranked[0].score:
        sections.append(found.ranked[1].section)
    pool: list[tuple[float, Sentence]] = []
    for rank, section in enumerate(sections):
        factor = 1.0 if rank == 0 else SECOND_SECTION
        pool += [(factor * _score(index, s, weights), s) for s in section.sentences]
    if not pool or max(score for score, _ in pool) <= 0:
        return None
    by_index = {s.index: s for _, s in pool}
    relevance = {s.index: score for score, s in pool}
    chosen: dict[int, Sentence] = {}
    covered: set[str] = set()

    def words() -> int:
        return sum(s.words for s in chosen.values())

    def take(s: Sentence) -> None:
        chosen[s.index] = s
        covered.update(r for r in weights if r in s.roots)
        before = by_index.get(s.index - 1)
        if before is not None and before.index not in chosen and _needs_previous(s, before) \
                and words() + before.words <= MAX_WORDS:
            take(before)

    best = max(pool, key=lambda pair: pair[0])[1]
    take(best)
    top = relevance[best.index]
    while len(chosen) < MAX_SENTENCES:
        def gain(s: Sentence) -> float:
            new = sum(w * index.weight(r) for r, w in weights.items()
                      if r in s.roots and r not in covered)
            # the rest of a chosen sentence's paragraph explains it; the next paragraph may
            near = [c for c in chosen.values() if abs(s.index - c.index) == 1]
            if any(c.paragraph == s.paragraph for c in near):
                bonus = 0.35 * top
            elif any(s.index == c.index + 1 for c in near):
                bonus = 0.15 * top
            else:
                bonus = 0.0
            return new + 0.3 * relevance[s.index] + bonus
        options = [s for _, s in pool if s.index not in chosen
                   and words() + s.words <= MAX_WORDS * (1.3 if words() < MIN_WORDS else 1.0)]
        if not options:
            break
        pick = max(options, key=gain)
        enough = words() >= FULL_WORDS and len(chosen) >= MIN_SENTENCES
        same_paragraph = any(abs(pick.index - c.index) == 1 and c.paragraph == pick.paragraph
                             for c in chosen.values())
        weak = gain(pick) < 0.1 * top or (relevance[pick.index] <= 0 and not same_paragraph)
        if weak and not enough:  # short: continue the text after a chosen sentence
            follow = [s for s in options if (s.index - 1) in chosen]
            pick = follow[0] if follow else pick
            weak = not follow
        if weak or (enough and relevance[pick.index] <= 0 and not same_paragraph):
            break
        take(pick)
    return Excerpt(tuple(_parts(index, sorted(chosen.values(), key=lambda s: s.index))))


def _needs_previous(s: Sentence, before: Sentence) -> bool:
    """A sentence that cannot stand alone without the one before it."""
    if before.section != s.section:
        return False
    first = s.text.split(" ", 1)[0]
    return before.text.endswith(":") or first[:1].islower() or first in (
        "It", "This", "That", "These", "Those", "They", "Then", "So", "But", "Its")


def _parts(index: CourseIndex, sentences: list[Sentence]) -> list[ExcerptPart]:
    """Consecutive sentences of one section form one part; a gap inside a section is "…"."""
    parts: list[ExcerptPart] = []
    run: list[Sentence] = []
    for s in sentences:
        if run and run[-1].section == s.section and run[-1].day == s.day:
            run.append(s)
            continue
        if run:
            parts.append(_part(index, run))
        run = [s]
    if run:
        parts.append(_part(index, run))
    return parts


def _part(index: CourseIndex, run: list[Sentence]) -> ExcerptPart:
    entry = index.section(run[0].day, run[0].section)
    texts = []
    for i, s in enumerate(run):
        if i and s.index != run[i - 1].index + 1 and not texts[-1].endswith("…"):
            texts.append("…")
        text = s.text
        if text.endswith(":") and (s.before_code or i + 1 == len(run)
                                   or run[i + 1].index != s.index + 1):
            text += " …"  # what it introduces (a formula, code) is in the lesson
        texts.append(text)
    return ExcerptPart(run[0].day, run[0].section, entry.title if entry else run[0].section,
                       " ".join(texts), tuple(s.index for s in run))
