"""GUI fixtures: a real main window on a real (temporary) database."""

from __future__ import annotations

import datetime as dt

import pytest

from companion.storage import settings


@pytest.fixture
def window(qtbot, study):
    from companion.app import build_window

    settings.set_start_date(study.db, dt.date.today() - dt.timedelta(days=3))
    w = build_window(study, load_model=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.inference.shutdown()
