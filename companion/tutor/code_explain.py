"""Code explanations, course first: the lesson's own note, or a structural walk-through.

1. A lesson code block (matched by its lines) gets its authored note from the
   curriculum: summary, line-by-line walk-through and expected output.
2. Other Python gets a walk-through built with ``ast`` (``code_walk``), plus links to
   the course sections that use the same operations.
3. Then the model explains, and every sentence is checked against the note, the
   walk-through and the linked sections, like the tutor's answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from companion.curriculum import Course
from companion.curriculum.model import CodeNote
from companion.jobs import JobContext
from companion.text import fit_lines
from companion.tutor import prompts
from companion.tutor.code_walk import walk
from companion.tutor.engine import Engine
from companion.tutor.retrieval import Citation, find, passages_for
from companion.tutor.support import Checker, Verdict, split_complete

MAX_TOKENS = 200


@dataclass
class CodeExplanation:
    text: str  # everything shown as fact (answer + checked elaboration)
    code: str  # the code the model actually saw
    cut_note: str
    stats: dict
    model: str
    stopped: bool
    answer: str = ""  # the course's note or the structural walk-through (Markdown)
    source: str = ""  # "lesson note" or "walk-through"
    elaboration: list[str] = field(default_factory=list)
    unsupported: list[Verdict] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"answer": self.answer, "source": self.source,
                "elaboration": " ".join(self.elaboration),
                "unsupported": [v.to_json() for v in self.unsupported],
                "citations": [c.to_json() for c in self.citations], "model": self.model,
                "cut_note": self.cut_note, "stopped": self.stopped, **self.stats}

    def markdown(self) -> str:
        blocks = [f"**{prompts.FROM_COURSE}**" if self.source == "lesson note"
                  else "**Walk-through (from the code itself)**", self.answer]
        if self.citations:
            blocks.append("Course sections with the same operations: " + "; ".join(
                f"[Day {c.day} · {c.title}](lesson:{c.day}#{c.section})" for c in self.citations))
        if self.elaboration:
            blocks += [f"**{prompts.EXPLANATION}**", " ".join(self.elaboration)]
        if self.unsupported:
            blocks.append(f"*{prompts.HELD_BACK}: {len(self.unsupported)} model sentence(s) "
                          "held back*\n\n" + "\n".join(
                              f"- ⚠ *{v.sentence}* ({v.reason})" for v in self.unsupported))
        if self.stopped:
            blocks.append("*(stopped)*")
        return "\n\n".join(blocks)


def _normal_lines(code: str) -> list[str]:
    lines = []
    for line in code.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(" ".join(line.split()))
    return lines


def lesson_note(course: Course, code: str) -> tuple[int, str, CodeNote] | None:
    """(day, section id, note) of the lesson block this code is (most of), if any."""
    pasted = _normal_lines(code)
    if not pasted:
        return None
    best, best_share = None, 0.0
    for day in course.days:
        for block in day.code_blocks():
            theirs = set(_normal_lines(block.code))
            if not theirs:
                continue
            share = sum(1 for line in pasted if line in theirs) / len(pasted)
            cover = len(theirs & set(pasted)) / len(theirs)
            note = day.code_note(block.number)
            # a whole block, or a telling excerpt of it (two or more of its lines)
            if note and share >= 0.8 and (cover >= 0.5 or len(pasted) >= 2) and \
                    share + cover > best_share:
                best, best_share = (day.number, block.section, note), share + cover
    return best


_CODE_LINE = re.compile(r"^\s{2,}\S|[=(\[{]|^\s*(def|class|import|from|for|if|return)\b")


def code_in(question: str) -> str:
    """The code pasted into a question (lines that look like code), or ""."""
    lines = [line for line in question.splitlines() if line.strip()]
    code = [line for line in lines[1:] if _CODE_LINE.search(line)]
    return "\n".join(code) if len(code) >= 1 and len(lines) >= 2 else ""


def question_hint(course: Course, question: str) -> tuple[str, tuple[int, str] | None]:
    """Extra search words and the preferred section for a question that holds code.

    A lesson's own code block points at its section; other code adds the words of the
    operations it uses (``np.exp`` over a sum -> "softmax").
    """
    code = code_in(question)
    if not code:
        return "", None
    found = lesson_note(course, code)
    if found is not None:
        return "", (found[0], found[1])
    tour = walk(code)
    return " ".join(dict.fromkeys(tour.search_words)), None


def note_markdown(note: CodeNote) -> str:
    parts = [note.summary]
    if note.walkthrough:
        parts.append(note.walkthrough)
    if note.output:
        parts.append(f"Expected output:\n\n```text\n{note.output.rstrip()}\n```")
    return "\n\n".join(parts)


def fit_code(engine: Engine, code: str, language: str, max_tokens: int = MAX_TOKENS,
             reserved: int = 0) -> tuple[str, str]:
    """The code cut at a line boundary so the prompt fits, plus a notice if it was cut."""
    budget = engine.n_ctx - max_tokens - engine.count(prompts.EXPLAIN_SYSTEM) - 96 - reserved
    if engine.count(code) <= budget:
        return code, ""
    lines = code.splitlines()
    kept, lo = fit_lines(code, budget, engine.count)
    if not lo:  # one enormous line: cut inside it
        kept = engine.cut(code, budget)
    shown = lo or len(kept.splitlines())
    return kept, (f"The code is too long for the model's context: only the first {shown} of "
                  f"{len(lines)} lines were explained.")


def course_part(code: str, language: str, course: Course | None) -> CodeExplanation:
    """What the learner reads first (no model): the lesson's note or the walk-through."""
    result = CodeExplanation("", code, "", {}, "", False)
    found = lesson_note(course, code) if course is not None else None
    if found is not None:
        day, section_id, note = found
        section = course.day(day).section(section_id)
        result.answer, result.source = note_markdown(note), "lesson note"
        result.citations = [Citation(1, "lesson", day, section_id,
                                     section.title if section else section_id, note.summary)]
        return result
    tour = walk(code) if language in ("python", "py", "python3", "") else None
    result.source = "walk-through"
    result.answer = tour.markdown() if tour else (
        "No walk-through for this language; only the model's explanation follows.")
    if course is not None and tour and tour.search_words:
        hit = find(course, " ".join(dict.fromkeys(tour.search_words)))
        result.citations = [p.citation for p in passages_for(None, course, hit, limit=2)] \
            if hit.ranked else []
        if not hit.on_course and hit.ranked:  # operations rarely read like a question
            top = hit.ranked[0].section
            result.citations = [Citation(1, "lesson", top.day, top.id, top.title, "")]
    return result


