"""TutorService.warm_up: progress and cancel while course text must be encoded."""

from __future__ import annotations

import pytest

from companion.jobs import Cancelled, JobContext
from companion.tutor import course_index, semantic, vector_cache
from companion.tutor.retrieval import find


@pytest.fixture
def nothing_shipped(monkeypatch, tmp_path):
    """As after editing the lessons: no stored vector matches, everything is encoded."""
    monkeypatch.setattr(vector_cache, "SHIPPED", tmp_path / "none.npz")
    monkeypatch.setattr(semantic, "_VECTORS", {})
    monkeypatch.setattr(course_index, "_BUILT", {})
    if semantic.load_encoder() is None:
        pytest.skip("no sentence encoder installed")


def test_warm_up_reports_progress_and_a_cancel_leaves_words_only(study, nothing_shipped):
    tutor = study.tutor
    assert not tutor.is_warm()
    ctx = JobContext()
    progress, statuses = [], []
    ctx.status = statuses.append

    def on_progress(done: int, total: int) -> None:
        progress.append((done, total))
        if done >= vector_cache.CHUNK:
            ctx.cancel()

    ctx.progress = on_progress
    with pytest.raises(Cancelled):
        tutor.warm_up(ctx)
    assert progress[0][0] == 0 and progress[0][1] > 1000  # every course text, counted
    assert statuses and "Reading the course for meaning" in statuses[0]
    assert tutor.is_warm()  # ready: on words only, not re-encoding at the first Ask
    found = find(study.course, "What is multi-head attention?")
    assert found.on_course and found.meaning == 0.0


def test_is_warm_does_not_build_anything(study, nothing_shipped):
    assert not study.tutor.is_warm()
    assert course_index._BUILT == {}  # asking did not build the index
