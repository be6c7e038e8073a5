"""Explain it back in the window: write, check, see what is missing and what is wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest

from tests.conftest import SHOTS

# covers the first two key points of "Why attention scores are scaled", misses the third,
# and states the misconception that scaling makes attention faster
PLANTED = ("The dot product grows with the dimension d_k, so the scores get large and the "
           "softmax saturates with tiny gradients. We divide by the square root mainly "
           "because it makes attention faster.")


def test_a_missing_point_and_a_planted_misconception_are_shown(qtbot, window):
    window.show_day(4)
    QTest.keyClick(window, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    view = window.features.quiz.explain_back_view
    assert view is not None and view.isVisible() and view.day == 4
    concept = view.concept
    assert concept.id == "d04-c1" and view.prompt.text() == concept.prompt
    assert view.picker.count() == len(window.study.course.day(4).concepts)

    view.editor.setPlainText("too short")
    view.check_button.click()
    assert "Write at least 5 words" in view.status.text()
    assert window.study.quiz.explanations(concept.id) == []  # nothing saved for that

    view.editor.setPlainText(PLANTED)
    view.check_button.click()
    result = view.last
    assert result.covered == (0, 1) and [m.index for m in result.missing] == [2]
    assert [m.index for m in result.misconceptions] == [0]
    shown = view.result.toPlainText()
    assert "2 of 3 key points covered" in shown and "1 misconception" in shown
    assert "Misconception: Scaling makes attention cheaper or faster to compute." in shown
    assert concept.misconceptions[0].correction in shown
    assert "Missing:" in shown and concept.key_points[2].text in shown
    assert "The lesson says: “Dividing by sqrt(d_k) brings the variance back to about 1" in shown
    assert f"lesson:4#{concept.section}" in view.result.toHtml()
    assert view.editor.toPlainText() == PLANTED  # the text stays to be improved
    assert "Saved. Add what is missing" in view.status.text()
    [saved] = window.study.quiz.explanations(concept.id)
    assert saved.text == PLANTED and not saved.complete
    assert "explain 2 more of its 4 concepts" in view.mastery.text()
    qtbot.waitUntil(lambda: view.result.height() > 150)
    assert view.grab().save(str(SHOTS / "explain-back.png"))

    view.result.anchorClicked.emit(QUrl(f"lesson:4#{concept.section}"))
    assert window.current_day() == 4


def test_a_complete_explanation_counts_and_drafts_survive_switching(qtbot, window):
    window.show_day(4)
    view = window.features.quiz.open_explain_back()
    view.editor.setPlainText("A draft about scaling that I have not finished")
    view.picker.setCurrentIndex(1)  # another concept: its own empty box
    assert view.editor.toPlainText() == "" and view.concept.id == "d04-c2"
    view.picker.setCurrentIndex(0)
    assert view.editor.toPlainText() == "A draft about scaling that I have not finished"

    view.editor.setPlainText(
        "The dot product of two vectors grows with the dimension d_k. Large scores push the "
        "softmax towards one-hot outputs with near-zero gradients. Dividing by the square "
        "root of d_k brings the variance back to about 1.")
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    QTest.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.last.complete
    assert "Explained: every key point, no misconception" in view.result.toPlainText()
    assert "counts as explained" in view.status.text()
    assert view.picker.itemText(0).startswith("✔ ")
    assert "d04-c1" in window.study.quiz.explained()
    assert window.study.quiz.mastery(4).explained == 1
