"""File > Export notes… as a learner uses it, with the real dialogs clicked.

The status bar names the file actually written (``notes (2).md`` after "Keep both",
not the name asked for); the dialog opens with the last format and path (kept in the
layout file beside the data, not the database); problems are one clear line.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from companion import paths
from companion.storage import notes
from companion.ui.notes_export import NotesExport


def _start(window) -> NotesExport:
    window.export_notes()
    flow = window._notes_export
    assert flow.dialog.isVisible()
    return flow


def _export_to(qtbot, window, fmt: str, target) -> NotesExport:
    flow = _start(window)
    dialog = flow.dialog
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.path.setText(str(target))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return flow


def _click(qtbot, box: QMessageBox, label: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == label)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_keep_both_says_the_name_really_written(qtbot, window, tmp_path, shots):
    notes.save(window.study.db, 4, "# My summary\nAttention mixes tokens.")
    target = tmp_path / "notes.md"
    target.write_text("an older export, kept")
    flow = _export_to(qtbot, window, "single", target)
    box = flow.question
    assert box is not None and "notes.md already exists" in box.text()
    box.grab().save(str(shots / "export-clash.png"))
    with qtbot.waitSignal(flow.written, timeout=10_000) as written:
        _click(qtbot, box, "Keep both")
    kept = tmp_path / "notes (2).md"
    assert written.args[0] == [kept]
    assert window.statusBar().currentMessage() == f"Exported your notes to {kept}"
    assert target.read_text() == "an older export, kept"
    text = kept.read_text()
    assert "## Day 4: " in text and "\n### My summary\n" in text  # under the day's heading


def test_overwrite_and_a_vault_name_what_was_written(qtbot, window, tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("old")
    flow = _export_to(qtbot, window, "single", target)
    with qtbot.waitSignal(flow.written, timeout=10_000):
        _click(qtbot, flow.question, "Overwrite")
    assert window.statusBar().currentMessage() == f"Exported your notes to {target}"
    assert target.read_text().startswith("# My LLM study notes")

    vault = tmp_path / "vault"
    flow = _export_to(qtbot, window, "vault", vault)
    with qtbot.waitSignal(flow.written, timeout=10_000) as written:
        pass  # a new folder: no question
    files = written.args[0]
    assert len(files) == 14 and all(p.parent == vault for p in files)
    assert window.statusBar().currentMessage() == (
        f"Exported 14 files to {vault}: {files[0].name} … {files[-1].name}")


def test_the_dialog_remembers_format_and_path_beside_the_data(qtbot, window, tmp_path, shots):
    single, vault = tmp_path / "a" / "mine.md", tmp_path / "b" / "My vault"
    for fmt, target in (("single", single), ("vault", vault)):
        flow = _export_to(qtbot, window, fmt, target)
        with qtbot.waitSignal(flow.written, timeout=10_000):
            pass
    flow = _start(window)  # opens as last time: the vault, where it went
    dialog = flow.dialog
    assert (dialog.fmt(), dialog.target()) == ("vault", vault)
    dialog.format.setCurrentIndex(dialog.format.findData("single"))
    assert dialog.target() == single  # each format keeps its own last path
    dialog.grab().save(str(shots / "export-dialog.png"))
    dialog.reject()
    store = QSettings(str(paths.data_dir() / "layout.ini"), QSettings.Format.IniFormat)
    assert store.value("export/format") == "vault" and store.value("export/single") == str(
        single)


def test_a_vault_over_a_file_is_one_clear_line_and_writes_nothing(qtbot, window, tmp_path):
    (tmp_path / "out").mkdir()
    a_file = tmp_path / "out" / "notes.md"
    a_file.write_text("mine")
    flow = _export_to(qtbot, window, "vault", a_file)
    box = flow.question
    assert box is not None and box.text() == f"{a_file} is a file; a vault export needs a folder."
    with qtbot.waitSignal(flow.ended):
        _click(qtbot, box, "OK")
    assert a_file.read_text() == "mine" and list(a_file.parent.iterdir()) == [a_file]


def test_an_empty_path_cannot_be_exported(qtbot, window):
    flow = _start(window)
    flow.dialog.path.setText("  ")
    assert not flow.dialog.export_button.isEnabled()
    flow.dialog.reject()
