"""`companion ask` and `companion explain`: the course-first tutor from a terminal.

`ask` prints the course's own sentences first, then the model's explanation, checked
sentence by sentence; `--json` returns the labelled parts (answer, elaboration,
unsupported, not_from_course, citations, model, timings). An off-course question gets
one plain line and no model answer unless `--anyway`; a borderline one ("the course may
not cover this") also names the closest section (`borderline`, `closest` in JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from companion.cli.errors import UserError
from companion.cli.study import open_study

MAX_CODE_BYTES = 1_000_000  # more than any file worth explaining; /dev/zero never ends


def _engine(args: argparse.Namespace, study):
    """--server or --model for this command, else what the learner chose in the app; a saved
    choice that cannot be used is announced on stderr before the built-in model steps in."""
    from companion.tutor import engines

    return engines.cli_engine(
        model=args.model, server=getattr(args, "server", None),
        server_model=getattr(args, "server_model", None),
        api_key_env=getattr(args, "api_key_env", None), saved=study.models.engine_choice(),
        warn=lambda line: print(f"Note: {line}", file=sys.stderr))


def _utf8(text: str, what: str) -> str:
    """Arguments that are not valid UTF-8 arrive with surrogates; say so plainly."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"The {what} contains bytes that are not UTF-8 text; "
                        "please type it again (or save it as UTF-8).") from None
    return text


def cmd_ask(args: argparse.Namespace) -> int:
    from companion.jobs import JobContext
    from companion.tutor import prompts
    from companion.tutor.conversation import Conversation

    question = _utf8(" ".join(args.question).strip(), "question")
    if not question:
        raise UserError("Please type a question, e.g. companion ask \"What is attention?\"")
    if args.max_tokens < 1:
        raise UserError("--max-tokens must be at least 1.")
    if args.model and not Path(args.model).expanduser().is_file():
        raise UserError(f"Model file not found: {args.model}")
    study = open_study()
    if args.day is not None and not 1 <= args.day <= len(study.course.days):
        raise UserError(f"--day must be between 1 and {len(study.course.days)}.")
    conversation = Conversation(max_tokens=args.max_tokens)
    prepared = conversation.prepare(study.db, study.course, question, args.day)
    if not args.json:
        _print_course_part(prepared, prompts)
    if not prepared.on_course and not args.anyway:
        if args.json:
            answer = conversation.answer(_NoModel(), prepared)
            print(json.dumps(_with_closest(answer.to_json(), prepared), indent=2,
                             ensure_ascii=False))
        else:
            print("(Add --anyway to get the model's own, unchecked answer.)")
        return 0
    engine = _engine(args, study)
    if not args.json:
        print(f"\n{prompts.ANYWAY_WARNING if not prepared.on_course else prompts.EXPLANATION}:")
    answer = conversation.answer(engine, prepared, JobContext(emit=_quiet if args.json
                                                              else _print_piece),
                                 anyway=args.anyway)
    if args.json:
        data = _with_closest(answer.to_json(), prepared)
        data["engine"] = engine.kind
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if prepared.on_course and not answer.elaboration:
        print("(nothing the course supports)", end="")
    print()
    if answer.unsupported:
        print(f"\n{prompts.HELD_BACK}: {len(answer.unsupported)} model sentence(s) held back:")
        for v in answer.unsupported:
            print(f"  - {v.sentence}  ({v.reason})")
    for note in answer.notices:
        print(f"\nNote: {note}")
    rate = answer.stats.get("tokens_per_s")
    print(f"\n[{answer.model}" + (f" · {rate:.0f} tokens/s]" if rate else "]"), file=sys.stderr)
    return 0


def _quiet(_text: str) -> None:
    return None


def _print_piece(text: str) -> None:
    print(text, end="", flush=True)


def _with_closest(data: dict, prepared) -> dict:
    """Add ``borderline`` and ``closest`` (a section to open, not a citation) to the JSON."""
    from companion.tutor import off_course

    near = off_course.closest(prepared.found) if not prepared.on_course else None
    data["borderline"] = near is not None
    data["closest"] = near
    if near is not None:
        data["message"] = off_course.line(near)
    return data


