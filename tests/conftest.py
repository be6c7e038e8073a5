"""Shared fixtures: offscreen Qt, a private data folder for every test, a real window."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

# Qt's offscreen platform has one 800 x 800 screen unless told otherwise: give the tests a
# common laptop screen (1440 x 900), so first windows open the size a learner's would
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _screen = Path(__file__).with_name("offscreen-screen.json")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"
# where tests save what they render, to be looked at (not compared)
SHOTS = Path(os.environ.get("COMPANION_SCREENSHOTS", Path(__file__).parent / "screenshots"))


@pytest.fixture(autouse=True)
def companion_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user data dir at a temp folder, like ``llm``'s user_path fixture."""
    home = tmp_path / "home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return home


@pytest.fixture
def study(companion_home: Path):
    from companion.study import Study

    s = Study.open()
    yield s
    s.close()


@pytest.fixture
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def window(qtbot, study):
    """A real main window on a real (temporary) database; the model is not loaded."""
    from companion.app import build_window

    study.progress.set_start_date(dt.date.today() - dt.timedelta(days=3))
    w = build_window(study, load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.features.inference.shutdown()


@pytest.fixture
def fake_engine(qtbot, window):
    """Put a scripted engine on the window's inference thread (made there, like a real one)."""
    from tests.fakes import FakeEngine

    def use(pieces: list[str], **kwargs) -> FakeEngine:
        made: list[FakeEngine] = []

        def factory() -> FakeEngine:
            made.append(FakeEngine(pieces, **kwargs))
            return made[0]

        with qtbot.waitSignal(window.features.inference.modelReady, timeout=10_000):
            window.features.inference.load_engine(factory, "fake")
        return made[0]

    return use
