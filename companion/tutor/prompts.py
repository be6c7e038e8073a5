"""What the tutor is told. Short and plain: a 135M model follows short prompts best."""

from __future__ import annotations

from companion.tutor.retrieval import Passage

SYSTEM = (
    "You are a friendly tutor in a course about large language models. "
    "Answer the learner's question in a few clear sentences. "
    "Use the course passages when they are given and cite them like [1]. "
    "If you are not sure, say so."
)

EXPLAIN_SYSTEM = (
    "You are a programming tutor in a course about large language models. "
    "Explain what the code does, step by step, in plain language."
)

NOT_GROUNDED = "⚠ Not from the course material: verify this answer."


def passages_block(passages: list[Passage]) -> str:
    return "\n\n".join(
        f"[{p.citation.number}] {p.citation.label()[len(f'[{p.citation.number}] '):]}\n{p.text}"
        for p in passages)


def question_message(question: str, new: list[Passage], known: list[int]) -> str:
    """The user turn: new passages (old ones are already in the conversation) + question."""
    parts = []
    if new:
        parts.append(("More course text:\n\n" if known else "Course passages:\n\n")
                     + passages_block(new))
    if known:
        parts.append("(See also " + ", ".join(f"[{n}]" for n in known) + " above.)")
    parts.append(f"Question: {question}")
    return "\n\n".join(parts)


def explain_message(code: str, language: str, cut_note: str = "") -> str:
    note = f"\n\n(Note: {cut_note})" if cut_note else ""
    return f"Explain this {language or 'code'}:\n\n```{language}\n{code}\n```{note}"
