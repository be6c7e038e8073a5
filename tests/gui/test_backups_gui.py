"""Restoring from the GUI, and a damaged database at start-up."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from companion import paths
from companion.app import open_study_interactively
from companion.storage import backup, notes
from companion.study import Study
from companion.ui import dialogs


def test_restore_from_backup_menu_brings_back_older_notes(qtbot, window, monkeypatch):
    notes.save(window.study.db, 4, "version one")
    made = backup.make_backup(window.study.db_path, paths.backups_dir())
    notes.save(window.study.db, 4, "version two")
    window.show_day(4)

    dialog_backups = []

    def pick_first(self):  # the learner picks the backup made above and clicks Restore
        dialog_backups.extend(self.list.item(i).text() for i in range(self.list.count()))
        for i in range(self.list.count()):
            if self.list.item(i).data(256).path == made.path:
                self.list.setCurrentRow(i)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs.RestoreDialog, "exec", pick_first)
    window.restoreRequested.emit()
    assert dialog_backups and "KB" in dialog_backups[0]  # listed with date and size
    assert notes.body(window.study.db, 4) == "version one"
    assert window.notes.text() == "version one"
    # the restore itself was backed up first, so "version two" can still be recovered
    assert any(b.path != made.path for b in backup.list_backups(paths.backups_dir()))


def test_damaged_database_offers_the_newest_good_backup(qtbot, companion_home, monkeypatch):
    study = Study.open()
    notes.save(study.db, 2, "keep me")
    backup.make_backup(study.db_path, paths.backups_dir())
    study.close()
    path = paths.database_path()
    data = bytearray(path.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    path.write_bytes(bytes(data))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    restored = open_study_interactively()
    assert restored is not None and "Restore the newest good backup" in asked[0]
    assert notes.body(restored.db, 2) == "keep me"
    assert list(path.parent.glob("companion.db.replaced-*"))  # damaged file kept aside
    restored.close()


def test_damaged_database_without_backup_is_left_untouched(qtbot, companion_home, monkeypatch):
    path = paths.database_path()
    path.write_bytes(b"not a database" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    assert open_study_interactively() is None
    assert "no backup" in shown[0] and path.read_bytes().startswith(b"not a database")
