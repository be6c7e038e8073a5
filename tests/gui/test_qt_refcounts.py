"""Guard against a Qt binding that corrupts Python refcounts in slot calls.

PySide6 6.12.0 on Python 3.11 decremented None on every timer-driven slot call
and True/False on decorated slots: a long-running window aborted with
"deallocating None". This test fails fast if an upgrade brings that back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal, Slot


def _counts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


class _Sender(QObject):
    fired = Signal(int, str)


class _Receiver(QObject):
    @Slot()
    def tick(self) -> None:
        pass

    @Slot(int, str)
    def take(self, number: int, text: str) -> None:
        pass


def test_slot_calls_do_not_leak_or_steal_references(qapp):
    receiver, sender = _Receiver(), _Sender()
    sender.fired.connect(receiver.take)
    timer = QTimer(interval=0)
    timer.timeout.connect(receiver.tick)
    timer.timeout.connect(lambda: None)
    before = _counts()
    timer.start()
    for _ in range(300):
        qapp.processEvents()
        sender.fired.emit(1, "x")
    timer.stop()
    after = _counts()
    # a correct binding leaves these counts (nearly) unchanged; the bad one lost ~600
    assert all(a - b > -50 for a, b in zip(after, before, strict=True)), (before, after)
