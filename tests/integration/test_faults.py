"""Fault trials with real processes: two app instances, and a lock held by another copy.

The earlier trial: window A typed "AAAA" on day 2, window B typed "BBBB" three
seconds later, both said "Saved", and day 2 ended as B's text only. Now the second
launch finds the data folder locked, asks the first window to come forward, and
exits without ever opening an editor.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.instance import InstanceLock, requests_dir
from companion.storage import notes, open_database
from companion.study import Study

HELPER = Path(__file__).with_name("instance_app.py")
ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "COMPANION_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(ROOT)}


def _started_study(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    study = Study.open(home / "companion.db")
    study.progress.set_start_date(dt.date.today())  # no welcome dialog
    study.close()


def _wait_for_line(proc: subprocess.Popen, wanted: str, timeout: float) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if line.strip() == wanted:
            return seen
    raise AssertionError(f"no {wanted!r} from the app; saw {seen}")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals to stop the app")
def test_a_second_launch_brings_the_first_forward_and_never_opens_an_editor(companion_home):
    _started_study(companion_home)
    first = subprocess.Popen([sys.executable, str(HELPER), "AAAA"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=_env(companion_home))
    try:
        _wait_for_line(first, "TYPED", 120)
        started = time.monotonic()
        second = subprocess.run([sys.executable, str(HELPER), "BBBB"], capture_output=True,
                                text=True, env=_env(companion_home), timeout=120)
        took = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        assert "TYPED" not in second.stdout  # no window, no editor, nothing typed
        assert "already open on this data" in second.stderr
        assert "Traceback" not in second.stderr
        assert not list(requests_dir(companion_home).glob("*.show"))  # the first answered
        print(f"second launch ended after {took:.1f} s")
        # and a plain `companion gui` behaves the same
        plain = subprocess.run([sys.executable, "-m", "companion", "gui"], capture_output=True,
                               text=True, env=_env(companion_home), timeout=120)
        assert plain.returncode == 0 and "already open" in plain.stderr
    finally:
        first.terminate()
        first.wait(timeout=30)
        first.stdout.close()
        first.stderr.close()
    saved = notes.body(open_database(companion_home / "companion.db"), 2)
    assert saved == "AAAA\n"  # A's words, untouched by B


LOCK_HOLDER = """
import sys, time
from pathlib import Path
from companion.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
assert lock.acquire()
print("HELD", flush=True)
time.sleep(60)
"""


def test_a_copy_that_does_not_answer_is_reported_as_open_elsewhere(qtbot, companion_home,
                                                                   monkeypatch):
    from companion import app
    from companion.ui import startup

    companion_home.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(companion_home)],
                              stdout=subprocess.PIPE, text=True, env=_env(companion_home))
    try:
        assert holder.stdout.readline().strip() == "HELD"
        shown = []
        monkeypatch.setattr(startup, "ask_choice", lambda *a, **k: shown.append(a[2]) or "Quit")
        monkeypatch.setattr(app, "request_show", lambda folder: False)  # a hung first copy
        opened = []
        monkeypatch.setattr(app, "open_study_interactively", lambda: opened.append(1))
        assert app.run_gui() == 1
        assert not opened  # the database was never even opened
        assert "already open in another copy" in shown[0] and str(holder.pid) in shown[0]
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    lock = InstanceLock(companion_home)
    assert lock.acquire()  # the holder died: its lock went with it, nothing stale remains
    lock.release()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX signals to stop the app")
def test_the_cli_writes_safely_while_the_app_is_busy_writing(companion_home, tmp_path):
    """Quiz answers from the CLI while the app types, ticks and backs up, all at once."""
    _started_study(companion_home)
    events = tmp_path / "events.log"
    app = subprocess.Popen([sys.executable, "-m", "tests.integration.sigkill_trial", "--child",
                            "7"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**_env(companion_home), "TRIAL_EVENTS": str(events)}, cwd=ROOT)
    try:
        _wait_for_typing(events, 1, 120)
        for _ in range(3):
            out = subprocess.run([sys.executable, "-m", "companion", "quiz", "--day", "1"],
                                 input="1\n" * 40, capture_output=True, text=True,
                                 env=_env(companion_home), timeout=300)
            assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
            assert "Score:" in out.stdout or "Stopped after" in out.stdout
        typed_during = len(_typed(events))
        _wait_for_typing(events, typed_during + 3, 60)  # the app typed on, unharmed
        time.sleep(1.5)  # the last of them saved
    finally:
        app.terminate()
        app.wait(timeout=30)
    db = open_database(companion_home / "companion.db")
    body = notes.body(db, 2)
    typed = _typed(events)
    assert typed and all(line in body for line in typed[:typed_during + 3])
    assert db.execute("SELECT count(*) FROM quiz_runs").fetchone()[0] >= 3


def _typed(events: Path) -> list[str]:
    if not events.exists():
        return []
    return [line.split(" TYPED ", 1)[1] for line in events.read_text().splitlines()
            if " TYPED " in line]


def _wait_for_typing(events: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_typed(events)) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"the app typed only {len(_typed(events))} lines")
