"""The window fits screens from 1024 x 600 to 4K, keeps a readable lesson, and remembers.

Each size builds a real window as a first start on a screen of that size (the screen's
available area is the one thing faked: the offscreen platform has a single fixed screen),
then checks that nothing is cut off or collapsed and saves a screenshot to look at.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QRect

from companion.ui import window_layout
from tests.conftest import SHOTS

SIZES = [(1024, 600), (1280, 800), (1920, 1080), (3840, 2160)]


@pytest.fixture
def screen(monkeypatch):
    def use(width: int, height: int) -> None:
        monkeypatch.setattr(window_layout, "available_area",
                            lambda _window: QRect(0, 0, width, height))
    return use


def _window(qtbot, study, size=None):
    from companion.app import build_window

    study.progress.set_start_date(dt.date.today() - dt.timedelta(days=3))
    window = build_window(study, load_model=False)
    qtbot.addWidget(window)
    if size:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the first dock sizes are applied right after the window shows
    return window


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_first_window_fits_the_screen_and_nothing_collapses(qtbot, study, screen, width,
                                                              height):
    screen(width, height)
    window = _window(qtbot, study)
    try:
        frame = window.frameGeometry()
        assert frame.width() <= width and frame.height() <= height  # all of it on screen
        assert window.minimumSizeHint().width() <= width
        assert window.lesson.width() >= 340 and window.day_list.width() >= 170
        assert window.study_dock.isVisible() and window.study_dock.width() >= 260
        tutor = window.features.tutor
        side_by_side = not window.tabifiedDockWidgets(window.study_dock)
        assert side_by_side == (window.width() >= window_layout.SIDE_BY_SIDE_FROM)
        if side_by_side:
            assert tutor.isVisible() and tutor.width() >= 280
        # the reading column never grows past ~92 characters; extra width is margin
        column = window.lesson.viewport().width()
        assert column <= window.reading.column_width() + 2
        if window.lesson.width() > window.reading.column_width() + 40:
            assert window.lesson.viewportMargins().left() > 6
        window.show_day(4)
        assert window.grab().save(str(SHOTS / f"main-window-{width}x{height}.png"))
    finally:
        window.features.inference.shutdown()


def test_size_position_docks_and_splitter_are_remembered(qtbot, study):
    first = _window(qtbot, study)  # on the tests' 1440 x 900 screen
    first.resize(1300, 820)
    first.move(40, 30)
    first.splitter.setSizes([300, 900])
    first.study_pane.set_mode("tabs")
    first.save_layout()
    sizes = first.splitter.sizes()
    first.features.inference.shutdown()
    second = _window(qtbot, study)
    second.restore_layout()
    try:
        assert (second.width(), second.height()) == (1300, 820)
        assert second.splitter.sizes()[0] == sizes[0]
        assert second.study_pane.mode == "tabs"
    finally:
        second.features.inference.shutdown()


def test_a_saved_window_larger_than_the_screen_is_pulled_back(qtbot, study):
    big = _window(qtbot, study)
    big.resize(2400, 1500)  # saved on a bigger screen than this 1440 x 900 one
    big.move(900, 500)
    big.save_layout()
    big.features.inference.shutdown()
    small = _window(qtbot, study)
    small.restore_layout()
    try:
        area = small.screen().availableGeometry()
        assert area.contains(small.frameGeometry())
    finally:
        small.features.inference.shutdown()


@pytest.mark.slow
def test_a_hidpi_screen_renders_sharp(tmp_path):
    """Device pixel ratio 2 (QT_SCALE_FACTOR): a real process, its screenshot saved."""
    code = (
        "import datetime as dt, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "from companion.study import Study\n"
        "from companion.app import build_window\n"
        "s = Study.open(); s.progress.set_start_date(dt.date.today())\n"
        "w = build_window(s, load_model=False); w.resize(1280, 800); w.show()\n"
        "[app.processEvents() for _ in range(20)]\n"
        "img = w.grab().toImage()\n"
        f"img.save({str(SHOTS / 'main-window-1280x800@2x.png')!r})\n"
        "print(w.devicePixelRatio(), img.width(), img.height())\n"
        "w.features.inference.shutdown()\n")
    SHOTS.mkdir(exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2",
           "COMPANION_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    ratio, w, h = out.stdout.split()[-3:]
    assert float(ratio) == 2.0 and (int(w), int(h)) == (2560, 1600)
