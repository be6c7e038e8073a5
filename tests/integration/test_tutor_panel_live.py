"""The tutor panel through the real bundled model: streaming under qtbot, Stop, citations."""

from __future__ import annotations

import pytest

from companion.storage import chats
from tests.conftest import SHOTS

pytestmark = pytest.mark.slow


@pytest.fixture
def live_window(window, qtbot):
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        window.features.model.load()
    return window


def test_a_question_streams_into_the_panel_and_is_saved(qtbot, live_window):
    panel = live_window.features.tutor
    chunks: list[str] = []
    live_window.features.inference.text.connect(lambda _id, text: chunks.append(text))
    panel.question.setPlainText("What is multi-head attention?")
    with qtbot.waitSignal(live_window.features.inference.finished, timeout=120_000):
        panel.ask_btn.click()
        assert panel.stop_btn.isEnabled() and not panel.ask_btn.isEnabled()
    assert len(chunks) >= 2  # arrived in batches while generating, not all at the end
    assert "Sources:" in panel.transcript.toPlainText()
    assert "Day 4" in panel.transcript.toPlainText()
    saved = chats.messages(live_window.study.db, panel.chat_id)
    assert [m.role for m in saved] == ["user", "assistant"] and saved[1].citations
    assert "tokens/s" in live_window.tutor_status.text()
    live_window.grab().save(str(SHOTS / "tutor.png"))


def test_stop_ends_a_long_answer(qtbot, live_window):
    panel = live_window.features.tutor
    received: list[str] = []

    def stop_after_first(_id: int, text: str) -> None:
        received.append(text)
        if len(received) == 1:
            panel.stop_btn.click()

    live_window.features.inference.text.connect(stop_after_first)
    panel.question.setPlainText("Write a very long essay on every topic of the course.")
    with qtbot.waitSignal(live_window.features.inference.finished, timeout=120_000) as blocker:
        panel.ask()
    answer = blocker.args[1]
    assert answer.stopped and answer.stats["completion_tokens"] < 200
    assert panel.ask_btn.isEnabled()
