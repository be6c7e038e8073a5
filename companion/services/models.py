"""Which model the tutor uses, the installed model files, and the catalog."""

from __future__ import annotations

from pathlib import Path

from companion.jobs import JobContext
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import settings
from companion.tutor import catalog, model_check, model_files
from companion.tutor.catalog import CatalogEntry
from companion.tutor.engine import ModelError
from companion.tutor.model_files import ModelInfo


class ModelService(Service):
    def choice(self) -> str | None:
        """What the learner chose: a path, or None for the bundled model."""
        return settings.get(self._db, settings.TUTOR_MODEL) or None

    def choose(self, path: Path | None) -> Changes:
        """Use ``path`` for the tutor from now on (None: back to the bundled model)."""
        settings.put(self._db, settings.TUTOR_MODEL, str(path) if path else "")
        return self._publish(Changes(settings=True))

    def in_use(self) -> Path | None:
        """The file the tutor loads, or None when none can be found."""
        try:
            return model_files.resolve_model(self.choice()).resolve()
        except ModelError:
            return None

    def resolve(self) -> Path:
        return model_files.resolve_model(self.choice())

    def installed(self) -> list[Path]:
        return model_files.installed_models()

    def is_shipped(self, path: Path) -> bool:
        return model_files.is_shipped(path)

    def info(self, path: Path) -> ModelInfo:
        return model_check.model_info(path)

    def check(self, path: Path) -> None:
        """Make sure ``path`` is safe to load (a child-process trial load if not yet known)."""
        model_check.precheck(path)

    def import_file(self, source: Path) -> Path:
        installed = model_check.import_model(source)
        self._publish(Changes(models=True))
        return installed

    def delete(self, path: Path) -> Changes:
        changes = Changes(models=True)
        if self.in_use() == Path(path).resolve():
            settings.put(self._db, settings.TUTOR_MODEL, "")
            changes = changes | Changes(settings=True)
        model_check.delete_model(path)
        return self._publish(changes)

    def catalog(self) -> list[CatalogEntry]:
        return catalog.load_catalog()

    def download(self, entry: CatalogEntry, ctx: JobContext | None = None) -> Path:
        from companion.tutor.download import download

        ctx = ctx or JobContext()
        path = download(entry, ctx.report, ctx.cancel_event)
        self._publish(Changes(models=True))
        return path
