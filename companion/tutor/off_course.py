"""What the tutor says when the course may not answer a question ("borderline").

The off-course gate (``gate.py``) sometimes rejects a question by only a little: a long
casual course question, or an everyday question that shares a topic word with the
course. A flat "the course does not cover this" would be wrong for the first kind, so
such a question gets one plain line saying the course *may* not cover it, and the
closest section as a link to open (not a citation: nothing from it is shown as the
answer). "Answer anyway" still offers the model's own, unchecked answer.
"""

from __future__ import annotations

from typing import Any

from companion.tutor import prompts
from companion.tutor.retrieval import Found

MAY_NOT_COVER = prompts.MAY_NOT_COVER
NEAREST = prompts.NEAREST


def closest(found: Found | None) -> dict[str, Any] | None:
    """The closest section of a borderline question, as JSON; None otherwise."""
    if found is None or found.on_course or not found.borderline or found.closest is None:
        return None
    s = found.closest
    return {"day": s.day, "section": s.id, "title": s.title, "link": f"lesson:{s.day}#{s.id}"}


def line(near: dict[str, Any]) -> str:
    """The plain-text line (terminal, JSON ``message``)."""
    return f"{MAY_NOT_COVER} {NEAREST}: Day {near['day']} · {near['title']}."
