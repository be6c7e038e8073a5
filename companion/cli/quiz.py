"""``companion quiz`` and ``companion review``: the quiz and the review queue in a terminal.

Answers are read line by line from stdin, so the commands work typed by hand
and piped from a file or a script alike; end of input stops cleanly, keeping
every answer given so far. Options are shuffled for every attempt; ``--seed``
fixes the order, for scripts that pipe answers by number.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from typing import TextIO, TypeVar

from companion.cli.errors import UserError, check_range, require_input, require_output
from companion.cli.study import open_study
from companion.curriculum import Question
from companion.quiz import bank, practice, scheduling
from companion.quiz.review import ReviewSession
from companion.quiz.session import QuizSession

T = TypeVar("T")
STOP = object()  # the learner typed q, or input ended


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("quiz", help="take a day's quiz in the terminal",
                              description="Take a day's quiz; with --json, print its questions.")
    p.add_argument("--day", type=int, help="course day (default: today's day)")
    p.add_argument("--json", action="store_true", help="print the day's question bank as JSON")
    p.add_argument("--seed", type=int, help="fix the shuffled option order (for scripts)")
    p.set_defaults(func=cmd_quiz)
    p = subparsers.add_parser("review", help="review the quiz questions that are due",
                              description="Spaced review (FSRS) of questions you missed.")
    p.add_argument("--json", action="store_true", help="list due cards as JSON")
    p.add_argument("--limit", type=int, default=50,
                   help="review at most this many cards (1-10000)")
    p.add_argument("--seed", type=int, help="fix the shuffled option order (for scripts)")
    p.set_defaults(func=cmd_review)


# ----- reading answers --------------------------------------------------------------------
def _read(prompt: str, parse: Callable[[str], T | None], stdin: TextIO, out: TextIO,
          hint: str) -> T | object:
    """Ask until ``parse`` accepts the line; STOP on "q" or end of input."""
    while True:
        out.write(prompt)
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return STOP
        if not stdin.isatty():
            out.write(line if line.endswith("\n") else line + "\n")  # echo piped answers
        text = line.strip().lower()
        if text in ("q", "quit", "exit"):
            return STOP
        value = parse(text)
        if value is not None:
            return value
        out.write(f"  {hint}\n")


def parse_choice(question: Question) -> Callable[[str], int | None]:
    n = len(question.options)

    def parse(text: str) -> int | None:
        if text.isdigit() and 1 <= int(text) <= n:
            return int(text) - 1
        if len(text) == 1 and "a" <= text < chr(ord("a") + n):
            return ord(text) - ord("a")
        if question.kind == "truefalse":
            lowered = [o.lower() for o in question.options]
            for i, option in enumerate(lowered):
                if text in (option, option[:1]):
                    return i
        return None

    return parse


def _show(question: Question, number: int, total: int, title: str, out: TextIO) -> None:
    tag = " [generated]" if question.generated else ""
    where = "" if practice.is_practice(question) else f"  (section: {title})"
    out.write(f"\nQuestion {number}/{total}{tag}{where}\n{question.question}\n")
    for i, option in enumerate(question.options, start=1):
        out.write(f"  {i}) {option}\n")


def _feedback(question: Question, chosen: int, correct: bool, title: str, out: TextIO) -> None:
    if correct:
        out.write(f"Correct. {question.explanation}\n")
    else:
        out.write(f"Not quite: the answer is {question.answer + 1}) {question.correct_option}\n"
                  f"{question.explanation}\nRead again: day {question.day}, “{title}”.\n")


# ----- quiz -------------------------------------------------------------------------------
def _day_number(args: argparse.Namespace, study=None) -> int:
    if args.day is not None:
        return args.day
    return study.progress.today() or 1


def cmd_quiz(args: argparse.Namespace, stdin: TextIO | None = None,
             out: TextIO | None = None) -> int:
    out = require_output(out)  # `>&-` leaves sys.stdout None: say so, no traceback
    if not args.json:
        stdin = require_input(stdin)  # `<&-`: no answers can come
    if args.json and args.day is not None:
        from companion.curriculum import course

        questions = _questions(course(), args.day)
        out.write(json.dumps([bank.to_json(q) for q in questions], indent=2,
                             ensure_ascii=False) + "\n")
        return 0
    study = open_study()
    try:
        day = _day_number(args, study)
        questions = _questions(study.course, day)
        if args.json:
            out.write(json.dumps([bank.to_json(q) for q in questions], indent=2,
                                 ensure_ascii=False) + "\n")
            return 0
        return _run_quiz(study, day, questions, stdin, out, _rng(args))
    finally:
        study.close()


def _questions(course, day: int) -> tuple[Question, ...]:
    try:
        questions = bank.day_questions(course, day)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    if not questions:
        raise UserError(f"Day {day} has no quiz yet.")
    return questions


def _rng(args: argparse.Namespace) -> random.Random | None:
    seed = getattr(args, "seed", None)
    return random.Random(seed) if seed is not None else None


def _run_quiz(study, day: int, questions, stdin: TextIO, out: TextIO,
              rng: random.Random | None = None) -> int:
    title = study.course.day(day).title
    out.write(f"Day {day} quiz: {title} ({len(questions)} questions). Type the number of "
              "your answer; q stops (answers so far are kept).\n")
    session = study.quiz.start(day, questions, rng=rng)
    return run_session(study, session, stdin, out)


def run_session(study, session: QuizSession, stdin: TextIO, out: TextIO) -> int:
    """Ask every question of ``session``, then show the score and what was missed."""
    day = session.day
    while session.current is not None:
        q = session.current
        section = bank.section_title(study.course, q)
        _show(q, session.index + 1, session.total, section, out)
        chosen = _read("Your answer: ", parse_choice(q), stdin, out,
                       f"Type a number from 1 to {len(q.options)}, or q to stop.")
        if chosen is STOP:
            session.finish()
            out.write(f"Stopped after {session.answered} of {session.total} questions "
                      f"({session.correct} correct). Answers so far are saved; the run is "
                      "kept in your stats as stopped.\n")
            _write_misses(study, session, out)
            return 0
        feedback = session.answer(chosen)
        _feedback(q, chosen, feedback.correct, section, out)
        session.next()
    if session.kind == "practice":
        out.write(f"\nPractice: {session.correct}/{session.total} correct. Practice does not "
                  "count towards mastery.\n")
    else:
        out.write(f"\nScore: {session.correct}/{session.total} ({session.percent}%).\n")
        out.write(study.quiz.mastery(day).next_step() + "\n")
    if session.missed:
        out.write(f"{session.missed} missed question(s) are in your review queue: "
                  "run `companion review`.\n")
    _write_misses(study, session, out)
    return 0


def _write_misses(study, session: QuizSession, out: TextIO) -> None:
    """Every missed question with both answers, the explanation and where to read again."""
    if not session.misses:
        return
    out.write("\nWhat you missed:\n")
    for n, miss in enumerate(session.misses, start=1):
        q = miss.question
        out.write(f"{n}. {q.question}\n   You chose: {miss.chosen_option}\n"
                  f"   Right answer: {q.correct_option}\n   Why: {q.explanation}\n"
                  f"   Read again: day {q.day}, “{study.quiz.section_title(q)}”\n")


# ----- review -----------------------------------------------------------------------------
def cmd_review(args: argparse.Namespace, stdin: TextIO | None = None,
               out: TextIO | None = None) -> int:
    check_range("--limit", args.limit, 1, 10_000)
    out = require_output(out)
    if not args.json:
        stdin = require_input(stdin)
    study = open_study()
    try:
        session = study.quiz.review(limit=args.limit, rng=_rng(args))
        if args.json:
            rows = [{**bank.to_json(q), "due": card.due} for card in session.cards
                    if (q := study.quiz.find(card.question_id)) is not None]
            out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
            return 0
        return _run_review(session, stdin, out)
    finally:
        study.close()


def _grade(default: scheduling.Grade) -> Callable[[str], scheduling.Grade | None]:
    names = {g.name.lower(): g for g in scheduling.Grade}

    def parse(text: str) -> scheduling.Grade | None:
        if not text:
            return default
        if text.isdigit() and 1 <= int(text) <= 4:
            return scheduling.Grade(int(text))
        return names.get(text)

    return parse


def _run_review(session: ReviewSession, stdin: TextIO, out: TextIO) -> int:
    if not session.total:
        nxt = session.next_due()
        out.write("Nothing is due for review." + (f" Next card is due {nxt} (UTC).\n" if nxt
                                                  else " Missed quiz questions come here.\n"))
        return 0
    out.write(f"{session.total} card(s) due. Answer, then rate how well you remembered; "
              "q stops.\n")
    while (q := session.next()) is not None:
        section = session.section_title()
        _show(q, session.position + 1, session.total, section, out)
        chosen = _read("Your answer: ", parse_choice(q), stdin, out,
                       f"Type a number from 1 to {len(q.options)}, or q to stop.")
        if chosen is STOP:
            break
        ok = session.answer(chosen)
        _feedback(q, chosen, ok, section, out)
        default = session.suggested
        when = session.intervals()
        menu = "  ".join(f"{g.value} {g.label} ({scheduling.describe_interval(when[g])})"
                         for g in scheduling.Grade)
        grade = _read(f"{menu}  [Enter = {default.label}]: ", _grade(default), stdin, out,
                      "Type 1-4 (Again, Hard, Good, Easy), Enter for the default, q to stop.")
        if grade is STOP:
            break
        session.rate(grade)
    out.write(f"\nReviewed {session.reviewed} card(s). {session.still_due()} still due.\n")
    return 0
