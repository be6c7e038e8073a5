"""What the tutor is told, and how its labelled answer parts read as Markdown.

Short and plain: a 135M model follows short prompts best. The model is asked to
explain the course text it is given, not to answer from memory, because every
sentence it writes is checked against that text before it is shown.
"""

from __future__ import annotations

from typing import Any

from companion.tutor.retrieval import Passage

SYSTEM = (
    "You explain a course text to a beginner. Rewrite the course text in two short, simple "
    "sentences, keeping its words. Do not add anything."
)

ANYWAY_SYSTEM = (
    "You are a helpful assistant. Answer the question in two or three short sentences. "
    "If you are not sure, say so."
)

EXPLAIN_SYSTEM = (
    "You are a programming tutor in a course about large language models. "
    "Explain what the code does, step by step, in plain language."
)

NOT_GROUNDED = "⚠ Not from the course material: verify this answer."
OFF_COURSE = "The course does not cover this question, so there is no course answer to show."
# a question the gate rejected by only a little (off_course.py): honest, with where to look
MAY_NOT_COVER = "The course may not cover this question."
NEAREST = "Closest section"
ANYWAY_WARNING = ("⚠ Not from the course: this is the model's own answer, unchecked. "
                  "Small models often state wrong things confidently; verify it elsewhere.")
FROM_COURSE = "From the course"
EXPLANATION = "The tutor's explanation (model-written, each sentence checked against the course)"
HELD_BACK = "Not in the course: check"


def passages_block(passages: list[Passage]) -> str:
    # numbers only: a small model echoes "Day 4 · title" headers back as if they were prose
    return "\n\n".join(f"[{p.citation.number}] {p.text}" for p in passages)


def question_message(question: str, new: list[Passage], known: list[int]) -> str:
    """The user turn: new passages (old ones are already in the conversation) + question."""
    parts = []
    if new:
        parts.append(("More course text:\n\n" if known else "Course text:\n\n")
                     + passages_block(new))
    if known:
        parts.append("(See also " + ", ".join(f"[{n}]" for n in known) + " above.)")
    parts.append(f"Question: {question}")
    return "\n\n".join(parts)


def explain_message(code: str, language: str, cut_note: str = "") -> str:
    note = f"\n\n(Note: {cut_note})" if cut_note else ""
    return f"Explain this {language or 'code'}:\n\n```{language}\n{code}\n```{note}"


def excerpt_markdown(excerpt: list[dict]) -> str:
    """The course's sentences, quoted, each part linked to its lesson section."""
    return "\n\n".join(
        f"> {p['text']}\n\n— [Day {p['day']} · {p['title']}](lesson:{p['day']}#{p['section']})"
        for p in excerpt)


def answer_markdown(parts: dict[str, Any], pending: bool = False, held_link: str = "") -> str:
    """A saved answer's labelled parts as Markdown (transcript, notes and chat export).

    With ``held_link`` the held-back sentences are only counted, with that link to show
    them (the transcript keeps them folded; notes and exports list them).
    """
    blocks: list[str] = [f"*{n}*" for n in parts.get("notices", [])]
    near = parts.get("closest")
    if parts.get("not_from_course") and near:  # borderline: "may not", and where to look
        blocks.append(f"**{MAY_NOT_COVER}** {NEAREST}: "
                      f"[Day {near['day']} · {near['title']}]({near['link']})")
        if parts.get("anyway") and (parts.get("unchecked") or pending):
            blocks += [f"**{ANYWAY_WARNING}**", parts.get("unchecked", "")]
    elif parts.get("not_from_course"):
        blocks.append(f"**{OFF_COURSE}**")
        if parts.get("anyway") and (parts.get("unchecked") or pending):
            blocks += [f"**{ANYWAY_WARNING}**", parts.get("unchecked", "")]
    else:
        blocks += [f"**{FROM_COURSE}**", excerpt_markdown(parts.get("excerpt", []))]
        if parts.get("elaboration") or pending:
            blocks += [f"**{EXPLANATION}**", parts.get("elaboration", "")]
        held = parts.get("unsupported", [])
        if held:
            count = f"{len(held)} model sentence{'s' if len(held) != 1 else ''} held back"
            if held_link:
                blocks.append(f"*{HELD_BACK}: {count}* · [show them]({held_link})")
            else:
                lines = "\n".join(f"- ⚠ *{v['sentence']}* ({v['reason']})" for v in held)
                blocks.append(f"*{HELD_BACK}: {count}*\n\n{lines}")
    if parts.get("stopped"):
        blocks.append("*(stopped)*")
    return "\n\n".join(b for b in blocks if b)
