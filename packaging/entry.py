"""Entry point of the frozen app (PyInstaller runs this instead of ``python -m companion``).

It exists for one reason the normal entry point does not have to care about: a
windowed build (Windows ``console=False``, a macOS ``.app``) starts with
``sys.stdout`` and ``sys.stderr`` set to ``None``. The first ``print`` — or
llama-cpp-python's ``suppress_stdout_stderr``, which calls
``sys.stdout.fileno()`` — would then crash the app before a window appears.
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


def ensure_streams() -> None:
    """Give ``print()`` and llama.cpp's fd juggling a real file to write to."""
    missing = sys.stdout is None or sys.stderr is None
    wants_console = len(sys.argv) > 1 and sys.argv[1] not in ("gui",)
    if missing and wants_console and sys.platform == "win32":
        _attach_parent_console()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main() -> int:
    ensure_streams()
    from companion.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    raise SystemExit(main())
