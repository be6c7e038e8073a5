"""Restoring from the GUI, and every kind of problem with the data at start-up.

File > Restore from backup lists each backup with what it holds, asks first (the
backup's counts beside the current ones), and keeps the data it replaces as "Before
restore", so restoring that undoes it. All through the real dialogs, clicked.

Each start-up problem gets its own question: a locked, read-only or full disk only
offers "Try again" (restoring over a healthy file would hide newer notes); a
damaged file offers the newest good backup; a missing or zero-byte file with a
backup offers that backup instead of a fresh start. The problems are real: a
second process holds the lock, a real tmpfs is full or read-only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from companion import paths
from companion.app import open_study_interactively
from companion.storage import backup, chats, notes, progress, quiz
from companion.study import Study
from companion.ui import dialogs, startup
from tests.locker import locked
from tests.small_disk import fill, make_read_only, small_disk


class Answers:
    """Stands in for the start-up questions: records each, answers from a script."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.asked: list[tuple[str, str, list[str]]] = []

    def __call__(self, _parent, title: str, text: str, options: list[str], _icon="") -> str:
        self.asked.append((title, text, list(options)))
        return self.script.pop(0) if self.script else "Quit"


def _answers(monkeypatch, *script: str) -> Answers:
    answers = Answers(*script)
    monkeypatch.setattr(startup, "ask_choice", answers)
    return answers


def _study_with_note(text: str = "keep me", day: int = 2, backed_up: bool = True) -> None:
    study = Study.open()
    notes.save(study.db, day, text)
    if backed_up:
        backup.make_backup(study.db_path, paths.backups_dir())
    study.close()


def _open_restore(qtbot, window) -> dialogs.RestoreDialog:
    """File > Restore from backup…, and wait until every file is counted (on a worker)."""
    window.restoreRequested.emit()
    dialog = window.features.backups.dialog
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.current_known and all(
        b.path in dialog.contents for b in backup.list_backups(paths.backups_dir())),
        timeout=30_000)  # the shared pool may first finish the tutor's warm-up
    return dialog


