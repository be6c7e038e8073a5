"""Helper process: start a model download in the real app, then quit while it runs.

    python tests/integration/quit_download_app.py

HF_ENDPOINT points at a fake hub that serves slowly. Once the download has
received some bytes the app is quit the way File > Quit does; the process must end
promptly, with no traceback and nothing installed. Prints QUITTING when it quits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from companion.app import run_gui
from companion.tutor import catalog
from companion.ui.main_window import MainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])

    def start_when_ready() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or not windows[0].isVisible():
            QTimer.singleShot(50, start_when_ready)
            return
        window = windows[0]
        panel = window.features.models.open().downloads
        panel.start_download(catalog.find("smollm2-135m-instruct"))

        def quit_once_started(p) -> None:
            if p.phase == "download" and p.done > 1_000_000:
                panel._op.reported.disconnect(quit_once_started)
                print("QUITTING", flush=True)
                window.close()  # File > Quit closes the window, which ends the app

        panel._op.reported.connect(quit_once_started)

    QTimer.singleShot(0, start_when_ready)
    return run_gui()


if __name__ == "__main__":
    raise SystemExit(main())
