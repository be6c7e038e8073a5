"""Anki deck export: the question bank and the learner's review cards as an ``.apkg``.

Made with ``genanki`` (the maintained library for writing Anki packages), one
deck per day under a parent deck ("LLM Study Companion::Day 04 · …"). Every id
is derived from fixed names, never random: the same deck ids and note type id
each time, and each note's GUID comes from the question's id, so importing a
newer export updates the notes already in Anki instead of adding duplicates.
The back of a card shows the answer, the explanation, the lesson section and,
for a question in the learner's review queue, its due state (also as a tag).
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from companion.export.files import ExportError

if TYPE_CHECKING:
    from companion.quiz.cards import ExportCard

PARENT = "LLM Study Companion"
GUID_SPACE = "llm-study-companion"
MODEL_NAME = "LLM Study Companion question"
FIELDS = ("Question", "Options", "Answer", "Explanation", "Section", "Day", "Review",
          "QuestionId")

FRONT = """<div class="q">{{Question}}</div>
{{#Options}}<div class="options">{{Options}}</div>{{/Options}}"""
BACK = """{{FrontSide}}
<hr id="answer">
<div class="a">{{Answer}}</div>
<div class="why">{{Explanation}}</div>
<div class="where">{{Day}} · {{Section}}</div>
{{#Review}}<div class="review">{{Review}}</div>{{/Review}}"""
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; }
.q { font-weight: bold; margin-bottom: 0.6em; }
.options ol { margin: 0; }
.a { color: #2e7d32; font-weight: bold; margin: 0.4em 0; }
.why { margin: 0.4em 0; }
.where, .review { color: #777; font-size: 15px; margin-top: 0.5em; }"""


def stable_id(name: str) -> int:
    """A fixed id in the range Anki expects for decks and note types (2^30 .. 2^31)."""
    digest = int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16)
    return (1 << 30) | (digest & ((1 << 30) - 1))


def deck_name(day: int, title: str) -> str:
    return f"{PARENT}::Day {day:02d} · {title}"


def _model():
    import genanki

    return genanki.Model(
        stable_id(MODEL_NAME), MODEL_NAME, fields=[{"name": f} for f in FIELDS],
        templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}], css=CSS)


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


def fields(card: ExportCard) -> list[str]:
    """The note's fields, as HTML (every value escaped: generated questions are not ours)."""
    q = card.question
    options = ("<ol>" + "".join(f"<li>{_text(o)}</li>" for o in q.options) + "</ol>"
               if q.kind == "choice" else "True or false?")
    review = ""
    if card.review is not None:
        r = card.review
        review = (f"In your review queue: {r.state}, due {r.due_date}"
                  + (" (due now)" if r.due_now else ""))
    return [_text(q.question), options, _text(q.correct_option), _text(q.explanation),
            _text(card.section_title), f"Day {q.day}: {_text(card.day_title)}", review, q.id]


def tags(card: ExportCard) -> list[str]:
    out = [f"llm-course::day{card.question.day:02d}", f"llm-course::{card.origin}"]
    if card.review is not None:
        out.append("llm-course::review::" + ("due" if card.review.due_now else
                                             card.review.state))
    return out


def build(cards: Sequence[ExportCard]):
    """A ``genanki.Package`` with one deck per day (only days that have cards)."""
    import genanki

    model = _model()
    decks: dict[int, genanki.Deck] = {}
    for card in cards:
        q = card.question
        if q.day not in decks:
            name = deck_name(q.day, card.day_title)
            decks[q.day] = genanki.Deck(stable_id(name), name)
        decks[q.day].add_note(genanki.Note(model=model, fields=fields(card), tags=tags(card),
                                           guid=genanki.guid_for(GUID_SPACE, q.id)))
    return genanki.Package([decks[d] for d in sorted(decks)])


def write(cards: Sequence[ExportCard], path: Path) -> Path:
    """Write the package so that ``path`` is either the old file or the whole new one."""
    if not cards:
        raise ExportError("There are no cards to export.")
    package = build(cards)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".apkg")
    os.close(fd)
    try:
        package.write_to_file(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}") from exc
    return path
