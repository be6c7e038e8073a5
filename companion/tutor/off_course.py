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

MAY_NOT_COVER = "The course may not cover this question."
CLOSEST = "Closest course section, which may not answer it"  # in saved notices
NEAREST = "Closest section"  # after MAY_NOT_COVER, which already says "may not"


def closest(found: Found | None) -> dict[str, Any] | None:
    """The closest section of a borderline question, as JSON; None otherwise."""
    if found is None or found.on_course or not found.borderline or found.closest is None:
        return None
    s = found.closest
    return {"day": s.day, "section": s.id, "title": s.title, "link": f"lesson:{s.day}#{s.id}"}


def notice(near: dict[str, Any]) -> str:
    """The closest section as one Markdown line with a link the panel opens."""
    return f"{CLOSEST}: [Day {near['day']} · {near['title']}]({near['link']})"


def line(near: dict[str, Any]) -> str:
    """The plain-text line (terminal, JSON ``message``)."""
    return f"{MAY_NOT_COVER} {NEAREST}: Day {near['day']} · {near['title']}."


def answer_markdown(parts: dict[str, Any]) -> str:
    """An off-course answer as notes and exports keep it (a borderline one says "may not")."""
    return soften(prompts.answer_markdown(parts))


def soften(markdown: str, off_course: str = prompts.OFF_COURSE) -> str:
    """Replace "*notice*" followed by the flat refusal with one honest "may not" line.

    A borderline answer is saved with its closest section as a notice (``parts``), which
    the shared renderer puts above the flat refusal ``off_course``; the transcript reads
    better as "The course may not cover this question. Closest section: ...".
    """
    marker = f"*{CLOSEST}: "
    refusal = f"**{off_course}**"
    out, rest = [], markdown
    while marker in rest:
        head, _, tail = rest.partition(marker)
        link, sep, after = tail.partition("*\n\n" + refusal)
        if not sep:  # not the pair this function rewrites: leave it as it is
            out.append(head + marker)
            rest = tail
            continue
        out.append(f"{head}**{MAY_NOT_COVER}** {NEAREST}: {link}")
        rest = after
    return "".join(out) + rest
