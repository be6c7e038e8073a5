"""`companion gui`, `export`, `progress` and `search`: the study record from a terminal."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from companion.cli.errors import UserError, check_range, require_output

MAX_LIMIT = 1000


def open_study():
    """The learner's study data, opened the same way for every command.

    Every SQLite error becomes a StorageError naming the problem (locked, read-only,
    disk full...), also those raised while the course is indexed on opening.
    """
    from companion import paths
    from companion.storage.problems import EmptyDatabaseError, explain
    from companion.study import Study

    try:
        return Study.open()
    except sqlite3.Error as exc:
        raise explain(exc, paths.database_path()) from exc
    except EmptyDatabaseError as exc:  # the app offers the backup; a terminal cannot ask
        raise UserError(f"{exc} Start the app (companion gui) to restore it.") from None


def cmd_gui(args: argparse.Namespace) -> int:
    from companion import desktop_check

    missing = desktop_check.problem()  # before Qt loads: Qt itself would abort with exit 134
    if missing:
        print(f"companion: error: {missing}", file=sys.stderr)
        return desktop_check.EXIT_MISSING_LIBRARIES
    from companion.app import run_gui

    return run_gui()


def cmd_export(args: argparse.Namespace) -> int:
    if not args.out.strip():  # Path("") is the current folder: never export there by accident
        raise UserError("--out needs a file or folder name; it was empty.")
    study = open_study()
    policy = "overwrite" if args.force else "rename" if args.rename else "fail"
    out = Path(args.out).expanduser()
    if args.format in ("anki", "csv"):  # quiz cards: the bank and the review queue
        written = study.quiz.export_cards(args.format, out, policy)
    else:
        written = study.export(args.format, out, policy)
    for path in written:
        print(path)
    print(f"Exported {len(written)} file(s).", file=sys.stderr)
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from companion.storage import progress, settings

    require_output()
    study = open_study()
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
    check_range("--limit", args.limit, 1, MAX_LIMIT)
    require_output()
    hits = open_study().search(query, args.limit)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print("No matches.")
    for h in hits:
        where = f"day {h.day} · {h.title}" if h.kind == "lesson" else f"day {h.day} · your notes"
        print(f"[{h.kind}] {where}\n    {h.marked()}")
    if hits and hits.total > len(hits):
        print(f"(showing {len(hits)} of {hits.total}; --limit shows more)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("gui", help="open the app (the default)").set_defaults(func=cmd_gui)

    p = sub.add_parser("export", help="export notes to Markdown, or quiz cards to Anki or CSV")
    p.add_argument("--format", choices=["single", "vault", "anki", "csv"], default="single",
                   help="single/vault: notes and checklists as Markdown; anki: quiz questions "
                        "and review cards as an .apkg deck; csv: the same cards as a CSV file")
    p.add_argument("--out", required=True, help="file (single, anki, csv) or folder (vault)")
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
    p.add_argument("--limit", type=int, default=10,
                   help=f"at most this many results (1-{MAX_LIMIT})")
    p.set_defaults(func=cmd_search)
