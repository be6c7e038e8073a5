"""Backups of the study database, what each holds, and restoring one."""

from __future__ import annotations

from companion import paths
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import backup
from companion.storage.backup import Backup, Contents

__all__ = ["Backup", "BackupService", "Contents"]


class BackupService(Service):
    def make(self, force: bool = False) -> Backup | None:
        """A backup if anything changed since the last one (or always, with ``force``)."""
        return backup.make_backup(self._study.db_path, paths.backups_dir(), force=force)

    def list(self) -> list[Backup]:
        """Backups, and the files earlier restores replaced (to undo them), newest first."""
        return backup.list_backups(paths.backups_dir())

    def contents(self, chosen: Backup | None = None) -> Contents | None:
        """What ``chosen`` holds (tasks done, notes, chats, quiz attempts), or with None what
        the data in use holds now. Read-only through its own connection, so it is safe on a
        worker thread; None if the file cannot be read."""
        return backup.contents(chosen.path if chosen is not None else self._study.db_path)

    def restore(self, chosen: Backup) -> Changes:
        """Replace the database with ``chosen``.

        The current file is not deleted: it moves into the backups folder as a
        "replaced" entry that ``list`` shows, so restoring it undoes this restore.
        """
        self._study.close()
        try:
            backup.restore(chosen.path, self._study.db_path, keep_in=paths.backups_dir())
        finally:
            self._study.reopen()
        return self._publish(Changes(study=True))
