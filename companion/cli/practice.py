"""``companion practice``: instant practice questions from the course data, in a terminal.

No model is needed: cloze, term and which-section questions are built from the
day's key sentences and key terms in milliseconds and checked before they are
shown. ``--json`` prints them (with their answers and source sentences) for
scripts; without it they are asked one by one like the quiz, as practice that
does not count towards mastery (misses still go to the review queue).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import TextIO

from companion.cli.errors import UserError
from companion.cli.quiz import run_session
from companion.cli.study import open_study
from companion.quiz import practice

MAX_COUNT = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "practice", help="instant practice questions from a day's lesson",
        description="Practice questions built from the course data in milliseconds: fill in "
                    "the blank, which term is defined, which section says it.")
    p.add_argument("--day", type=int, help="course day (default: today's day)")
    p.add_argument("--count", type=int, default=practice.DEFAULT_COUNT,
                   help=f"how many questions (1-{MAX_COUNT}, default {practice.DEFAULT_COUNT})")
    p.add_argument("--json", action="store_true", help="print the questions as JSON")
    p.add_argument("--seed", type=int, help="pick the same questions and order again")
    p.set_defaults(func=cmd_practice)


def _questions(course, day: int, count: int, seed: int | None) -> list[practice.PracticeQuestion]:
    rng = random.Random(seed) if seed is not None else None
    try:
        made = practice.checked_round(course, day, count, rng)
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    if not made:
        raise UserError(f"Day {day} has no material for practice questions.")
    return made


def cmd_practice(args: argparse.Namespace, stdin: TextIO | None = None,
                 out: TextIO | None = None) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    if not 1 <= args.count <= MAX_COUNT:
        raise UserError(f"--count must be between 1 and {MAX_COUNT}.")
    if args.json and args.day is not None:  # the course alone: no database needed
        from companion.curriculum import course

        made = _questions(course(), args.day, args.count, args.seed)
        out.write(json.dumps([pq.to_json() for pq in made], indent=2, ensure_ascii=False)
                  + "\n")
        return 0
    study = open_study()
    try:
        day = args.day if args.day is not None else (study.progress.today() or 1)
        made = _questions(study.course, day, args.count, args.seed)
        if args.json:
            out.write(json.dumps([pq.to_json() for pq in made], indent=2, ensure_ascii=False)
                      + "\n")
            return 0
        out.write(f"Day {day} practice: {len(made)} questions built from the lesson "
                  "(they do not count towards mastery). Type the number of your answer; "
                  "q stops.\n")
        rng = random.Random(args.seed) if args.seed is not None else None
        session = study.quiz.start(day, [pq.question for pq in made], kind="practice", rng=rng)
        return run_session(study, session, stdin, out)
    finally:
        study.close()
