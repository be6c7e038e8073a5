"""`companion ask` and `companion explain`: the tutor from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from companion.cli.errors import UserError
from companion.cli.study import open_study


def _engine(model: str | None, db=None):
    from companion.storage import settings
    from companion.tutor.llama_engine import LlamaEngine
    from companion.tutor.model_files import resolve_model

    chosen = model or (settings.get(db, settings.TUTOR_MODEL) if db is not None else None)
    if model and not Path(model).expanduser().is_file():
        from companion.tutor.engine import ModelError

        raise ModelError(f"Model file not found: {model}")
    return LlamaEngine(resolve_model(chosen))


def cmd_ask(args: argparse.Namespace) -> int:
    from companion.jobs import JobContext
    from companion.tutor.conversation import Conversation

    question = " ".join(args.question).strip()
    if not question:
        raise UserError("Please type a question, e.g. companion ask \"What is attention?\"")
    study = open_study()
    if args.day is not None and not 1 <= args.day <= len(study.course.days):
        raise UserError(f"--day must be between 1 and {len(study.course.days)}.")
    conversation = Conversation(max_tokens=args.max_tokens)
    prepared = conversation.prepare(study.db, study.course, question, args.day)
    engine = _engine(args.model, study.db)
    stream = (lambda _: None) if args.json else (lambda t: print(t, end="", flush=True))
    if not args.json and not prepared.passages:
        print("⚠ Not from the course material: verify this answer.\n", flush=True)
    answer = conversation.answer(engine, prepared, JobContext(emit=stream))
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
        rate = answer.stats.get("tokens_per_s")
        print(f"\n[{answer.model}" + (f" · {rate:.0f} tokens/s]" if rate else "]"),
              file=sys.stderr)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from companion.jobs import JobContext
    from companion.tutor.code_explain import explain_code

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
    study = open_study()
    engine = _engine(args.model, study.db)
    result = explain_code(engine, code, language,
                          JobContext(emit=lambda t: print(t, end="", flush=True)),
                          max_tokens=args.max_tokens)
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
