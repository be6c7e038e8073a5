"""The main window as a learner uses it: tick, type, switch, close, reopen."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest

from companion.storage import notes, progress
from companion.study import Study
from tests.conftest import SHOTS


def test_opens_on_today_with_lesson_checklist_and_notes(window):
    assert window.notes.day == 4  # started 3 days ago
    assert window.lesson.toPlainText().startswith("Day 4: The Transformer")
    assert "Multi-head attention" in window.lesson.toPlainText()
    assert window.checklist.count() >= 4
    assert window.day_list.today() == window.day_list.current_day() == 4
    assert window.day_list.currentItem().text(0).startswith("▸ 4. ")


def test_tick_type_switch_close_reopen_keeps_everything(qtbot, window, study):
    row = window.checklist.rows[0]
    task_id = row.task.id
    row.box.setChecked(True)
    assert task_id in progress.done_tasks(study.db)  # saved at once
    assert window.progress_bar.value() == 1

    window.notes.editor.setFocus()
    QTest.keyClicks(window.notes.editor, "Attention is a weighted average.")
    window.step_day(1)  # switching days saves the note
    assert window.notes.day == 5
    assert notes.body(study.db, 4) == "Attention is a weighted average."

    QTest.keyClicks(window.notes.editor, "Day five thoughts")
    window.close()  # closing saves too
    study.close()

    reopened = Study.open(study.db_path)
    assert notes.body(reopened.db, 5) == "Day five thoughts"
    assert task_id in progress.done_tasks(reopened.db)
    reopened.close()


def test_autosave_fires_within_a_second_while_typing(qtbot, window, study):
    QTest.keyClicks(window.notes.editor, "typed")
    qtbot.waitUntil(lambda: notes.body(study.db, 4) == "typed", timeout=1500)


def test_next_previous_shortcuts(qtbot, window):
    QTest.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.notes.day == 5
    QTest.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.notes.day == 4


def test_search_jumps_to_the_section(qtbot, window):
    window.show_day(1)
    window.open_search()
    dialog = window._search_dialog
    QTest.keyClicks(dialog.query, "multi-head attention")
    dialog.run_search()
    assert dialog.results.count() > 0
    QTest.keyClick(dialog.query, Qt.Key.Key_Return)
    assert window.notes.day == 4


def test_lesson_links_are_not_followed_and_nothing_remote_loads(window):
    import re

    assert window.lesson.openLinks() is False
    html = window.lesson.toHtml()
    # the only images are the course's own figures, loaded from the package
    assert all(src.startswith("figures/") for src in re.findall(r'<img src="([^"]*)"', html))
    assert window.lesson.loadResource(2, QUrl("http://example.com/x.png")) is None
    assert window.lesson.loadResource(2, QUrl("figures/../../etc/passwd")) is None
    window.notes.preview.figures = False
    assert window.notes.preview.loadResource(2, QUrl("figures/day04-causal-mask.svg")) is None


def test_notes_preview_sanitizes_html(qtbot, window):
    window.notes.editor.setPlainText('<script>alert(1)</script><img src="http://x/y.png"> **bold**')
    window.notes._update_preview()
    html = window.notes.preview.toHtml()
    assert "alert" not in html and "<img" not in html and "bold" in html


def test_every_lesson_shows_its_figures(window):
    from PySide6.QtGui import QTextImageFormat

    for day in window.study.course.days:
        window.show_day(day.number)
        doc = window.lesson.document()
        images = []
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    images.append(QTextImageFormat(fmt).name())
                it += 1
            block = block.next()
        assert images == [path for _s, _alt, path in day.figures()]
        for name in images:  # each one really loads (a missing file would be None)
            assert window.lesson.loadResource(2, QUrl(name)) is not None


def test_f1_lists_every_action_that_has_a_shortcut(qtbot, window):
    from PySide6.QtGui import QAction

    from companion.ui.help import ShortcutsDialog

    with_keys = {a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()
                 and a.associatedObjects()}
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is not None) or \
        window.findChild(ShortcutsDialog)
    listed = set(dialog.listed())
    for action in with_keys:
        keys = action.shortcut().toString()
        assert any(k == keys for k, _ in listed), f"{action.text()} ({keys}) is missing"
    assert ("F1", "Keyboard shortcuts") in listed and ("Ctrl+K", "Search") in listed
    dialog.filter.setText("quiz")
    visible = [r for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert visible and all("quiz" in " ".join(dialog.table.item(r, c).text().lower()
                                              for c in range(3)) for r in visible)
    dialog.grab().save(str(SHOTS / "shortcuts.png"))
    dialog.close()


def test_about_names_the_version_model_and_data_folder(window):
    from companion import __version__, paths

    dialog = window.features.help.show_about()
    text = dialog.label.text()
    assert __version__ in text and str(paths.data_dir()) in text and "Apache-2.0" in text
    dialog.close()


def test_lesson_links_open_the_lab_copy_and_explain_code(qtbot, window, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    day = window.study.course.day(4)
    window.show_day(4)
    html = window.lesson.toHtml()
    lab_sections = [s for s in day.sections if s.lab]
    assert lab_sections and html.count("Try it in the Lab") == len(lab_sections)
    runnable = [n.block for n in day.code if n.runnable]
    assert f"lab:run-code?day=4&amp;block={runnable[0]}" in html
    assert html.count("code:copy/4/") == len(day.code_blocks())

    opened = []
    monkeypatch.setattr(window.features.lab, "open",
                        lambda exp, text="", day=None, block=None: opened.append((exp, day, block)))
    window.lesson.anchorClicked.emit(QUrl(f"lab:run-code?day=4&block={runnable[0]}"))
    assert opened[-1] == ("run-code", 4, runnable[0])
    window.lesson.anchorClicked.emit(QUrl(f"code:copy/4/{runnable[0]}"))
    assert QGuiApplication.clipboard().text() == day.code_blocks()[runnable[0] - 1].code

    explained = []
    monkeypatch.setattr(window.features.explain, "explain",
                        lambda code, language: explained.append((code, language)))
    window.lesson.anchorClicked.emit(QUrl(f"code:explain/4/{runnable[0]}"))
    assert explained == [(day.code_blocks()[runnable[0] - 1].code, "python")]

    task_with_lab = next(r for r in window.checklist.rows if r.task.lab)
    task_with_lab.lab_button.click()
    assert opened[-1] == (task_with_lab.task.lab, 4, None)


def test_a_tick_that_cannot_be_saved_is_undone_and_said(window, monkeypatch):
    from companion.storage.problems import locked_error

    row = window.checklist.rows[0]

    def locked(*_args):
        raise locked_error(window.study.db_path)

    monkeypatch.setattr("companion.storage.progress.set_done", locked)
    row.box.setChecked(True)
    assert not row.box.isChecked()  # the box shows what is saved
    assert "in use by another program" in window.statusBar().currentMessage()
