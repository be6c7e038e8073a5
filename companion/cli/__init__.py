"""Command line: the same core the GUI uses, for scripts, tests and terminals.

One module per command group registers its subcommands here. Every failure a
learner can cause ends as one line on stderr and a non-zero exit code;
tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from companion import __version__
from companion.cli.errors import EXIT_ERROR, EXIT_USAGE, UserError, known_errors, one_line

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "UserError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion", description="LLM Study Companion: a 14-day offline course on LLMs.")
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from companion.cli import lab, models, practice, quiz, selftest, study, tutor

    study.register(sub)
    for module in (tutor, models, quiz, practice, lab, selftest):
        module.register(sub)
    return parser


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
    except known_errors() as exc:
        print(f"companion: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
