"""The tutor panel through the real bundled model: course text first, checked words, Stop."""

from __future__ import annotations

import pytest

from companion.storage import chats
from tests.conftest import SHOTS

pytestmark = pytest.mark.slow
SCALING = "Why do we divide by the square root of d_k in attention?"


@pytest.fixture
def live_window(window, qtbot):
    with qtbot.waitSignal(window.features.inference.modelReady, timeout=120_000):
        window.features.model.load()
    panel = window.features.tutor
    panel.bring_forward()  # a tab beside the checklist on this laptop-sized screen
    qtbot.waitUntil(lambda: panel.ready or window.study.tutor.is_warm(), timeout=60_000)
    return window


def test_the_course_excerpt_comes_first_and_the_explanation_streams_checked(qtbot, live_window):
    panel = live_window.features.tutor
    panel.coach_btn.setChecked(False)  # Explain mode: the answer at once
    statuses: list[str] = []
    live_window.features.inference.status.connect(lambda _id, words: statuses.append(words))
    panel.question.setPlainText(SCALING)
    with qtbot.waitSignal(live_window.features.inference.finished, timeout=120_000) as blocker:
        panel.ask_btn.click()
        assert panel.stop_btn.isEnabled() and not panel.ask_btn.isEnabled()
        text = panel.transcript.toPlainText()  # before any model token
        assert "From the course" in text and "Day 4 · Self-attention" in text
    answer = blocker.args[1]
    assert answer.excerpt.parts[0].section == "self-attention"
    text = panel.transcript.toPlainText()
    assert text.index("From the course") < text.index("Save to notes")
    for sentence in answer.elaboration:  # what is shown as fact passed the check
        assert sentence in text.replace("\n", " ")
    assert statuses and statuses[0].startswith("Reading") and "Writing…" in statuses
    saved = chats.messages(live_window.study.db, panel.chat_id)
    assert [m.role for m in saved] == ["user", "assistant"] and saved[1].parts["excerpt"]
    status = live_window.tutor_status.text()
    assert "tokens/s" not in status or answer.stats["tokens_per_s"] is not None
    panel.grab().save(str(SHOTS / "tutor-answer.png"))
    if answer.unsupported:  # unfold what the check held back, with its reasons
        from PySide6.QtCore import QUrl

        panel.transcript.anchorClicked.emit(QUrl("action:held/1"))
        assert answer.unsupported[0].reason in panel.transcript.toPlainText()
        panel.grab().save(str(SHOTS / "tutor-answer-checked.png"))


def test_coach_mode_with_the_real_model(qtbot, live_window):
    panel = live_window.features.tutor
    panel.coach_btn.setChecked(True)
    panel.question.setPlainText(SCALING)
    panel.ask()
    coach = panel.coach
    assert coach.isVisible() and panel.job is None  # no model needed for hints
    panel.grab().save(str(SHOTS / "tutor-coach-1.png"))
    coach.next_btn.click()
    panel.grab().save(str(SHOTS / "tutor-coach-2.png"))
    coach.next_btn.click()
    coach.gap.setText(coach.ladder.cloze.answer)
    coach.check_btn.click()
    assert "Right" in coach.verdict.text()
    panel.grab().save(str(SHOTS / "tutor-coach-3.png"))
    with qtbot.waitSignal(live_window.features.inference.finished, timeout=120_000):
        coach.answer_btn.click()
    assert "From the course" in panel.transcript.toPlainText()
    panel.grab().save(str(SHOTS / "tutor-coach-4.png"))


def test_stop_ends_a_long_answer(qtbot, live_window):
    panel = live_window.features.tutor
    panel.coach_btn.setChecked(False)
    received: list[str] = []

    def stop_after_first(_id: int, text: str) -> None:
        received.append(text)
        if len(received) == 1:
            panel.stop_btn.click()

    live_window.features.inference.status.connect(
        lambda _id, words: panel.stop_btn.click() if words.startswith("Writing") else None)
    live_window.features.inference.text.connect(stop_after_first)
    panel.question.setPlainText("Write a very long essay on multi-head attention.")
    with qtbot.waitSignal(live_window.features.inference.finished, timeout=120_000) as blocker:
        panel.ask()
    answer = blocker.args[1]
    assert answer.stopped and answer.stats["completion_tokens"] < 200
    assert panel.ask_btn.isEnabled() and "From the course" in panel.transcript.toPlainText()