def _print_course_part(prepared, prompts) -> None:
    from companion.tutor import off_course

    if prepared.excerpt is None:
        near = off_course.closest(prepared.found)
        print(off_course.line(near) if near else prompts.OFF_COURSE)
        return
    print(f"{prompts.FROM_COURSE}:\n")
    for part in prepared.excerpt.parts:
        print(f"  {part.text}\n  — Day {part.day} · {part.title}\n")


class _NoModel:
    """Stands in for an engine when no model is needed (an off-course question)."""

    name = ""
    kind = "none"


def cmd_explain(args: argparse.Namespace) -> int:
    from companion.jobs import JobContext
    from companion.tutor.code_explain import explain_code

    code = _read_code(args.file)
    if not code.strip():
        raise UserError("There is no code to explain (the input is empty).")
    language = args.language or _guess_language(args.file)
    study = open_study()
    engine = None if args.no_model else _engine(args, study)
    stream = (lambda _: None) if args.json else (lambda t: print(t, end="", flush=True))
    result = explain_code(engine, code, language, JobContext(emit=stream),
                          max_tokens=args.max_tokens, course=study.course,
                          before_model=None if args.json else _print_code_parts)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return 0
    print()
    if result.unsupported:
        print(f"\nNot in the course: check ({len(result.unsupported)} sentence(s) held back)")
    if result.cut_note:
        print(f"\nNote: {result.cut_note}")
    return 0


def _print_code_parts(result) -> None:
    print(result.answer.rstrip() + "\n")
    if result.citations:
        print("Course sections that use the same operations:")
        for c in result.citations:
            print(f"  Day {c.day} · {c.title}")
        print()
    if result.model:
        print("The tutor's explanation (model-written, each sentence checked):")


def _read_code(name: str) -> str:
    if name == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise UserError("Standard input is closed: pipe some code in, or give a file.")
        try:
            data = sys.stdin.buffer.read(MAX_CODE_BYTES + 1)
        except (OSError, ValueError, AttributeError):
            raise UserError("Could not read standard input: pipe some code in, "
                            "or give a file.") from None
    else:
        path = Path(name).expanduser()
        if not path.exists():
            raise UserError(f"No such file: {path}")
        if path.is_dir():
            raise UserError(f"{path} is a folder: give a code file.")
        if not path.is_file():
            raise UserError(f"{path} is not a regular file (a device or pipe): give a code "
                            "file, or - to read standard input.")
        try:
            with path.open("rb") as f:
                data = f.read(MAX_CODE_BYTES + 1)
        except OSError as exc:
            raise UserError(f"Could not read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_CODE_BYTES:
        raise UserError(f"The code is larger than {MAX_CODE_BYTES // 1_000_000} MB; "
                        "explain a smaller part of it.")
    if b"\0" in data[:8192]:
        raise UserError("That looks like a binary file, not code.")
    return data.decode("utf-8", errors="replace")


def _guess_language(name: str) -> str:
    from pygments.lexers import get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(name).aliases[0] if name != "-" else "python"
    except ClassNotFound:
        return "text"


def _server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", metavar="URL",
                   help="use an OpenAI-compatible server for this command, e.g. "
                        "http://127.0.0.1:8080/v1 (llama-server, Ollama, LM Studio, vLLM)")
    p.add_argument("--server-model", metavar="NAME", help="the server's model (default: its first)")
    p.add_argument("--api-key-env", metavar="VAR", help="environment variable holding an API key")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="ask the offline tutor a question (course text first)")
    p.add_argument("question", nargs="*")
    p.add_argument("--day", type=int, help="prefer this day's lessons")
    p.add_argument("--json", action="store_true",
                   help="labelled parts: answer, elaboration, unsupported, citations...")
    p.add_argument("--anyway", action="store_true",
                   help="answer an off-course question with the model (labelled unchecked)")
    p.add_argument("--model", help="path to a .gguf model to use instead of the default")
    _server_options(p)
    p.add_argument("--max-tokens", type=int, default=160)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("explain", help="explain a code file (or - for stdin)")
    p.add_argument("file")
    p.add_argument("--language", help="e.g. python (guessed from the file name)")
    p.add_argument("--model", help="path to a .gguf model")
    _server_options(p)
    p.add_argument("--json", action="store_true",
                   help="labelled parts: answer, elaboration, unsupported, citations")
    p.add_argument("--no-model", action="store_true",
                   help="only the course's note or the structural walk-through")
    p.add_argument("--max-tokens", type=int, default=200)
    p.set_defaults(func=cmd_explain)
