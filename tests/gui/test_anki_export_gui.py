"""File > Export > Anki deck…: the menu entry, and an export that runs off the GUI thread."""

from __future__ import annotations

import sqlite3
import zipfile

from companion.ui.anki_export import AnkiExport


def test_the_menu_entry_sits_with_the_other_export(window):
    feature = AnkiExport(window)
    texts = [a.text().replace("&", "") for a in window.file_menu.actions()]
    assert "Export Anki deck…" in texts
    assert texts.index("Export Anki deck…") == texts.index("Export notes…") + 1
    assert feature.action.isEnabled()


def test_exporting_writes_a_deck_and_reports_it(qtbot, window, tmp_path):
    feature = AnkiExport(window)
    target = tmp_path / "llm"
    with qtbot.waitSignal(feature.exported, timeout=30_000) as done:
        feature.export_to(target)  # no suffix: .apkg is added
    path = done.args[0]
    assert path.name == "llm.apkg" and zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as z:
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    count = con.execute("SELECT count(*) FROM notes").fetchone()[0]
    con.close()
    assert count == sum(len(d.quiz) for d in window.study.course.days)
    assert "Exported the cards to" in window.statusBar().currentMessage()


def test_a_failed_export_is_one_line_in_the_status_bar(qtbot, window, tmp_path):
    feature = AnkiExport(window)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with qtbot.waitSignal(feature.failed, timeout=30_000) as failed:
        feature.export_to(blocker / "cards.csv")
    message = failed.args[0]
    assert "\n" not in message and message
    assert window.statusBar().currentMessage().startswith("Export failed: ")
    assert feature.op is None  # ready for another try
