"""The Anki deck and the CSV file, opened the way Anki and a spreadsheet would read them.

An ``.apkg`` is a zip holding an SQLite collection: the tests open it and count
notes, read fields and deck names, and compare GUIDs across two exports.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from companion.export import ExportError, anki
from companion.quiz import bank

FIELD_SEP = "\x1f"


def open_apkg(path: Path, into: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", into)
    return sqlite3.connect(into / "collection.anki2")


def notes(con: sqlite3.Connection) -> dict[str, tuple[str, list[str], str]]:
    """question id -> (guid, fields, tags)."""
    found = {}
    for guid, flds, tags in con.execute("SELECT guid, flds, tags FROM notes"):
        fields = flds.split(FIELD_SEP)
        found[fields[anki.FIELDS.index("QuestionId")]] = (guid, fields, tags)
    return found


def _miss(study, question) -> None:
    session = study.quiz.start(question.day, [question])
    session.answer((session.current.answer + 1) % len(session.current.options))


def test_the_deck_holds_every_bank_question_with_stable_guids(study, tmp_path):
    bank_questions = [q for d in study.course.days for q in d.quiz]
    practice_q = study.quiz.practice(3, 1)[0].question
    _miss(study, bank_questions[5])
    _miss(study, practice_q)
    first = study.quiz.export_cards("anki", tmp_path / "llm.apkg")[0]
    con = open_apkg(first, tmp_path / "one")
    found = notes(con)
    assert len(found) == len(bank_questions) + 1  # the bank plus the practice review card
    assert {q.id for q in bank_questions} <= set(found)

    q = bank_questions[0]
    guid, fields, tags = found[q.id]
    named = dict(zip(anki.FIELDS, fields, strict=True))
    assert named["Question"] == q.question.replace("'", "&#x27;")
    assert named["Answer"].replace("&#x27;", "'") == q.correct_option
    assert named["Explanation"].replace("&#x27;", "'") == q.explanation
    assert named["Section"] == bank.section_title(study.course, q).replace("'", "&#x27;")
    assert named["Review"] == "" and "llm-course::day01" in tags

    _, missed_fields, missed_tags = found[bank_questions[5].id]
    review = dict(zip(anki.FIELDS, missed_fields, strict=True))["Review"]
    assert review.startswith("In your review queue: learning, due ") and "(due now)" in review
    assert "llm-course::review::due" in missed_tags
    assert "llm-course::practice" in found[practice_q.id][2]

    decks = json.loads(con.execute("SELECT decks FROM col").fetchone()[0])
    names = {d["name"] for d in decks.values()} - {"Default"}
    assert len(names) == 14 and all(n.startswith(anki.PARENT + "::Day ") for n in names)
    deck_of = {int(k): d["name"] for k, d in decks.items()}
    cards = con.execute("SELECT n.flds, c.did FROM cards c JOIN notes n ON n.id = c.nid")
    for flds, did in cards:
        day = int(flds.split(FIELD_SEP)[anki.FIELDS.index("Day")].split(":")[0][4:])
        assert deck_of[did].startswith(f"{anki.PARENT}::Day {day:02d} ")
    models = json.loads(con.execute("SELECT models FROM col").fetchone()[0])
    assert [int(k) for k in models] == [anki.stable_id(anki.MODEL_NAME)]
    con.close()

    second = study.quiz.export_cards("anki", tmp_path / "again.apkg")[0]
    con2 = open_apkg(second, tmp_path / "two")
    again = notes(con2)
    assert {k: v[0] for k, v in again.items()} == {k: v[0] for k, v in found.items()}
    decks2 = json.loads(con2.execute("SELECT decks FROM col").fetchone()[0])
    assert set(decks2) == set(decks)  # the same deck ids: Anki updates instead of duplicating
    con2.close()


def test_markup_in_a_generated_question_is_escaped(study, tmp_path):
    from companion.curriculum import Question
    from companion.storage import quiz as store

    q = Question(id="gen-d04-xss", kind="choice", question="<script>alert(1)</script> heads?",
                 options=("4 heads", "8 heads", "<b>16</b>", "32 heads"), answer=1,
                 explanation="From the lesson.", section="multi-head-attention", day=4,
                 generated=True)
    store.save_generated(study.db, q, "passage", "test")
    _miss(study, q)
    path = study.quiz.export_cards("anki", tmp_path / "x.apkg")[0]
    _, fields, tags = notes(open_apkg(path, tmp_path))[q.id]
    assert "<script>" not in fields[0] and "&lt;script&gt;" in fields[0]
    assert "&lt;b&gt;16&lt;/b&gt;" in fields[1] and "llm-course::generated" in tags


def test_csv_has_a_row_per_question_that_a_spreadsheet_reads(study, tmp_path):
    _miss(study, study.course.day(4).quiz[0])
    path = study.quiz.export_cards("csv", tmp_path / "cards.csv")[0]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    questions = [q for d in study.course.days for q in d.quiz]
    assert len(rows) == len(questions)
    first = rows[0]
    assert first["id"] == questions[0].id and first["answer"] == questions[0].correct_option
    assert first["deck"].startswith("LLM Study Companion::Day 01 ")
    missed = next(r for r in rows if r["id"] == study.course.day(4).quiz[0].id)
    assert missed["review_state"] == "learning" and missed["due_now"] == "yes"


def test_an_existing_file_is_kept_unless_asked(study, tmp_path):
    target = tmp_path / "llm.apkg"
    target.write_text("keep me")
    with pytest.raises(ExportError, match="already exists"):
        study.quiz.export_cards("anki", target)
    assert target.read_text() == "keep me"
    renamed = study.quiz.export_cards("anki", target, "rename")[0]
    assert renamed.name == "llm (2).apkg" and target.read_text() == "keep me"
    study.quiz.export_cards("anki", target, "overwrite")
    assert zipfile.is_zipfile(target)
    with pytest.raises(ExportError, match="Unknown card format"):
        study.quiz.export_cards("pdf", tmp_path / "x.pdf")


def test_card_export_never_writes_through_a_link_or_onto_a_device(study, tmp_path):
    import pytest

    from companion.export import ExportError

    link = tmp_path / "cards.apkg"
    link.symlink_to(tmp_path / "elsewhere.apkg")
    with pytest.raises(ExportError, match="symbolic link"):
        study.quiz.export_cards("anki", link, "overwrite")
    assert not (tmp_path / "elsewhere.apkg").exists()
    fifo = tmp_path / "cards.csv"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        study.quiz.export_cards("csv", fifo, "overwrite")
