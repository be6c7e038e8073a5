"""Which model the tutor uses (a file or a server), the installed model files, the catalog."""

from __future__ import annotations

from pathlib import Path

from companion.jobs import JobContext
from companion.services.base import Service
from companion.services.changes import Changes
from companion.storage import settings
from companion.tutor import api_key, catalog, engines, model_check, model_files
from companion.tutor.catalog import CatalogEntry
from companion.tutor.engine import ModelError
from companion.tutor.engines import EngineChoice, EnginePlan
from companion.tutor.model_files import ModelInfo


class ModelService(Service):
    def choice(self) -> str | None:
        """What the learner chose: a path, or None for the bundled model."""
        return settings.get(self._db, settings.TUTOR_MODEL) or None

    def choose(self, path: Path | None) -> Changes:
        """Use ``path`` for the tutor from now on (None: back to the bundled model)."""
        settings.put(self._db, settings.TUTOR_MODEL, str(path) if path else "")
        settings.put(self._db, settings.TUTOR_ENGINE, "file")
        return self._publish(Changes(settings=True))

    def use_bundled(self) -> Changes:
        """Back to the model that ships with the app (the server settings are kept)."""
        return self.choose(None)

    def use_server(self, url: str, model: str | None = None, key: str | None = None,
                   key_env: str | None = None) -> Changes:
        """Answer with the OpenAI-compatible server at ``url`` from now on.

        ``key`` goes to the keyring (or a private file), never into this database;
        with ``key_env`` only the environment variable's name is saved.
        """
        from companion.tutor.server_client import normalize_url

        url = normalize_url(url)
        settings.put(self._db, settings.SERVER_URL, url)
        settings.put(self._db, settings.SERVER_MODEL, model or "")
        settings.put(self._db, settings.SERVER_KEY_ENV, key_env or "")
        if not key_env:
            api_key.save(url, key)
        settings.put(self._db, settings.TUTOR_ENGINE, "server")
        return self._publish(Changes(settings=True))

    def engine_choice(self) -> EngineChoice:
        """What the learner chose, file or server, as saved."""
        get = lambda key: settings.get(self._db, key) or None  # noqa: E731
        if get(settings.TUTOR_ENGINE) == "server":
            return EngineChoice("server", url=get(settings.SERVER_URL),
                                model=get(settings.SERVER_MODEL),
                                key_env=get(settings.SERVER_KEY_ENV))
        return EngineChoice("file", path=get(settings.TUTOR_MODEL))

    def server_settings(self) -> EngineChoice:
        """The saved server (also while a file is in use), for the dialog to start from."""
        get = lambda key: settings.get(self._db, key) or None  # noqa: E731
        return EngineChoice("server", url=get(settings.SERVER_URL),
                            model=get(settings.SERVER_MODEL), key_env=get(settings.SERVER_KEY_ENV))

    def server_key(self, url: str) -> str | None:
        return api_key.load(url)

    def engine_plan(self) -> EnginePlan:
        """How to make the tutor's engine now, with what to say and fall back to if it fails."""
        return engines.plan_for(self.engine_choice())

    def in_use(self) -> Path | None:
        """The file the tutor loads (None: a server, or no model at all)."""
        if self.engine_choice().is_server:
            return None
        try:
            return model_files.resolve_choice(self.choice()).path.resolve()
        except ModelError:
            return None

    def resolve(self) -> Path:
        return model_files.resolve_model(self.choice())

    def default_model(self) -> Path | None:
        return model_files.default_model()

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

    def suggestion(self) -> catalog.Suggestion | None:
        """A stronger catalog model that fits this computer, unless the learner waved it off."""
        found = catalog.suggest(catalog.load_catalog(), catalog.available_ram())
        if found is None or settings.get(self._db, settings.MODEL_SUGGESTION_DISMISSED) \
                == found.entry.id:
            return None
        return found

    def dismiss_suggestion(self, entry_id: str) -> Changes:
        settings.put(self._db, settings.MODEL_SUGGESTION_DISMISSED, entry_id)
        return self._publish(Changes(settings=True))

    def download(self, entry: CatalogEntry, ctx: JobContext | None = None) -> Path:
        from companion.tutor.download import download

        ctx = ctx or JobContext()
        path = download(entry, ctx.report, ctx.cancel_event)
        self._publish(Changes(models=True))
        return path
