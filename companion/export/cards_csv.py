"""The same cards as a CSV file, for spreadsheets and for other flashcard apps.

One row per question, UTF-8 with a byte-order mark (so spreadsheet programs
read accented text correctly), every field quoted where needed by the ``csv``
module. Columns are stable: ``id`` is the question's id, so two exports can be
compared or merged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from companion.export.files import ExportError, atomic_write

if TYPE_CHECKING:
    from companion.quiz.cards import ExportCard

COLUMNS = ("id", "day", "day_title", "section", "section_title", "kind", "origin",
           "question", "option_1", "option_2", "option_3", "option_4", "answer",
           "explanation", "review_state", "review_due", "due_now", "deck")


def row(card: ExportCard) -> dict[str, str]:
    from companion.export.anki import deck_name

    q = card.question
    options = list(q.options) + [""] * (4 - len(q.options))
    r = card.review
    return {
        "id": q.id, "day": str(q.day), "day_title": card.day_title, "section": q.section,
        "section_title": card.section_title, "kind": q.kind, "origin": card.origin,
        "question": q.question, "option_1": options[0], "option_2": options[1],
        "option_3": options[2], "option_4": options[3], "answer": q.correct_option,
        "explanation": q.explanation, "review_state": r.state if r else "",
        "review_due": r.due if r else "", "due_now": ("yes" if r.due_now else "no") if r else "",
        "deck": deck_name(q.day, card.day_title),
    }


def text(cards: Sequence[ExportCard]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for card in cards:
        writer.writerow(row(card))
    return "\ufeff" + buffer.getvalue()


def write(cards: Sequence[ExportCard], path: Path) -> Path:
    if not cards:
        raise ExportError("There are no cards to export.")
    atomic_write(path, text(cards))
    return path
