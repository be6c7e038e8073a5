"""Quiz storage: runs and attempts, FSRS review cards, generated questions, flags.

The FSRS card is kept as the ``fsrs`` package's own JSON (so nothing of its
state is lost between sessions) beside a plain ``due`` column that SQL can
index and compare. Timestamps are UTC ISO strings with whole seconds, so
comparing them as text orders them in time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
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
                   at: dt.datetime | None = None, order: Sequence[int] | None = None) -> None:
    """Save an answer and, for a miss, its review card, in one transaction.

    ``chosen`` is the bank's index of the option picked; ``order`` is the order the
    options were shown in (bank indices), so a shuffled attempt can be replayed exactly.
    """
    stamp = utc_stamp(at)
    shown = json.dumps(list(order)) if order is not None else None
    with db.conn:
        db.execute(
            "INSERT INTO quiz_attempts(run_id, question_id, day, chosen, correct, answered_at, "
            "option_order) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, question_id, day, chosen, int(correct), stamp, shown])
        if card is not None:
            _write_card(db, question_id, day, card, stamp)


def attempts(db: sqlite_utils.Database, run_id: int) -> list[tuple[str, int, bool]]:
    """(question id, chosen option, correct) for one run, in answer order."""
    rows = db.execute("SELECT question_id, chosen, correct FROM quiz_attempts WHERE run_id = ? "
                      "ORDER BY id", [run_id])
    return [(q, chosen, bool(ok)) for q, chosen, ok in rows]


@dataclass(frozen=True)
class Attempt:
    """One saved answer, with the order its options were shown in."""

    question_id: str
    chosen: int  # index into the bank's options, whatever order they were shown in
    correct: bool
    order: tuple[int, ...] | None  # bank indices in the order shown; None: bank order

    @property
    def shown_position(self) -> int:
        """Where the chosen option stood on screen (0-based)."""
        return self.order.index(self.chosen) if self.order else self.chosen


def attempt_details(db: sqlite_utils.Database, run_id: int) -> list[Attempt]:
    rows = db.execute("SELECT question_id, chosen, correct, option_order FROM quiz_attempts "
                      "WHERE run_id = ? ORDER BY id", [run_id])
    return [Attempt(q, chosen, bool(ok), tuple(json.loads(order)) if order else None)
            for q, chosen, ok, order in rows]


def stop_run(db: sqlite_utils.Database, run_id: int, correct: int) -> None:
    """A run left before its last question: kept, marked stopped, never counted for mastery."""
    with db.conn:
        db.execute("UPDATE quiz_runs SET stopped = ?, correct = ? WHERE id = ? "
                   "AND finished IS NULL", [utc_stamp(), correct, run_id])


@dataclass(frozen=True)
class Run:
    """A quiz run as the stats list it: finished, stopped part-way, or never closed."""

    id: int
    day: int
    kind: str
    started: str
    finished: str | None
    stopped: str | None
    correct: int
    total: int
    answered: int

    @property
    def complete(self) -> bool:
        return self.finished is not None

    @property
    def ended(self) -> str:
        return self.finished or self.stopped or self.started


def runs(db: sqlite_utils.Database, limit: int | None = None) -> list[Run]:
    """Runs with at least one answer, newest first (an empty stopped run is no result).

    A run that was never closed (the app was killed) counts as stopped, with the
    answers it saved.
    """
    sql = ("SELECT r.id, r.day, r.kind, r.started, r.finished, r.stopped, "
           "sum(a.correct), r.total, count(a.id) FROM quiz_runs r "
           "JOIN quiz_attempts a ON a.run_id = r.id GROUP BY r.id ORDER BY r.started DESC, "
           "r.id DESC")
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [Run(rid, day, kind, started, finished, stopped or (None if finished else started),
                int(correct or 0), total, answered)
            for rid, day, kind, started, finished, stopped, correct, total, answered
            in db.execute(sql, params)]


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


def all_cards(db: sqlite_utils.Database) -> list[ReviewCard]:
    return [ReviewCard(*r) for r in db.execute(
        f"SELECT {_CARD_COLUMNS} FROM review_cards ORDER BY question_id")]


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


# ----- explain it back --------------------------------------------------------------------
@dataclass(frozen=True)
class Explanation:
    """A saved explain-it-back attempt: the learner's words and what the checker found."""

    id: int
    concept_id: str
    day: int
    text: str
    covered: tuple[int, ...]  # indices of the concept's key points found
    missing: tuple[int, ...]
    misconceptions: tuple[int, ...]  # indices of the concept's misconceptions matched
    complete: bool  # every key point, no misconception
    created: str


def save_explanation(db: sqlite_utils.Database, concept_id: str, day: int, text: str,
                     covered: Sequence[int], missing: Sequence[int],
                     misconceptions: Sequence[int], at: dt.datetime | None = None) -> int:
    complete = not missing and not misconceptions
    with db.conn:
        cur = db.execute(
            "INSERT INTO explain_attempts(concept_id, day, text, covered, missing, "
            "misconceptions, complete, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [concept_id, day, text, json.dumps(list(covered)), json.dumps(list(missing)),
             json.dumps(list(misconceptions)), int(complete), utc_stamp(at)])
    return int(cur.lastrowid)


def explanations(db: sqlite_utils.Database, concept_id: str | None = None) -> list[Explanation]:
    """Saved attempts, newest first (one concept's, or all)."""
    sql = ("SELECT id, concept_id, day, text, covered, missing, misconceptions, complete, "
           "created FROM explain_attempts")
    params: list = []
    if concept_id is not None:
        sql += " WHERE concept_id = ?"
        params.append(concept_id)
    rows = db.execute(sql + " ORDER BY id DESC", params)
    return [Explanation(i, c, d, t, tuple(json.loads(cov)), tuple(json.loads(mis)),
                        tuple(json.loads(wrong)), bool(done), when)
            for i, c, d, t, cov, mis, wrong, done, when in rows]


def explained_concepts(db: sqlite_utils.Database) -> set[str]:
    """Concepts the learner has explained completely at least once."""
    return {r[0] for r in db.execute(
        "SELECT DISTINCT concept_id FROM explain_attempts WHERE complete = 1")}
