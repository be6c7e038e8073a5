"""Small key/value preferences (start date, chosen model, ...)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

START_DATE = "start_date"
TUTOR_MODEL = "tutor_model"  # path of the chosen GGUF ("" or absent: the bundled model)
# the tutor on an OpenAI-compatible server instead of a local file
TUTOR_ENGINE = "tutor_engine"  # "server", or "file"/absent for a local GGUF
SERVER_URL = "tutor_server_url"  # base URL, e.g. http://127.0.0.1:8080/v1
SERVER_MODEL = "tutor_server_model"  # the server's model id ("": its first model)
# the name of an environment variable holding the API key (never the key itself: the
# key is kept by companion.tutor.api_key, in the system keyring where there is one)
SERVER_KEY_ENV = "tutor_server_key_env"
MODEL_SUGGESTION_DISMISSED = "model_suggestion_dismissed"  # catalog id the learner waved off


def get(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db: sqlite_utils.Database, key: str, value: str) -> None:
    with db.conn:
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def start_date(db: sqlite_utils.Database) -> dt.date | None:
    value = get(db, START_DATE)
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def set_start_date(db: sqlite_utils.Database, date: dt.date) -> None:
    put(db, START_DATE, date.isoformat())


def today_number(db: sqlite_utils.Database, days: int, today: dt.date | None = None) -> int | None:
    """Which course day "today" is, clamped to the course, or None before a start date."""
    start = start_date(db)
    if start is None:
        return None
    offset = ((today or dt.date.today()) - start).days
    return min(max(offset + 1, 1), days)
