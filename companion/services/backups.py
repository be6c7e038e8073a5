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
        return backup.list_backups(paths.backups_dir())

    def restore(self, chosen: Backup) -> Changes:
        """Replace the database with ``chosen``; the current one is backed up first."""
        self.make(force=True)  # so the restore itself can be undone
        self._study.close()
        try:
            backup.restore(chosen.path, self._study.db_path)
        finally:
            self._study.reopen()
        return self._publish(Changes(study=True))