def _row_texts(dialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def _confirm(qtbot, dialog, answer: str) -> None:
    """Press Restore… in the list, then ``answer`` in the confirmation."""
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    box = dialog.confirmation
    assert box is not None and box.isVisible()  # asked first: nothing restored yet
    button = dialog.confirm_button if answer == "Restore" else box.button(
        QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_restore_asks_first_shows_what_each_holds_and_can_be_undone(qtbot, window, shots):
    db = window.study.db
    tasks = [t.id for t in window.study.course.day(4).tasks]
    progress.set_done(db, tasks[0], 4, True)
    notes.save(db, 4, "version one")
    made = backup.make_backup(window.study.db_path, paths.backups_dir())
    notes.save(db, 4, "version two")
    notes.save(db, 5, "a second note, after the backup")
    progress.set_done(db, tasks[1], 4, True)
    chat = chats.create(db, "About attention", 4)
    chats.add_message(db, chat, "user", "What is attention?")
    quiz.record_attempt(db, None, "d04-q1", 4, 1, True)
    window.show_day(4)

    dialog = _open_restore(qtbot, window)
    title = dialogs.backup_title(made)
    assert title == f"Backup from {dialogs.when(made.made_at)}"
    assert _row_texts(dialog) == [f"{title}\n1 task done · 1 note · 0 chats · 0 quiz attempts"]
    assert dialog.now.text() == "Your data now: 2 tasks done · 2 notes · 1 chat · 1 quiz attempt"
    dialog.grab().save(str(shots / "restore-dialog.png"))

    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    box = dialog.confirmation
    text = box.text()
    assert f"Restore <b>{title}</b>?" in text
    for label, then, now in [("Tasks done", 1, 2), ("Notes", 1, 2), ("Chats", 0, 1),
                             ("Quiz attempts", 0, 1)]:
        assert (f"<td>{label}</td><td align='right'><b>{then}</b></td>"
                f"<td align='right'>{now}</td>") in text
    assert "holds less than you have now" in text and "Before restore" in text
    box.grab().save(str(shots / "restore-confirmation.png"))
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and notes.body(window.study.db, 4) == "version two"  # said no

    with qtbot.waitSignal(window.changed):
        _confirm(qtbot, dialog, "Restore")
    assert not dialog.isVisible()
    assert notes.body(window.study.db, 4) == "version one" == window.notes.text()
    assert notes.body(window.study.db, 5) == ""
    assert "Before restore" in window.statusBar().currentMessage()

    # the data it replaced is listed first, as "Before restore", with what it holds
    dialog = _open_restore(qtbot, window)
    replaced = [b for b in backup.list_backups(paths.backups_dir()) if b.kind == "replaced"]
    assert len(replaced) == 1
    rows = _row_texts(dialog)
    assert rows[0] == (f"Before restore ({dialogs.when(replaced[0].made_at)})\n"
                       "2 tasks done · 2 notes · 1 chat · 1 quiz attempt")
    assert rows[1].startswith(title)
    assert dialog.now.text() == "Your data now: 1 task done · 1 note · 0 chats · 0 quiz attempts"
    dialog.grab().save(str(shots / "restore-dialog-undo.png"))
    with qtbot.waitSignal(window.changed):
        _confirm(qtbot, dialog, "Restore")  # undo: everything from before is back
    assert notes.body(window.study.db, 4) == "version two" == window.notes.text()
    assert notes.body(window.study.db, 5) == "a second note, after the backup"
    assert len(chats.list_chats(window.study.db)) == 1
    assert set(tasks[:2]) <= set(progress.done_tasks(window.study.db))


def test_backup_times_read_as_a_person_says_them():
    today = dt.date(2026, 11, 29)
    assert dialogs.when(dt.datetime(2026, 11, 29, 14, 2), today) == "today 14:02"
    assert dialogs.when(dt.datetime(2026, 11, 28, 9, 10), today) == "yesterday 09:10"
    assert dialogs.when(dt.datetime(2026, 11, 2, 8, 0), today) == "Mon 02 Nov 2026, 08:00"


def test_an_unreadable_backup_is_listed_but_not_offered(qtbot, window):
    notes.save(window.study.db, 4, "mine")
    made = backup.make_backup(window.study.db_path, paths.backups_dir())
    made.path.write_bytes(b"not a database at all" * 100)
    dialog = _open_restore(qtbot, window)
    assert _row_texts(dialog) == [f"{dialogs.backup_title(made)}\nCannot be read (damaged?)"]
    assert not dialog.restore_button.isEnabled()
    QTest.keyClick(dialog.list, Qt.Key.Key_Return)  # Enter on it asks nothing, restores nothing
    assert dialog.confirmation is None and notes.body(window.study.db, 4) == "mine"
    dialog.reject()


def test_no_backups_yet_says_so(qtbot, window):
    window.restoreRequested.emit()
    dialog = window.features.backups.dialog
    assert dialog.list.count() == 1 and "No backups yet" in dialog.list.item(0).text()
    assert not dialog.restore_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.current_known, timeout=10_000)
    dialog.reject()


def test_damaged_database_offers_the_newest_good_backup(qtbot, companion_home, monkeypatch):
    _study_with_note()
    path = paths.database_path()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))
    answers = _answers(monkeypatch, "Restore the backup")
    restored = open_study_interactively()
    assert restored is not None and "Restore the newest good backup" in answers.asked[0][1]
    assert notes.body(restored.db, 2) == "keep me"
    replaced = [b for b in backup.list_backups(paths.backups_dir()) if b.kind == "replaced"]
    assert len(replaced) == 1 and replaced[0].path.read_bytes()[100:200] == b"\xff" * 100
    restored.close()


def test_damaged_database_without_backup_is_left_untouched(qtbot, companion_home, monkeypatch):
    _study_with_note(backed_up=False)
    path = paths.database_path()
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    answers = _answers(monkeypatch)
    assert open_study_interactively() is None
    assert path.read_bytes() == bytes(data)
    title, text, options = answers.asked[0]
    assert title == "Damaged database" and "no backup" in text and options == ["Quit"]


