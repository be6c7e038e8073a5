"""Versioned schema: one named migration per step.

``SCHEMA_VERSION`` is stored in ``PRAGMA user_version`` after migrating so a
file from a newer app can be recognised and refused before anything touches it.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("companion")

USER_TABLES = ("settings", "task_progress", "notes")


def _run(db: sqlite_utils.Database, *statements: str) -> None:
    for sql in statements:
        db.execute(sql)


def _count_changes(db: sqlite_utils.Database, table: str) -> None:
    """Triggers that bump a counter so backups know whether anything changed."""
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counts "
            f"AFTER {event} ON {table} BEGIN "
            "UPDATE change_counter SET value = value + 1 WHERE id = 1; END"
        )


@migrations()
def m001_core_tables(db: sqlite_utils.Database) -> None:
    # The foundation: settings, checklist progress, notes, and the change counter.
    _run(
        db,
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE task_progress (
            task_id TEXT PRIMARY KEY, day INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0, done_at TEXT)""",
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY, day INTEGER NOT NULL, task_id TEXT,
            title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL, updated TEXT NOT NULL)""",
        "CREATE UNIQUE INDEX notes_day_task ON notes(day, ifnull(task_id, ''))",
        "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER)",
        "INSERT INTO change_counter VALUES (1, 0)",
        "CREATE TABLE backup_state (id INTEGER PRIMARY KEY CHECK (id = 1), counter INTEGER,"
        " made_at TEXT)",
    )
    for table in USER_TABLES:
        _count_changes(db, table)


@migrations()
def m002_search_index(db: sqlite_utils.Database) -> None:
    # One FTS5 index over lesson sections and notes, so search ranks them together.
    _run(
        db,
        """CREATE VIRTUAL TABLE search_index USING fts5(
            title, body, kind UNINDEXED, day UNINDEXED, ref UNINDEXED,
            tokenize = 'porter unicode61')""",
    )


@migrations()
def m003_chats(db: sqlite_utils.Database) -> None:
    # Tutor conversations are kept so a learner can reread and export them.
    _run(
        db,
        """CREATE TABLE chats (
            id INTEGER PRIMARY KEY, title TEXT NOT NULL, day INTEGER,
            created TEXT NOT NULL, updated TEXT NOT NULL)""",
        """CREATE TABLE chat_messages (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            role TEXT NOT NULL, content TEXT NOT NULL,
            citations TEXT NOT NULL DEFAULT '[]', created TEXT NOT NULL)""",
        "CREATE INDEX chat_messages_chat ON chat_messages(chat_id)",
    )
    for table in ("chats", "chat_messages"):
        _count_changes(db, table)


@migrations()
def m004_quiz(db: sqlite_utils.Database) -> None:
    # Quizzes: attempts and runs for mastery, FSRS review cards, checked model questions.
    _run(
        db,
        """CREATE TABLE quiz_runs (
            id INTEGER PRIMARY KEY, day INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'bank',
            started TEXT NOT NULL, finished TEXT,
            correct INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL)""",
        """CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES quiz_runs(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL, day INTEGER NOT NULL, chosen INTEGER NOT NULL,
            correct INTEGER NOT NULL, answered_at TEXT NOT NULL)""",
        "CREATE INDEX quiz_attempts_day ON quiz_attempts(day)",
        """CREATE TABLE review_cards (
            question_id TEXT PRIMARY KEY, day INTEGER NOT NULL, card TEXT NOT NULL,
            due TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL)""",
        "CREATE INDEX review_cards_due ON review_cards(due)",
        """CREATE TABLE review_log (
            id INTEGER PRIMARY KEY, question_id TEXT NOT NULL, day INTEGER NOT NULL,
            rating INTEGER NOT NULL, source TEXT NOT NULL DEFAULT 'review',
            reviewed_at TEXT NOT NULL, due_after TEXT NOT NULL)""",
        """CREATE TABLE generated_questions (
            id TEXT PRIMARY KEY, day INTEGER NOT NULL, section TEXT NOT NULL,
            question TEXT NOT NULL, options TEXT NOT NULL, answer INTEGER NOT NULL,
            explanation TEXT NOT NULL, passage TEXT NOT NULL, model TEXT NOT NULL,
            created TEXT NOT NULL, flagged_at TEXT, flag_reason TEXT)""",
    )
    for table in ("quiz_runs", "quiz_attempts", "review_cards", "review_log",
                  "generated_questions"):
        _count_changes(db, table)


@migrations()
def m005_answer_parts(db: sqlite_utils.Database) -> None:
    # A tutor answer has labelled parts (course excerpt, checked explanation, held-back
    # sentences, off-course warning) that notes and exports must keep apart.
    _run(db, "ALTER TABLE chat_messages ADD COLUMN parts TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m006_study_methods(db: sqlite_utils.Database) -> None:
    # Issue 14: options are shuffled per attempt (the order shown is kept so history stays
    # right), a quiz stopped part-way is recorded as stopped, and explain-it-back attempts
    # are saved with what the checker found.
    _run(
        db,
        "ALTER TABLE quiz_attempts ADD COLUMN option_order TEXT",
        "ALTER TABLE quiz_runs ADD COLUMN stopped TEXT",
        """CREATE TABLE explain_attempts (
            id INTEGER PRIMARY KEY, concept_id TEXT NOT NULL, day INTEGER NOT NULL,
            text TEXT NOT NULL, covered TEXT NOT NULL, missing TEXT NOT NULL,
            misconceptions TEXT NOT NULL, complete INTEGER NOT NULL, created TEXT NOT NULL)""",
        "CREATE INDEX explain_attempts_concept ON explain_attempts(concept_id)",
    )
    _count_changes(db, "explain_attempts")


SCHEMA_VERSION = len(migrations._migrations)
