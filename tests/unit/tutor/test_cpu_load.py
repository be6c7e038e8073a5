"""Free cores from recent CPU use: our own threads never count as someone else's load."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from companion.tutor import cpu_load
from companion.tutor.cpu_load import CpuMonitor, Snapshot, free_cores_from, others_busy


def test_others_busy_subtracts_this_process():
    before = Snapshot(at=0.0, busy=100.0, own=10.0)
    after = Snapshot(at=2.0, busy=103.0, own=12.0)  # 3 s of CPU in 2 s, 2 of them ours
    assert others_busy(before, after) == pytest.approx(0.5)
    assert others_busy(after, after) == 0.0
    assert others_busy(before, Snapshot(2.0, 100.5, 12.0)) == 0.0  # never negative


@pytest.mark.parametrize("busy, cores, free", [
    (0.0, 2, 2), (0.3, 2, 2), (0.4, 2, 1), (1.0, 2, 1), (1.3, 2, 1), (2.0, 2, 1),
    (0.0, 8, 8), (3.0, 8, 5), (0.2, 1, 1),
])
def test_free_cores_rounds_a_mostly_busy_core_to_taken(busy, cores, free):
    assert free_cores_from(busy, cores) == free


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="reads /proc/stat")
def test_a_busy_child_process_is_seen_and_our_own_spinning_is_not():
    monitor = CpuMonitor(cores=2, period_s=0.1, window_s=0.6)
    assert monitor.available
    before = cpu_load.snapshot()
    _spin(0.6)  # this process burns a core: that is the tutor itself, not "others"
    after = cpu_load.snapshot()
    wall = after.at - before.at
    everyone = (after.busy - before.busy) / wall  # includes other developers' load here
    own = (after.own - before.own) / wall  # below 1.0 when others compete for the cores
    assert own > 0.2
    assert others_busy(before, after) <= everyone - own + 0.05  # our share is taken out
    child = multiprocessing.get_context("spawn").Process(target=_spin, args=(3.0,))
    child.start()
    try:
        time.sleep(1.0)  # the child starts (spawn) and spins
        monitor.sample()
        time.sleep(0.6)
        seen = monitor.busy_others()
    finally:
        child.join()
    # the child used about one core; others on this shared machine can only add to it
    assert seen is not None and seen > 0.6
    assert monitor.free_cores() <= 2


def test_the_shared_monitor_is_one_per_process():
    a = cpu_load.shared_monitor(2)
    assert cpu_load.shared_monitor(2) is a
    assert cpu_load.shared_monitor(4) is not a
