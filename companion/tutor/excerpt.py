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
MIN_SENTENCES, MAX_SENTENCES = 2, 5
SECOND_SECTION = 0.7  # a sentence from the runner-up section counts this much


@dataclass(frozen=True)
class ExcerptPart:
    """Consecutive sentences of one section."""

    day: int
    section: str
    title: str
    text: str

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
    """The sentences that best answer the question, or None when it is off-course."""
    if not found.on_course or not found.ranked:
        return None
    weights = {r: w for r, w in found.query.weights.items() if r not in index.fillers}
    ranked = [r.section for r in found.ranked[:2]]
    if len(found.ranked) > 1 and found.ranked[1].score < 0.8 * found.ranked[0].score:
        ranked = ranked[:1]
    scored: list[tuple[float, Sentence]] = []
    for rank, section in enumerate(ranked):
        factor = 1.0 if rank == 0 else SECOND_SECTION
        for s in section.sentences:
            scored.append((factor * _score(index, s, weights), s))
    if not scored:
        return None
    anchor = max(scored, key=lambda pair: pair[0])[1]
    section = index.section(anchor.day, anchor.section)
    assert section is not None
    chosen = _grow(index, section.sentences, anchor, weights)
    by_section = [(section, chosen)]
    words = sum(s.words for s in chosen)
    # a strong sentence in the runner-up section joins when there is room for it
    if len(ranked) > 1 and len(chosen) < MAX_SENTENCES:
        other = ranked[1] if ranked[0] is section else ranked[0]
        best = max(other.sentences, key=lambda s: _score(index, s, weights), default=None)
        if best is not None and words + best.words <= MAX_WORDS and \
                not best.text.endswith(":") and \
                _score(index, best, weights) >= 0.8 * _score(index, anchor, weights):
            by_section.append((other, [best]))
    parts = tuple(ExcerptPart(sec.day, sec.id, sec.title, _join(sents))
                  for sec, sents in by_section)
    return Excerpt(parts)


def _join(sentences: list[Sentence]) -> str:
    """Sentences as one text; an introduction to a formula or code left out ends in "…"."""
    out = []
    for i, s in enumerate(sentences):
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        text = s.text
        if text.endswith(":") and (nxt is None or nxt.paragraph != s.paragraph + 1):
            text += " …"
        out.append(text)
    return " ".join(out)


def _grow(index: CourseIndex, sentences: list[Sentence], anchor: Sentence,
          weights: dict[str, float]) -> list[Sentence]:
    """Neighbours of ``anchor`` joined in reading order until the excerpt says enough."""
    pos = sentences.index(anchor)
    lo = hi = pos
    scores = [_score(index, s, weights) for s in sentences]

    def words() -> int:
        return sum(s.words for s in sentences[lo:hi + 1])

    while hi - lo + 1 < MAX_SENTENCES:
        options = []
        if lo > 0:
            options.append(("before", scores[lo - 1], sentences[lo - 1]))
        if hi + 1 < len(sentences):
            options.append(("after", scores[hi + 1], sentences[hi + 1]))
        if not options:
            break
        short = words() < MIN_WORDS or hi - lo + 1 < MIN_SENTENCES
        # a sentence that ends in ":" needs what follows; a new paragraph needs a reason
        if sentences[hi].text.endswith(":") and hi + 1 < len(sentences):
            side, _, candidate = "after", 0.0, sentences[hi + 1]
        else:
            def value(opt: tuple[str, float, Sentence]) -> float:
                same = opt[2].paragraph == anchor.paragraph
                return opt[1] + (0.5 if same else 0.0) + (0.3 if opt[0] == "after" else 0.0)
            side, score, candidate = max(options, key=value)
            if not short and (score <= 0 or candidate.paragraph != anchor.paragraph):
                break
        if words() + candidate.words > MAX_WORDS and not short:
            break
        if words() + candidate.words > MAX_WORDS * 1.3:
            break
        if side == "before":
            lo -= 1
        else:
            hi += 1
    while hi > lo and sentences[hi].text.endswith(":"):
        hi -= 1  # never end on an introduction to something left out
    return sentences[lo:hi + 1]
