"""Command line: the same core the GUI uses, for scripts, tests and terminals.

Every failure a learner can cause ends as one line on stderr and a non-zero
exit code; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from companion import __version__

EXIT_ERROR = 1
EXIT_USAGE = 2


class UserError(Exception):
    """Something the learner can fix; printed as one line."""


def _open_study():
    from companion.study import Study

    return Study.open()


def cmd_gui(args: argparse.Namespace) -> int:
    from companion.app import run_gui

    return run_gui()


def cmd_export(args: argparse.Namespace) -> int:
    study = _open_study()
    policy = "overwrite" if args.force else "rename" if args.rename else "fail"
    written = study.export(args.format, Path(args.out).expanduser(), policy)
    for path in written:
        print(path)
    print(f"Exported {len(written)} file(s).", file=sys.stderr)
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from companion.storage import progress, settings

    study = _open_study()
    per_day = progress.day_progress(study.db, study.course)
    total = progress.overall(study.db, study.course)
    today = settings.today_number(study.db, len(study.course.days))
    if args.json:
        print(json.dumps({
            "done": total.done, "total": total.total, "percent": total.percent, "today": today,
            "days": [{"day": d.number, "title": d.title, "phase": d.phase,
                      "done": per_day[d.number].done, "total": per_day[d.number].total}
                     for d in study.course.days],
        }, indent=2))
        return 0
    for d in study.course.days:
        p = per_day[d.number]
        bar = "#" * p.done + "." * (p.total - p.done)
        mark = "  <- today" if d.number == today else ""
        print(f"Day {d.number:2d}  [{bar:7s}] {p.done}/{p.total}  {d.title}{mark}")
    print(f"Overall: {total.done}/{total.total} tasks ({total.percent}%)")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query).strip()
    if not query:
        raise UserError("Give some words to search for.")
    hits = _open_study().search(query, args.limit)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print("No matches.")
    for h in hits:
        where = f"day {h.day} · {h.title}" if h.kind == "lesson" else f"day {h.day} · your notes"
        print(f"[{h.kind}] {where}\n    {h.snippet}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion", description="LLM Study Companion: a 14-day offline course on LLMs.")
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="open the app (the default)").set_defaults(func=cmd_gui)

    p = sub.add_parser("export", help="export notes and checklists to Markdown")
    p.add_argument("--format", choices=["single", "vault"], default="single")
    p.add_argument("--out", required=True, help="file (single) or folder (vault)")
    clash = p.add_mutually_exclusive_group()
    clash.add_argument("--force", action="store_true", help="overwrite existing files")
    clash.add_argument("--rename", action="store_true", help="add a number instead of overwriting")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("progress", help="show checklist progress per day")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("search", help="search lessons and notes")
    p.add_argument("query", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=10)
    p.set_defaults(func=cmd_search)

    # command groups live beside the features they drive
    from companion import selftest
    from companion.quiz import commands as quiz_commands
    from companion.tutor import commands as tutor_commands
    from companion.tutor import model_commands

    for module in (tutor_commands, model_commands, quiz_commands, selftest):
        module.register(sub)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from companion.curriculum import CurriculumError
    from companion.export import ExportError
    from companion.storage import StorageError
    from companion.tutor.engine import ModelError

    return (UserError, StorageError, ExportError, CurriculumError, ModelError, ValueError,
            OSError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["gui"])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): not an error; keep Python quiet at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except _known_errors() as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"companion: error: {message}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
