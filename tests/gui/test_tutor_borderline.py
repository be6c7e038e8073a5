"""The tutor panel on questions the course may not cover, and getting the course ready.

A borderline question (rejected by the off-course gate, but not by much) gets one honest
line and the closest section as a link, never its text as an answer; a clear off-course
question keeps the flat refusal. While edited lesson sentences are encoded at start the
panel shows progress, and Stop leaves the tutor searching by words.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl

from companion.tutor import semantic, vector_cache
from companion.tutor.retrieval import find

# everyday sense of course words: close enough to the course to be borderline
BORDERLINE = "how do I pay attention in lectures"


def _panel(qtbot, window):
    panel = window.features.tutor
    qtbot.waitUntil(lambda: panel.ready or window.study.tutor.is_warm(), timeout=30_000)
    window.study.tutor.set_mode("explain")
    panel.coach_btn.setChecked(False)
    return panel


def test_a_borderline_question_links_the_closest_section_without_answering(
        qtbot, window, fake_engine, shots):
    engine = fake_engine(["Sit near the front and take notes."])
    panel = _panel(qtbot, window)
    found = find(window.study.course, BORDERLINE)
    assert found.borderline and not found.on_course  # what this test is about
    closest = found.closest
    panel.question.setPlainText(BORDERLINE)
    panel.ask()
    assert panel.job is None and engine.calls == []  # no model unless asked for
    text = panel.transcript.toPlainText()
    assert "may not cover this question" in text and closest.title in text
    assert "does not cover" not in text and "From the course" not in text
    assert "Answer anyway" in text and "may not cover" in panel.status.text()
    panel.setFloating(True)  # its own window, sized to read, for the picture
    panel.resize(460, 420)
    qtbot.wait(300)  # lay out before the picture; not asserted, offscreen sizing varies
    panel.grab().save(str(shots / "tutor-borderline.png"))
    # the section is a link the learner can open
    html = panel.transcript.document().toHtml()
    assert f"lesson:{closest.day}#{closest.id}" in html
    panel.transcript.anchorClicked.emit(QUrl(f"lesson:{closest.day}#{closest.id}"))
    assert window.current_day() == closest.day
    # saved with its parts: the closest section is kept, not as a citation
    message = window.study.chats.messages(panel.chat_id)[-1]
    assert message.parts["closest"]["section"] == closest.id and message.citations == []
    export = window.study.chats.to_markdown(panel.chat_id)  # notes and exports say the same
    assert "may not cover this question" in export and "does not cover" not in export
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        panel.transcript.anchorClicked.emit(QUrl("action:anyway/1"))
    text = panel.transcript.toPlainText()
    assert "Sit near the front" in text and "unchecked" in text


def test_a_clear_off_course_question_still_gets_the_flat_refusal(qtbot, window):
    panel = _panel(qtbot, window)
    panel.question.setPlainText("What is the capital of Australia?")
    panel.ask()
    text = panel.transcript.toPlainText()
    assert "does not cover this question" in text and "may not cover" not in text
    assert "Closest" not in text


def test_encoding_at_start_shows_progress_and_stop_leaves_words_only(
        qtbot, study, monkeypatch, tmp_path, shots):
    """No shipped vectors: every course text must be encoded (the edited-course case)."""
    from companion.app import build_window

    monkeypatch.setattr(vector_cache, "SHIPPED", tmp_path / "none.npz")
    monkeypatch.setattr(semantic, "_VECTORS", {})
    window = build_window(study, load_model=False)
    qtbot.addWidget(window)
    window.show()
    panel = window.features.tutor
    try:
        qtbot.waitUntil(lambda: "Reading the course for meaning" in panel.status.text()
                        and panel.stop_btn.isEnabled(), timeout=30_000)
        assert not panel.ready
        panel.question.setPlainText("What is multi-head attention?")
        panel.ask()  # waits for the course: asked at once when it is ready
        assert "your question follows" in panel.status.text()
        qtbot.waitUntil(lambda: "Reading the course" in panel.status.text(), timeout=10_000)
        panel.grab().save(str(shots / "tutor-warm-up-progress.png"))
        with qtbot.waitSignal(panel.warming.cancelled, timeout=30_000):
            panel.stop_btn.click()
        assert panel.ready and window.study.tutor.is_warm() and not panel.stop_btn.isEnabled()
        found = find(study.course, "What is multi-head attention?")
        assert found.on_course and found.meaning == 0.0  # words only, still answers
        # the question asked while waiting was answered (Coach mode: its hints)
        assert panel.coach.isVisible() and "Where to look" in panel.coach.hints.toPlainText()
    finally:
        window.features.inference.shutdown()
