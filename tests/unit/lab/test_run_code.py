"""Lesson code runs in its own process: errors point at the learner's lines; Stop works."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from companion.curriculum import course
from companion.lab import run_code


def test_a_traceback_names_the_learners_own_line():
    result = run_code.run("x = 1\n\ny = x / 0\n")
    assert not result.ok
    assert 'File "lesson.py", line 3' in result.stderr
    assert "runpy" not in result.stderr and "ZeroDivisionError" in result.stderr


def test_stop_ends_the_process_at_once():
    cancel = threading.Event()
    threading.Timer(2.0, cancel.set).start()
    start = time.monotonic()
    result = run_code.run("import time\nprint('started', flush=True)\ntime.sleep(60)",
                          cancel=cancel)
    assert time.monotonic() - start < 20
    assert result.cancelled and not result.ok and result.stderr == "Stopped."


def test_the_time_limit_stops_an_endless_loop():
    result = run_code.run("while True:\n    pass\n", timeout=1)
    assert result.timed_out and "Stopped after 1 s" in result.stderr


def test_figures_are_kept_even_without_show():
    """matplotlib is in the test extra, so this runs wherever the README's tests run."""
    result = run_code.run("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\n")
    assert result.ok and len(result.figures) == 1
    assert result.figures[0].read_bytes()[:4] == b"\x89PNG"


def test_blocks_that_cannot_run_here_say_why():
    days = course().days
    for day in days:
        for note in day.code:
            if not note.runnable and note.needs:
                with pytest.raises(ValueError, match="needs"):
                    run_code.run_block(day, note.block)
                return
    pytest.fail("the course has a block that needs packages the app does not ship")


def test_runnable_blocks_are_python_and_marked_runnable():
    day = course().day(4)
    blocks = {b.number: b for b in day.code_blocks()}
    for n in run_code.runnable_blocks(day):
        assert blocks[n].language == "python" and day.code_note(n).runnable


def test_the_packaged_app_runs_lesson_code_through_its_hidden_command(tmp_path, monkeypatch):
    """Frozen, sys.executable is the app: it must run the file, not open a second window."""
    app = tmp_path / "companion-app"
    app.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m companion "$@"\n')
    app.chmod(0o755)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    result = run_code.run("import numpy as np\nprint(np.arange(3).sum())\n")
    assert result.ok and result.stdout == "3\n", result.stderr
    failed = run_code.run("x = 1\nx / 0\n")
    assert not failed.ok and 'File "lesson.py", line 2' in failed.stderr
    assert "ZeroDivisionError" in failed.stderr and "runpy" not in failed.stderr
