"""How many CPU cores are free right now, so llama.cpp does not fight other programs.

llama.cpp's threads spin while they wait for each other. On a 2-core laptop where
another program keeps one core busy, two llama.cpp threads share one core with that
program and decoding collapses (measured: 118 tokens/s idle, 10-29 with two threads,
65-75 with one). So the thread count is chosen per answer from what the other
programs used over the last second or two: this process's own time is subtracted,
so the tutor's own threads never count as "someone else is busy".

Linux reads ``/proc/stat``; elsewhere ``psutil`` is used when installed, and without
either the answer is simply "all physical cores" (the old behaviour).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass

SAMPLE_EVERY_S = 0.5  # the background sampler's period
WINDOW_S = 2.0  # "recent" CPU usage: the last two seconds
MIN_WINDOW_S = 0.2  # a shorter window is too noisy to trust
QUICK_SAMPLE_S = 0.1  # when nothing was sampled yet, look for this long
# a core counts as taken when others use more than this share of it: a core 70% busy
# still costs a spinning llama.cpp thread most of its speed
BUSY_SHARE = 0.35


@dataclass(frozen=True)
class Snapshot:
    """CPU time counters at one moment (seconds of CPU, summed over all cores)."""

    at: float  # time.monotonic()
    busy: float  # every process, all cores: user + nice + system + irq + softirq + steal
    own: float  # this process only


def _system_busy() -> float | None:
    """Seconds of busy CPU since boot, all cores together; None when the OS will not say."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        fields = []
    if fields and fields[0] == "cpu":
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        user, nice, system, _idle, _iowait, irq, softirq, steal = (
            int(v) for v in (fields[1:9] + ["0"] * 8)[:8])
        return (user + nice + system + irq + softirq + steal) / ticks
    try:
        import psutil  # optional: macOS and Windows
    except ImportError:
        return None
    t = psutil.cpu_times()
    return sum(getattr(t, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq",
                                                  "steal", "interrupt", "dpc"))


def snapshot() -> Snapshot | None:
    busy = _system_busy()
    if busy is None:
        return None
    times = os.times()
    return Snapshot(time.monotonic(), busy, times.user + times.system)


def others_busy(before: Snapshot, after: Snapshot) -> float:
    """Cores' worth of CPU that other processes used between two snapshots (0.0-ncpu)."""
    wall = after.at - before.at
    if wall <= 0:
        return 0.0
    others = (after.busy - before.busy) - (after.own - before.own)
    return max(0.0, others / wall)


def free_cores_from(busy_others: float, cores: int) -> int:
    """Cores left for llama.cpp when others keep ``busy_others`` cores' worth busy."""
    taken = int(busy_others + (1 - BUSY_SHARE))  # 0.34 -> 0 taken, 0.36 -> 1 taken
    return max(1, min(cores, cores - taken))


class CpuMonitor:
    """Samples the CPU counters in the background so a decision never waits.

    ``free_cores()`` answers from the last ~2 s of samples; the first call before any
    sample exists looks for 0.1 s. The sampler thread is a daemon that reads one line
    of ``/proc/stat`` twice a second: nothing measurable.
    """

    def __init__(self, cores: int, period_s: float = SAMPLE_EVERY_S,
                 window_s: float = WINDOW_S) -> None:
        self.cores = max(1, cores)
        self.period_s = period_s
        self.window_s = window_s
        self._samples: deque[Snapshot] = deque(maxlen=max(2, int(window_s / period_s) + 2))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.available = snapshot() is not None

    def start(self) -> CpuMonitor:
        if self.available and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cpu-monitor", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.period_s)

    def sample(self) -> None:
        snap = snapshot()
        if snap is not None:
            with self._lock:
                self._samples.append(snap)

    def busy_others(self) -> float | None:
        """Cores' worth used by other programs recently, or None when this OS will not say."""
        if not self.available:
            return None
        now = snapshot()
        if now is None:
            return None
        with self._lock:
            recent = [s for s in self._samples if now.at - s.at <= self.window_s + self.period_s]
        usable = [s for s in recent if now.at - s.at >= MIN_WINDOW_S]
        if usable:
            before = usable[0]  # the oldest inside the window: the steadiest estimate
        else:
            before = now
            time.sleep(QUICK_SAMPLE_S)
            now = snapshot() or now
        return others_busy(before, now)

    def free_cores(self) -> int:
        busy = self.busy_others()
        return self.cores if busy is None else free_cores_from(busy, self.cores)


_shared: CpuMonitor | None = None
_shared_lock = threading.Lock()


def shared_monitor(cores: int) -> CpuMonitor:
    """One sampler for the whole process (every engine asks the same question)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.cores != max(1, cores):
            if _shared is not None:
                _shared.stop()
            _shared = CpuMonitor(cores).start()
        return _shared
