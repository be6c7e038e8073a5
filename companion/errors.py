"""Which failures are the learner's or the machine's (one line), and which are bugs.

Core packages raise their own errors; the CLI and the GUI both decide here how to
show them, so a locked file reads the same in a terminal and in a dialog.
"""

from __future__ import annotations


def known_errors() -> tuple[type[BaseException], ...]:
    """Bad input or a problem on this machine (disk, file, network, model), never a bug."""
    from companion.curriculum import CurriculumError
    from companion.export import ExportError
    from companion.storage import StorageError
    from companion.tutor.catalog import CatalogError
    from companion.tutor.download import DownloadError
    from companion.tutor.engine import ModelError

    return (StorageError, ExportError, CurriculumError, ModelError, CatalogError,
            DownloadError, ValueError, OSError)


def one_line(exc: BaseException) -> str:
    """The first line of an error's message (its type's name if it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
