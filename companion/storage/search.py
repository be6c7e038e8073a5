"""Full-text search over lesson sections and notes (SQLite FTS5, BM25 ranking).

Lesson sections are indexed at section level: a hit points at the section to
open, and the tutor uses the same index to ground its answers.

The index holds the Markdown as written, so a snippet cut out of it can start in
the middle of ``**bold**`` or a code fence. ``clean_snippet`` turns that fragment into
plain text and remembers where the matched words are (``Hit.marks``), so a view can
highlight them and a terminal can bracket them, without either seeing raw Markdown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import sqlite_utils

from companion.curriculum import Course
from companion.storage import settings

# A title match weighs more than a body match; the unindexed columns weigh nothing.
_BM25 = "bm25(search_index, 6.0, 1.0, 0.0, 0.0, 0.0)"
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
_SNIPPET_TOKENS = 20  # about two lines in the search dialog
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    kind: str  # "lesson" or "note"
    day: int
    section: str  # section id for lessons, "" for notes
    title: str
    snippet: str  # plain text (Markdown marks removed); "…" where the text was cut
    score: float
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) of each matched word in snippet

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The snippet with each matched word wrapped, e.g. ``[attention]`` for a terminal."""
        out, last = [], 0
        for start, end in self.marks:
            out += [self.snippet[last:start], before, self.snippet[start:end], after]
            last = end
        return "".join(out) + self.snippet[last:]

    def to_json(self) -> dict:
        found = asdict(self)
        found["marks"] = [list(m) for m in self.marks]
        return found


class Hits(list[Hit]):
    """One page of results, best first, and ``total``: how many there are in all."""

    def __init__(self, hits: Iterable[Hit] = (), total: int = 0) -> None:
        super().__init__(hits)
        self.total = max(total, len(self))


def index_course(db: sqlite_utils.Database, course: Course) -> bool:
    """(Re)index lesson sections when the course text changed; returns True if it did."""
    digest = hashlib.sha256(
        json.dumps([[d.number, [[s.id, s.title, s.body] for s in d.sections]]
                    for d in course.days]).encode()
    ).hexdigest()
    if settings.get(db, "course_index_digest") == digest:
        return False
    with db.conn:
        db.execute("DELETE FROM search_index WHERE kind = 'lesson'")
        db.conn.executemany(
            "INSERT INTO search_index(title, body, kind, day, ref) VALUES (?, ?, 'lesson', ?, ?)",
            [(s.title, s.body, d.number, f"lesson:{d.number}:{s.id}")
             for d in course.days for s in d.sections],
        )
        db.execute(
            "INSERT INTO settings(key, value) VALUES ('course_index_digest', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [digest])
    return True


def to_match(query: str, any_word: bool = False) -> str:
    """Turn free text into a safe FTS5 expression.

    Each whitespace-separated word becomes a quoted phrase of its parts, so
    "multi-head" matches the phrase "multi head" and no user input can inject
    FTS5 syntax.
    """
    phrases = []
    for word in query.split():
        parts = _WORD.findall(word)
        if parts:
            phrases.append('"' + " ".join(parts) + '"')
    return (" OR " if any_word else " ").join(phrases)


def _where(kinds: tuple[str, ...], day: int | None) -> tuple[str, list]:
    marks = ",".join("?" * len(kinds))
    sql = f"search_index MATCH ? AND kind IN ({marks})"
    if day is None:
        return sql, [*kinds]
    return sql + " AND day = ?", [*kinds, day]


def _matching(db: sqlite_utils.Database, query: str, kinds: tuple[str, ...],
              day: int | None) -> tuple[str, int]:
    """The FTS5 expression to use and how many rows it matches: all words if that finds
    anything, else any word. ("", 0) when the query has no words at all."""
    where, args = _where(kinds, day)
    for any_word in (False, True):
        match = to_match(query, any_word)
        if not match:
            return "", 0
        total = db.execute(f"SELECT count(*) FROM search_index WHERE {where}",
                           [match, *args]).fetchone()[0]
        if total:
            return match, total
    return "", 0


def count(db: sqlite_utils.Database, query: str, kinds: tuple[str, ...] = ("lesson", "note"),
          day: int | None = None) -> int:
    """How many results ``search`` has for ``query`` in all (every page together)."""
    return _matching(db, query, kinds, day)[1]


def search(db: sqlite_utils.Database, query: str, limit: int = 20,
           kinds: tuple[str, ...] = ("lesson", "note"), day: int | None = None,
           offset: int = 0) -> Hits:
    """Best matches first, ``limit`` of them from ``offset`` on; ``.total`` counts them all.

    All words must match; if none do, any word may. Equal scores keep the index's order,
    so the pages of one query never repeat or skip a result.
    """
    match, total = _matching(db, query, kinds, day)
    if not match:
        return Hits()
    where, args = _where(kinds, day)
    rows = db.execute(
        f"SELECT kind, day, ref, title, "
        f"snippet(search_index, 1, ?, ?, '…', {_SNIPPET_TOKENS}), {_BM25} "
        f"FROM search_index WHERE {where} ORDER BY {_BM25}, rowid LIMIT ? OFFSET ?",
        [_MARK_OPEN, _MARK_CLOSE, match, *args, max(0, limit), max(0, offset)],
    ).fetchall()
    return Hits([_hit(*r) for r in rows], total)


def _hit(kind: str, day: int, ref: str, title: str, snippet: str, rank: float) -> Hit:
    section = ref.split(":", 2)[2] if kind == "lesson" else ""
    text, marks = clean_snippet(snippet)
    return Hit(kind, int(day), section, title, text, round(-rank, 4), marks)


# ----- Markdown out of a snippet -------------------------------------------------------------
# Every pattern below is linear: no nested or overlapping repetition.
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$|^\s*\|?\s*:?-{3,}")  # --- and |---|:--| lines
_LINE_START = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?")
_CODE_SPAN = re.compile(r"(`[^`\n]*`)")
# brackets and parentheses are left out of the repeated parts, so no scan runs past the next one
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\[\]\s]*+(?:\s\"[^\"\n]*\")?\)")
_CUT_LINK_END = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\[\]\s]*+$")  # the address cut off
_CUT_LINK_START = re.compile(r"^([^\[\]\n]*)\]\([^()\[\]\s]*+(?:\)|$)")  # the "[" cut off
_STRONG = [re.compile(rf"(?<![\w{c}]){d}(?!\s)([^{c}\n]+)(?<!\s){d}(?![\w{c}])")
           for d, c in ((r"\*\*", r"*"), ("__", "_"), ("~~", "~"))]
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)([^*_\n]+)(?<!\s)\1(?![\w*])")
# what is left of a mark the snippet cut in half: "**bold" at its start, "word*" at its end
_STRAY = re.compile(r"(?:(?<=[\s(\"])|^)(?:\*\*|\*|~~)(?=\S)|(?<=[^\s*])(?:\*\*|~~)(?!\w)"
                    r"|(?<=[^\s*])\*(?=[\s.,;:!?)\"…]|$)")


