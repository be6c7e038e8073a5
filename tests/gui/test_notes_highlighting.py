"""The notes editor highlights Markdown as the learner types, in the palette's colours;
the preview shows task lists as boxes and tables with borders and aligned headers.

Highlighting works line by line (QSyntaxHighlighter), so a 1 MB note still opens and
types quickly; formats are read back from the editor's own text layout.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from companion.render import BOX_DONE, BOX_OPEN
from tests.gui.test_search import dark_palette

SIDES = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignRight

NOTE = """# Attention, my summary

Attention is a **weighted average** of *values*; see `softmax` and [the lesson](https://example.org).

- [ ] redo the exercise
- [x] read the paper

1. numbered item

> A quote: keys and *queries*

```python
scores = q @ k.T  # **not bold** in code
```

| Term | Meaning | Size |
|:-----|:-------:|-----:|
| d_k | key width | 64 |
"""


def _block(editor, starts: str):
    block = editor.document().begin()
    while block.isValid():
        if block.text().startswith(starts):
            return block
        block = block.next()
    raise AssertionError(f"no line starts with {starts!r}")


def _fmt(editor, starts: str, inside: str):
    """The highlighter's format at the first character of ``inside`` on that line."""
    block = _block(editor, starts)
    col = block.text().index(inside)
    ranges = block.layout().formats()
    for r in ranges:
        if r.start <= col < r.start + r.length:
            return QTextCharFormat(r.format)  # a copy: the ranges are temporaries
    return None


def _show(qtbot, window, text: str):
    notes = window.notes
    notes.show_note(window.current_day(), text)
    qtbot.waitUntil(lambda: not notes._rendering and notes.preview.markdown() == text,
                    timeout=10_000)
    return notes


def test_markdown_is_highlighted_in_the_palettes_colours(qtbot, window):
    notes = _show(qtbot, window, NOTE)
    editor = notes.editor
    link = editor.palette().color(QPalette.ColorRole.Link)
    heading = _fmt(editor, "# Attention", "Attention")
    assert heading.fontWeight() == QFont.Weight.Bold and heading.foreground().color() == link
    assert _fmt(editor, "# Attention", "#").foreground().color() != link  # the mark is dim
    assert _fmt(editor, "Attention is", "weighted").fontWeight() == QFont.Weight.Bold
    assert _fmt(editor, "Attention is", "values").fontItalic()
    assert _fmt(editor, "Attention is", "softmax").background().style() != Qt.BrushStyle.NoBrush
    assert _fmt(editor, "Attention is", "the lesson").fontUnderline()
    assert _fmt(editor, "Attention is", "Attention") is None  # plain prose stays plain
    assert _fmt(editor, "- [ ]", "-").foreground().color() == link
    assert _fmt(editor, "- [ ]", "[ ]").fontWeight() == QFont.Weight.Bold
    assert not _fmt(editor, "- [ ]", "[ ]").fontStrikeOut()
    assert _fmt(editor, "- [x]", "read").fontStrikeOut()  # done: struck through
    assert _fmt(editor, "1. numbered", "1.").foreground().color() == link
    assert _fmt(editor, "> A quote", "keys").fontItalic()
    code = _fmt(editor, "scores", "not bold")
    assert code.background().style() != Qt.BrushStyle.NoBrush
    assert code.fontWeight() != QFont.Weight.Bold  # nothing is Markdown inside a code block
    assert _fmt(editor, "| d_k", "|") is not None
    assert not notes._dirty  # colouring is not an edit: nothing to save


def test_typing_updates_the_highlighting_and_a_fence_reaches_the_lines_below(qtbot, window):
    notes = _show(qtbot, window, "plain words\n**bold**\n")
    editor = notes.editor
    assert _fmt(editor, "**bold", "bold").fontWeight() == QFont.Weight.Bold
    cursor = editor.textCursor()
    cursor.setPosition(0)
    editor.setTextCursor(cursor)
    QTest.keyClicks(editor, "```")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert _fmt(editor, "**bold", "bold").fontWeight() != QFont.Weight.Bold  # now code
    assert notes._dirty  # and that was typing: it is saved soon


def test_dark_palette_recolours(qtbot, window):
    notes = _show(qtbot, window, NOTE)
    light = _fmt(notes.editor, "# Attention", "Attention").foreground().color()
    notes.setPalette(dark_palette())
    QApplication.processEvents()
    dark = _fmt(notes.editor, "# Attention", "Attention").foreground().color()
    assert dark == dark_palette().color(QPalette.ColorRole.Link) != light


def test_a_megabyte_note_opens_and_types_quickly(qtbot, window):
    """Under load from other developers on 2 shared cores: generous bounds, numbers printed."""
    text = (NOTE * (1_000_000 // len(NOTE)))
    notes = window.notes
    started = time.perf_counter()
    notes.show_note(window.current_day(), text)
    opened = time.perf_counter() - started
    cursor = notes.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    notes.editor.setTextCursor(cursor)
    started = time.perf_counter()
    QTest.keyClicks(notes.editor, "**typed at the end**")
    per_key = (time.perf_counter() - started) / 20
    cursor.setPosition(0)
    notes.editor.setTextCursor(cursor)
    started = time.perf_counter()
    QTest.keyClicks(notes.editor, "~~~")  # the whole note below becomes code: all of it again
    QTest.keyClick(notes.editor, Qt.Key.Key_Return)
    fence = time.perf_counter() - started
    print(f"1 MB note ({text.count(chr(10))} lines): opened in {opened:.2f} s, "
          f"{per_key * 1000:.1f} ms a key, a fence over everything {fence:.2f} s")
    assert opened < 3 and per_key < 0.05 and fence < 3
    last = notes.editor.document().lastBlock().previous()
    assert last.userState() > 0  # the fence did reach the last line


def test_preview_shows_task_boxes_and_aligned_bordered_tables(qtbot, window, shots):
    notes = _show(qtbot, window, NOTE)
    text = notes.preview.toPlainText()
    assert f"{BOX_OPEN} redo the exercise" in text and f"{BOX_DONE} read the paper" in text
    assert "[ ]" not in text and "[x]" not in text
    doc = notes.preview.document()
    block = doc.begin()
    while block.isValid() and BOX_OPEN not in block.text():
        block = block.next()
    assert block.textList() is not None  # still a list (indented), without bullets:
    assert block.textList().format().style().value == 0  # QTextListFormat.ListStyleUndefined
    tables = [f for f in doc.rootFrame().childFrames() if hasattr(f, "cellAt")]
    assert len(tables) == 1
    table = tables[0]
    align = [table.cellAt(0, c).firstCursorPosition().blockFormat().alignment()
             for c in range(3)]
    assert [a & SIDES for a in align] == [
        Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight]
    row = [table.cellAt(1, c).firstCursorPosition().blockFormat().alignment()
           & SIDES for c in range(3)]
    assert row == [a & SIDES for a in align]  # header = body
    cell = table.cellAt(0, 0).format().toTableCellFormat()
    assert cell.leftBorder() > 0 or table.format().border() > 0  # drawn with borders
    assert "numbered item" in text and "paper 1." not in text


def test_screenshots_of_the_editor_and_preview(qtbot, study, shots):
    from companion.ui.notes_editor import NotesEditor

    for mode in ("light", "dark"):
        notes = NotesEditor()
        qtbot.addWidget(notes)
        if mode == "dark":
            notes.setPalette(dark_palette())
        notes.resize(560, 980)
        notes.show()
        notes.show_note(1, NOTE)
        qtbot.waitUntil(lambda n=notes: not n._rendering and n.preview.markdown() == NOTE,
                        timeout=10_000)
        QApplication.processEvents()
        notes.grab().save(str(shots / f"notes-highlighted-{mode}.png"))