def test_a_locked_database_says_in_use_offers_no_restore_and_moves_nothing(
        qtbot, companion_home, monkeypatch):
    _study_with_note()
    path = paths.database_path()

    def files() -> list[str]:  # the locker's own -wal/-shm come and go; they are not ours
        return sorted(p.name for p in companion_home.rglob("*")
                      if not p.name.endswith(("-wal", "-shm")))

    before, content = files(), path.read_bytes()
    with locked(path, "exclusive"):
        answers = _answers(monkeypatch, "Try again", "Quit")
        assert open_study_interactively() is None
    assert len(answers.asked) == 2  # asked, tried again (still locked), asked again
    for title, text, options in answers.asked:
        assert title == "Your data is in use" and "in use by another program" in text
        assert options == ["Try again", "Quit"]  # no restore, no fresh start
    assert files() == before and path.read_bytes() == content  # nothing moved or written
    answers = _answers(monkeypatch)
    study = open_study_interactively()  # the other program is gone: it just opens
    assert study is not None and notes.body(study.db, 2) == "keep me" and not answers.asked
    study.close()


def test_a_read_only_data_folder_says_read_only(qtbot, tmp_path, monkeypatch):
    with small_disk(tmp_path / "disk", 8192) as disk:
        monkeypatch.setenv("COMPANION_HOME", str(disk))
        _study_with_note(backed_up=True)
        make_read_only(disk)
        answers = _answers(monkeypatch)
        assert open_study_interactively() is None
        title, text, options = answers.asked[0]
        assert title == "Your data is read-only" and "read-only" in text
        assert options == ["Try again", "Quit"]


def test_a_full_disk_at_start_says_disk_full(qtbot, tmp_path, monkeypatch):
    with small_disk(tmp_path / "disk", 8192) as disk:
        monkeypatch.setenv("COMPANION_HOME", str(disk))
        _study_with_note(backed_up=False)
        fill(disk)
        answers = _answers(monkeypatch, "Try again")
        assert open_study_interactively() is None
        assert [a[0] for a in answers.asked] == ["The disk is full", "The disk is full"]
        assert answers.asked[0][2] == ["Try again", "Quit"]
        (disk / "filler.bin").unlink()  # the learner frees some space and tries again
        answers = _answers(monkeypatch)
        study = open_study_interactively()
        assert study is not None and notes.body(study.db, 2) == "keep me"
        study.close()


@pytest.mark.parametrize("state", ["zero bytes", "missing"])
def test_an_emptied_database_offers_the_backup_not_a_fresh_start(
        qtbot, companion_home, monkeypatch, state):
    _study_with_note("written before the file was lost")
    path = paths.database_path()
    if state == "missing":
        path.unlink()
    else:
        path.write_bytes(b"")
    answers = _answers(monkeypatch, "Restore the backup")
    study = open_study_interactively()
    assert study is not None
    title, text, options = answers.asked[0]
    assert title == "Your data is missing" and options[0] == "Restore the backup"
    assert notes.body(study.db, 2) == "written before the file was lost"
    study.close()


def test_starting_fresh_keeps_the_good_backup(qtbot, companion_home, monkeypatch):
    _study_with_note("the good one")
    good = backup.list_backups(paths.backups_dir())[0]
    paths.database_path().write_bytes(b"")
    _answers(monkeypatch, "Start fresh")
    study = open_study_interactively()
    assert study is not None and notes.body(study.db, 2) == ""
    for _ in range(backup.KEEP_RECENT + 3):
        study.backups.make(force=True)
    assert good.path.exists()  # empty backups never push out the one with the learner's work
    study.close()


def test_a_file_that_is_not_a_database_is_not_offered_a_restore(qtbot, companion_home,
                                                                 monkeypatch):
    _study_with_note()
    path = paths.database_path()
    path.write_bytes(b"<html>a web page saved over the database</html>" * 50)
    answers = _answers(monkeypatch)
    assert open_study_interactively() is None
    title, text, options = answers.asked[0]
    assert title == "Not a study database" and options == ["Try again", "Quit"]
    assert "move it out of" in text and path.read_bytes().startswith(b"<html>")


def test_the_app_on_a_read_only_data_folder_says_so_and_quits(qtbot, tmp_path, monkeypatch):
    from companion import app

    with small_disk(tmp_path / "disk", 8192) as disk:
        monkeypatch.setenv("COMPANION_HOME", str(disk))
        _study_with_note(backed_up=False)
        make_read_only(disk)  # not even the instance lock file can be created
        answers = _answers(monkeypatch)
        assert app.run_gui() == 1
        assert answers.asked[0][0] == "Your data is read-only"
        monkeypatch.setenv("COMPANION_HOME", str(disk / "new-folder"))  # cannot be created
        answers = _answers(monkeypatch)
        assert app.run_gui() == 1
        assert "data folder cannot be created" in answers.asked[0][1]