def _clean_prose(text: str) -> str:
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _CUT_LINK_START.sub(r"\1", _CUT_LINK_END.sub(r"\1", text))
    text = _EMPHASIS.sub(r"\2", text)  # first: "**a *b* c**" is strong around emphasis
    for strong in _STRONG:
        text = strong.sub(r"\1", text)
    return _STRAY.sub("", text)


def _clean_line(line: str) -> str:
    """One line of prose as plain text; inline code keeps its text exactly (``__init__``)."""
    if _RULE.match(line):
        return ""
    line = _LINE_START.sub("", line, count=1)
    if line.startswith("|") or line.rstrip().endswith("|"):  # a table row: cells in a row
        line = " · ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip())
    parts = _CODE_SPAN.split(line)
    for i in range(0, len(parts), 2):
        parts[i] = _clean_prose(parts[i]).replace("`", "")
    for i in range(1, len(parts), 2):
        parts[i] = parts[i][1:-1]
    return "".join(parts)


def clean_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Plain text of a snippet FTS5 cut out of Markdown, and where its marked words are.

    ``raw`` has each matched word between the markers \\x02 and \\x03; they come out of
    the text and into the returned (start, end) pairs. Code (fenced or inline) keeps its
    characters; only the fences and backticks go.
    """
    head = "…" if raw.startswith("…") else ""
    tail = "…" if raw.endswith("…") and len(raw) > 1 else ""
    body = raw[len(head):len(raw) - len(tail)]
    raw_lines = body.splitlines()
    fences = [line.strip() for line in raw_lines if _FENCE.match(line)]
    # an odd number of fences whose first has no language: the snippet began inside a block
    in_code = len(fences) % 2 == 1 and fences[0] in ("```", "~~~")
    lines = []
    for line in raw_lines:
        if _FENCE.match(line):
            in_code = not in_code
        elif in_code:
            lines.append(line)
        else:
            lines.append(_clean_line(line))
    text = head + " ".join(" ".join(lines).split()) + tail
    plain: list[str] = []
    marks: list[tuple[int, int]] = []
    start: int | None = None
    for ch in text:
        if ch == _MARK_OPEN:
            start = len(plain) if start is None else start
        elif ch == _MARK_CLOSE:
            if start is not None and len(plain) > start:
                marks.append((start, len(plain)))
            start = None
        else:
            plain.append(ch)
    return "".join(plain), _merge(marks)


def _merge(marks: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Touching marks become one ("multi-head" is marked as "multi" and "head")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
