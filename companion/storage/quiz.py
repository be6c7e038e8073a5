"""Quiz storage: runs and attempts, FSRS review cards, generated questions, flags.

The FSRS card is kept as the ``fsrs`` package's own JSON (so nothing of its
state is lost between sessions) beside a plain ``due`` column that SQL can
index and compare. Timestamps are UTC ISO strings with whole seconds, so
comparing them as text orders them in time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from companion.curriculum import Question
from companion.text import utc_stamp


@dataclass(frozen=True)
class ReviewCard:
    question_id: str
    day: int
    card_json: str  # fsrs.Card.to_json()
    due: str
    created: str
    updated: str


@dataclass(frozen=True)
class CardUpdate:
    """A card's new FSRS state, plus the rating that produced it (None for a new card)."""

    card_json: str
    due: str
    rating: int | None = None
    source: str = "review"  # "review" or "quiz" (a miss during a quiz)


@dataclass(frozen=True)
class Score:
    correct: int
    total: int

    @property
    def fraction(self) -> float:
        return self.correct / self.total if self.total else 0.0


# ----- runs and attempts ------------------------------------------------------------------
def start_run(db: sqlite_utils.Database, day: int, total: int, kind: str = "bank") -> int:
    with db.conn:
        cur = db.execute("INSERT INTO quiz_runs(day, kind, started, total) VALUES (?, ?, ?, ?)",
                         [day, kind, utc_stamp(), total])
    return int(cur.lastrowid)


def finish_run(db: sqlite_utils.Database, run_id: int, correct: int) -> None:
    with db.conn:
        db.execute("UPDATE quiz_runs SET finished = ?, correct = ? WHERE id = ?",
                   [utc_stamp(), correct, run_id])


def record_attempt(db: sqlite_utils.Database, run_id: int | None, question_id: str, day: int,
                   chosen: int, correct: bool, card: CardUpdate | None = None,
                   at: dt.datetime | None = None) -> None:
    """Save an answer and, for a miss, its review card, in one transaction."""
    stamp = utc_stamp(at)
    with db.conn:
        db.execute(
            "INSERT INTO quiz_attempts(run_id, question_id, day, chosen, correct, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", [run_id, question_id, day, chosen, int(correct), stamp])
        if card is not None:
            _write_card(db, question_id, day, card, stamp)


def attempts(db: sqlite_utils.Database, run_id: int) -> list[tuple[str, int, bool]]:
    """(question id, chosen option, correct) for one run, in answer order."""
    rows = db.execute("SELECT question_id, chosen, correct FROM quiz_attempts WHERE run_id = ? "
                      "ORDER BY id", [run_id])
    return [(q, chosen, bool(ok)) for q, chosen, ok in rows]


def best_scores(db: sqlite_utils.Database, kind: str = "bank") -> dict[int, Score]:
    """Each day's best finished run: the score that decides mastery."""
    rows = db.execute(
        "SELECT day, correct, total FROM quiz_runs WHERE finished IS NOT NULL AND kind = ? "
        "AND total > 0", [kind])
    best: dict[int, Score] = {}
    for day, correct, total in rows:
        score = Score(correct, total)
        if day not in best or score.fraction > best[day].fraction:
            best[day] = score
    return best


def activity_stamps(db: sqlite_utils.Database) -> list[str]:
    """When the learner answered or reviewed anything (for the streak)."""
    rows = db.execute("SELECT answered_at FROM quiz_attempts UNION ALL "
                      "SELECT reviewed_at FROM review_log")
    return [r[0] for r in rows]


# ----- review cards -----------------------------------------------------------------------
def _write_card(db: sqlite_utils.Database, question_id: str, day: int, card: CardUpdate,
                stamp: str) -> None:
    db.execute(
        "INSERT INTO review_cards(question_id, day, card, due, created, updated) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(question_id) DO UPDATE SET "
        "card = excluded.card, due = excluded.due, updated = excluded.updated",
        [question_id, day, card.card_json, card.due, stamp, stamp])
    if card.rating is not None:
        db.execute("INSERT INTO review_log(question_id, day, rating, source, reviewed_at, "
                   "due_after) VALUES (?, ?, ?, ?, ?, ?)",
                   [question_id, day, card.rating, card.source, stamp, card.due])


