"""What a long-running job may tell the person waiting for it, without knowing about Qt.

Every slow piece of core work (an answer from the model, a download, a backup, an
export, a lab experiment) takes a ``JobContext``. The GUI's background helpers fill it
with callbacks that cross back to the GUI thread as signals; the CLI fills it with
prints; tests fill it with lists. Progress is a first-class call here, never text
smuggled through the answer stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


class Cancelled(Exception):
    """Raised by ``JobContext.check`` when the person pressed Cancel or Stop."""


def _ignore(*_args: object) -> None:
    return None


@dataclass
class JobContext:
    cancel_event: threading.Event = field(default_factory=threading.Event)
    emit: Callable[[str], None] = _ignore  # streamed text (answer tokens)
    progress: Callable[[int, int], None] = _ignore  # done, total (total 0: unknown)
    status: Callable[[str], None] = _ignore  # what is happening now, in plain words
    report: Callable[[object], None] = _ignore  # a richer progress record (e.g. a download's)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self) -> None:
        self.cancel_event.set()

    def check(self) -> None:
        """Stop here (raise ``Cancelled``) if cancelling was asked for."""
        if self.cancel_event.is_set():
            raise Cancelled()
