"""One place that turns the learner's choice (a model file or a server) into an engine.

The GUI hands ``EnginePlan.factory`` to ``Inference.load_engine`` (the engine is
made on the inference thread); the CLI calls it directly. A plan also carries what
to say when the choice cannot be honoured and what to fall back to, so no caller
ever switches models without telling the learner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from companion.tutor import api_key, model_files
from companion.tutor.engine import Engine, ModelError

EngineFactory = Callable[[], Engine]


@dataclass(frozen=True)
class EngineChoice:
    """What the learner chose, as saved in settings."""

    kind: str = "file"  # "file" (a GGUF; path None = the built-in model) or "server"
    path: str | None = None
    url: str | None = None
    model: str | None = None  # the server's model id (None: its first)
    key_env: str | None = None  # environment variable holding the server's API key

    @property
    def is_server(self) -> bool:
        return self.kind == "server"


@dataclass
class EnginePlan:
    """How to make the engine, what to call it, and what to do if it cannot be made."""

    factory: EngineFactory
    where: str  # a path or a URL (the status bar's tooltip)
    label: str  # what the learner sees while it loads
    problem: str | None = None  # said before loading: the choice could not be honoured
    fallback: EnginePlan | None = None  # tried (after saying why) if the factory fails
    is_default: bool = False  # the built-in model: where "a stronger one" can be suggested


def file_factory(path: Path) -> EngineFactory:
    def make() -> Engine:
        from companion.tutor.llama_engine import LlamaEngine  # slow import: only when loading

        return LlamaEngine(Path(path))
    return make


def server_factory(url: str, model: str | None = None, key: str | None = None,
                   key_lookup: Callable[[], str | None] | None = None,
                   **timeouts: float) -> EngineFactory:
    """``key_lookup`` runs inside the factory: a keyring may block (an unlock prompt), and
    the factory runs on the inference thread, never the GUI's."""
    def make() -> Engine:
        from companion.tutor.server_engine import ServerEngine

        found = key if key is not None or key_lookup is None else key_lookup()
        return ServerEngine(url, model or None, found, **timeouts)
    return make


def default_plan() -> EnginePlan:
    """The built-in model (the bundled GGUF, or one shipped beside the app)."""
    path = model_files.default_model()
    if path is None:
        raise ModelError("No tutor model found: reinstall the app or add a .gguf model in "
                         "the model manager.")
    return EnginePlan(file_factory(path), str(path), path.stem, is_default=True)


def server_key(choice: EngineChoice) -> str | None:
    if choice.key_env:
        return api_key.from_env(choice.key_env)
    return api_key.load(choice.url or "")


def plan_for(choice: EngineChoice) -> EnginePlan:
    """The plan for ``choice``; the built-in model is the fallback, announced, never silent."""
    if choice.is_server:
        if not choice.url:
            raise ModelError("The tutor is set to use a server but no address is saved: set "
                             "one in Models → Use a server….")
        label = f"{choice.model or 'the first model'} @ {choice.url}"
        plan = EnginePlan(server_factory(choice.url, choice.model,
                                         key_lookup=lambda: server_key(choice)),
                          choice.url, label)
        plan.fallback = _fallback()
        return plan
    resolved = model_files.resolve_choice(choice.path)
    default = model_files.default_model()
    is_default = default is not None and resolved.path.resolve() == default.resolve()
    plan = EnginePlan(file_factory(resolved.path), str(resolved.path), resolved.path.stem,
                      problem=resolved.problem, is_default=is_default)
    if not is_default:
        plan.fallback = _fallback()
    return plan


def _fallback() -> EnginePlan | None:
    try:
        return default_plan()
    except ModelError:
        return None


def cli_engine(model: str | None = None, server: str | None = None,
               server_model: str | None = None, api_key_env: str | None = None,
               saved: EngineChoice | None = None,
               warn: Callable[[str], None] | None = None) -> Engine:
    """The engine for one CLI command: ``--server``/``--model`` first, else the saved choice.

    A saved choice that cannot be used falls back to the built-in model only after
    ``warn`` (stderr) says why; an explicit ``--model``/``--server`` never falls back.
    """
    if server:
        return server_factory(server, server_model, api_key.from_env(api_key_env))()
    if model:
        if not Path(model).expanduser().is_file():
            raise ModelError(f"Model file not found: {model}")
        return file_factory(Path(model).expanduser())()
    plan = plan_for(saved or EngineChoice())
    say = warn or (lambda _line: None)
    if plan.problem:
        say(plan.problem)
    try:
        return plan.factory()
    except ModelError as exc:
        if plan.fallback is None:
            raise
        say(f"{exc} Using {plan.fallback.label} instead.")
        return plan.fallback.factory()
