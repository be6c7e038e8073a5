"""Ctrl+K as a learner uses it, keyboard only: type, arrows, Enter opens, Esc closes.

Results say where they are (day, its title, the section), show a plain snippet with the
matched words highlighted (no raw Markdown, no [brackets], no emoji that a font may
lack), say how many there are in all, and page with "Show more" (no silent cap).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.storage import notes
from companion.ui.search_dialog import HIT_ROLE, PAGE, PLACE_ROLE, SearchDialog


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in [(QPalette.ColorRole.Window, "#202124"),
                         (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Base, "#1b1b1d"),
                         (QPalette.ColorRole.AlternateBase, "#26272a"),
                         (QPalette.ColorRole.Text, "#e8eaed"),
                         (QPalette.ColorRole.Button, "#2d2e31"),
                         (QPalette.ColorRole.ButtonText, "#e8eaed"),
                         (QPalette.ColorRole.Highlight, "#3b6ea8"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"),
                         (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
                         (QPalette.ColorRole.Link, "#8ab4f8")]:
        palette.setColor(role, QColor(colour))
    return palette


def _open(qtbot, window, text: str) -> SearchDialog:
    """Ctrl+K in the window, then type (the search runs after a short pause)."""
    window.activateWindow()  # a shortcut only reaches the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = window._search_dialog
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.query  # typing goes straight into the query
    QTest.keyClicks(dialog.query, text)
    qtbot.waitUntil(lambda: bool(dialog.summary.text()), timeout=3000)
    return dialog


def _hits(dialog: SearchDialog) -> list:
    return [dialog.results.item(i).data(HIT_ROLE) for i in range(dialog.results.count())]


def test_keyboard_only_search_opens_the_section(qtbot, window):
    window.show_day(1)
    dialog = _open(qtbot, window, "multi-head attention")
    first = dialog.results.currentItem().data(HIT_ROLE)
    assert (first.day, first.section) == (4, "multi-head-attention")
    QTest.keyClick(dialog.query, Qt.Key.Key_Down)  # arrows move the result from the query
    assert dialog.results.currentRow() == 1
    QTest.keyClick(dialog.query, Qt.Key.Key_Up)
    assert dialog.results.currentRow() == 0
    with qtbot.waitSignal(dialog.hitChosen):
        QTest.keyClick(dialog.query, Qt.Key.Key_Return)
    assert window.notes.day == 4 and not dialog.isVisible()
    cursor = window.lesson.cursorForPosition(window.lesson.viewport().rect().topLeft())
    assert cursor.block().text() == "Multi-head attention"  # the section is at the top


def test_escape_closes_and_typing_in_the_list_goes_to_the_query(qtbot, window):
    dialog = _open(qtbot, window, "softmax")
    dialog.results.setFocus()
    QTest.keyClicks(dialog.results, " temperature")
    assert dialog.query.text() == "softmax temperature"
    assert dialog.focusWidget() is dialog.query
    QTest.keyClick(dialog.query, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.notes.day == 4  # nothing opened


def test_results_name_day_and_section_with_clean_highlighted_snippets(qtbot, window):
    dialog = _open(qtbot, window, "attention")
    for i in range(dialog.results.count()):
        item = dialog.results.item(i)
        hit = item.data(HIT_ROLE)
        title = window.study.course.day(hit.day).title
        assert item.data(PLACE_ROLE) == f"Day {hit.day} · {title} › {hit.title}"
        assert "**" not in hit.snippet and "`" not in hit.snippet and "[" not in item.text()[:3]
        assert hit.marks and hit.snippet[hit.marks[0][0]:hit.marks[0][1]].lower().startswith(
            "attention")
        assert not item.icon().isNull()  # drawn here: no emoji, no glyph a font may lack
        assert all(ord(c) < 0x2600 for c in item.data(PLACE_ROLE))


def test_total_count_and_show_more_by_keyboard(qtbot, window):
    total = window.study.search("model", 1000).total
    assert total > 2 * PAGE
    dialog = _open(qtbot, window, "model")
    assert dialog.results.count() == PAGE
    assert dialog.summary.text() == f"Showing {PAGE} of {total} results"
    assert dialog.more.isVisible() and dialog.more.text() == f"Show &more ({PAGE})"
    QTest.keyClick(dialog.query, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Alt+M
    qtbot.waitUntil(lambda: dialog.results.count() == 2 * PAGE, timeout=3000)  # animated click
    assert dialog.results.currentRow() == PAGE
    dialog.results.setFocus()  # Down on the last result brings the next page
    dialog.results.setCurrentRow(2 * PAGE - 1)
    QTest.keyClick(dialog.results, Qt.Key.Key_Down)
    assert dialog.results.count() == min(total, 3 * PAGE)
    while dialog.more.isVisible():
        dialog.more.click()
    hits = _hits(dialog)
    assert len(hits) == total and dialog.summary.text() == f"{total} results"
    assert len({(h.kind, h.day, h.section, h.title) for h in hits}) == total  # no repeats
    QTest.keyClick(dialog.results, Qt.Key.Key_End)
    QTest.keyClick(dialog.results, Qt.Key.Key_Down)  # nothing more: stays on the last
    assert dialog.results.currentRow() == total - 1


def test_a_note_hit_opens_the_notes_of_that_day(qtbot, window):
    filler = "\n".join(f"line {n} of my notes" for n in range(200))
    notes.save(window.study.db, 9, f"{filler}\nMy own words about the **zebra** tokenizer")
    dialog = _open(qtbot, window, "zebra")
    hit = dialog.results.currentItem().data(HIT_ROLE)
    assert hit.kind == "note" and dialog.results.currentItem().data(PLACE_ROLE).endswith(
        "› Your notes")
    assert dialog.summary.text() == "1 result" and not dialog.more.isVisible()
    QTest.keyClick(dialog.results, Qt.Key.Key_Return)
    assert window.notes.day == 9 and window.focusWidget() is window.notes.editor
    editor = window.notes.editor
    assert editor.textCursor().selectedText() == "zebra"  # the match, selected and in view
    assert editor.cursorRect().intersects(editor.viewport().rect())


def test_no_matches_says_so(qtbot, window):
    dialog = _open(qtbot, window, "xyzzyplugh")
    assert dialog.summary.text() == "No matches" and dialog.results.count() == 0
    QTest.keyClick(dialog.query, Qt.Key.Key_Return)  # nothing to open: the dialog stays
    assert dialog.isVisible()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_screenshot(qtbot, window, shots, mode):
    notes.save(window.study.db, 4, "## Attention\nMy note: **attention** is a weighted average.")
    dialog = _open(qtbot, window, "attention")
    if mode == "dark":
        dialog.setPalette(dark_palette())
    dialog.resize(720, 560)
    dialog.results.setCurrentRow(1)
    QApplication.processEvents()
    dialog.grab().save(str(shots / f"search-{mode}.png"))
