"""The SIGKILL trial: the real app is killed at random moments; nothing typed is lost.

    python -m tests.integration.sigkill_trial --rounds 40     # the long run, with a report
    (tests/integration/test_crash_safety.py runs a short one)

Each round starts the app as `companion gui` does (instance lock included), types
lines into day 2's notes (appending to what earlier rounds left), ticks and unticks
checklist items and presses "Back up now" now and then, and is SIGKILLed at a random
moment 0.5-4 s into its work. Then, with the process gone, the trial checks:

* the database passes ``PRAGMA integrity_check``;
* every line typed more than 1 s before the kill is in the note, and every earlier
  round's lines still are;
* every checklist change made more than 1 s before the kill is saved;
* every backup is a healthy database, and the instance lock was released.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# ----- the child: the real app doing things --------------------------------------------------
def child(round_no: int) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from companion.app import run_gui
    from companion.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    rng = random.Random(round_no)
    state = {"n": 0}
    # events go to their own file, not stdout: llama-cpp-python silences a model load by
    # pointing fd 1 at /dev/null for a moment (suppress_stdout_stderr), which swallowed
    # some of this process's prints in the first long run
    log = os.open(os.environ["TRIAL_EVENTS"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def say(event: str) -> None:
        os.write(log, f"{time.time():.4f} {event}\n".encode())

    def act() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible():
            QTimer.singleShot(30, act)
            return
        window = windows[0]
        if window.notes.day != 2:
            window.show_day(2)
        n = state["n"] = state["n"] + 1
        roll = rng.random()
        if roll < 0.7:
            editor = window.notes.editor
            editor.moveCursor(QTextCursor.MoveOperation.End)
            QTest.keyClicks(editor, f"round {round_no} line {n}")
            QTest.keyClick(editor, Qt.Key.Key_Return)
            say(f"TYPED round {round_no} line {n}")
        elif roll < 0.9:
            row = rng.choice(window.checklist.rows)
            wanted = int(not row.box.isChecked())
            say(f"CLICKING {row.task.id} {wanted}")  # a kill during the save: either is right
            row.box.setChecked(bool(wanted))
            say(f"TICKED {row.task.id} {wanted}")
        else:
            window.backupRequested.emit()
            say("BACKUP")
        QTimer.singleShot(rng.randint(40, 160), act)

    QTimer.singleShot(0, act)
    return run_gui()


# ----- the parent: kill, then check -----------------------------------------------------------
@dataclass
class Report:
    rounds: int = 0
    integrity_failures: int = 0
    lines_due: int = 0  # typed more than 1 s before a kill
    lines_lost: int = 0
    ticks_due: int = 0
    ticks_lost: int = 0
    ticks_made: int = 0  # checklist clicks more than 1 s before a kill, all rounds
    bad_backups: int = 0
    stale_locks: int = 0
    problems: list[str] = field(default_factory=list)

    def text(self) -> str:
        return (f"{self.rounds} SIGKILLs: {self.integrity_failures} integrity failures, "
                f"{self.lines_lost} of {self.lines_due} lines typed >1 s before the kill lost, "
                f"{self.ticks_lost} of {self.ticks_due} tasks' final states wrong (after "
                f"{self.ticks_made} clicks), "
                f"{self.bad_backups} damaged backups, {self.stale_locks} stale locks")


def prepare(home: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from companion.study import Study

    home.mkdir(parents=True, exist_ok=True)
    study = Study.open(home / "companion.db")
    study.progress.set_start_date(dt.date.today() - dt.timedelta(days=1))  # no welcome
    study.close()


def one_round(home: Path, round_no: int, report: Report, all_lines: list[str],
              ticks: dict[str, int], rng: random.Random) -> None:
    events_file = home.parent / f"events-{round_no}.log"
    env = {**os.environ, "COMPANION_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT), "TRIAL_EVENTS": str(events_file)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.integration.sigkill_trial",
                             "--child", str(round_no)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    kill_after = rng.uniform(0.5, 4.0)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (events_file.exists()
                                               and events_file.stat().st_size):
        time.sleep(0.01)  # until the window is up and acting
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    killed = time.time()
    proc.wait(timeout=30)
    events = []
    for line in events_file.read_text().splitlines():
        at, _, event = line.partition(" ")
        events.append((float(at), event))
    report.rounds += 1
    _check(home, round_no, report, events, killed, all_lines, ticks)


def _check(home: Path, round_no: int, report: Report, events: list[tuple[float, str]],
           killed: float, all_lines: list[str], ticks: dict[str, int]) -> None:
    from companion.instance import InstanceLock
    from companion.storage import backup

    conn = sqlite3.connect(home / "companion.db")
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            report.integrity_failures += 1
            report.problems.append(f"round {round_no}: integrity {verdict}")
        row = conn.execute("SELECT body FROM notes WHERE day = 2 AND task_id IS NULL").fetchone()
        body = row[0] if row else ""
        saved_ticks = dict(conn.execute("SELECT task_id, done FROM task_progress").fetchall())
    finally:
        conn.close()
    recent: set[str] = set()  # tasks whose last change came less than 1 s before the kill
    for at, event in events:
        due = killed - at > 1.0
        if event.startswith("TYPED "):
            text = event.removeprefix("TYPED ")
            if due:
                all_lines.append(text)
        elif event.startswith("CLICKING "):  # until its TICKED, the save may or may not be in
            recent.add(event.split()[1])
        elif event.startswith("TICKED "):  # saved at the click; the latest click decides
            task, done = event.split()[1:]
            ticks[task] = int(done)
            report.ticks_made += due
            (recent.discard if due else recent.add)(task)
    present = set(body.splitlines())
    lost = [line for line in all_lines if line not in present]
    report.lines_due = len(all_lines)
    report.lines_lost = len(lost)
    if lost:
        report.problems.append(f"round {round_no}: lost {lost[:3]}")
    settled = {t: d for t, d in ticks.items() if t not in recent}
    report.ticks_due = len(settled)
    wrong = [t for t, d in settled.items() if saved_ticks.get(t, 0) != d]
    report.ticks_lost = len(wrong)
    if wrong:
        report.problems.append(f"round {round_no}: checklist {wrong[:3]}")
    for task in recent:  # a click just before the kill may or may not have landed: either is fine
        ticks[task] = saved_ticks.get(task, 0)
    for made in backup.list_backups(home / "backups"):
        if not backup.is_healthy(made.path):
            report.bad_backups += 1
            report.problems.append(f"round {round_no}: damaged backup {made.path.name}")
    lock = InstanceLock(home)
    if not lock.acquire():
        report.stale_locks += 1
    lock.release()


def run(home: Path, rounds: int, seed: int = 10) -> Report:
    prepare(home)
    report, all_lines, ticks = Report(), [], {}
    rng = random.Random(seed)
    for round_no in range(1, rounds + 1):
        one_round(home, round_no, report, all_lines, ticks, rng)
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=int)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    import tempfile

    home = args.home or Path(tempfile.mkdtemp(prefix="sigkill-trial-")) / "home"
    started = time.monotonic()
    report = run(home, args.rounds)
    print(report.text())
    print(f"{time.monotonic() - started:.0f} s; data in {home}")
    for problem in report.problems:
        print("  ", problem)
    ok = not (report.integrity_failures or report.lines_lost or report.ticks_lost
              or report.bad_backups or report.stale_locks)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
