"""How the command line reports problems: one line on stderr and an exit code.

Core packages raise their own errors (``StorageError``, ``ModelError``...); only the
CLI turns them into messages, so nothing in the core imports the CLI.
"""

from __future__ import annotations

from companion import errors
from companion.errors import one_line

EXIT_ERROR = 1
EXIT_USAGE = 2

__all__ = ["EXIT_ERROR", "EXIT_USAGE", "UserError", "known_errors", "one_line"]


class UserError(Exception):
    """Something the learner can fix; printed as one line."""


def known_errors() -> tuple[type[BaseException], ...]:
    return (UserError, *errors.known_errors())
