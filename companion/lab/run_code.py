"""Run a lesson's code block in a separate Python process, with a time limit.

The learner's own interpreter runs it (numpy is there; matplotlib if installed),
in a fresh temporary folder, isolated from the app: a crash, an endless loop or a
``sys.exit`` in lesson code never touches the app. Only code the learner asked to
run is ever run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from companion.curriculum import Day

TIME_LIMIT_S = 30.0
OUTPUT_LIMIT = 200_000  # characters of stdout/stderr kept


@dataclass
class RunResult:
    stdout: str
    stderr: str
    returncode: int
    timed_out: bool = False
    figures: list[Path] = field(default_factory=list)  # PNGs saved by matplotlib
    cancelled: bool = False  # stopped by the learner

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.cancelled


# Make plt.show() save PNGs instead of opening windows, so figures can be shown inline.
_PRELUDE = """
import os as _os
_os.environ.setdefault("MPLBACKEND", "Agg")
try:
    import matplotlib.pyplot as _plt
    def _save_figures(*_a, **_k):
        for _n in _plt.get_fignums():
            _plt.figure(_n).savefig(f"figure-{len(_os.listdir('.')):03d}.png", dpi=110)
        _plt.close("all")
    _plt.show = _save_figures
    import atexit as _atexit
    _atexit.register(_save_figures)  # figures made without plt.show() are shown too
except ImportError:
    pass
"""


_RUN_FILE = """
import runpy as _runpy, sys as _sys
_sys.argv = ["lesson.py"]
_runpy.run_path("lesson.py", run_name="__main__")
"""


def _command(prelude: str) -> list[str]:
    """How to start a fresh Python for the lesson file.

    In the packaged app ``sys.executable`` is the app itself, not a Python: it is asked
    to run the file with its hidden ``run-file`` command instead of opening a window.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, "run-file", "lesson.py"]
    return [sys.executable, "-I", "-c", prelude + _RUN_FILE]


def program(day: Day, block: int) -> str:
    """The code to run for ``block`` of ``day``: the blocks it requires first, then itself."""
    blocks = {b.number: b for b in day.code_blocks()}
    if block not in blocks:
        raise ValueError(f"Day {day.number} has {len(blocks)} code blocks; there is no "
                         f"block {block}.")
    note = day.code_note(block)
    order = [*(note.requires if note else ()), block]
    return "\n\n".join(blocks[n].code for n in order)


def _own_frames(stderr: str) -> str:
    """A traceback without the runner's own frames: it starts at the learner's code."""
    lines = stderr.splitlines(keepends=True)
    out, skipping = [], False
    for line in lines:
        if line.startswith("Traceback (most recent call last):"):
            out.append(line)
            skipping = True
        elif skipping and line.startswith('  File "lesson.py"'):
            skipping = False
            out.append(line)
        elif not skipping or not line.startswith("  "):
            skipping = False if not line.startswith("  ") else skipping
            out.append(line)
    return "".join(out)


def run(code: str, timeout: float = TIME_LIMIT_S,
        cancel: threading.Event | None = None) -> RunResult:
    """Run ``code`` with this Python in a temporary folder; never raises for the code's errors.

    Setting ``cancel`` (the learner pressed Stop) ends the child process at once.
    """
    with tempfile.TemporaryDirectory(prefix="companion-run-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env.update(MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
        # lesson code multiplies small matrices: one BLAS thread is faster there, and
        # many times faster when other programs keep the cores busy
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")
        # the code runs from its own file, so a traceback names its real line numbers
        (Path(folder) / "lesson.py").write_text(code, encoding="utf-8")
        # importing matplotlib costs about a second: only code that uses it pays
        prelude = _PRELUDE if "matplotlib" in code else ""
        proc = subprocess.Popen(_command(prelude),
                                cwd=folder, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                                encoding="utf-8", errors="replace")
        deadline = time.monotonic() + timeout
        while True:
            try:
                out, err = proc.communicate(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                stop = cancel is not None and cancel.is_set()
                if stop or time.monotonic() > deadline:
                    proc.kill()
                    out, _ = proc.communicate()
                    why = "Stopped." if stop else f"Stopped after {timeout:.0f} s."
                    return RunResult(out[:OUTPUT_LIMIT], why, -1, not stop, cancelled=stop)
        figures = []
        for png in sorted(Path(folder).glob("figure-*.png")):
            kept = Path(tempfile.mkstemp(prefix="companion-figure-", suffix=".png")[1])
            kept.write_bytes(png.read_bytes())
            figures.append(kept)
        return RunResult(out[:OUTPUT_LIMIT], _own_frames(err)[:OUTPUT_LIMIT],
                         proc.returncode, False, figures)


def run_block(day: Day, block: int, timeout: float = TIME_LIMIT_S,
              cancel: threading.Event | None = None) -> RunResult:
    """Run a lesson's code block (after the blocks it requires), if it can run here.

    Blocks that need packages the app does not ship, or that are not Python, are
    refused with a one-line reason instead of failing with an ImportError.
    """
    blocks = {b.number: b for b in day.code_blocks()}
    if block not in blocks:
        raise ValueError(f"Day {day.number} has {len(blocks)} code blocks; there is no "
                         f"block {block}.")
    if blocks[block].language not in ("python", "py", "python3"):
        raise ValueError(f"Block {block} of day {day.number} is {blocks[block].language or 'text'}"
                         ", not Python: there is nothing to run.")
    note = day.code_note(block)
    if note is not None and not note.runnable:
        why = (f"it needs {', '.join(note.needs)}, which the app does not ship" if note.needs
               else note.why or "it is not meant to run inside the app")
        raise ValueError(f"Block {block} of day {day.number} does not run here: {why}.")
    return run(program(day, block), timeout, cancel)


def runnable_blocks(day: Day) -> list[int]:
    """The day's blocks that have a Run button."""
    notes = {n.block: n for n in day.code}
    return [b.number for b in day.code_blocks()
            if b.language in ("python", "py", "python3")
            and (b.number not in notes or notes[b.number].runnable)]
