"""Backups of the study database, and restoring one."""

from __future__ import annotations

from companion import paths
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import backup
from companion.storage.backup import Backup


class BackupService(Service):
    def make(self, force: bool = False) -> Backup | None:
        """A backup if anything changed since the last one (or always, with ``force``)."""
        return backup.make_backup(self._study.db_path, paths.backups_dir(), force=force)

    def list(self) -> list[Backup]:
        """Backups, and the files earlier restores replaced (to undo them), newest first."""
        return backup.list_backups(paths.backups_dir())

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
