"""Small key/value preferences (start date, chosen model, ...)."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

START_DATE = "start_date"
TUTOR_MODEL = "tutor_model"


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
