"""How the command line reports problems: one line on stderr and an exit code.

Core packages raise their own errors (``StorageError``, ``ModelError``...); only the
CLI turns them into messages, so nothing in the core imports the CLI.
"""

from __future__ import annotations

import sys
from typing import TextIO

from companion import errors
from companion.errors import one_line

EXIT_ERROR = 1
EXIT_USAGE = 2

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "UserError", "check_range", "known_errors", "one_line",
           "require_input", "require_output"]


class UserError(Exception):
    """Something the learner can fix; printed as one line."""


def known_errors() -> tuple[type[BaseException], ...]:
    return (UserError, *errors.known_errors())


def check_range(option: str, value: int, low: int, high: int) -> int:
    """``value`` if it is from ``low`` to ``high``, else a one-line UserError.

    argparse's ``int`` accepts 99999999999999999999999, which then overflowed SQLite's
    integers with a traceback.
    """
    if not low <= value <= high:
        raise UserError(f"{option} must be a number from {low} to {high:,} (got {value}).")
    return value


def require_input(stream: TextIO | None = None) -> TextIO:
    """Standard input, or a clear error when it is closed (``<&-``)."""
    stream = sys.stdin if stream is None else stream
    if stream is None or getattr(stream, "closed", False):
        raise UserError("Standard input is closed, so no answers can be read. Run this in a "
                        "terminal, or pipe the answers in (one per line).")
    return stream


def require_output(stream: TextIO | None = None) -> TextIO:
    """Standard output, or a clear error when it is closed (``>&-``)."""
    stream = sys.stdout if stream is None else stream
    if stream is None or getattr(stream, "closed", False):
        raise UserError("Standard output is closed, so there is nowhere to show the result. "
                        "Run it without >&-, or redirect the output to a file.")
    return stream