def explain_code(engine: Engine | None, code: str, language: str = "python",
                 ctx: JobContext | None = None, max_tokens: int = MAX_TOKENS,
                 course: Course | None = None,
                 before_model: Callable[[CodeExplanation], None] | None = None
                 ) -> CodeExplanation:
    """The course part, then (with an engine) the model's checked explanation."""
    if not code.strip():
        raise ValueError("Paste some code to explain first.")
    ctx = ctx or JobContext()
    result = course_part(code, language, course)
    if before_model is not None:
        before_model(result)
    if engine is None:
        result.text = result.answer
        return result
    context = result.answer
    sections = []
    if course is not None:
        for c in result.citations:
            section = course.day(c.day).section(c.section)
            if section is not None:
                sections.append(section.body[:800])
    kept, note = fit_code(engine, code, language, max_tokens,
                          reserved=engine.count(context) + 16)
    messages = [{"role": "system", "content": prompts.EXPLAIN_SYSTEM},
                {"role": "user", "content": prompts.explain_message(kept, language, note)
                 + f"\n\nWhat the course says about it:\n{context}"}]
    checker = Checker([context, *sections, kept], "", 0,
                      {c.day for c in result.citations})
    ctx.status("Reading the code…")
    pending = ""
    first = True
    for piece in engine.stream_chat(messages, max_tokens, ctx.cancel_event):
        if first:
            ctx.status("Writing…")
            first = False
        pending += piece
        done, pending = split_complete(pending)
        for sentence in done:
            _judge(checker, sentence, result, ctx)
    s = engine.last
    if pending.strip() and not s.stopped:
        _judge(checker, pending, result, ctx)
    result.code, result.cut_note = kept, note
    result.stats, result.model, result.stopped = s.as_dict(), engine.name, s.stopped
    result.text = "\n\n".join([result.answer, " ".join(result.elaboration)]).strip()
    return result


def _judge(checker: Checker, sentence: str, result: CodeExplanation, ctx: JobContext) -> None:
    verdict = checker.check(sentence)
    if verdict.supported:
        result.elaboration.append(verdict.sentence)
        ctx.emit(verdict.sentence + " ")
    elif len(verdict.sentence.split()) >= 3:  # not a cut-off fragment
        result.unsupported.append(verdict)
