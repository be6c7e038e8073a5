"""Make the README's screenshots with the real app and the real bundled model.

    QT_QPA_PLATFORM=offscreen python assets/screenshots/make.py

A temporary profile, a 1600 x 1000 offscreen screen, the tutor in Explain mode asked
the question the README shows. The model's words vary from run to run; the course
excerpt does not.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCREEN = {"screens": [{"name": "wide", "x": 0, "y": 0, "width": 1600, "height": 1000,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def main() -> int:
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps(SCREEN))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["COMPANION_HOME"] = tempfile.mkdtemp(prefix="companion-shots-")
    sys.path.insert(0, str(HERE.parents[1]))
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from companion.app import build_window
    from companion.study import Study

    study = Study.open()
    study.progress.set_start_date(dt.date.today() - dt.timedelta(days=3))
    study.tutor.set_mode("explain")
    window = build_window(study, load_model=False)
    window.show()

    def wait(condition, seconds: float = 120) -> None:
        end = time.monotonic() + seconds
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    inference, panel = window.features.inference, window.features.tutor
    window.features.model.load()
    wait(lambda: inference.ready)
    wait(lambda: panel.ready or study.tutor.is_warm())
    panel.coach_btn.setChecked(False)
    panel.bring_forward()
    done: list[object] = []
    inference.finished.connect(lambda _id, result: done.append(result))
    panel.question.setPlainText("Why do we divide by the square root of d_k in attention?")
    panel.ask()
    # The panel while the answer streams: what a learner sees in the first seconds.
    wait(lambda: bool(done) or "Writing" in panel.status.text())
    if not done:
        panel.grab().save(str(HERE / "tutor-working.png"))
    wait(lambda: bool(done))
    for _ in range(30):
        app.processEvents()
    window.grab().save(str(HERE / "main-window.png"))
    panel.grab().save(str(HERE / "tutor-answer.png"))
    if done[0].unsupported:  # what the check held back, unfolded with its reasons
        panel.transcript.anchorClicked.emit(QUrl("action:held/1"))
        for _ in range(30):
            app.processEvents()
        bar = panel.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())
        panel.grab().save(str(HERE / "tutor-answer-checked.png"))
    inference.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
