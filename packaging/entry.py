"""Entry point of the frozen app (PyInstaller runs this instead of ``python -m companion``).

It exists for one reason the normal entry point does not have to care about: a
windowed build (Windows ``console=False``, a macOS ``.app`` started from Finder)
starts with ``sys.stdout`` and ``sys.stderr`` set to ``None`` and, on Windows,
without file descriptors 1 and 2. The first ``print`` would raise, and
llama-cpp-python's ``suppress_stdout_stderr`` (``os.dup(1)``) would make every
model load fail.
"""

from __future__ import annotations

import os
import sys


def _attach_parent_console() -> bool:
    """Windows: a windowed exe started from cmd/PowerShell can still print there.

    Lets ``companion.exe self-test`` show its report in the terminal that
    started it. Returns False when there is no such console (started from
    Explorer), which is the normal GUI case.
    """
    try:
        import ctypes

        if not ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
            return False
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        return True
    except Exception:
        return False


def _reopen_standard_fds() -> None:
    """Make file descriptors 1 and 2 exist, pointing at the null device if need be.

    A Windows GUI-subsystem process has no fds 0-2 at all. Replacing
    ``sys.stdout`` is not enough there: llama-cpp-python's quiet mode does
    ``os.dup(1)`` / ``os.dup2(..., 1)`` around every model load, which fails
    with EBADF on a missing descriptor, and the model would never load.
    """
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def ensure_streams() -> None:
    """Give ``print()`` and llama.cpp's fd juggling somewhere real to write."""
    missing = sys.stdout is None or sys.stderr is None
    wants_console = len(sys.argv) > 1 and sys.argv[1] not in ("gui",)
    if missing and wants_console and sys.platform == "win32":
        _attach_parent_console()
    _reopen_standard_fds()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main() -> int:
    # OpenMP's wait policy is left at its default (spinning), as in a source install:
    # measured on 2 cores, PASSIVE decodes at ~37 tokens/s on an idle machine against
    # ~109 with spinning, and wins only when other programs keep the CPU busy
    # (31 vs 8 tokens/s with three busy processes). A learner can still set
    # OMP_WAIT_POLICY=PASSIVE; see packaging/README.md.
    ensure_streams()
    from companion.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
