"""`companion ask` and `companion explain`: the tutor from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _engine(model: str | None, db=None):
    from companion.storage import settings
    from companion.tutor.engine import Engine
    from companion.tutor.models import resolve_model

    chosen = model or (settings.get(db, settings.TUTOR_MODEL) if db is not None else None)
    if model and not Path(model).expanduser().is_file():
        from companion.tutor.engine import ModelError

        raise ModelError(f"Model file not found: {model}")
    return Engine(resolve_model(chosen))


def cmd_ask(args: argparse.Namespace) -> int:
    from companion.cli import UserError
    from companion.study import Study
    from companion.tutor.conversation import Conversation

    question = " ".join(args.question).strip()
    if not question:
        raise UserError("Please type a question, e.g. companion ask \"What is attention?\"")
    study = Study.open()
    if args.day is not None and not 1 <= args.day <= len(study.course.days):
        raise UserError(f"--day must be between 1 and {len(study.course.days)}.")
    conversation = Conversation(max_tokens=args.max_tokens)
    prepared = conversation.prepare(study.db, study.course, question, args.day)
    engine = _engine(args.model, study.db)
    stream = (lambda _: None) if args.json else (lambda t: print(t, end="", flush=True))
    if not args.json and not prepared.passages:
        print("⚠ Not from the course material: verify this answer.\n", flush=True)
    answer = conversation.answer(engine, prepared, emit=stream)
    if args.json:
        print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        print()
        for note in answer.notices:
            print(f"\nNote: {note}")
        if answer.citations:
            print("\nSources:")
            for c in answer.citations:
                print(f"  {c.label()}")
        print(f"\n[{answer.model} · {answer.stats['tokens_per_s']:.0f} tokens/s]",
              file=sys.stderr)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from companion.cli import UserError
    from companion.study import Study
    from companion.tutor.explain import explain

    if args.file == "-":
        code = sys.stdin.read()
    else:
        path = Path(args.file).expanduser()
        if not path.is_file():
            raise UserError(f"No such file: {path}")
        code = path.read_text(encoding="utf-8", errors="replace")
    if not code.strip():
        raise UserError("There is no code to explain (the input is empty).")
    language = args.language or _guess_language(args.file)
    study = Study.open()
    engine = _engine(args.model, study.db)
    result = explain(engine, code, language,
                     emit=lambda t: print(t, end="", flush=True), max_tokens=args.max_tokens)
    print()
    if result.cut_note:
        print(f"\nNote: {result.cut_note}")
    return 0


def _guess_language(name: str) -> str:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(name).aliases[0] if name != "-" else "python"
    except ClassNotFound:
        return "text"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="ask the offline tutor a question")
    p.add_argument("question", nargs="*")
    p.add_argument("--day", type=int, help="prefer this day's lessons")
    p.add_argument("--json", action="store_true")
    p.add_argument("--model", help="path to a .gguf model to use instead of the default")
    p.add_argument("--max-tokens", type=int, default=400)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("explain", help="explain a code file (or - for stdin)")
    p.add_argument("file")
    p.add_argument("--language", help="e.g. python (guessed from the file name)")
    p.add_argument("--model", help="path to a .gguf model")
    p.add_argument("--max-tokens", type=int, default=450)
    p.set_defaults(func=cmd_explain)