def save_review(db: sqlite_utils.Database, question_id: str, day: int, card: CardUpdate,
                at: dt.datetime | None = None) -> None:
    with db.conn:
        _write_card(db, question_id, day, card, utc_stamp(at))


_CARD_COLUMNS = "question_id, day, card, due, created, updated"


def get_card(db: sqlite_utils.Database, question_id: str) -> ReviewCard | None:
    row = db.execute(f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE question_id = ?",
                     [question_id]).fetchone()
    return ReviewCard(*row) if row else None


def due_cards(db: sqlite_utils.Database, now: dt.datetime | None = None,
              limit: int | None = None) -> list[ReviewCard]:
    sql = f"SELECT {_CARD_COLUMNS} FROM review_cards WHERE due <= ? ORDER BY due, question_id"
    params: list = [utc_stamp(now)]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [ReviewCard(*r) for r in db.execute(sql, params)]


def due_counts(db: sqlite_utils.Database, now: dt.datetime | None = None) -> dict[int, int]:
    rows = db.execute("SELECT day, count(*) FROM review_cards WHERE due <= ? GROUP BY day",
                      [utc_stamp(now)])
    return {day: n for day, n in rows}


def next_due(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT min(due) FROM review_cards").fetchone()
    return row[0] if row else None


def reviews_by_date(db: sqlite_utils.Database) -> list[str]:
    """Timestamps of reviews done in the review queue (not quiz misses)."""
    rows = db.execute("SELECT reviewed_at FROM review_log WHERE source = 'review' ORDER BY id")
    return [r[0] for r in rows]


# ----- generated questions ----------------------------------------------------------------
def save_generated(db: sqlite_utils.Database, question: Question, passage: str,
                   model: str) -> None:
    with db.conn:
        db.execute(
            "INSERT OR IGNORE INTO generated_questions(id, day, section, question, options, "
            "answer, explanation, passage, model, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [question.id, question.day, question.section, question.question,
             json.dumps(list(question.options)), question.answer, question.explanation,
             passage, model, utc_stamp()])


_GEN_COLUMNS = "id, day, section, question, options, answer, explanation"


def _as_question(row: tuple) -> Question:
    qid, day, section, text, options, answer, explanation = row
    return Question(id=qid, kind="choice", question=text, options=tuple(json.loads(options)),
                    answer=answer, explanation=explanation, section=section, day=day,
                    generated=True)


def generated(db: sqlite_utils.Database, day: int | None = None) -> list[Question]:
    """Generated questions the learner has not flagged, oldest first."""
    sql = f"SELECT {_GEN_COLUMNS} FROM generated_questions WHERE flagged_at IS NULL"
    params: list = []
    if day is not None:
        sql += " AND day = ?"
        params.append(day)
    return [_as_question(r) for r in db.execute(sql + " ORDER BY created, id", params)]


def get_generated(db: sqlite_utils.Database, question_id: str) -> Question | None:
    row = db.execute(f"SELECT {_GEN_COLUMNS} FROM generated_questions "
                     "WHERE id = ? AND flagged_at IS NULL", [question_id]).fetchone()
    return _as_question(row) if row else None


def generated_texts(db: sqlite_utils.Database) -> list[str]:
    """Every generated question ever kept, flagged ones too, so they are not made again."""
    return [r[0] for r in db.execute("SELECT question FROM generated_questions")]


def flag_generated(db: sqlite_utils.Database, question_id: str, reason: str = "") -> bool:
    """Hide a bad generated question for good, and drop its review card."""
    with db.conn:
        cur = db.execute("UPDATE generated_questions SET flagged_at = ?, flag_reason = ? "
                         "WHERE id = ? AND flagged_at IS NULL", [utc_stamp(), reason, question_id])
        db.execute("DELETE FROM review_cards WHERE question_id = ?", [question_id])
    return cur.rowcount > 0


def flagged_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM generated_questions WHERE flagged_at IS NOT NULL"
                      ).fetchone()[0]


def delete_card(db: sqlite_utils.Database, question_id: str) -> None:
    """Drop a card whose question no longer exists (it could never be reviewed)."""
    with db.conn:
        db.execute("DELETE FROM review_cards WHERE question_id = ?", [question_id])
