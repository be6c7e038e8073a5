"""Bring the running window forward when the app is started a second time.

The lock in ``companion/instance.py`` decides who runs; this is how the second
launch tells the first one "the learner wants you": it drops a request file in the
data folder's ``.show-requests`` folder, which the running app watches, answers by
deleting, and raises its window. A learner who clicks the app icon again then simply
sees their window. (Files rather than a local socket: QtNetwork is not in the bundle.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from companion import instance

POLL_MS = 2000  # in case the file system cannot be watched (some network drives)


class ShowRequests(QObject):
    """Watches for later launches and brings ``window`` to the front when one asks."""

    requested = Signal()

    def __init__(self, folder: Path, window: QWidget) -> None:
        super().__init__(window)
        self.folder = Path(folder)
        self.window = window
        instance.take_requests(self.folder)  # left over from a crashed run
        self.watcher = QFileSystemWatcher(self)
        try:
            self.watcher.addPath(str(instance.requests_dir(self.folder)))
        except OSError:
            pass  # a folder we cannot write to: the timer still looks now and then
        self.watcher.directoryChanged.connect(self.check)
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.requested.connect(self.bring_forward)

    def check(self, *_args: object) -> None:
        if instance.take_requests(self.folder):
            self.requested.emit()

    def bring_forward(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def stop(self) -> None:
        self.timer.stop()
        self.watcher.removePaths(self.watcher.directories())
