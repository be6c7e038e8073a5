"""SIGKILL one second after typing loses nothing typed more than a second before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.storage import notes, open_database
from tests.integration.typing_app import CHUNKS


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_typing_keeps_what_was_typed(companion_home: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("typing_app.py"))],
                            stdout=subprocess.PIPE, text=True, env=env)
    typed_at: dict[int, float] = {}
    try:
        for line in proc.stdout:
            if line.startswith("TYPED"):
                n = int(line.split()[1])
                typed_at[n] = time.monotonic()
                if n == 12:  # typing goes on; kill one second after chunk 12 was typed
                    break
        deadline = typed_at[12] + 1.0
        time.sleep(max(0.0, deadline - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    saved = notes.body(open_database(companion_home / "companion.db"), 2)
    # every chunk typed more than a second before the kill must be in the database
    must_have = max(n for n, t in typed_at.items() if killed_at - t > 1.0)
    assert saved.startswith("".join(CHUNKS[:must_have]))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_random_sigkills_while_typing_ticking_and_backing_up_lose_nothing(tmp_path: Path):
    """A short run of the trial (``python -m tests.integration.sigkill_trial`` runs long)."""
    from tests.integration.sigkill_trial import run

    report = run(tmp_path / "home", rounds=4)
    print(report.text())
    assert report.integrity_failures == report.lines_lost == report.ticks_lost == 0, \
        report.problems
    assert report.bad_backups == report.stale_locks == 0, report.problems
    assert report.lines_due > 0
